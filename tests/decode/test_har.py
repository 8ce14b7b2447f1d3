"""What a HAR carries besides the tag's requests: cookies on every request of the site, failed hits,
the page each request belongs to, and Product Analytics identities."""

from __future__ import annotations

from typing import Any

import pytest

from inspector.decode.har import parse_har
from inspector.session.engine import Engine
from inspector.wire.events import Notice, Page, Request, Storage

UU = "6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8"
CS_ID = f"{UU}.1764323000.1.1764324000.1764323000.1589297673.1795866000"


def entry(second: int, url: str, *, headers: dict[str, str] | None = None, status: int = 200,
          response: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"startedDateTime": f"2026-11-28T10:00:{second:02d}.000Z",
            "request": {"method": "GET", "url": url,
                        "headers": [{"name": k, "value": v} for k, v in (headers or {}).items()]},
            "response": {"status": status, "headers": [], **(response or {})}, **extra}


def har(*entries: dict[str, Any], pages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"log": {"version": "1.2", "pages": pages or [], "entries": list(entries)}}


def events(document: dict[str, Any]) -> list[Any]:
    return [env.event for env in parse_har(document, "laptop").envelopes]


def test_cookies_of_every_request_to_the_site_and_of_set_cookie_lists() -> None:
    out = events(har(
        entry(0, "https://shop.example/", headers={"Accept": "text/html"}),
        # Not the document: the site's own API call carries the cookies the tag wrote.
        entry(1, "https://api.shop.example/cart", headers={"Cookie": f"_cs_id={CS_ID}; other=1"}),
        # Parsed cookies only (no Set-Cookie header kept), and a deletion, which sets nothing.
        entry(2, "https://shop.example/login", response={
            "cookies": [{"name": "_cs_s", "value": "1.0.1795866000000"},
                        {"name": "_cs_c", "value": "x", "expires": "2020-01-01T00:00:00.000Z"}]}),
        entry(3, "https://shop.example/logout", response={"headers": [
            {"name": "Set-Cookie", "value": "_cs_id=gone; Max-Age=0; Path=/"},
            {"name": "Set-Cookie", "value": "_cs_ex=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT"}]}),
    ))
    storages = [e for e in out if isinstance(e, Storage)]
    assert [(s.source, s.cookies) for s in storages] == [
        ("request-header", {"_cs_id": CS_ID}), ("response-header", {"_cs_s": "1.0.1795866000000"})]


@pytest.mark.parametrize(("response", "reason"), [
    ({"status": 0, "_error": "net::ERR_BLOCKED_BY_CLIENT"}, "net::ERR_BLOCKED_BY_CLIENT"),
    ({"status": -1, "_failureText": "net::ERR_ABORTED"}, "net::ERR_ABORTED"),
    ({"status": 0}, "no response"),
    ({"status": 503, "statusText": "Service Unavailable"}, "answered 503 Service Unavailable"),
    ({"status": 403}, "answered 403"),
])
def test_a_failed_hit_is_a_notice_after_the_hit(response: dict[str, Any], reason: str) -> None:
    url = f"https://c.contentsquare.net/pageview?pid=1&uu={UU}&sn=1&pn=1"
    out = events(har({"startedDateTime": "2026-11-28T10:00:00Z", "request": {"method": "GET", "url": url},
                      "response": response}))
    assert isinstance(out[0], Request) and isinstance(out[1], Notice)
    assert out[1].code == "hit-failed" and reason in out[1].message and UU not in out[1].message


def test_answered_hits_and_entries_without_a_response_say_nothing() -> None:
    ok = entry(0, "https://c.contentsquare.net/pageview?pid=1", status=204)
    unknown = {"startedDateTime": "2026-11-28T10:00:01Z",
               "request": {"method": "GET", "url": "https://c.contentsquare.net/events?pid=1"}}
    assert [e.kind for e in events(har(ok, unknown))] == ["request", "request"]


def test_pageref_is_the_tab() -> None:
    long_ref = "page@3614b32726a4547b95e71876e2adacc0"
    cookie = {"Cookie": f"_cs_id={CS_ID}"}
    document = har(
        entry(0, "https://shop.example/", headers={"Sec-Fetch-Dest": "document", **cookie}, pageref=long_ref),
        entry(1, "https://c.contentsquare.net/pageview?pid=1", pageref=long_ref),
        entry(2, "https://shop.example/a", headers={"Sec-Fetch-Dest": "document"}, pageref="p2"),
        entry(3, "https://shop.example/api", headers={"Cookie": "_cs_s=1.0.1795866000000"}, pageref="p2"),
        pages=[{"id": long_ref, "title": "Home"}, {"id": "p2", "title": "A"}])
    envelopes = parse_har(document, "laptop").envelopes
    assert [(env.event.kind, env.tab) for env in envelopes] == [
        ("storage", "page_1"), ("request", "page_1"), ("storage", "p2")]
    # A page event is the observer's report: a HAR makes none, so it stays network-only evidence.
    assert not any(isinstance(env.event, Page) for env in envelopes)
    assert envelopes[2].event.page_url == "https://shop.example/a"  # type: ignore[union-attr]


def test_without_pageref_the_referer_names_the_page() -> None:
    document = har(
        entry(0, "https://shop.example/a", headers={"Accept": "text/html", "Cookie": "_cs_s=1.0.1"}),
        entry(1, "https://shop.example/b", headers={"Accept": "text/html", "Referer": "https://shop.example/a",
                                                    "Cookie": "_cs_s=2.0.1"}),
        # The tag's hits send only the origin as Referer: the latest page of that origin.
        entry(2, "https://c.contentsquare.net/pageview?pid=1", headers={"Referer": "https://shop.example/"}),
        # A full Referer names its exact page, even an earlier one (a request still in flight).
        entry(3, "https://shop.example/api", headers={"Referer": "https://shop.example/a",
                                                      "Cookie": f"_cs_id={CS_ID}"}),
    )
    envelopes = parse_har(document, "laptop").envelopes
    assert [(env.event.kind, env.tab) for env in envelopes] == [
        ("storage", "page_1"), ("storage", "page_2"), ("request", "page_2"), ("storage", "page_1")]
    assert envelopes[3].event.page_url == "https://shop.example/a"  # type: ignore[union-attr]  # not /api


def test_an_identity_sent_in_the_clear_is_an_identity() -> None:
    body = '{"env_id": "42", "user_id": "777", "identity": "C-1001"}'
    document = har(
        entry(0, "https://shop.example/", headers={"Accept": "text/html", "Cookie": f"_cs_id={CS_ID}"}),
        {**entry(1, "https://c.us.heap-api.com/api/capture/v2/identify"),
         "request": {"method": "POST", "url": "https://c.us.heap-api.com/api/capture/v2/identify",
                     "postData": {"mimeType": "application/json", "text": body}}})
    engine = Engine()
    engine.feed_many(parse_har(document, "laptop").envelopes)
    engine.finish()
    device = engine.snapshot().devices["laptop"]
    assert device.identity == "C-1001" and device.user_id == UU
    assert [(link.identity, link.user_id) for link in engine.snapshot().graph] == [("C-1001", UU)]
