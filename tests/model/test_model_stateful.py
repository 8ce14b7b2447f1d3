"""Random command/hit/cookie/tick sequences through the reference model, checking its invariants; and
identity calls in one block against a simulated tag whose evidence lags (zero false verdicts)."""

from __future__ import annotations

import copy
import random

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from inspector.model.identity_checks import check_identity
from inspector.model.reference import ReferenceModel
from inspector.model.state import ExpectKind, Severity, Snapshot, Verdict
from tests.model.tag_sim import FAULTS, SimulatedTag, one_block
from tests.support.script import Script

USERS = st.sampled_from(["u-1", "u-2", "u-3", "u-4"])
IDENTITIES = st.one_of(st.sampled_from(["cust-1", "cust-2", "Cust-1", "guest", "", "a@b.co"]),
                       st.integers(0, 3))
SMALL = st.integers(min_value=1, max_value=5)
# Verdicts that account for a user change (an inferred one, in network-only input, says so as info).
EXPLAINING = {"unexpected-user-id-change", "unexpected-reset-first-identify", "unexpected-reset-same-identity",
              "user-id-change-inferred"}


class ModelMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.script = Script()
        self.model = ReferenceModel()
        self.fed = 0
        self.verdicts: list[Verdict] = []
        self.snapshots: list[tuple[Snapshot, Snapshot]] = []  # (kept object, deep copy at the time)
        self.identified: set[tuple[str, str]] = set()  # (device, usable identity) of every identify

    def _feed_new(self) -> None:
        for env in self.script.envelopes[self.fed:]:
            before = self.model.device(env.device)
            new = self.model.apply(env)
            after = self.model.device(env.device)
            self.verdicts.extend(new)
            if before.user_id is not None and after.user_id != before.user_id:
                explained = after.last_reset is not None and after.last_reset.reason.value != "unexplained"
                flagged = any(v.rule in EXPLAINING and env.seq in v.events for v in new)
                # Network evidence only: judged when the renewal pageview comes, or by the deadline.
                waiting = any(e.kind is ExpectKind.INFERRED_CALL and e.since_seq == env.seq for e in after.pending)
                assert explained or flagged or waiting, (before.user_id, after.user_id, new)
            snap = self.model.snapshot()
            self.snapshots.append((snap, copy.deepcopy(snap)))
        self.fed = len(self.script.envelopes)

    @rule(identity=IDENTITIES, hashed=st.booleans())
    def identify(self, identity: str | int, hashed: bool) -> None:
        args = [identity, {"hash": True}] if hashed else [identity]
        self.script.push("identify", *args)
        self._note_identity(identity, hashed)
        self._feed_new()

    def _note_identity(self, identity: str | int, hashed: bool = False) -> None:
        usable, _ = check_identity(identity, hashed)
        if usable is not None:
            self.identified.add((self.script.device, usable))

    @rule(identity=IDENTITIES)
    def identify_before_the_tag_loaded(self, identity: str | int) -> None:
        self.script.raw_push(["identify", identity])
        self._note_identity(identity)
        self._feed_new()

    @rule(device=st.sampled_from(["laptop", "phone"]))
    def switch_device(self, device: str) -> None:
        self.script.on(device)

    @rule()
    def reset(self) -> None:
        self.script.push("resetIdentity")
        self._feed_new()

    @rule(value=st.one_of(st.text(max_size=5), st.integers(), st.booleans(), st.none()))
    def properties(self, value: object) -> None:
        self.script.push("addUserProperties", {"plan": value})
        self._feed_new()

    @rule(uu=USERS, sn=SMALL, pn=SMALL, pvt=st.sampled_from("nar"))
    def pageview(self, uu: str, sn: int, pn: int, pvt: str) -> None:
        self.script.pageview(uu, sn, pn, pvt=pvt)
        self._feed_new()

    @rule(uu=USERS, sn=SMALL, pn=SMALL)
    def cookies(self, uu: str, sn: int, pn: int) -> None:
        self.script.cookies(uu, sn, pn)
        self._feed_new()

    @rule(seconds=st.sampled_from([0.5, 5, 11, 1900]))
    def wait_and_tick(self, seconds: float) -> None:
        self.script.wait(seconds).tick()
        self._feed_new()

    @precondition(lambda self: self.fed > 0)
    @rule()
    def get_identity(self) -> None:
        self.script.push("getIdentity").returns("hash")
        self._feed_new()

    @invariant()
    def verdicts_rest_on_fed_events(self) -> None:
        for verdict in self.verdicts:
            assert verdict.events and all(0 <= seq < self.fed for seq in verdict.events)

    @invariant()
    def graph_links_only_user_ids_seen_on_their_device(self) -> None:
        snap = self.model.snapshot()
        for link in snap.graph:
            assert link.user_id is None or link.user_id in snap.devices[link.device].user_ids, link

    @invariant()
    def earlier_snapshots_never_change(self) -> None:
        for kept, frozen_copy in self.snapshots[-5:]:
            assert kept == frozen_copy

    def teardown(self) -> None:
        final = self.model.finish()
        replay = ReferenceModel()
        again = replay.apply_many(self.script.envelopes) + replay.finish()
        assert again == self.verdicts + final
        # Every identity the page passed is in the cross-device graph, on its device (issue 14 item 6).
        linked = {(link.device, link.identity) for link in self.model.snapshot().graph}
        assert self.identified <= linked, self.identified - linked


ModelMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestModelMachine = ModelMachine.TestCase


# --------------------------------------------------------------------------- a lagging tag

# Ambiguities the evidence leaves (documented in README): a faulty reset on a call the tag must not
# reset on is reported against the latest such call of the block; a logout that keeps the user,
# followed by a resetIdentity while anonymous that renews it, looks like a correct tag (the sources
# accept both outcomes of the anonymous reset).
GUARD_RULES = {"unexpected-reset-first-identify", "unexpected-reset-same-identity"}


class LaggingTagMachine(RuleBasedStateMachine):
    """Identity calls in one synchronous block; the tag's hits and the observer's snapshots arrive
    after a random number of later calls. A correct tag must get no violation or warning; each fault
    that shows must get its rule."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, ...]] = []
        self.fault: str | None = None
        self.rng = random.Random(0)
        self.max_lag = 0

    @initialize(fault=st.sampled_from([None, None, *FAULTS]), seed=st.integers(0, 2**32), lag=st.integers(0, 6))
    def setup(self, fault: str | None, seed: int, lag: int) -> None:
        self.fault, self.rng, self.max_lag = fault, random.Random(seed), lag

    @rule(identity=st.sampled_from(["A", "B", "C"]))
    def identify(self, identity: str) -> None:
        self.calls.append(("identify", identity))

    @rule()
    def reset(self) -> None:
        self.calls.append(("resetIdentity",))

    def teardown(self) -> None:
        script, faulted = one_block(self.calls, self.fault, self.rng, self.max_lag)
        model = ReferenceModel()
        verdicts = model.apply_many(script.envelopes) + model.finish()
        # Whichever call a user is credited to, and however often that changes, every identity the
        # block passed ends up in the identity graph (issue 14 item 6).
        identities = {args[0] for _, *args in self.calls if args}
        assert identities <= {link.identity for link in model.snapshot().graph}, (self.calls, self.fault)
        judged = {v.rule for v in verdicts if v.severity != Severity.INFO}
        if self.fault is None:
            assert judged == set(), (self.calls, verdicts)
            return
        if not faulted:
            return
        situations = _situations(self.calls)
        expected = FAULTS[self.fault]
        if expected in GUARD_RULES and {"first", "same"} <= situations:
            assert judged & GUARD_RULES, (self.calls, self.fault, judged)
        elif self.fault == "no-reset-on-logout" and "reset-anon" in situations:
            pass  # indistinguishable from a correct tag (see above)
        else:
            assert expected in judged, (self.calls, self.fault, judged)


def _situations(calls: list[tuple[str, ...]]) -> set[str]:
    tag, out = SimulatedTag(), set()
    for name, *args in calls:
        if name == "identify":
            out.add("first" if tag.identity is None else "same" if tag.identity == args[0] else "other")
        else:
            out.add("reset-anon" if tag.identity is None else "reset-identified")
        tag.run(name, *args)
    return out


LaggingTagMachine.TestCase.settings = settings(max_examples=300, stateful_step_count=8, deadline=None)
TestLaggingTag = LaggingTagMachine.TestCase
