"""A renewal pageview the tag sent but the capture lacks: a page that reloads in the same task as
identify has its image request cancelled by the browser (CI saw it in a HAR Playwright recorded).

The tag counts the renewal as page 1 of the new user's first session, so that user's next pageview is
page 2: that is the evidence it was sent. A tag that renews the user and sends no renewal starts the
new user at page 1, and stays a violation.
"""

from __future__ import annotations

from inspector.model.reference import ReferenceModel
from inspector.model.state import Basis, Severity, Verdict
from inspector.wire.events import Command, Hit
from tests.support.script import Script

A, B = "aaaaaaaa-1111", "bbbbbbbb-2222"


def judge(script: Script) -> list[Verdict]:
    model = ReferenceModel()
    return model.apply_many(script.envelopes) + model.finish()


def rules(script: Script) -> list[tuple[str, str]]:
    return [(v.rule, v.severity.value) for v in judge(script)]


def signed_in(*, observer: bool = True) -> Script:
    """User A on page 2 of its session, identified as ann (seen only with the observer)."""
    s = Script().pageview(A, 1, 1)
    if observer:
        s.push("identify", "ann")
    return s.wait(2).pageview(A, 1, 2).wait(2)


def test_a_renewal_counted_by_the_next_page_is_reported_as_not_captured() -> None:
    s = signed_in().push("identify", "bob").cookies(B, 1, 1, trigger="command:identify")
    verdicts = judge(s.wait(0.3).pageview(B, 1, 2).wait(30).tick())
    assert [(v.rule, v.severity, v.basis) for v in verdicts] == [
        ("renewal-pageview-not-captured", Severity.INFO, Basis.OBSERVED)]
    assert verdicts[0].details == {"old_user_id": A, "new_user_id": B, "renewal_captured": False}
    assert "page 2 of session 1" in verdicts[0].template
    # Its evidence: the call, and the page that counts the renewal.
    call = [e.seq for e in s.envelopes if isinstance(e.event, Command) and e.event.name == "identify"][-1]
    page_2 = next(e.seq for e in s.envelopes if isinstance(e.event, Hit) and (e.event.uu, e.event.pn) == (B, 2))
    assert verdicts[0].events == (call, page_2)


def test_the_next_page_alone_can_show_the_new_user_and_its_counted_renewal() -> None:
    # No snapshot of the call: the reloaded page's pageview is the first sign of the new user.
    s = signed_in().push("identify", "bob").wait(0.3).pageview(B, 1, 2).wait(30).tick()
    assert rules(s) == [("renewal-pageview-not-captured", "info")]


def test_a_tag_that_sends_no_renewal_is_still_a_violation() -> None:
    s = signed_in().push("identify", "bob").cookies(B, 1, 0, trigger="command:identify")
    s.wait(0.3).pageview(B, 1, 1).wait(1).pageview(B, 1, 2)  # page 2 follows a page 1 seen: no evidence
    assert rules(s.wait(30).tick()) == [("renewal-pageview-missing", "violation")]


def test_a_renewal_that_arrives_after_the_next_page_answers_as_usual() -> None:
    # Two connections: the reloaded page's hit overtakes the renewal on its way to the proxy.
    s = signed_in().push("identify", "bob").wait(0.3).pageview(B, 1, 2).wait(0.2).pageview(B, 1, 1, pvt="r")
    assert rules(s.wait(30).tick()) == []


def test_a_renewal_later_than_the_deadline_is_the_counted_one_not_an_unexpected_one() -> None:
    s = signed_in().push("identify", "bob").wait(0.3).pageview(B, 1, 2).wait(12).pageview(B, 1, 1, pvt="r")
    assert rules(s.wait(30).tick()) == [("renewal-pageview-not-captured", "info")]


def test_a_page_2_of_a_user_whose_renewal_was_seen_counts_nothing() -> None:
    s = signed_in().push("identify", "bob").pageview(B, 1, 1, pvt="r").wait(1).pageview(B, 1, 2)
    assert rules(s.wait(30).tick()) == []


def test_network_only_a_user_starting_at_page_2_is_an_inferred_call_with_its_renewal_lost() -> None:
    for first_sign in ("cookie", "pageview"):
        s = signed_in(observer=False)
        if first_sign == "cookie":  # the reloaded document's request carries the new _cs_id
            s.cookies(B, 1, 1, trigger="request").wait(0.2)
        verdicts = judge(s.pageview(B, 1, 2).wait(30).tick())
        assert [(v.rule, v.basis) for v in verdicts] == [("user-id-change-inferred", Basis.NETWORK)], first_sign
        assert verdicts[0].details == {"old_user_id": A, "new_user_id": B, "renewal_captured": False,
                                       "inferred": True}
        assert "counted a renewal pageview the capture lacks" in verdicts[0].template


def test_network_only_a_user_starting_at_page_1_without_renewal_stays_unexpected() -> None:
    # Lost or blocked cookies: the tag starts a new user from scratch, page 1, no renewal counted.
    s = signed_in(observer=False).cookies(B, 1, 0, trigger="request").wait(0.2).pageview(B, 1, 1)
    assert rules(s.wait(1).pageview(B, 1, 2).wait(30).tick()) == [("unexpected-user-id-change", "violation")]
    assert rules(signed_in(observer=False).pageview(B, 1, 3).wait(30).tick()) == [
        ("unexpected-user-id-change", "violation")]


# The tag's afterPageView callback: it calls back after each pageview it sends, so on the page of the
# call, with no trackPageview since, a callback naming the new user in session 1 is its renewal.
def test_a_renewal_the_tag_called_back_for_is_reported_as_not_captured() -> None:
    # Identify, then reset at once: the renewal of bob's user is lost and that user never has a page.
    s = signed_in().on_page("doc-1").push("identify", "bob").called_back(B, 1)
    s.cookies(B, 1, 1, trigger="command:identify")
    verdicts = judge(s.wait(30).tick())
    assert [(v.rule, v.severity) for v in verdicts] == [("renewal-pageview-not-captured", Severity.INFO)]
    assert verdicts[0].details["counted_by"] == "afterPageView"
    assert "afterPageView" in verdicts[0].template
    callback = next(e.seq for e in s.envelopes if e.event.kind == "callback")
    assert callback in verdicts[0].events


def test_a_callback_from_another_page_or_after_a_trackpageview_proves_no_renewal() -> None:
    # The next page's own pageview calls back for the new user too: no evidence of a renewal.
    s = signed_in().on_page("doc-1").push("identify", "bob").cookies(B, 1, 0, trigger="command:identify")
    s.on_page("doc-2").wait(0.3).called_back(B, 1)
    assert rules(s.wait(30).tick()) == [("renewal-pageview-missing", "violation")]
    s = signed_in().on_page("doc-1").push("identify", "bob").cookies(B, 1, 0, trigger="command:identify")
    s.push("trackPageview", "/cart").called_back(B, 1)
    assert rules(s.wait(30).tick()) == [("renewal-pageview-missing", "violation")]


def test_a_callback_for_an_older_session_or_without_a_page_is_no_evidence() -> None:
    s = signed_in().on_page("doc-1").push("identify", "bob").cookies(B, 1, 0, trigger="command:identify")
    s.called_back(B, 2)
    assert rules(s.wait(30).tick()) == [("renewal-pageview-missing", "violation")]
    s = signed_in().push("identify", "bob").cookies(B, 1, 0, trigger="command:identify").called_back(B, 1)
    assert rules(s.wait(30).tick()) == [("renewal-pageview-missing", "violation")]
