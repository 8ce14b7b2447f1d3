"""The engine: decode each raw envelope and apply it to the reference model.

Pure (no Qt, no I/O): the GUI feeds it live envelopes, the CLI feeds it a recording or a HAR file,
and both judge with the same engine, so what the app shows and what the CLI reports agree. The engine
keeps no per-event history: whoever needs one keeps the ``Step`` values (``session.store``).
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
        # Every verdict so far, in the order produced (including those of ``finish``).
        self.verdicts: list[Verdict] = []
        self.finished = False

    def feed(self, raw: Envelope) -> Step:
        """Judge one envelope; the step holds the model's state right after it (for time travel)."""
        envelope, new = self.judge(raw)
        return Step(envelope=envelope, snapshot=self.model.snapshot(), verdicts=new)

    def judge(self, raw: Envelope) -> tuple[Envelope, tuple[Verdict, ...]]:
        """Judge one envelope without taking a snapshot: the decoded envelope and its verdicts."""
        envelope = decode_envelope(raw)
        new = tuple(self.model.apply(envelope))
        self.verdicts.extend(new)
        return envelope, new

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
