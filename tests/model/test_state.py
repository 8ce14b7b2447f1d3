"""What the model remembers: sessions, resets, properties, the identity graph, time travel."""

from __future__ import annotations

import pytest

from inspector.model.reference import ModelUsageError, ReferenceModel
from inspector.model.state import ResetReason
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command
from tests.support.script import Script

A, B, C = "aaaaaaaa-1", "bbbbbbbb-2", "cccccccc-3"


def test_identity_change_renews_user_restarts_session_and_detaches_properties() -> None:
    s = (Script().pageview(A, 3, 5).push("identify", "cust-1").push("addUserProperties", {"plan": "free"})
         .push("addUserProperties", {"plan": "pro"}).push("identify", "cust-2").cookies(B, 1, 1)
         .pageview(B, 1, 1, pvt="r"))
    model = ReferenceModel()
    model.apply_many(s.envelopes)
    dev = model.device("laptop")
    assert dev.identity == "cust-2" and dev.user_id == B
    assert dev.user_ids == (A, B)
    assert (dev.session_number, dev.page_number) == (1, 1)
    assert dev.last_reset is not None and dev.last_reset.reason == ResetReason.IDENTITY_CHANGE
    assert [(x.user_id, x.number) for x in dev.sessions] == [(A, 3), (B, 1)]
    assert dev.sessions[1].reset_before == dev.last_reset
    assert dev.properties == {}
    assert [(c.old, c.new, c.had_old) for c in dev.property_history] == [(None, "free", False), ("free", "pro", True)]
    (owner, changes), = dev.detached
    assert owner == A and [c.new for c in changes] == ["free", "pro"]  # the key's whole history
    # Only the first identify's guard waits for its deadline (a lagging hit could still break it).
    assert [e.rule for e in dev.pending] == ["unexpected-reset-first-identify"]


def test_identity_graph_links_one_identity_across_devices() -> None:
    s = Script().pageview(A, 1, 1).push("identify", "cust-1")
    s.on("phone").pageview(C, 1, 1).push("identify", "cust-1")
    model = ReferenceModel()
    model.apply_many(s.envelopes)
    links = {(link.identity, link.device, link.user_id) for link in model.snapshot().graph}
    assert links == {("cust-1", "laptop", A), ("cust-1", "phone", C)}


def test_snapshots_are_immutable_time_travel() -> None:
    s = Script().pageview(A, 1, 1).push("identify", "cust-1").push("identify", "cust-2").cookies(B, 1, 1)
    model = ReferenceModel()
    snapshots = []
    for env in s.envelopes:
        model.apply(env)
        snapshots.append(model.snapshot())
    assert [snap.devices["laptop"].identity for snap in snapshots] == [None, "cust-1", "cust-2", "cust-2"]
    assert [snap.devices["laptop"].user_id for snap in snapshots] == [A, A, A, B]
    assert snapshots[0].devices["laptop"] is not snapshots[-1].devices["laptop"]


def test_session_expiry_starts_a_new_session_without_warnings() -> None:
    s = Script().pageview(A, 1, 1).pageview(A, 1, 2).wait(31 * 60).pageview(A, 2, 1)
    model = ReferenceModel()
    verdicts = model.apply_many(s.envelopes) + model.finish()
    assert verdicts == []
    sessions = model.device("laptop").sessions
    assert [x.number for x in sessions] == [1, 2]
    assert sessions[1].reset_before is not None
    assert sessions[1].reset_before.reason == ResetReason.SESSION_EXPIRY


def test_numbers_are_accepted_as_identities_and_compared_as_strings() -> None:
    s = Script().pageview(A, 1, 1).push("identify", 145612124).push("identify", "145612124")
    model = ReferenceModel()
    verdicts = model.apply_many(s.envelopes) + model.finish()
    assert model.device("laptop").identity == "145612124"
    assert verdicts == []


def test_identity_equality_is_case_sensitive() -> None:
    s = Script().pageview(A, 1, 1).push("identify", "Cust-1").push("identify", "cust-1")
    model = ReferenceModel()
    rules = [v.rule for v in model.apply_many(s.envelopes) + model.finish()]
    assert "identity-change-reset-missing" in rules


def test_misuse_raises_before_changing_state() -> None:
    model = ReferenceModel()
    model.apply(Envelope(seq=5, time=1.0, event=Command(payload=["identify", "x"])))
    before = model.snapshot()
    with pytest.raises(ModelUsageError):
        model.apply(Envelope(seq=5, time=2.0, event=Command(payload=["identify", "y"])))
    assert model.snapshot() == before


def test_foreign_and_garbage_payloads_become_verdicts_not_exceptions() -> None:
    s = Script()
    for payload in (None, 42, "identify", [], [None], {"__uxa_type__": "function", "repr": "f"},
                    ["identify"], ["identify", {"__uxa_type__": "undefined"}], ["addUserProperties"],
                    ["addUserProperties", {"a": {"__uxa_type__": "function"}, "": 1, "id": 2}]):
        s.raw_push(payload)
    model = ReferenceModel()
    rules = [v.rule for v in model.apply_many(s.envelopes)]
    assert rules.count("command-malformed") == 6
    assert rules.count("identity-invalid") == 2
    assert rules.count("property-invalid") == 4


def test_a_new_user_id_answers_the_earliest_call_that_wants_one() -> None:
    # The tag ignored the identity change; the logout a second later renewed the user once. A hit
    # names no call: the new user ID answers the earliest waiting call, and the other one is reported.
    s = (Script().pageview(A, 1, 1).push("identify", "cust-1").push("identify", "cust-2").wait(1)
         .push("resetIdentity").wait(0.5).pageview(B, 1, 1).wait(30).tick())
    model = ReferenceModel()
    rules = [v.rule for v in model.apply_many(s.envelopes) + model.finish()]
    assert "reset-identity-no-new-user" in rules
    assert "identity-change-reset-missing" not in rules
    assert model.device("laptop").last_reset.reason == ResetReason.IDENTITY_CHANGE  # type: ignore[union-attr]


def test_a_snapshot_taken_after_a_call_credits_that_call_even_after_a_hit() -> None:
    # Same tag; the observer's snapshot right after resetIdentity shows the new user: it is the
    # logout's, so the identity change is the call that failed, whichever came first.
    base = (Script().pageview(A, 1, 1).push("identify", "cust-1").push("identify", "cust-2")
            .push("resetIdentity"))
    cookie_first = base.cookies(B, 1, 1, trigger="command:resetIdentity").pageview(B, 1, 1, pvt="r")
    hit_first = (Script().pageview(A, 1, 1).push("identify", "cust-1").push("identify", "cust-2")
                 .push("resetIdentity").pageview(B, 1, 1, pvt="r")
                 .cookies(B, 1, 1, trigger="command:resetIdentity"))
    for script in (cookie_first, hit_first):
        model = ReferenceModel()
        rules = sorted(v.rule for v in model.apply_many(script.wait(30).tick().envelopes) + model.finish())
        assert rules == ["identity-change-reset-missing", "renewal-pageview-missing"], rules
