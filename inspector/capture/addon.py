"""The mitmproxy addon: ``mitmdump -s inspector/capture/addon.py --set uxa_sink=true ...``.

It records every request to the tag's hosts as a lossless ``request`` event, injects the page
observer at the top of every HTML document (widening strict CSPs just enough), answers the observer's
reports on the page's own origin (never forwarded), and in sink mode answers the vendor's hosts
itself. Events leave through ``EventStream`` (journal file + the app's loopback socket).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    # Loaded by path (mitmdump -s): make the project importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mitmproxy import ctx, exceptions, http
from mitmproxy.proxy import mode_specs

from inspector.capture import bodies
from inspector.capture.devices import DEFAULT_DEVICE, device_for, parse_devices
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
from inspector.capture.options import (
    MAX_BODY,
    OPTIONS,
    check_hold,
    check_max_body,
    check_queue,
    check_tick,
    exposed_addresses,
    parse_endpoint,
    parse_hosts,
)
from inspector.capture.ordering import Record
from inspector.capture.page_order import PageOrder
from inspector.capture.reports import MAX_REPORT_BYTES, parse_report
from inspector.capture.request_marks import Marks, header, request_marks
from inspector.capture.responses import local_response
from inspector.capture.sink import sink_answer
from inspector.capture.stream import EventStream, quiet_log
from inspector.decode.cookies import parse_cookie_header, tag_cookies
from inspector.decode.hosts import is_tag_host
from inspector.wire.endpoints import TOKEN_ENV
from inspector.wire.events import Event, Notice, Request, Storage, Tick

log = logging.getLogger("uxa-inspector")
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_CSP_HEADERS = ("content-security-policy", "content-security-policy-report-only")
_MAX_KNOWN_HOSTS = 4096


def _options_error(message: str) -> Exception:
    error: Exception = exceptions.OptionsError(message)  # type: ignore[no-untyped-call]
    return error


def _header_pairs(headers: http.Headers) -> tuple[tuple[str, str], ...]:
    return tuple(headers.items(multi=True))  # type: ignore[no-untyped-call]


class UxaCapture:
    def __init__(self) -> None:
        self.stream: EventStream | None = None
        self.devices: dict[int, str] = {}
        self.extra_hosts: tuple[str, ...] = ()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._app_lost = False
        self._stream_key: tuple[str, str, str] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._service_workers: set[tuple[str, str]] = set()
        self.max_body = MAX_BODY
        # Options read by every request's hooks, copied here by ``configure``: mitmproxy deep-copies
        # an option's value on each read (5-6 us, several times per request).
        self.sink = False
        self.inject = True
        self._tag_hosts: dict[tuple[bytes, bytes, str | None, str], bool] = {}  # see is_tag
        self._stream_limit: str | None = None  # the stream_large_bodies we set (not the user's own)
        self._order = PageOrder(self._send)
        source = observer_source()
        self._tag = script_tag(source).encode("utf-8")
        self._hash = script_hash(source)

    # ----------------------------------------------------------------- options

    def load(self, loader: object) -> None:
        for spec in OPTIONS:
            loader.add_option(spec.name, spec.type, spec.default, spec.help)  # type: ignore[attr-defined]

    def configure(self, updated: set[str]) -> None:
        opts = ctx.options
        try:
            if "uxa_devices" in updated:
                self.devices = parse_devices(opts.uxa_devices)
            if "uxa_extra_hosts" in updated:
                self.extra_hosts = parse_hosts(opts.uxa_extra_hosts)
                self._tag_hosts = {}
            stream = parse_endpoint(opts.uxa_stream)
            check_queue(opts.uxa_queue)
            check_tick(opts.uxa_tick)
            check_hold(opts.uxa_hold)
            check_max_body(opts.uxa_max_body)
            if updated & {"mode", "listen_host", "listen_port", "uxa_allow_remote"}:
                self._keep_listeners_local()
        except ValueError as exc:
            raise _options_error(str(exc)) from None
        token = opts.uxa_token or os.environ.get(TOKEN_ENV, "")
        if stream is not None and not token:
            raise _options_error(f"uxa_stream needs a token (uxa_token or ${TOKEN_ENV})")
        self._order.hold_s = opts.uxa_hold
        self.sink, self.inject = opts.uxa_sink, opts.uxa_inject
        self.max_body = opts.uxa_max_body
        self._register_hooks()
        self._stream_beyond_limit()
        key = (opts.uxa_journal, opts.uxa_stream, token)
        if key != self._stream_key:
            self._order.drain()  # what is held belongs to the old stream
            if self.stream is not None:
                self.stream.close()
            self._stream_key = key
            journal = Path(opts.uxa_journal).expanduser() if opts.uxa_journal else None
            self.stream = EventStream(journal, stream, token, opts.uxa_queue, self._app_gone)

    def _stream_beyond_limit(self) -> None:
        """Bodies larger than our limit pass through mitmproxy streamed, never held whole (unless the
        user chose their own ``stream_large_bodies``)."""
        opts, ours = ctx.options, str(self.max_body)
        current = getattr(opts, "stream_large_bodies", ours)  # absent in a bare test harness
        if current in (None, self._stream_limit) and current != ours:
            self._stream_limit = ours
            opts.update(stream_large_bodies=ours)  # type: ignore[no-untyped-call]  # configure runs again

    @staticmethod
    def _keep_listeners_local() -> None:
        """Listen on loopback only, unless ``uxa_allow_remote``: a proxy open to the network would let
        anyone nearby browse through it (and read what it records)."""
        opts = ctx.options
        if opts.uxa_allow_remote:
            return
        if opts.listen_host == "":  # mitmproxy's default: every interface
            opts.update(listen_host="127.0.0.1")  # type: ignore[no-untyped-call]  # configure runs again
            return
        hosts = []
        for spec in opts.mode:
            try:
                mode = mode_specs.ProxyMode.parse(spec)
            except ValueError:
                continue  # mitmproxy's own check reports it
            if mode.listen_port(opts.listen_port) is not None:
                hosts.append(mode.listen_host(opts.listen_host))
        exposed = exposed_addresses(hosts)
        if exposed:
            raise ValueError(f"the proxy would listen on {', '.join(exposed)}: set uxa_allow_remote=true "
                             "to allow it (anyone who reaches that address can then use the proxy)")

    def running(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._ticker = self._loop.create_task(self._housekeeping())
        if self._app_lost:  # the app went away while the proxy was starting
            self._loop.call_soon(ctx.master.shutdown)
            quiet_log(logging.WARNING, "the app is gone: stopping the capture")

    async def _housekeeping(self) -> None:
        """Send on requests held too long; a tick now and then so deadlines expire while idle."""
        last_tick = time.time()
        while True:
            await asyncio.sleep(0.25)
            now = time.time()
            self._order.expire(now)
            tick = ctx.options.uxa_tick
            if tick > 0 and now - last_tick >= tick:
                last_tick = now
                self._order.emit((Tick(), DEFAULT_DEVICE, None), now)

    def done(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        self._order.drain()
        if self.stream is not None:
            self.stream.close()

    def _app_gone(self) -> None:
        """Called from the writer's threads. Shut down first, then say why: if the app died, our
        stdout may be gone with it, and logging there can end the calling thread. Before the proxy
        runs there is no loop yet: ``running()`` shuts down then."""
        if not ctx.options.uxa_exit_with_app:
            return
        self._app_lost = True
        if self._loop is not None:
            self._loop.call_soon_threadsafe(ctx.master.shutdown)
            quiet_log(logging.WARNING, "the app closed the event stream: stopping the capture")

    # ----------------------------------------------------------------- flows

    def device_of(self, flow: http.HTTPFlow) -> str:
        try:
            port = flow.client_conn.proxy_mode.listen_port()
        except Exception:  # an exotic mode: no port to tell devices apart
            port = None
        return device_for(port, self.devices)

    def _emit(self, flow: http.HTTPFlow, event: Event, tab: str | None = None) -> None:
        self._order.emit((event, self.device_of(flow), tab), time.time())

    def _send(self, event: Event, device: str, tab: str | None, at: float) -> None:
        if self.stream is not None:
            self.stream.emit(event, device, tab, at)

    def is_tag(self, req: http.Request, marks: Marks | None = None) -> bool:
        """Whether the request goes to one of the tag's hosts; remembered per host, as a page's
        requests go to a handful of hosts again and again."""
        marks = marks or request_marks(req.headers)
        # Keyed by what pretty_host is made of, so that a known host costs no parsing.
        key = (req.data.http_version, req.data.authority, marks.host, req.data.host)
        known = self._tag_hosts.get(key)
        if known is None:
            if len(self._tag_hosts) >= _MAX_KNOWN_HOSTS:
                self._tag_hosts.clear()
            known = self._tag_hosts[key] = is_tag_host(req.pretty_host, self.extra_hosts)
        return known

    def _register_hooks(self) -> None:
        """mitmproxy calls each hook an addon has for every flow (about 3 us a call, most of it
        building the hook's arguments): have the per-request hooks only where the options need them."""
        self._hook("requestheaders", self._drop_large_sink_request if self.sink else None)
        self._hook("responseheaders", self._keep_html_whole if self.inject else None)

    def _hook(self, name: str, handler: Callable[[http.HTTPFlow], None] | None) -> None:
        # mitmproxy looks hooks up by name on the instance for each event, so an attribute is enough.
        if handler is None:
            self.__dict__.pop(name, None)
        else:
            setattr(self, name, handler)

    def _drop_large_sink_request(self, flow: http.HTTPFlow) -> None:
        """``requestheaders`` in sink mode."""
        req = flow.request
        if self.is_tag(req) and bodies.larger_than(req, req, self.max_body):
            # mitmproxy would stream it to the vendor: record it unread and drop it instead.
            flow.metadata.update(uxa_tag=True, uxa_sunk=True, uxa_body_unread=True)
            self._record(flow)
            flow.kill()  # type: ignore[no-untyped-call]

    def request(self, flow: http.HTTPFlow) -> None:
        req = flow.request
        if req.path.startswith(REPORT_PATH):
            self._answer_report(flow)
            return
        marks = request_marks(req.headers)
        if self.is_tag(req, marks):
            flow.metadata["uxa_tag"] = True
            if self._order.hold_s > 0:  # later events wait for this one's record
                self._order.open(flow.id, time.time(), lambda: self._request_record(flow),
                             self.device_of(flow))
            if self.sink:
                answer = sink_answer(req.pretty_host, req.method, req.headers.get("origin"))
                flow.response = local_response(answer.status, answer.body, answer.headers)
                flow.metadata["uxa_sunk"] = True
            return
        if self._is_service_worker_script(marks):
            self._service_worker_seen(flow)
        if self._is_document(req, marks):
            cookies = tag_cookies(parse_cookie_header("; ".join(req.headers.get_all("cookie"))))
            if cookies:
                self._emit(flow, Storage(cookies=cookies, source="request-header", trigger="navigation",
                                         page_url=req.pretty_url))

    @staticmethod
    def _is_service_worker_script(marks: Marks) -> bool:
        # Browsers mark the fetch of a service worker's script (registration and updates).
        worker, dest = (marks.service_worker or "").lower(), (marks.dest or "").lower()
        return worker == "script" or dest == "serviceworker"

    def _service_worker_seen(self, flow: http.HTTPFlow) -> None:
        key = (self.device_of(flow), flow.request.pretty_url)
        if key in self._service_workers:
            return
        self._service_workers.add(key)
        self._emit(flow, Notice(
            level="warning", code="service-worker",
            message=f"{flow.request.host} installs a service worker ({flow.request.path.split('?', 1)[0]}): "
                    "pages it serves from its cache never reach the proxy, so their commands are missed. "
                    "Use a fresh browser profile, or bypass service workers in the browser's devtools."))

    @staticmethod
    def _is_document(req: http.Request, marks: Marks) -> bool:
        if marks.dest is not None:
            return marks.dest in ("document", "iframe", "frame")
        return req.method == "GET" and "text/html" in (marks.accept or "")

    @staticmethod
    def _is_frame_load(req: http.Request) -> bool:
        """A document the browser will render (not HTML a script fetched); unknown without Sec-Fetch-Dest."""
        dest = header(req.headers, b"sec-fetch-dest")
        return dest is None or dest in ("document", "iframe", "frame", "embed", "object")

    def _answer_report(self, flow: http.HTTPFlow) -> None:
        body = bodies.read(flow.request, MAX_REPORT_BYTES + 1).data  # one byte more: "too large"
        report = parse_report(body) if flow.request.method == "POST" else None
        if report is not None:
            self._order.report(report, self.device_of(flow), time.time())
        flow.response = local_response(204, b"", {"Cache-Control": "no-store"})
        flow.metadata["uxa_report"] = True

    def _keep_html_whole(self, flow: http.HTTPFlow) -> None:
        """``responseheaders`` when injecting: HTML must be whole to be injected, so it is never
        streamed, unless it is larger than our limit. (Tag requests are recorded, never injected.)"""
        resp = flow.response
        if resp is None or "uxa_tag" in flow.metadata:
            return
        html = flow.metadata["uxa_html"] = is_html(header(resp.headers, b"content-type"))  # for response()
        if html and not bodies.larger_than(resp, flow.request, self.max_body):
            resp.stream = False

    def response(self, flow: http.HTTPFlow) -> None:
        if flow.metadata.get("uxa_report"):
            return
        if flow.metadata.get("uxa_tag"):
            self._record(flow)
            return
        if self.inject and flow.response is not None:
            self._inject(flow)

    def error(self, flow: http.HTTPFlow) -> None:
        if flow.metadata.get("uxa_tag"):
            self._record(flow)

    def _record(self, flow: http.HTTPFlow) -> None:
        if flow.metadata.get("uxa_recorded"):
            return  # an error after the response, or a request already sent on without it
        record = self._request_record(flow)
        if not self._order.close(flow.id, record):
            self._order.emit(record, time.time())

    def _request_record(self, flow: http.HTTPFlow) -> Record:
        flow.metadata["uxa_recorded"] = True
        req, resp = flow.request, flow.response
        read = bodies.Body(b"", complete=False) if flow.metadata.get("uxa_body_unread") else bodies.read(
            req, self.max_body)
        body, encoding, truncated = bodies.for_record(read)
        duration = None
        if resp is not None and resp.timestamp_end and req.timestamp_start:
            duration = max(0.0, (resp.timestamp_end - req.timestamp_start) * 1000)
        event = Request(
            method=req.method, url=req.pretty_url, headers=_header_pairs(req.headers),
            body=body, body_encoding=encoding, body_truncated=truncated,
            status=resp.status_code if resp is not None else None,
            response_headers=_header_pairs(resp.headers) if resp is not None else (),
            duration_ms=duration, sunk=bool(flow.metadata.get("uxa_sunk")), flow_id=flow.id,
        )
        return event, self.device_of(flow), None

    def _inject(self, flow: http.HTTPFlow) -> None:
        resp = flow.response
        assert resp is not None
        # 206 is a slice of a document: a script in the middle of it would corrupt the whole.
        html = flow.metadata.get("uxa_html")
        content_type = header(resp.headers, b"content-type") if html is not False else None
        if html is None:  # a response made by another addon: its headers were not seen
            html = is_html(content_type)
        if not html or resp.status_code in (204, 206, 304):
            return
        if flow.request.method == "HEAD" or not (200 <= resp.status_code < 300 or resp.status_code == 404):
            return
        if not self._is_frame_load(flow.request):
            return  # HTML fetched by a script (htmx, Turbo, partials) must reach it unchanged
        charset = (charset_of(content_type) or "").lower()
        if charset.startswith(("utf-16", "utf-32")):
            self._emit(flow, Notice(level="warning", code="inject-skipped",
                                    message=f"{flow.request.pretty_url}: {charset} pages are not injected"))
            return
        body = bodies.read(resp, self.max_body)
        if body.problem or not body.complete:
            why = body.problem or f"larger than uxa_max_body ({self.max_body} bytes)"
            self._emit(flow, Notice(level="warning", code="inject-skipped",
                                    message=f"{flow.request.pretty_url}: not injected: {why}"))
            return
        html = body.data
        if html.startswith(_WIDE_BOMS):  # a byte-order mark outranks the header: ASCII would corrupt it
            self._emit(flow, Notice(level="warning", code="inject-skipped",
                                    message=f"{flow.request.pretty_url}: UTF-16/32 pages are not injected"))
            return
        # Sent on uncompressed: compressing it again (gzip 9, brotli 11 in mitmproxy) cost more than
        # all the rest of the proxy's work for the page, and the page goes to a browser nearby.
        resp.headers.pop("content-encoding", None)
        resp.content = inject(html, self._tag, self._hash)
        for name in _CSP_HEADERS:
            values = resp.headers.get_all(name)
            if values:
                resp.headers.set_all(name, [widen_header(v, self._hash) for v in values])


addons = [UxaCapture()]
