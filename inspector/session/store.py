"""The one store of a judged capture: verdicts, counts and the identity story, and for time travel
the raw envelopes and the model's state after every event. The CLI's check and reports, the app's
views and its HTML export all read this store; nothing else keeps a second copy of a judged capture.

What it keeps per event is its history policy: the app keeps every raw envelope (as its line when it
was read from one: ``decode.compact``) and what each event changed (``session.timetravel``), so
``snapshot_at``, ``envelope_at`` and ``steps`` give any event back (time travel, saving the
recording); a headless check (``time_travel=False``) keeps only what its reports read (verdicts, the
timeline's moments, the final state), so its memory does not grow with events that changed nothing
worth reporting. Neither keeps a decoded envelope or a snapshot per event: ``steps[i]`` rebuilds one.

Pure (no Qt, no I/O). Events arrive one at a time (``feed``: live, a file in the CLI; ``judge``: the
app's file loader, on its worker thread), or as steps an engine computed elsewhere (``record``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from inspector.decode.compact import CompactEnvelopes
from inspector.decode.pipeline import decode_envelope
from inspector.model.reference import ModelConfig, ModelUsageError
from inspector.model.state import DeviceState, Severity, Snapshot, Verdict
from inspector.session.engine import Engine, Step
from inspector.session.moments import Moment, moments_of
from inspector.session.timetravel import TimeTravel
from inspector.wire.envelope import Envelope
from inspector.wire.events import Dropped, Tick

NO_VERDICTS: tuple[Verdict, ...] = ()


class CaptureStore:
    def __init__(self, config: ModelConfig | None = None, time_travel: bool = True) -> None:
        self.config = config or ModelConfig()
        self.engine = Engine(self.config)
        self.time_travel = time_travel
        # Kept only for time travel: raw envelopes as captured (so a saved recording improves with
        # future decoders), the state after each, and each one's verdicts (by index, when it has any).
        self.raws = CompactEnvelopes()
        self.states = TimeTravel()
        self._verdicts_of: dict[int, tuple[Verdict, ...]] = {}
        self.steps = StepView(self)
        self.verdicts: list[Verdict] = []  # in the order given, those of the end of the capture included
        self.severity_counts: Counter[Severity] = Counter()
        self.rule_counts: Counter[str] = Counter()
        self.timeline: list[Moment] = []
        # Events the model refused (sequence numbers going backwards), one line each.
        self.refused: list[str] = []
        self.applied = 0  # envelopes applied, ticks included
        self.events = 0  # events the page or the tag made (ticks are bookkeeping)
        self.dropped = 0  # events the capture child had to drop (it says how many)
        self._last: dict[str, DeviceState] = {}

    def feed(self, raw: Envelope, line: bytes | str | None = None) -> Step | None:
        """Decode and judge one envelope (read from ``line``, when given, kept instead of it). The step
        (not kept: ``steps`` rebuilds it), with time travel; ``None`` without it, and when the model
        refuses the envelope (kept in ``refused``)."""
        try:
            return self.judge(raw, line)
        except ModelUsageError as exc:
            self.refused.append(f"event {raw.seq} of device {raw.device}: {exc}")
            return None

    def judge(self, raw: Envelope, line: bytes | str | None = None) -> Step | None:
        """``feed``, raising what the model raises (the event is then not kept)."""
        envelope, verdicts = self.engine.judge(raw)
        if not self.time_travel:
            self._count(envelope, verdicts, self.engine.model.state_of(envelope.device))
            return None
        snapshot = self.engine.snapshot()
        self._keep(raw, line, envelope, snapshot, verdicts)
        return Step(envelope, snapshot, verdicts)

    def record(self, raws: Iterable[Envelope], steps: Iterable[Step]) -> None:
        """Keep steps judged by an engine elsewhere (with the raw envelopes they came from)."""
        for raw, step in zip(raws, steps, strict=True):
            self._keep(raw, None, step.envelope, step.snapshot, step.verdicts)

    def _keep(self, raw: Envelope, line: bytes | str | None, envelope: Envelope, snapshot: Snapshot,
              verdicts: tuple[Verdict, ...]) -> None:
        if verdicts:
            self._verdicts_of[len(self.raws)] = verdicts
        self.raws.append(raw, line)
        self.states.note(envelope.device, snapshot)
        self._count(envelope, verdicts, snapshot.devices.get(envelope.device))

    def _count(self, envelope: Envelope, verdicts: tuple[Verdict, ...], after: DeviceState | None) -> None:
        """What every store keeps of a judged event: counts, verdicts, the device's moments."""
        self.applied += 1
        self._add(verdicts)
        event = envelope.event
        if isinstance(event, Dropped):
            self.dropped += event.count
        if not isinstance(event, Tick):
            self.events += 1
        if after is not None:
            device = envelope.device
            self.timeline.extend(moments_of(envelope, self._last.get(device), after))
            self._last[device] = after

    def adopt(self, engine: Engine) -> None:
        """Continue with the engine that judged the recorded steps (later live events extend them)."""
        self.engine = engine

    def finish(self, time: float | None = None) -> list[Verdict]:
        """End of the capture: judge what is still open. More events may follow live."""
        final = self.engine.finish(time)
        self._add(final)
        return final

    def add_final(self, final: Iterable[Verdict]) -> None:
        """Verdicts an adopted engine gave at its end (the loader's ``finish``)."""
        self._add(tuple(final))

    def snapshot(self) -> Snapshot:
        return self.engine.snapshot()

    def snapshot_at(self, index: int) -> Snapshot | None:
        """The state right after event ``index``; None out of range (always, without time travel)."""
        return self.states.snapshot_at(index)

    def envelope_at(self, index: int) -> Envelope:
        """Event ``index`` decoded, as the model saw it (decoded again from its raw envelope)."""
        return decode_envelope(self.raws[index])

    def verdicts_at(self, index: int) -> tuple[Verdict, ...]:
        """The verdicts event ``index`` produced."""
        return self._verdicts_of.get(index, NO_VERDICTS)

    def _add(self, verdicts: Iterable[Verdict]) -> None:
        for verdict in verdicts:
            self.verdicts.append(verdict)
            self.severity_counts[verdict.severity] += 1
            self.rule_counts[verdict.rule] += 1


class StepView(Sequence[Step]):
    """The store's events as ``Step`` values, each rebuilt when read (none is kept)."""

    __slots__ = ("_store",)

    def __init__(self, store: CaptureStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store.states)

    @overload
    def __getitem__(self, index: int) -> Step: ...

    @overload
    def __getitem__(self, index: slice) -> list[Step]: ...

    def __getitem__(self, index: int | slice) -> Step | list[Step]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        store = self._store
        snapshot = store.snapshot_at(index)
        if snapshot is None:
            raise IndexError(index)
        return Step(store.envelope_at(index), snapshot, store.verdicts_at(index))

    def __iter__(self) -> Iterator[Step]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]
