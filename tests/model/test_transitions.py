"""The model's tables: complete, consistent with the rule catalogue, and applied as written."""

from __future__ import annotations

import pytest

from inspector.model import messages, transitions
from inspector.model.reference import ModelUsageError, ReferenceModel
from inspector.model.rules import RULES
from inspector.model.state import ExpectKind, IdentityCall, IdentityState
from inspector.model.transitions import MEETS, TRANSITIONS, UNEXPLAINED, Observation, Outcome
from tests.support.script import Script

A = "aaaaaaaa-1"


def test_every_possible_command_has_a_row_and_only_those() -> None:
    impossible = {(IdentityState.ANONYMOUS, IdentityCall.IDENTIFY_SAME)}  # no current identity to match
    every = {(state, call) for state in IdentityState for call in IdentityCall}
    assert set(TRANSITIONS) == every - impossible


def test_every_rule_the_tables_name_is_in_the_catalogue_and_every_verdict_has_a_message() -> None:
    named = {e.rule for row in TRANSITIONS.values() for e in row.expects}
    named |= {rule for rule in UNEXPLAINED.values() if rule is not None}
    assert named <= set(RULES)
    for (kind, observation), outcome in MEETS.items():
        if outcome in (Outcome.BROKEN, Outcome.REPORTED):
            assert (kind, observation) in messages.EXPECTATION_MESSAGES, (kind, observation)
    for observation, rule in UNEXPLAINED.items():
        assert rule is None or observation in messages.UNEXPLAINED_MESSAGES


def test_every_expectation_is_judged_when_its_deadline_passes() -> None:
    assert {kind for kind, obs in MEETS if obs is Observation.DEADLINE} == set(ExpectKind)


def test_a_row_missing_from_the_table_raises_before_anything_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    s = Script().pageview(A, 1, 1).push("identify", "cust-1").push("identify", "cust-2").wait(30).tick()
    model = ReferenceModel()
    model.apply_many(s.envelopes[:2])
    before, verdicts = model.snapshot(), model.verdicts
    monkeypatch.delitem(TRANSITIONS, (IdentityState.IDENTIFIED, IdentityCall.IDENTIFY_OTHER))
    with pytest.raises(ModelUsageError, match="identify with another identity while identified"):
        model.apply(s.envelopes[2])
    assert model.snapshot() == before and model.verdicts == verdicts
    monkeypatch.undo()
    # Nothing was consumed: the same event applies once the table is whole again.
    assert model.apply_many(s.envelopes[2:]) != []


def test_the_machine_applies_the_table_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    # Swap what a first identify expects: the verdicts follow the table, not code elsewhere.
    row = TRANSITIONS[(IdentityState.IDENTIFIED, IdentityCall.IDENTIFY_OTHER)]
    monkeypatch.setitem(TRANSITIONS, (IdentityState.ANONYMOUS, IdentityCall.IDENTIFY_OTHER),
                        transitions.Transition(transitions.IdentityAfter.SET, row.expects))
    model = ReferenceModel()
    model.apply_many(Script().pageview(A, 1, 1).push("identify", "cust-1").envelopes)
    assert {v.rule for v in model.finish()} == {"identity-change-reset-missing", "renewal-pageview-missing"}
