"""Network evidence only (a HAR file, a capture without the observer): the page's calls cannot be
seen, so a user-ID change with the renewal pageview an unseen identify or resetIdentity sends is
reported as inferred; everything else is judged as strictly as with the observer."""

from __future__ import annotations

from inspector.model.reference import ReferenceModel
from inspector.model.state import Basis, Verdict
from inspector.wire.envelope import Envelope
from inspector.wire.events import Page
from tests.support.script import Script

A, B = "aaaaaaaa-1111", "bbbbbbbb-2222"


def judge(script: Script) -> list[Verdict]:
    model = ReferenceModel()
    return model.apply_many(script.envelopes) + model.finish()


def rules(script: Script) -> list[str]:
    return [v.rule for v in judge(script)]


def network(*steps: str) -> Script:
    """A device seen only on the network: pageviews of A, then the given steps."""
    s = Script().pageview(A, 1, 1).wait(5).pageview(A, 1, 2).wait(5)
    for step in steps:
        {"renewal": lambda: s.pageview(B, 1, 1, pvt="r"),
         "cookie": lambda: s.cookies(B, 1, 1, trigger="request"),
         "natural": lambda: s.pageview(B, 1, 1),
         "odd-renewal": lambda: s.pageview(B, 4, 3, pvt="r"),
         "later": lambda: s.wait(2).pageview(B, 1, 2)}[step]()
    return s.wait(30).tick()


def observed(script: Script) -> Script:
    """The same events on a device with the observer: its page report comes first."""
    out = Script()
    out.envelopes = [Envelope(seq=0, time=script.envelopes[0].time - 1, device="laptop",
                              event=Page(url="https://shop.test/"))]
    out.envelopes += [env.model_copy(update={"seq": env.seq + 1}) for env in script.envelopes]
    return out


def test_a_user_id_change_with_its_renewal_pageview_is_an_inferred_call() -> None:
    verdicts = judge(network("renewal", "later"))
    assert [(v.rule, v.severity.value, v.basis) for v in verdicts] == [
        ("user-id-change-inferred", "info", Basis.NETWORK)]
    assert verdicts[0].details == {"old_user_id": A, "new_user_id": B, "inferred": True}


def test_the_renewal_may_come_after_the_cookie_that_shows_the_new_user() -> None:
    assert rules(network("cookie", "renewal", "later")) == ["user-id-change-inferred"]


def test_a_change_without_the_renewal_stays_unexpected() -> None:
    assert rules(network("natural")) == ["unexpected-user-id-change"]  # the new user's first pageview
    late = judge(network("cookie"))  # judged once the deadline passed without a renewal
    assert [(v.rule, v.basis) for v in late] == [("unexpected-user-id-change", Basis.NETWORK)]
    assert late[0].details == {"old_user_id": A, "new_user_id": B}


def test_a_renewal_that_does_not_start_a_new_user_s_first_session_is_not_taken_as_one() -> None:
    assert sorted(rules(network("odd-renewal"))) == ["renewal-pageview-unexpected", "unexpected-user-id-change"]


def test_a_device_with_observer_reports_is_judged_strictly() -> None:
    verdicts = judge(observed(network("renewal", "later")))
    assert sorted((v.rule, v.basis) for v in verdicts) == [
        ("renewal-pageview-unexpected", Basis.OBSERVED), ("unexpected-user-id-change", Basis.OBSERVED)]


def test_each_device_is_judged_on_its_own_evidence() -> None:
    s = Script().pageview(A, 1, 1).wait(1).pageview(B, 1, 1, pvt="r")
    s.on("phone").push("identify", "cust-1").pageview("cccccccc-3", 1, 1).wait(1).pageview("dddddddd-4", 1, 1, pvt="r")
    by_device = {(v.device, v.rule, v.basis) for v in judge(s)}
    assert ("laptop", "user-id-change-inferred", Basis.NETWORK) in by_device
    assert ("phone", "unexpected-reset-first-identify", Basis.OBSERVED) in by_device
