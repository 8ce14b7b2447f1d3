"""``uxa-inspector selftest``: prove this installation can capture, without a browser or a network.

It starts a real capture child (sink mode, a throw-away CA and journal) on a free port, loads a page
from a local web server through the proxy (the page comes back with the observer injected; its tag
cookie is recorded), sends one tag hit over HTTPS (answered by the sink), and checks that both events
arrive over the live socket and in the journal. build_app.py runs it on the app it built; it is just
as useful after ``pip install`` or on a user's machine. Exit 0 when every step passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import ssl
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from inspector import __version__
from inspector.cli.helptext import add_command
from inspector.launch.certs import CA_CERT_NAME
from inspector.launch.proxy import BlockingProxy, free_port, start_capture
from inspector.launch.stream_server import StreamServer
from inspector.package_files import resource
from inspector.wire.endpoints import LOOPBACK
from inspector.wire.envelope import Envelope, parse_envelope
from inspector.wire.events import Request, Storage

DEVICE = "selftest"
PAGE = b"<!doctype html><html><head><title>selftest</title></head><body>UXA Inspector selftest</body></html>"
COOKIE = "_cs_id=00000000-0000-4000-8000-000000000001.1764330000.1.1764330000.1764330000.1589.1798026000000.1"
TAG_HOST = "c.contentsquare.net"
TAG_PATH = "/pageview?pid=1&uu=00000000-0000-4000-8000-000000000001&sn=1&pn=1&r=1"


class SelftestError(Exception):
    """A step failed; the message says which and what was seen."""


def register(sub: Any) -> None:
    parser = add_command(
        sub, "selftest", summary="check that this installation can capture (no browser, no network needed)",
        description="Start a capture on a free port, load a local page and send one tag hit through it, "
                    "and check that the events arrive over the live socket and in the journal.",
        examples=["uxa-inspector selftest", "uxa-inspector selftest --timeout 90   # a slow machine"],
        exit_codes={0: "the capture works", 1: "a step failed (the message says which)",
                    2: "usage error"})
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds allowed for each step (default 30)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(f"uxa-inspector {__version__} selftest ({sys.executable})")
    try:
        with tempfile.TemporaryDirectory(prefix="uxa-selftest-") as tmp:
            selftest(Path(tmp), args.timeout, _report)
    except SelftestError as exc:
        print(f"selftest FAILED: {exc}", file=sys.stderr)
        return 1
    print("selftest passed")
    return 0


def _report(step: str, detail: str) -> None:
    print(f"  ok  {step:<14} {detail}", flush=True)


def selftest(workdir: Path, timeout: float, report: Callable[[str, str], None]) -> None:
    observer = resource("observer", "observer.js").read_text(encoding="utf-8")
    if not resource("demo", "index.html").is_file():
        raise SelftestError("the demo shop is missing from the installation")
    report("resources", f"observer ({len(observer)} characters) and demo shop in {resource()}")
    journal = workdir / "selftest.jsonl"
    confdir = workdir / "mitmproxy"
    with _local_site() as site_port, StreamServer() as stream:
        try:
            capture = start_capture(ports={free_port(): DEVICE}, sink=True, journal=journal,
                                    confdir=confdir, stream_port=stream.port, token=stream.token)
        except RuntimeError as exc:
            raise SelftestError(str(exc)) from None
        try:
            if not stream.wait_connected(timeout):
                raise SelftestError("the capture child never connected to the live socket"
                                    + _tail(capture))
            port = capture.ports[0]
            report("capture child", f"proxy on {LOOPBACK}:{port}, live socket connected")
            body = _get_page(port, site_port, timeout)
            if observer not in body:
                raise SelftestError("the page came back without the observer injected")
            report("page", f"http://{LOOPBACK}:{site_port}/ through the proxy, observer injected")
            status = _tag_hit(port, confdir / CA_CERT_NAME, timeout)
            report("tag hit", f"https://{TAG_HOST}/pageview answered {status} by the sink (TLS through "
                              "the capture's CA)")
            if not stream.wait_for(_both, timeout):
                raise SelftestError(f"the live socket got {_kinds(stream.envelopes)}, not a tag cookie and "
                                    "a tag hit" + _tail(capture))
            report("live socket", f"{len(stream.envelopes)} events: {_kinds(stream.envelopes)}")
        finally:
            code = capture.stop()
    recorded = [parse_envelope(line) for line in journal.read_text(encoding="utf-8").splitlines() if line]
    if not _both(recorded):
        raise SelftestError(f"the journal holds {_kinds(recorded)}, not a tag cookie and a tag hit")
    report("journal", f"{len(recorded)} events, capture child exited {code}")


def _both(envelopes: list[Envelope]) -> bool:
    cookie = any(isinstance(e.event, Storage) and e.event.source == "request-header" for e in envelopes)
    hit = any(isinstance(e.event, Request) and e.event.sunk and TAG_HOST in e.event.url for e in envelopes)
    return cookie and hit


def _kinds(envelopes: list[Envelope]) -> str:
    return ", ".join(e.event.kind for e in envelopes) or "nothing"


def _tail(capture: BlockingProxy) -> str:
    lines = list(capture.tail)[-5:]
    return (": " + " | ".join(lines)) if lines else ""


def _get_page(proxy_port: int, site_port: int, timeout: float) -> str:
    """A document request, as a browser makes it, to the local site through the proxy."""
    conn = http.client.HTTPConnection(LOOPBACK, proxy_port, timeout=timeout)
    try:
        conn.request("GET", f"http://{LOOPBACK}:{site_port}/", headers={
            "Accept": "text/html", "Sec-Fetch-Dest": "document", "Cookie": COOKIE})
        reply = conn.getresponse()
        body = reply.read().decode("utf-8", "replace")
    except OSError as exc:
        raise SelftestError(f"the local page could not be loaded through the proxy: {exc}") from None
    finally:
        conn.close()
    if reply.status != 200:
        raise SelftestError(f"the local page came back {reply.status} through the proxy")
    return body


def _tag_hit(proxy_port: int, ca_file: Path, timeout: float) -> int:
    """One tag hit over HTTPS, trusting only the capture's own CA (as a launched browser does)."""
    context = ssl.create_default_context(cafile=str(ca_file))
    conn = http.client.HTTPSConnection(LOOPBACK, proxy_port, timeout=timeout, context=context)
    conn.set_tunnel(TAG_HOST, 443)
    try:
        conn.request("GET", TAG_PATH, headers={"Referer": f"http://{LOOPBACK}/"})
        reply = conn.getresponse()
        reply.read()
    except (OSError, ssl.SSLError) as exc:
        raise SelftestError(f"the tag hit failed: {exc}") from None
    finally:
        conn.close()
    if reply.status != 200:
        raise SelftestError(f"the sink answered the tag hit with {reply.status}")
    return reply.status


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _local_site() -> Iterator[int]:
    server = ThreadingHTTPServer((LOOPBACK, 0), _Page)
    thread = threading.Thread(target=server.serve_forever, name="selftest-site", daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
