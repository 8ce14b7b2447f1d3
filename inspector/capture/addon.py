"""The mitmproxy addon: ``mitmdump -s inspector/capture/addon.py --set uxa_sink=true ...``.

It records every request to the tag's hosts as a lossless ``request`` event, injects the page
observer at the top of every HTML document (widening strict CSPs just enough), answers the observer's
reports on the page's own origin (never forwarded), and in sink mode answers the vendor's hosts
itself. Events leave through ``EventStream`` (journal file + the app's loopback socket).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Loaded by path (mitmdump -s): make the project importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mitmproxy import ctx, exceptions, http

from inspector.capture.injection import (
    REPORT_PATH,
    charset_of,
    inject,
    is_html,
    observer_source,
    script_hash,
    script_tag,
    widen_header,
)
from inspector.capture.reports import parse_report
from inspector.capture.sink import sink_answer
from inspector.capture.stream import EventStream
from inspector.decode.cookies import parse_cookie_header, tag_cookies
from inspector.decode.hosts import is_tag_host
from inspector.model.events import Notice, Request, Storage, Tick

log = logging.getLogger("uxa-inspector")
TOKEN_ENV = "UXA_INSPECTOR_TOKEN"
_CSP_HEADERS = ("content-security-policy", "content-security-policy-report-only")


def parse_devices(spec: str) -> dict[int, str]:
    """``"8081=laptop,8082=phone"`` -> {8081: "laptop", 8082: "phone"}; raises ValueError on bad input."""
    out: dict[int, str] = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        port, sep, name = item.partition("=")
        if not sep or not port.strip().isdigit() or not name.strip():
            raise ValueError(f"expected PORT=NAME, got {item!r}")
        out[int(port)] = name.strip()
    return out


def parse_endpoint(spec: str) -> tuple[str, int] | None:
    if not spec:
        return None
    host, sep, port = spec.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ValueError(f"expected HOST:PORT, got {spec!r}")
    if host not in ("127.0.0.1", "localhost", "::1", "[::1]"):
        raise ValueError("the event stream only goes to a loopback address")
    return host.strip("[]"), int(port)


def _options_error(message: str) -> Exception:
    error: Exception = exceptions.OptionsError(message)  # type: ignore[no-untyped-call]
    return error


def _header_pairs(headers: http.Headers) -> tuple[tuple[str, str], ...]:
    return tuple(headers.items(multi=True))  # type: ignore[no-untyped-call]


def _body(message: http.Message) -> tuple[str, str]:
    raw = message.raw_content or b""
    try:
        data = message.content or b""  # content-encoding undone
    except ValueError:
        data = raw
    try:
        return data.decode("utf-8"), "text"
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii"), "base64"


class UxaCapture:
    def __init__(self) -> None:
        self.stream: EventStream | None = None
        self.devices: dict[int, str] = {}
        self.extra_hosts: tuple[str, ...] = ()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stream_key: tuple[str, str, str] | None = None
        self._ticker: asyncio.Task[None] | None = None
        source = observer_source()
        self._tag = script_tag(source).encode("utf-8")
        self._hash = script_hash(source)

    # ----------------------------------------------------------------- options

    def load(self, loader: object) -> None:
        add = loader.add_option  # type: ignore[attr-defined]
        add("uxa_sink", bool, False, "Answer the vendor's hosts locally: nothing is sent to Contentsquare.")
        add("uxa_journal", str, "", "Append every event (JSON lines) to this file.")
        add("uxa_stream", str, "", "HOST:PORT of the app's loopback listener (empty: no live stream).")
        add("uxa_token", str, "", f"Token for the live stream (default: ${TOKEN_ENV}).")
        add("uxa_devices", str, "", "Device name per listen port, e.g. '8081=laptop,8082=phone'.")
        add("uxa_extra_hosts", str, "", "More tag hosts, comma-separated ('*.suffix' allowed).")
        add("uxa_inject", bool, True, "Inject the page observer into HTML documents.")
        add("uxa_queue", int, 20000, "Events held in memory before the writer takes them.")
        add("uxa_exit_with_app", bool, True, "Stop the proxy when the app's socket closes.")
        add("uxa_tick", float, 5.0, "Seconds between tick events, so deadlines expire while idle (0: none).")

    def configure(self, updated: set[str]) -> None:
        opts = ctx.options
        try:
            if "uxa_devices" in updated:
                self.devices = parse_devices(opts.uxa_devices)
            stream = parse_endpoint(opts.uxa_stream)
        except ValueError as exc:
            raise _options_error(str(exc)) from None
        if "uxa_extra_hosts" in updated:
            self.extra_hosts = tuple(h.strip() for h in opts.uxa_extra_hosts.split(",") if h.strip())
        if opts.uxa_queue < 100:
            raise _options_error("uxa_queue must be at least 100")
        token = opts.uxa_token or os.environ.get(TOKEN_ENV, "")
        if stream is not None and not token:
            raise _options_error(f"uxa_stream needs a token (uxa_token or ${TOKEN_ENV})")
        key = (opts.uxa_journal, opts.uxa_stream, token)
        if key != self._stream_key:
            if self.stream is not None:
                self.stream.close()
            self._stream_key = key
            journal = Path(opts.uxa_journal).expanduser() if opts.uxa_journal else None
            self.stream = EventStream(journal, stream, token, opts.uxa_queue, self._app_gone)

    def running(self) -> None:
        self._loop = asyncio.get_running_loop()
        if ctx.options.uxa_tick > 0:
            self._ticker = self._loop.create_task(self._tick_forever())

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(ctx.options.uxa_tick)
            if self.stream is not None:
                self.stream.emit(Tick())

    def done(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        if self.stream is not None:
            self.stream.close()

    def _app_gone(self) -> None:
        if ctx.options.uxa_exit_with_app and self._loop is not None:
            log.warning("the app closed the event stream: stopping the capture")
            self._loop.call_soon_threadsafe(ctx.master.shutdown)

    # ----------------------------------------------------------------- flows

    def device_of(self, flow: http.HTTPFlow) -> str:
        try:
            port = flow.client_conn.proxy_mode.listen_port()
        except Exception:  # an exotic mode: one device
            port = None
        if port is not None and port in self.devices:
            return self.devices[port]
        return next(iter(self.devices.values())) if len(self.devices) == 1 else "default"

    def _emit(self, flow: http.HTTPFlow, event: object, tab: str | None = None) -> None:
        if self.stream is not None:
            self.stream.emit(event, self.device_of(flow), tab)  # type: ignore[arg-type]

    def request(self, flow: http.HTTPFlow) -> None:
        req = flow.request
        if req.path.startswith(REPORT_PATH):
            self._answer_report(flow)
            return
        if is_tag_host(req.pretty_host, self.extra_hosts):
            flow.metadata["uxa_tag"] = True
            if ctx.options.uxa_sink:
                answer = sink_answer(req.pretty_host, req.method, req.headers.get("origin"))
                flow.response = http.Response.make(answer.status, answer.body, answer.headers)
                flow.metadata["uxa_sunk"] = True
            return
        if self._is_document(req):
            cookies = tag_cookies(parse_cookie_header("; ".join(req.headers.get_all("cookie"))))
            if cookies:
                self._emit(flow, Storage(cookies=cookies, source="request-header", trigger="navigation",
                                         page_url=req.pretty_url))

    @staticmethod
    def _is_document(req: http.Request) -> bool:
        dest = req.headers.get("sec-fetch-dest")
        if dest is not None:
            return dest in ("document", "iframe", "frame")
        return req.method == "GET" and "text/html" in req.headers.get("accept", "")

    def _answer_report(self, flow: http.HTTPFlow) -> None:
        report = parse_report(flow.request.content or b"") if flow.request.method == "POST" else None
        if report is not None:
            for event in report.events:
                self._emit(flow, event, report.tab)
        flow.response = http.Response.make(204, b"", {"Cache-Control": "no-store"})
        flow.metadata["uxa_report"] = True

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        # HTML must be whole to be injected: never stream it.
        if flow.response is not None and is_html(flow.response.headers.get("content-type")):
            flow.response.stream = False

    def response(self, flow: http.HTTPFlow) -> None:
        if flow.metadata.get("uxa_report"):
            return
        if flow.metadata.get("uxa_tag"):
            self._record(flow)
            return
        if ctx.options.uxa_inject and flow.response is not None:
            self._inject(flow)

    def error(self, flow: http.HTTPFlow) -> None:
        if flow.metadata.get("uxa_tag"):
            self._record(flow)

    def _record(self, flow: http.HTTPFlow) -> None:
        req, resp = flow.request, flow.response
        body, encoding = _body(req)
        duration = None
        if resp is not None and resp.timestamp_end and req.timestamp_start:
            duration = max(0.0, (resp.timestamp_end - req.timestamp_start) * 1000)
        self._emit(flow, Request(
            method=req.method, url=req.pretty_url, headers=_header_pairs(req.headers),
            body=body, body_encoding="base64" if encoding == "base64" else "text",
            status=resp.status_code if resp is not None else None,
            response_headers=_header_pairs(resp.headers) if resp is not None else (),
            duration_ms=duration, sunk=bool(flow.metadata.get("uxa_sunk")), flow_id=flow.id,
        ))

    def _inject(self, flow: http.HTTPFlow) -> None:
        resp = flow.response
        assert resp is not None
        if not is_html(resp.headers.get("content-type")) or resp.status_code in (204, 304):
            return
        if flow.request.method == "HEAD" or not (200 <= resp.status_code < 300 or resp.status_code == 404):
            return
        charset = (charset_of(resp.headers.get("content-type")) or "").lower()
        if charset.startswith(("utf-16", "utf-32")):
            self._emit(flow, Notice(level="warning", code="inject-skipped",
                                    message=f"{flow.request.pretty_url}: {charset} pages are not injected"))
            return
        try:
            html = resp.content
        except ValueError as exc:
            self._emit(flow, Notice(level="warning", code="inject-skipped",
                                    message=f"{flow.request.pretty_url}: body could not be decoded ({exc})"))
            return
        if html is None:
            return
        resp.content = inject(html, self._tag, self._hash)
        for name in _CSP_HEADERS:
            values = resp.headers.get_all(name)
            if values:
                resp.headers.set_all(name, [widen_header(v, self._hash) for v in values])


addons = [UxaCapture()]
