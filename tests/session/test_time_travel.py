"""Time travel without a snapshot per event: every event's state, rebuilt from checkpoints and what
each event changed, is the state the model gave right after that event."""

from __future__ import annotations

from bench.bench_model import synthetic_traffic
from inspector.decode.sources import load_capture, read_recording
from inspector.session.engine import Engine, Step
from inspector.session.store import CaptureStore
from inspector.session.timetravel import EVERY
from inspector.wire.envelope import Envelope, dump_envelope
from tests.session.test_store import LAPTOP


def _per_event(raws: list[Envelope]) -> list[Step]:
    """What the store kept before: the engine's step, with its snapshot, for every event."""
    engine = Engine()
    return [engine.feed(raw) for raw in raws]


def _changed_devices(steps: list[Step], i: int) -> int:
    before = steps[i - 1].snapshot.devices if i else {}
    after = steps[i].snapshot.devices
    return sum(1 for name, state in after.items() if before.get(name) is not state)


def _assert_same_story(store: CaptureStore, steps: list[Step]) -> None:
    assert len(store.steps) == len(steps)
    for i, step in enumerate(steps):
        snap = store.snapshot_at(i)
        assert snap == step.snapshot, i
        assert snap is not None and list(snap.devices) == list(step.snapshot.devices)  # the same order, for the panels
        assert store.envelope_at(i) == step.envelope
        assert store.verdicts_at(i) == step.verdicts
    assert store.snapshot_at(len(steps)) is None and store.snapshot_at(-1) is None


def test_every_state_of_a_mixed_capture_with_many_devices_is_the_models() -> None:
    # Several devices, identify/reset, property writes, ticks, and deadlines passing on other
    # devices than the event's; longer than a few checkpoints.
    raws = synthetic_traffic(EVERY * 3 + 417, devices=7, seed=3)
    lines = read_recording([dump_envelope(raw) + "\n" for raw in raws], compact=True).envelopes
    store = CaptureStore()
    for raw, line in zip(raws, (dump_envelope(raw) for raw in raws), strict=True):
        assert store.judge(raw, line.encode()) is not None
    steps = _per_event(raws)
    assert sum(1 for i in range(len(steps)) if _changed_devices(steps, i) > 1) > 0  # the rare case is here
    assert any(step.snapshot.graph is not steps[0].snapshot.graph for step in steps)
    _assert_same_story(store, steps)
    assert list(store.raws) == list(lines)


def test_a_recording_with_raw_requests_decoded_again_when_read() -> None:
    raws = list(load_capture(LAPTOP).envelopes)
    store = CaptureStore()
    for raw in raws:
        store.feed(raw)
    steps = _per_event(raws)
    assert any(step.envelope is not raw for step, raw in zip(steps, raws, strict=True))  # decoded
    _assert_same_story(store, steps)
    assert store.steps == steps


def test_live_events_after_a_file_continue_its_states() -> None:
    raws = synthetic_traffic(EVERY + 300, devices=5, seed=11)
    store = CaptureStore()
    for raw in raws[:EVERY + 100]:
        store.judge(raw, dump_envelope(raw))
    later = [store.feed(raw) for raw in raws[EVERY + 100:]]  # as objects, as live envelopes come
    assert all(step is not None for step in later)
    _assert_same_story(store, _per_event(raws))
