"""The one store of a judged capture: what the CLI's check, reports, diff and the app's views read."""

from __future__ import annotations

from collections import Counter

from inspector.decode.sources import load_capture
from inspector.model.state import Severity
from inspector.report.capture import InputFile
from inspector.report.check import run_check
from inspector.report.diff import diff_runs
from inspector.session.engine import Engine
from inspector.session.store import CaptureStore
from inspector.wire.envelope import Envelope
from inspector.wire.events import Tick
from tests.report.golden import ROOT
from tests.support.script import Script

A, B = "aaaaaaaa-1111", "bbbbbbbb-2222"
LAPTOP = ROOT / "tests" / "data" / "report_laptop.jsonl"


def test_feeding_keeps_raws_steps_verdicts_counts_and_the_identity_story() -> None:
    raws = load_capture(LAPTOP).envelopes
    store = CaptureStore()
    for raw in raws:
        store.feed(raw)
    store.finish()
    assert list(store.raws) == raws and len(store.steps) == store.applied == len(raws)
    assert store.events == sum(1 for r in raws if not isinstance(r.event, Tick))
    assert store.severity_counts == Counter(v.severity for v in store.verdicts)
    assert store.rule_counts == Counter(v.rule for v in store.verdicts)
    kinds = [m.what for m in store.timeline]
    assert {"identify", "addUserProperties", "getIdentity", "user-id", "session", "renewal"} <= set(kinds)


def test_steps_judged_elsewhere_are_recorded_exactly_as_if_fed() -> None:
    raws = load_capture(LAPTOP).envelopes
    fed = CaptureStore()
    for raw in raws:
        fed.feed(raw)
    engine = Engine()
    recorded = CaptureStore()
    recorded.record(raws, engine.feed_many(raws))
    recorded.adopt(engine)
    recorded.add_final(engine.finish())
    assert recorded.verdicts == fed.verdicts + fed.finish()
    assert recorded.timeline == fed.timeline
    assert recorded.snapshot() == fed.snapshot()


def test_an_event_the_model_refuses_is_kept_as_a_line_and_nothing_else_changes() -> None:
    s = Script().pageview(A, 1, 1).push("identify", "cust-1")
    store = CaptureStore()
    for raw in s.envelopes:
        store.feed(raw)
    back = Envelope(seq=0, time=s.envelopes[-1].time + 1, device="laptop", event=Tick())
    assert store.feed(back) is None
    assert len(store.refused) == 1 and "event 0 of device laptop" in store.refused[0]
    assert len(store.steps) == 2


def test_check_renders_from_the_store_it_judged_with() -> None:
    loaded = load_capture(LAPTOP)
    run = run_check([InputFile(str(LAPTOP), loaded.kind, tuple(loaded.envelopes))])
    assert run.verdicts == tuple(run.store.verdicts)
    assert run.events == run.store.applied and run.timeline == tuple(run.store.timeline)
    assert run.store.severity_counts[Severity.VIOLATION] == 0


def test_diff_reads_hash_from_the_structured_moment_not_from_text() -> None:
    plain = Script().pageview(A, 1, 1).push("identify", "cust-1")
    hashed = Script().pageview(A, 1, 1).push("identify", "cust-1", {"hash": True})
    runs = [run_check([InputFile("x", "recording", tuple(s.envelopes))]) for s in (plain, hashed)]
    moment = next(m for m in runs[1].timeline if m.what == "identify")
    assert moment.hashed and not next(m for m in runs[0].timeline if m.what == "identify").hashed
    diff = diff_runs(*runs)
    assert [i.text for d in diff.devices for i in d.only_b] == ["identify I1 {hash: true}"]


def _judged(raws: list[Envelope], time_travel: bool) -> CaptureStore:
    store = CaptureStore(time_travel=time_travel)
    for raw in raws:
        store.feed(raw)
    store.finish()
    return store


def test_without_time_travel_the_store_keeps_no_event_yet_judges_and_tells_the_same_story() -> None:
    # The script's sequence numbers start again at 0 on the laptop: refused, in both stores alike.
    s = Script().pageview(A, 1, 1).push("identify", "cust-1").push("addUserProperties", {"plan": "pro"})
    raws = [*load_capture(LAPTOP).envelopes, *s.envelopes]
    full, lean = _judged(raws, True), _judged(raws, False)
    assert list(lean.raws) == [] and lean.steps == [] and lean.snapshot_at(0) is None
    assert len(full.steps) == full.applied == len(raws) - len(full.refused) and full.refused
    assert full.snapshot_at(0) is not None
    assert lean.verdicts == full.verdicts and lean.timeline == full.timeline
    assert lean.snapshot() == full.snapshot()
    assert (lean.applied, lean.events, lean.dropped, lean.refused) == (full.applied, full.events, full.dropped,
                                                                        full.refused)
    assert lean.severity_counts == full.severity_counts and lean.rule_counts == full.rule_counts
