"""The addon inside mitmproxy's own test harness: options, reports, sink, recording, injection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mitmproxy import exceptions, http
from mitmproxy.test import taddons, tflow

from inspector.capture.addon import UxaCapture
from inspector.capture.devices import parse_devices
from inspector.wire.envelope import Envelope, parse_envelope
from inspector.wire.events import Command, Notice, Request, Storage


def journal(path: Path) -> list[Envelope]:
    return [parse_envelope(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def flow_for(url: str, method: str = "GET", body: bytes = b"", headers: dict[str, str] | None = None
             ) -> http.HTTPFlow:
    flow = tflow.tflow()
    flow.request = http.Request.make(method, url, body, headers or {})
    flow.response = None
    return flow


@pytest.fixture
def addon_ctx(tmp_path: Path):  # type: ignore[no-untyped-def]
    addon = UxaCapture()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, uxa_journal=str(tmp_path / "j.jsonl"))
        yield addon, tctx, tmp_path / "j.jsonl"
        addon.done()


def test_options_are_validated(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, tctx, _ = addon_ctx
    with pytest.raises(exceptions.OptionsError):
        tctx.configure(addon, uxa_devices="8080:laptop")
    with pytest.raises(exceptions.OptionsError, match="loopback"):
        tctx.configure(addon, uxa_stream="10.0.0.5:9000", uxa_token="t")
    with pytest.raises(exceptions.OptionsError, match="token"):
        tctx.configure(addon, uxa_stream="127.0.0.1:9000")
    assert parse_devices("8081=laptop, 8082=phone") == {8081: "laptop", 8082: "phone"}


def test_observer_reports_are_answered_locally_and_garbage_becomes_a_notice(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, _, path = addon_ctx
    good = json.dumps({"tab": "t1", "events": [{"kind": "command", "payload": ["identify", "x"], "call_id": "c1"}]})
    for body in (good.encode(), b"not json", json.dumps({"events": [{"kind": "hit", "host": "x"}]}).encode()):
        flow = flow_for("https://shop.example/__uxa_inspector__/report", "POST", body)
        addon.request(flow)
        assert flow.response is not None and flow.response.status_code == 204  # never forwarded
    addon.done()
    events = journal(path)
    assert isinstance(events[0].event, Command) and events[0].tab == "t1"
    assert [type(e.event) for e in events[1:]] == [Notice, Notice]


def test_sink_mode_answers_vendor_hosts_and_records_them(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, tctx, path = addon_ctx
    tctx.configure(addon, uxa_sink=True)
    flow = flow_for("https://c.contentsquare.net/pageview?pid=1&uu=u&sn=1&pn=1", headers={"Origin": "https://shop.example"})
    addon.request(flow)
    assert flow.response is not None and flow.response.headers["content-type"] == "image/gif"
    assert flow.response.headers["access-control-allow-origin"] == "https://shop.example"
    addon.response(flow)
    tag = flow_for("https://t.contentsquare.net/uxa/0123456789abc.js")
    addon.request(tag)
    assert tag.response is not None and tag.response.status_code == 404
    addon.done()
    requests = [e.event for e in journal(path) if isinstance(e.event, Request)]
    assert requests[0].sunk and requests[0].status == 200 and "pageview" in requests[0].url


def test_forward_mode_records_binary_bodies_losslessly_and_leaves_other_hosts_alone(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, _, path = addon_ctx
    flow = flow_for("https://k-aeu1.contentsquare.net/v2/recording", "POST", b"\xff\x00\xfe")
    addon.request(flow)
    assert flow.response is None  # forwarded
    flow.response = http.Response.make(200, b"ok")
    addon.response(flow)
    other = flow_for("https://cdn.example/app.js")
    addon.request(other)
    other.response = http.Response.make(200, b"x", {"Content-Type": "application/javascript"})
    addon.response(other)
    assert other.response.content == b"x"
    addon.done()
    (request,) = [e.event for e in journal(path) if isinstance(e.event, Request)]
    assert request.body_encoding == "base64" and request.body == "/wD+"


def test_html_is_injected_through_gzip_and_csp_headers_widened(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, _, _ = addon_ctx
    flow = flow_for("https://shop.example/")
    page = b"<!doctype html><html><head><title>t</title></head><body>hi</body></html>"
    # make() compresses the content itself, as the Content-Encoding header says.
    flow.response = http.Response.make(200, page, {
        "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip",
        "Content-Security-Policy": "script-src 'nonce-n' 'strict-dynamic'"})
    addon.response(flow)
    html = flow.response.content or b""
    assert html.index(b"__uxaInspectorObserver") < html.index(b"<title>")
    # Sent on uncompressed (compressing again cost the proxy more than the rest of the page's work),
    # with headers that say so.
    assert "content-encoding" not in flow.response.headers
    assert flow.response.raw_content == html and flow.response.headers["content-length"] == str(len(html))
    assert "'sha256-" in flow.response.headers["content-security-policy"]
    json_flow = flow_for("https://shop.example/api")
    json_flow.response = http.Response.make(200, b'{"a": 1}', {"Content-Type": "application/json"})
    addon.response(json_flow)
    assert json_flow.response.content == b'{"a": 1}'


def test_document_requests_snapshot_first_party_tag_cookies(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, _, path = addon_ctx
    addon.request(flow_for("https://shop.example/cart", headers={
        "Sec-Fetch-Dest": "document", "Cookie": "sid=1; _cs_id=u.1.2.3.4.5.6; _cs_s=3.0.9"}))
    addon.request(flow_for("https://shop.example/app.js", headers={"Sec-Fetch-Dest": "script", "Cookie": "_cs_id=z"}))
    addon.done()
    (storage,) = [e.event for e in journal(path) if isinstance(e.event, Storage)]
    assert storage.cookies == {"_cs_id": "u.1.2.3.4.5.6", "_cs_s": "3.0.9"} and storage.source == "request-header"


def test_the_proxy_stays_on_loopback_unless_the_user_opts_in(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, tctx, _ = addon_ctx
    tctx.configure(addon, listen_host="")  # mitmproxy's default: every interface
    assert tctx.options.listen_host == "127.0.0.1"
    with pytest.raises(exceptions.OptionsError, match="uxa_allow_remote"):
        tctx.configure(addon, mode=["regular@127.0.0.1:8081", "regular@0.0.0.0:8082"])
    with pytest.raises(exceptions.OptionsError, match="uxa_allow_remote"):
        tctx.configure(addon, listen_host="192.168.1.5")
    tctx.configure(addon, uxa_allow_remote=True, mode=["regular@0.0.0.0:8082"])
    assert tctx.options.mode == ["regular@0.0.0.0:8082"]


def test_a_service_worker_script_fetch_is_reported_once(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, _, path = addon_ctx
    for _ in range(2):  # registration, then an update check
        addon.request(flow_for("https://shop.example/sw.js?v=3", headers={"Service-Worker": "script"}))
    addon.request(flow_for("https://shop.example/app.js", headers={"Sec-Fetch-Dest": "script"}))
    addon.done()
    notices = [e.event for e in journal(path) if isinstance(e.event, Notice)]
    assert [n.code for n in notices] == ["service-worker"]
    assert "shop.example" in notices[0].message and "/sw.js" in notices[0].message


@pytest.mark.parametrize(("dest", "injected"), [
    ("document", True), ("iframe", True), (None, True), ("empty", False), ("script", False)])
def test_only_documents_the_browser_renders_get_the_observer(addon_ctx, dest: str | None,  # type: ignore[no-untyped-def]
                                                             injected: bool) -> None:
    addon, _, _ = addon_ctx
    page = b"<html><head></head><body>partial</body></html>"
    flow = flow_for("https://shop.example/partial", headers={"Sec-Fetch-Dest": dest} if dest else {})
    flow.response = http.Response.make(200, page, {"Content-Type": "text/html"})
    addon.response(flow)
    assert (flow.response.content != page) == injected


def test_a_utf16_page_known_only_by_its_bom_is_left_whole_and_noted(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, _, path = addon_ctx
    page = "\ufeff<html><head></head><body>é</body></html>".encode("utf-16-le")
    flow = flow_for("https://shop.example/wide")
    flow.response = http.Response.make(200, page, {"Content-Type": "text/html"})
    addon.response(flow)
    assert flow.response.content == page
    addon.done()
    (notice,) = [e.event for e in journal(path) if isinstance(e.event, Notice)]
    assert notice.code == "inject-skipped" and "UTF-16" in notice.message


def test_a_partial_html_response_is_never_injected(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, _, _ = addon_ctx
    flow = flow_for("https://shop.example/big.html", headers={"Range": "bytes=100-199", "Sec-Fetch-Dest": "document"})
    part = b"<head>middle of a document</head>"
    flow.response = http.Response.make(206, part, {"Content-Type": "text/html", "Content-Range": "bytes 100-133/5000"})
    addon.response(flow)
    assert flow.response.content == part


def test_a_hit_in_flight_keeps_its_place_before_a_command_reported_meanwhile(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, _, path = addon_ctx
    hit = flow_for("https://c.contentsquare.net/events?pid=1&uu=old-user")
    addon.request(hit)  # forwarded: the answer takes a while
    report = json.dumps({"tab": "t1", "events": [{"kind": "command", "payload": ["identify", "x"], "call_id": "c1"}]})
    addon.request(flow_for("https://shop.example/__uxa_inspector__/report", "POST", report.encode()))
    hit.response = http.Response.make(200, b"")
    addon.response(hit)
    addon.error(hit)  # a late error on the same flow records nothing twice
    addon.done()
    events = journal(path)
    assert [type(e.event) for e in events] == [Request, Command]
    assert events[0].time <= events[1].time


def test_a_request_never_answered_is_sent_on_at_shutdown_without_status(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, _, path = addon_ctx
    addon.request(flow_for("https://c.contentsquare.net/pageview?pid=1"))
    addon.request(flow_for("https://shop.example/", headers={"Sec-Fetch-Dest": "document", "Cookie": "_cs_s=1.0.9"}))
    addon.done()
    events = journal(path)
    assert [type(e.event) for e in events] == [Request, Storage]
    assert isinstance(events[0].event, Request) and events[0].event.status is None


def test_local_responses_are_what_mitmproxy_would_make() -> None:
    from inspector.capture.responses import local_response
    from inspector.capture.sink import sink_answer

    for answer in (sink_answer("c.contentsquare.net", "GET", "https://shop.example"),
                   sink_answer("t.contentsquare.net", "GET", None), sink_answer("c.ba.contentsquare.net", "OPTIONS", "x")):
        ours = local_response(answer.status, answer.body, answer.headers)
        made = http.Response.make(answer.status, answer.body, answer.headers)
        assert (ours.status_code, ours.reason, ours.http_version) == (made.status_code, made.reason, made.http_version)
        assert ours.headers.fields == made.headers.fields and ours.raw_content == made.raw_content


def test_per_request_hooks_are_there_only_when_the_options_need_them(addon_ctx) -> None:  # type: ignore[no-untyped-def]
    addon, tctx, _ = addon_ctx  # forward mode, injecting
    assert not hasattr(addon, "requestheaders") and callable(addon.responseheaders)
    tctx.configure(addon, uxa_sink=True, uxa_inject=False)
    assert callable(addon.requestheaders) and not hasattr(addon, "responseheaders")
    tctx.configure(addon, uxa_sink=False, uxa_inject=True)
    assert not hasattr(addon, "requestheaders") and callable(addon.responseheaders)
