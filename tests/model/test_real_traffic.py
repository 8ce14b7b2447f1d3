"""Situations real traffic produces: queued commands, several tabs, HAR files without commands."""

from __future__ import annotations

import pytest

from inspector.model.reference import ModelConfig, ModelUsageError, ReferenceModel
from inspector.model.state import Verdict
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Hit, HitType, Request, Tick
from tests.support.script import Script

A, B = "aaaaaaaa-1111", "bbbbbbbb-2222"


def run(script: Script, config: ModelConfig | None = None) -> tuple[ReferenceModel, list[Verdict]]:
    model = ReferenceModel(config)
    verdicts = model.apply_many(script.envelopes)
    return model, verdicts + model.finish()


def heap_hit(hit_type: HitType, identity: str | None = None, properties: dict[str, str] | None = None,
             uu: str = A) -> Hit:
    return Hit(hit_type=hit_type, host="heapanalytics.com", path="/api/identify_v3", uu=uu, identity=identity,
               properties=properties, request=Request(method="GET", url="https://heapanalytics.com/api/x"))


def test_queued_identify_waits_for_the_tag_before_its_deadline_runs() -> None:
    # Pushed before the tag loaded, executed 30 s later when it did: not late.
    s = Script().pageview(A, 1, 1).push("identify", "cust-1").wait(1).pageview(A, 1, 2)
    s.envelopes.append(Envelope(seq=len(s.envelopes), time=s.time, device="laptop",
                                event=Command(payload=["identify", "cust-2"], tag_loaded=False)))
    s.wait(30).pageview(A, 1, 3).wait(2).cookies(B, 1, 1).pageview(B, 1, 1, pvt="r")
    _, verdicts = run(s)
    assert [v.rule for v in verdicts if v.severity != "info"] == []


def test_queued_identify_never_honoured_is_judged_at_the_end() -> None:
    s = Script().pageview(A, 1, 1).push("identify", "cust-1")
    s.envelopes.append(Envelope(seq=len(s.envelopes), time=s.time, device="laptop",
                                event=Command(payload=["identify", "cust-2"], tag_loaded=False)))
    _, verdicts = run(s)
    assert {v.rule for v in verdicts} == {"identity-change-reset-missing", "renewal-pageview-missing"}


def test_first_sighting_of_the_user_id_in_a_cookie_is_not_a_change() -> None:
    s = Script().cookies(A, 1, 1).push("identify", "cust-1").wait(1).pageview(A, 1, 1).pageview(A, 1, 2)
    model, verdicts = run(s)
    assert verdicts == []
    assert model.device("laptop").user_ids == (A,)


def test_hits_from_several_tabs_share_one_device_state() -> None:
    s = Script().pageview(A, 1, 1)
    s.envelopes.append(Envelope(seq=1, time=s.time, device="laptop", tab="t2",
                                event=s.envelopes[0].event.model_copy(update={"pn": 2})))
    model, verdicts = run(s)
    assert verdicts == []
    assert model.device("laptop").tabs == ("t1", "t2")
    assert model.device("laptop").page_number == 2


def test_get_identity_remembers_the_returned_hash() -> None:
    s = Script().pageview(A, 1, 1).push("identify", "cust-1").push("getIdentity").returns("h-9f86d0")
    model, verdicts = run(s)
    assert verdicts == []
    assert model.device("laptop").last_get_identity == "h-9f86d0"


def test_heap_identity_hits_stand_in_for_commands_in_a_har_file() -> None:
    model = ReferenceModel()
    events = [heap_hit(HitType.HEAP_IDENTIFY, identity="jane@example.com"),
              heap_hit(HitType.HEAP_USER_PROPERTIES, properties={"plan": "pro"})]
    verdicts = [v for i, e in enumerate(events) for v in model.apply(Envelope(seq=i, time=float(i), event=e))]
    dev = model.device("default")
    assert dev.identity == "jane@example.com" and dev.properties == {"plan": "pro"}
    assert [v.rule for v in verdicts] == ["identity-pii-unhashed"]


