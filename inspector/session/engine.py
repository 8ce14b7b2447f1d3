"""The engine: decode each raw envelope, apply it to the reference model, keep the history.

Pure (no Qt, no I/O): the GUI feeds it live envelopes, the CLI feeds it a recording or a HAR file,
and both read the same ``Step`` per event, so what the app shows and what the CLI reports agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inspector.decode.pipeline import decode_envelope
from inspector.model.reference import ModelConfig, ReferenceModel
from inspector.model.state import Snapshot, Verdict
from inspector.wire.envelope import Envelope


@dataclass(frozen=True, slots=True)
class Step:
    """One event after decoding, the model's state right after it, and the verdicts it produced."""

    envelope: Envelope
    snapshot: Snapshot
    verdicts: tuple[Verdict, ...]


class Engine:
    def __init__(self, config: ModelConfig | None = None) -> None:
        self.model = ReferenceModel(config)
        self.steps: list[Step] = []
        # Every verdict so far, in the order produced (including those of ``finish``).
        self.verdicts: list[Verdict] = []
        self.finished = False

    def feed(self, raw: Envelope) -> Step:
        envelope = decode_envelope(raw)
        new = self.model.apply(envelope)
        step = Step(envelope=envelope, snapshot=self.model.snapshot(), verdicts=tuple(new))
        self.steps.append(step)
        self.verdicts.extend(new)
        return step

    def feed_many(self, raws: Iterable[Envelope]) -> list[Step]:
        return [self.feed(raw) for raw in raws]

    def finish(self, time: float | None = None) -> list[Verdict]:
        """End of the capture: judge every open expectation. More events may still follow live."""
        new = self.model.finish(time)
        self.verdicts.extend(new)
        self.finished = True
        return new

    def snapshot(self) -> Snapshot:
        return self.model.snapshot()
