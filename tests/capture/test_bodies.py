"""Bodies in the proxy are read up to uxa_max_body, never inflated further; records fit the line limit."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from mitmproxy import http
from mitmproxy.test import taddons

from inspector.capture import bodies
from inspector.capture.addon import UxaCapture
from inspector.capture.stream import EventStream
from inspector.decode.requests import decode_request
from inspector.wire.envelope import MAX_LINE_BYTES
from inspector.wire.events import Command, Notice, Request
from tests.capture.test_addon import flow_for, journal

LIMIT = 64 * 1024


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=1)


@pytest.fixture
def small_limit(tmp_path: Path):  # type: ignore[no-untyped-def]
    addon = UxaCapture()
    with taddons.context(addon) as tctx:
        tctx.configure(addon, uxa_journal=str(tmp_path / "j.jsonl"), uxa_max_body=LIMIT)
        yield addon, tctx, tmp_path / "j.jsonl"
        addon.done()


def raw_flow(url: str, method: str, raw: bytes, headers: dict[str, str]) -> http.HTTPFlow:
    flow = flow_for(url, method, headers=headers)
    flow.request.raw_content = raw  # as it came on the wire (make() would compress it again)
    return flow


def test_a_gzip_post_to_a_tag_host_is_recorded_cut_never_inflated_whole(small_limit) -> None:  # type: ignore[no-untyped-def]
    addon, _, path = small_limit
    flow = raw_flow("https://c.contentsquare.net/events?pid=1", "POST", gzipped(b"a" * 20_000_000),
                    {"Content-Encoding": "gzip"})
    addon.request(flow)
    flow.response = http.Response.make(200, b"")
    addon.response(flow)
    addon.done()
    (request,) = [e.event for e in journal(path) if isinstance(e.event, Request)]
    assert request.body_truncated and request.body == "a" * LIMIT
    assert any("first bytes" in note for note in decode_request(request).notes)  # shown when decoded


def test_an_observer_report_that_inflates_past_its_limit_is_refused_unread(small_limit) -> None:  # type: ignore[no-untyped-def]
    addon, _, path = small_limit
    report = json.dumps({"events": [{"kind": "command", "payload": ["identify", "x" * 5_000_000]}]}).encode()
    addon.request(raw_flow("https://shop.example/__uxa_inspector__/report", "POST", gzipped(report),
                           {"Content-Encoding": "gzip"}))
    addon.done()
    (notice,) = [e.event for e in journal(path)]
    assert isinstance(notice, Notice) and "too large" in notice.message


def test_html_that_inflates_past_the_limit_passes_on_unchanged_with_a_notice(small_limit) -> None:  # type: ignore[no-untyped-def]
    addon, _, path = small_limit
    raw = gzipped(b"<html><head></head><body>" + b" " * 10_000_000)
    flow = flow_for("https://shop.example/", headers={"Sec-Fetch-Dest": "document"})
    flow.response = http.Response.make(200, b"", {"Content-Type": "text/html", "Content-Encoding": "gzip"})
    flow.response.raw_content = raw
    addon.response(flow)
    assert flow.response.raw_content == raw
    addon.done()
    (notice,) = [e.event for e in journal(path)]
    assert isinstance(notice, Notice) and notice.code == "inject-skipped" and str(LIMIT) in notice.message


def test_a_sink_request_announcing_a_body_over_the_limit_is_recorded_unread_and_dropped(small_limit) -> None:  # type: ignore[no-untyped-def]
    addon, tctx, path = small_limit
    tctx.configure(addon, uxa_sink=True)
    flow = flow_for("https://c.contentsquare.net/events?pid=1", "POST")
    flow.request.headers["Content-Length"] = str(LIMIT + 1)
    flow.request.data.content = None  # only the headers have arrived
    addon.requestheaders(flow)  # before mitmproxy would stream it on to the vendor
    assert flow.error is not None and flow.error.msg == flow.error.KILLED_MESSAGE
    addon.done()
    (request,) = [e.event for e in journal(path) if isinstance(e.event, Request)]
    assert request.body_truncated and request.body == "" and "pid=1" in request.url


def test_mitmproxy_is_told_to_stream_bodies_past_the_limit_unless_the_user_chose(tmp_path: Path) -> None:
    from mitmproxy.addons import proxyserver

    addon = UxaCapture()
    with taddons.context(proxyserver.Proxyserver(), addon) as tctx:
        tctx.configure(addon, uxa_journal=str(tmp_path / "j.jsonl"), uxa_max_body=LIMIT)
        assert tctx.options.stream_large_bodies == str(LIMIT)
        tctx.configure(addon, stream_large_bodies="1m")
        tctx.configure(addon, uxa_max_body=2 * LIMIT)
        assert tctx.options.stream_large_bodies == "1m"
        addon.done()


@pytest.mark.parametrize("data", [b"\x00" * 3_000_000, bytes(range(256)) * 20_000, "é".encode() * 2_000_000],
                         ids=["escaped", "binary", "multibyte"])
def test_a_recorded_body_fits_its_budget_in_json(data: bytes) -> None:
    budget = 1_000_000
    text, encoding, truncated = bodies.for_record(bodies.Body(data, complete=True), budget)
    assert truncated and len(json.dumps(text, ensure_ascii=False).encode()) <= budget
    assert encoding == ("base64" if data[:3] == b"\x00\x01\x02" else "text")


def test_a_body_cut_inside_a_character_stays_text() -> None:
    text, encoding, truncated = bodies.for_record(bodies.Body("aé".encode()[:2], complete=False))
    assert (text, encoding, truncated) == ("a", "text", True)


def test_content_codings_are_opened_up_to_the_limit() -> None:
    body = bodies.read(http.Response.make(200, b"x" * 1000, {"Content-Encoding": "deflate"}), 100)
    assert body == bodies.Body(b"x" * 100, complete=False)
    broken = http.Response.make(200, b"", {"Content-Encoding": "gzip"})
    broken.raw_content = b"\x1f\x8b not gzip"
    read = bodies.read(broken, 100)
    assert read.data == b"\x1f\x8b not gzip" and read.problem and "content coding" in read.problem


def test_no_recording_line_exceeds_the_wire_limit(tmp_path: Path) -> None:
    stream = EventStream(tmp_path / "j.jsonl")
    stream.emit(Command(payload=["identify", "\x00" * (MAX_LINE_BYTES // 3)]))
    stream.emit(Command(payload=["identify", "small"]))
    stream.close()
    lines = (tmp_path / "j.jsonl").read_bytes().splitlines()
    assert max(len(line) for line in lines) <= MAX_LINE_BYTES
    first, second = (e.event for e in journal(tmp_path / "j.jsonl"))
    assert isinstance(first, Notice) and first.code == "event-too-large"
    assert isinstance(second, Command) and second.payload == ["identify", "small"]
