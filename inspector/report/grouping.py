"""Verdicts grouped by rule, most severe first: what a reader of a long capture needs to see first.

A 48,000-entry HAR can hold tens of thousands of verdicts of a handful of rules; each rendering shows
one group per rule with its count and its first few occurrences, and lists every one only on request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from inspector.model.rules import RULES
from inspector.model.state import Verdict

# Occurrences each group shows in full unless every one is asked for (``check --all``).
FIRST_OCCURRENCES = 3


@dataclass(frozen=True, slots=True)
class RuleGroup:
    rule: str
    title: str
    verdicts: tuple[Verdict, ...]  # in the order the model gave them

    @property
    def severity(self) -> str:
        return self.verdicts[0].severity.value

    @property
    def count(self) -> int:
        return len(self.verdicts)

    @property
    def devices(self) -> tuple[str, ...]:
        return tuple(sorted({v.device for v in self.verdicts}))

    def shown(self, every: bool = False) -> tuple[Verdict, ...]:
        return self.verdicts if every else self.verdicts[:FIRST_OCCURRENCES]

    def hidden(self, every: bool = False) -> int:
        return self.count - len(self.shown(every))


def group_by_rule(verdicts: Iterable[Verdict]) -> list[RuleGroup]:
    """One group per rule: violations, then warnings, then infos; within a severity the most frequent
    rule first, ties by rule id (so the order is the same on every run)."""
    by_rule: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        by_rule.setdefault(verdict.rule, []).append(verdict)
    groups = [RuleGroup(rule, RULES[rule].title if rule in RULES else rule, tuple(found))
              for rule, found in by_rule.items()]
    return sorted(groups, key=lambda g: (-g.verdicts[0].severity.rank, -g.count, g.rule))


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 violation``, ``2 violations``, ``0 infos``... (``many`` for an irregular plural)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def severity_counts(verdicts: Sequence[Verdict]) -> dict[str, int]:
    counts = {"violation": 0, "warning": 0, "info": 0}
    for verdict in verdicts:
        counts[verdict.severity.value] += 1
    return counts
