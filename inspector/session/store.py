"""The one store of a judged capture: verdicts, counts and the identity story, and for time travel
the raw envelopes and the engine's steps. The CLI's check and reports, the app's views and its HTML
export all read this store; nothing else keeps a second copy of a judged capture.

What it keeps per event is its history policy: the app keeps every raw envelope and step (``steps``,
``snapshot_at``: time travel, saving the recording); a headless check (``time_travel=False``) keeps
only what its reports read (verdicts, the timeline's moments, the final state), so its memory does
not grow with events that changed nothing worth reporting.

Pure (no Qt, no I/O). Events arrive either one at a time (``feed``: live, a file in the CLI) or as steps
an engine computed elsewhere (``record``: the app's file loader runs its engine on a worker thread
and hands steps over in chunks; ``adopt`` then continues live with that engine).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from inspector.model.reference import ModelConfig, ModelUsageError
from inspector.model.state import DeviceState, Severity, Snapshot, Verdict
from inspector.session.engine import Engine, Step
from inspector.session.moments import Moment, moments_of
from inspector.wire.envelope import Envelope
from inspector.wire.events import Dropped, Tick


class CaptureStore:
    def __init__(self, config: ModelConfig | None = None, time_travel: bool = True) -> None:
        self.config = config or ModelConfig()
        self.engine = Engine(self.config)
        self.time_travel = time_travel
        # Kept only for time travel: raw envelopes as captured (so a saved recording improves with
        # future decoders), and one step per envelope.
        self.raws: list[Envelope] = []
        self.steps: list[Step] = []
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

    def feed(self, raw: Envelope) -> Step | None:
        """Decode and judge one envelope. The step, with time travel; ``None`` without it, and when the
        model refuses the envelope (kept in ``refused``)."""
        try:
            if not self.time_travel:
                envelope, verdicts = self.engine.judge(raw)
                self._count(envelope, verdicts, self.engine.model.state_of(envelope.device))
                return None
            step = self.engine.feed(raw)
        except ModelUsageError as exc:
            self.refused.append(f"event {raw.seq} of device {raw.device}: {exc}")
            return None
        self.record([raw], [step])
        return step

    def record(self, raws: Iterable[Envelope], steps: Iterable[Step]) -> None:
        """Keep steps judged by an engine elsewhere (with the raw envelopes they came from)."""
        self.raws.extend(raws)
        for step in steps:
            self.steps.append(step)
            self._count(step.envelope, step.verdicts, step.snapshot.devices.get(step.envelope.device))

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
        return self.steps[index].snapshot if 0 <= index < len(self.steps) else None

    def _add(self, verdicts: Iterable[Verdict]) -> None:
        for verdict in verdicts:
            self.verdicts.append(verdict)
            self.severity_counts[verdict.severity] += 1
            self.rule_counts[verdict.rule] += 1
