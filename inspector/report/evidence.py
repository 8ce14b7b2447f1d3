"""What kind of evidence each input holds, said once per input in every format.

The model chooses its judgement by what a device's events hold (``transitions.OBSERVER_KINDS``): a
file without the observer's reports (a HAR, a capture without the observer) shows the tag's traffic
but none of the ``_uxa`` calls, and the verdicts that need them are inferred (``Basis.NETWORK``).
Failed or blocked tag requests (the HAR reader's ``hit-failed`` notices) are counted here too: they
were judged as sent, not as missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from inspector.decode.compact import EnvelopeFacts, facts_of
from inspector.decode.har import FAILED_HIT
from inspector.model.state import Basis, Verdict
from inspector.model.transitions import OBSERVER_KINDS
from inspector.report.capture import InputFile
from inspector.report.grouping import plural
from inspector.wire.envelope import Envelope

Evidence = Literal["observer", "network-only"]


@dataclass(frozen=True, slots=True)
class InputEvidence:
    kind: Evidence
    # Verdicts on this input's devices that rest on network evidence alone.
    inferred: int
    # Tag requests the browser sent that never reached the vendor (blocked, cancelled, refused).
    failed_hits: int

    def describe(self) -> str:
        if self.kind == "network-only":
            text = (f"network only: the page's _uxa calls were not captured; "
                    f"{plural(self.inferred, 'verdict')} inferred")
        else:
            text = "page and network: the page's _uxa calls were captured by the observer"
        if self.failed_hits:
            text += (f"; {plural(self.failed_hits, 'tag request')} blocked or failed "
                     "(judged as sent, not as missing)")
        return text


def input_evidence(item: InputFile, verdicts: Sequence[Verdict]) -> InputEvidence | None:
    """None for a file that could not be read."""
    if item.fatal is not None:
        return None
    return evidence_from(item.envelopes, verdicts)


def evidence_from(envelopes: Sequence[Envelope], verdicts: Sequence[Verdict]) -> InputEvidence:
    """The evidence of one file's envelopes (raw or decoded); ``verdicts`` may cover other files too."""
    return evidence_of_facts(facts_of(envelopes), verdicts)


def evidence_of_facts(facts: EnvelopeFacts, verdicts: Sequence[Verdict]) -> InputEvidence:
    """The same from facts noted beforehand (the app's loader notes them as it goes)."""
    observed = not facts.kinds.isdisjoint(OBSERVER_KINDS)
    inferred = sum(1 for v in verdicts if v.device in facts.devices and v.basis is Basis.NETWORK)
    return InputEvidence("observer" if observed else "network-only", inferred, facts.notices[FAILED_HIT])
