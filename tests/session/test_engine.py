"""The engine: decode, apply to the model, a step per event (it keeps none itself)."""

from __future__ import annotations

from inspector.model.reference import ModelConfig
from inspector.session.engine import Engine
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Hit, Request, Storage, Tick
from tests.support.script import Script

A, B = "aaaaaaaa-1111", "bbbbbbbb-2222"
PAGEVIEW_URL = ("https://c.contentsquare.net/pageview?pid=1234&uu=6f1c2a3b-9d8e-a7f6-b5c4-d3e2f1a0b9c8"
                "&sn=2&pn=3&url=https%3A%2F%2Fshop.example%2Fcart&v=15.170.2&r=123456")


def test_each_step_keeps_the_event_the_state_after_it_and_its_verdicts() -> None:
    s = Script().pageview(A, 1, 1).push("identify", "cust-1").push("identify", "cust-2").cookies(B, 1, 1)
    engine = Engine()
    steps = engine.feed_many(s.envelopes)
    assert [step.envelope for step in steps] == s.envelopes  # decoded events pass through unchanged
    assert [step.snapshot.devices["laptop"].user_id for step in steps] == [A, A, A, B]
    assert [step.snapshot.seq for step in steps] == [0, 1, 2, 3]
    # The identity change was honoured with a new user but never with a renewal pageview.
    assert engine.verdicts == []
    final = engine.finish()
    assert [v.rule for v in final] == ["renewal-pageview-missing"]
    assert engine.verdicts == final
    assert engine.snapshot().devices["laptop"].pending == ()


def test_judging_without_a_snapshot_gives_the_same_events_verdicts_and_state() -> None:
    s = Script().pageview(A, 1, 1).push("identify", "cust-1").wait(5).pageview(B, 1, 1)
    stepped, judged = Engine(), Engine()
    steps = stepped.feed_many(s.envelopes)
    assert [judged.judge(raw) for raw in s.envelopes] == [(step.envelope, step.verdicts) for step in steps]
    assert judged.snapshot() == stepped.snapshot() and judged.verdicts == stepped.verdicts


def test_verdicts_land_on_the_step_that_caused_them() -> None:
    s = Script().pageview(A, 1, 1).wait(5).pageview(B, 1, 1)
    engine = Engine()
    first, second = engine.feed_many(s.envelopes)
    assert first.verdicts == ()
    assert [v.rule for v in second.verdicts] == ["unexpected-user-id-change"]
    assert second.verdicts[0].events == (second.envelope.seq,)


def test_a_tick_expires_deadlines_live() -> None:
    s = Script().pageview(A, 1, 1).push("identify", "cust-1").push("identify", "cust-2")
    engine = Engine(ModelConfig(deadline_s=10))
    engine.feed_many(s.envelopes)
    early = engine.feed(Envelope(seq=10, time=s.time + 5, device="laptop", event=Tick()))
    assert early.verdicts == ()
    late = engine.feed(Envelope(seq=11, time=s.time + 11, device="laptop", event=Tick()))
    assert {v.rule for v in late.verdicts} == {"identity-change-reset-missing", "renewal-pageview-missing"}
    assert all(v.time <= s.time + 11 for v in late.verdicts)


def test_earlier_snapshots_do_not_change_later() -> None:
    s = Script().pageview(A, 1, 1).push("addUserProperties", {"plan": "free"})
    engine = Engine()
    step = engine.feed_many(s.envelopes)[-1]
    before = step.snapshot.devices["laptop"]
    engine.feed(Envelope(seq=50, time=s.time + 1, device="laptop",
                         event=Command(payload=["addUserProperties", {"plan": "pro"}], tag_loaded=True)))
    assert before.properties == {"plan": "free"}
    assert engine.snapshot().devices["laptop"].properties == {"plan": "pro"}


def test_raw_storage_and_unknown_requests_never_break_the_engine() -> None:
    engine = Engine()
    odd = [Request(method="POST", url="https://c.contentsquare.net/???", body="\x00garbage"),
           Request(method="GET", url="not a url at all"),
           Storage(cookies={"_cs_id": "%%%", "_cs_s": ""})]
    for seq, event in enumerate(odd):
        step = engine.feed(Envelope(seq=seq, time=float(seq), event=event))
        assert step.envelope.seq == seq
    engine.finish()
    # Whatever the decoders make of them, only hit-level rules may fire on such input.
    assert {v.rule for v in engine.verdicts} <= {"hit-missing-ids"}


def test_raw_pageview_request_is_decoded_before_the_model_sees_it() -> None:
    engine = Engine()
    step = engine.feed(Envelope(seq=0, time=1.0, device="laptop", tab="t1",
                                event=Request(method="GET", url=PAGEVIEW_URL, status=200)))
    hit = step.envelope.event
    assert isinstance(hit, Hit)
    assert (step.envelope.seq, step.envelope.device, step.envelope.tab) == (0, "laptop", "t1")
    assert (hit.uu, hit.sn, hit.pn) == ("6f1c2a3b-9d8e-a7f6-b5c4-d3e2f1a0b9c8", 2, 3)
    dev = step.snapshot.devices["laptop"]
    assert (dev.user_id, dev.session_number, dev.page_number) == (hit.uu, 2, 3)
