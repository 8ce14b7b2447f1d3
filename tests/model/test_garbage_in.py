"""Whatever a page pushes or a tag sends becomes verdicts, never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.model.reference import KNOWN_COMMANDS, ReferenceModel
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Cookies, Hit, HitType, Request, Result, Storage

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300)
    | st.just({"__uxa_type__": "function", "repr": "f"}),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
NAMES = st.sampled_from(sorted(KNOWN_COMMANDS)) | st.text(max_size=8)
COMMANDS = st.builds(lambda name, args, loaded, call: Command(payload=[name, *args], tag_loaded=loaded,
                                                              call_id=call),
                     NAMES, st.lists(JSON, max_size=3), st.booleans(), st.sampled_from([None, "c1", "c2"]))
RESULTS = st.builds(lambda call, value, has: Result(call_id=call, returned=value, has_return=has),
                    st.sampled_from(["c1", "c2", "c3"]), JSON, st.booleans())
SMALL = st.none() | st.integers(-2, 5)
HITS = st.builds(
    lambda kind, uu, sn, pn, pvt, identity, props: Hit(
        hit_type=kind, host="c.contentsquare.net", path="/x", pid=1, uu=uu, sn=sn, pn=pn, pvt=pvt,
        identity=identity, properties=props, request=Request(method="GET", url="https://c.contentsquare.net/x")),
    st.sampled_from(list(HitType)), st.none() | st.sampled_from(["", "u1", "u2"]), SMALL, SMALL,
    st.none() | st.sampled_from(["natural", "artificial", "renewal"]), st.none() | st.text(max_size=300),
    st.none() | st.dictionaries(st.text(max_size=5), JSON, max_size=3))
COOKIES = st.builds(lambda uu, sn, pn: Cookies(user_id=uu, session_number=sn, page_number=pn, storage=Storage()),
                    st.none() | st.sampled_from(["", "u1", "u2", "u3"]), SMALL, SMALL)
EVENTS = st.lists(st.tuples(st.one_of(COMMANDS, RESULTS, HITS, COOKIES), st.floats(0, 4000)), max_size=25)


@settings(max_examples=150, deadline=None)
@given(EVENTS)
def test_any_observed_input_gives_verdicts_not_exceptions(events: list[tuple[object, float]]) -> None:
    model = ReferenceModel()
    time = 0.0
    seqs = set()
    for seq, (event, step) in enumerate(events):
        time += step
        model.apply(Envelope.model_validate({"seq": seq, "time": time, "device": "d", "event": event}))
        seqs.add(seq)
    verdicts = model.verdicts + model.finish()
    for verdict in verdicts:
        assert set(verdict.events) <= seqs
        assert verdict.message and "\n" not in verdict.message


def test_messages_stay_one_line_whatever_the_page_sent() -> None:
    model = ReferenceModel()
    model.apply(Envelope(seq=0, time=0.0, event=Command(payload=["addUserProperties", {"a\nb": "x" * 300}])))
    model.apply(Envelope(seq=1, time=1.0, event=Command(payload=["identify", "\nguest\n"])))
    model.apply(Envelope(seq=2, time=2.0, event=Command(payload=["identify\r\n", 1])))
    verdicts = model.verdicts
    assert {"property-value-long", "identity-generic", "command-unknown"} <= {v.rule for v in verdicts}
    assert all(v.message.isprintable() for v in verdicts)
