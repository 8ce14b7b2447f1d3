"""Evidence arrives late: hits and snapshots of identity calls made in one synchronous block reach the
model after later calls. Each is judged against the state that built it (reference-model.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from inspector.model.reference import ReferenceModel
from inspector.model.state import Severity, Verdict
from tests.support.script import Script

U0, U1, U2, U3 = "user-0000", "user-0001", "user-0002", "user-0003"
FIVE = [("identify", "A"), ("identify", "B"), ("resetIdentity",), ("identify", "C"), ("identify", "D")]
# What a correct tag sends for FIVE: a new user and a renewal for B, the logout and D.
FIVE_HITS = [("hit", U1), ("hit", U2), ("hit", U3)]
FIVE_SNAPSHOTS = [("cookies", U1, "command:identify"), ("cookies", U2, "command:resetIdentity"),
                  ("cookies", U3, "command:identify")]

Item = tuple[str, ...]


def interleavings(a: list[Item], b: list[Item]) -> Iterator[list[Item]]:
    """Every merge of two streams that keeps each stream's own order."""
    if not a or not b:
        yield a + b
        return
    for rest in interleavings(a[1:], b):
        yield [a[0], *rest]
    for rest in interleavings(a, b[1:]):
        yield [b[0], *rest]


def block(calls: list[tuple[str, ...]], evidence: list[Item], identified: str | None = None,
          end: bool = True) -> Script:
    """A loaded page (U0, session 1), optionally identified, then ``calls`` in one block, then the
    evidence they caused: ("hit", uu) a renewal pageview, ("cookies", uu, trigger) a snapshot."""
    s = Script().pageview(U0, 1, 1)
    if identified is not None:
        s.push("identify", identified).wait(1).pageview(U0, 1, 2)
    for name, *args in calls:
        s.push(name, *args)
    for kind, uu, *trigger in evidence:
        if kind == "hit":
            s.pageview(uu, 1, 1, pvt="r")
        else:
            s.cookies(uu, 1, 1, trigger=trigger[0])
    return s.wait(30).tick() if end else s


def judge(script: Script) -> list[Verdict]:
    model = ReferenceModel()
    return model.apply_many(script.envelopes) + model.finish()


def judged(script: Script) -> list[str]:
    return sorted(v.rule for v in judge(script) if v.severity != Severity.INFO)


def test_the_issue_s_five_calls_with_every_hit_after_the_block_give_no_verdict() -> None:
    assert judged(block(FIVE, FIVE_HITS)) == []


@pytest.mark.parametrize("evidence", list(interleavings(FIVE_HITS, FIVE_SNAPSHOTS)))
def test_five_calls_whatever_the_order_of_hits_and_snapshots(evidence: list[Item]) -> None:
    assert judged(block(FIVE, evidence)) == []


@pytest.mark.parametrize("evidence", list(interleavings([("hit", U1)], [("cookies", U1, "command:resetIdentity")])))
def test_account_switch_reset_then_identify(evidence: list[Item]) -> None:
    assert judged(block([("resetIdentity",), ("identify", "C")], evidence, identified="A")) == []


@pytest.mark.parametrize(("calls", "evidence"), [
    ([("identify", "A"), ("identify", "A")], []),
    ([("identify", "A"), ("identify", "B")], [("hit", U1), ("cookies", U1, "command:identify")]),
    ([("identify", "A"), ("identify", "B")], [("cookies", U1, "command:identify"), ("hit", U1)]),
    ([("identify", "B"), ("identify", "B")], [("hit", U1)]),
], ids=["same-twice", "login-twice-hit-first", "login-twice-snapshot-first", "change-then-same"])
def test_double_identify(calls: list[tuple[str, ...]], evidence: list[Item]) -> None:
    assert judged(block(calls, evidence, identified="A" if calls[0][1] == "B" else None)) == []


def test_a_hit_of_the_old_user_after_the_change_is_late_evidence_not_a_change_back() -> None:
    s = block([("identify", "A"), ("identify", "B"), ("resetIdentity",)], [("hit", U1), ("hit", U2)], end=False)
    s.event_hit(U0, 1, 1).pageview(U1, 1, 2).wait(30).tick()
    assert judged(s) == []


# A faulty tag, in the same blocks: the fault's rule, against the call that caused it.
FAULTS: list[tuple[str, list[tuple[str, ...]], list[Item], str | None, str, int]] = [
    # no renewal on identify(B): only the logout and D renew
    ("no-reset-hit-first", FIVE, [("hit", U1), ("hit", U2), ("cookies", U1, "command:resetIdentity"),
                                   ("cookies", U2, "command:identify")], None, "identity-change-reset-missing", 1),
    ("no-reset-snapshot-first", FIVE, [("cookies", U1, "command:resetIdentity"), ("hit", U1),
                                       ("cookies", U2, "command:identify"), ("hit", U2)],
     None, "identity-change-reset-missing", 1),
    ("no-renewal", [("identify", "A"), ("identify", "B")], [("cookies", U1, "command:identify")],
     None, "renewal-pageview-missing", 1),
    ("reset-same-identity", [("identify", "A")], [("hit", U1)], "A", "unexpected-reset-same-identity", 0),
    ("no-reset-on-logout", [("resetIdentity",), ("identify", "C")], [], "A", "reset-identity-no-new-user", 0),
]


@pytest.mark.parametrize(("calls", "evidence", "identified", "rule", "call"),
                         [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_each_fault_is_still_caught_and_pinned_on_its_call(calls: list[tuple[str, ...]], evidence: list[Item],
                                                          identified: str | None, rule: str, call: int) -> None:
    script = block(calls, evidence, identified)
    first_call = 3 if identified else 1  # seq of the block's first push
    verdicts = [v for v in judge(script) if v.rule == rule]
    assert verdicts, judged(script)
    assert verdicts[0].events[0] == first_call + call


def test_a_user_id_change_with_no_call_is_still_unexpected() -> None:
    s = Script().pageview(U0, 1, 1).push("identify", "A").wait(20).pageview(U1, 1, 1).wait(30).tick()
    assert judged(s) == ["unexpected-user-id-change"]