def test_heap_hits_do_not_double_count_observed_commands() -> None:
    s = Script().pageview(A, 1, 1).push("addUserProperties", {"plan": "free"})
    s.envelopes.append(Envelope(seq=len(s.envelopes), time=s.time, device="laptop",
                                event=heap_hit(HitType.HEAP_USER_PROPERTIES, properties={"plan": "pro"})))
    model, verdicts = run(s)
    assert model.device("laptop").properties == {"plan": "free"}
    assert verdicts == []


def test_sequence_numbers_are_checked_per_device() -> None:
    model = ReferenceModel()
    cmd = Command(payload=["trackPageview"], tag_loaded=True)
    model.apply(Envelope(seq=3, time=1.0, device="laptop", event=cmd))
    model.apply(Envelope(seq=1, time=1.5, device="phone", event=cmd))  # independent numbering
    with pytest.raises(ModelUsageError, match="laptop"):
        model.apply(Envelope(seq=2, time=2.0, device="laptop", event=cmd))


def test_a_request_in_flight_with_the_old_user_id_is_not_a_change_back() -> None:
    s = (Script().pageview(A, 1, 1).push("identify", "cust-1").push("identify", "cust-2").cookies(B, 1, 1)
         .event_hit(A, 1, 1).pageview(B, 1, 1, pvt="r"))
    model, verdicts = run(s)
    assert verdicts == []
    assert model.device("laptop").user_id == B
    # Long after the change, the old ID coming back is a real change, and flagged.
    s.wait(60).pageview(A, 1, 2)
    _, later = run(s)
    assert [v.rule for v in later] == ["unexpected-user-id-change"]


def test_reset_on_an_anonymous_user_that_renews_detaches_properties() -> None:
    s = Script().pageview(A, 1, 1).push("addUserProperties", {"plan": "free"}).push("resetIdentity").cookies(B, 1, 1)
    model, verdicts = run(s)
    assert [(v.rule, v.details.get("outcome")) for v in verdicts] == [
        ("reset-identity-anonymous", "renewed"), ("properties-detached", None)]
    assert model.device("laptop").properties == {}


def test_ticks_create_no_device_and_late_verdicts_point_at_the_command_tab() -> None:
    s = Script().pageview(A, 1, 1).push("identify", "cust-1")
    s.envelopes.append(Envelope(seq=len(s.envelopes), time=s.time, device="laptop", tab="t2",
                                event=Command(payload=["identify", "cust-2"], tag_loaded=True)))
    model = ReferenceModel()
    model.apply_many(s.envelopes)
    late = model.apply(Envelope(seq=0, time=s.time + 60, device="default", event=Tick()))
    assert {v.rule for v in late} == {"identity-change-reset-missing", "renewal-pageview-missing"}
    assert {v.tab for v in late} == {"t2"}
    assert set(model.snapshot().devices) == {"laptop"}


def test_anonymous_reset_may_restart_the_session_with_a_renewal_pageview() -> None:
    s = Script().pageview(A, 1, 1).push("resetIdentity").pageview(A, 2, 1, pvt="r")
    _, verdicts = run(s)
    assert [(v.rule, v.details.get("outcome")) for v in verdicts] == [("reset-identity-anonymous", "kept")]


def test_late_verdicts_come_in_deadline_order_across_devices() -> None:
    s = Script().on("zeta").pageview(A, 1, 1).push("identify", "x-1").push("identify", "x-2").wait(3)
    s.on("alpha").pageview(B, 1, 1).push("identify", "y-1").push("identify", "y-2").wait(60).tick()
    _, verdicts = run(s)
    assert [v.device for v in verdicts] == ["zeta", "zeta", "alpha", "alpha"]
    assert [v.time for v in verdicts] == sorted(v.time for v in verdicts)
