"""Proxy throughput: the capture child (addon in forward and in sink mode) against bare mitmdump.

Ten keep-alive connections from a local asyncio load generator run a mixed workload through the proxy
to a local origin server: per visit one HTML page (gzip, tag cookies sent, observer injected), eight
assets and four tag requests (the tag script, a pageview, two events POSTs). Plain HTTP, so the
proxy's own work is measured rather than TLS's. Every proxy runs the same listen mode (upstream to the
origin server, which therefore answers the tag's hosts too in forward mode: there is no internet),
the same quiet flags, and the addon writes its journal and streams to a loopback reader, as the app's
child does. Rounds are interleaved (bare, forward, sink, bare, ...) so that the shared machine's
noise falls on all three alike; the figure per proxy is requests over seconds of every round.
The proxy's CPU time per request (from ``/proc``) is shown too: on a shared machine it is the
steadier estimate of the same ratio, as it counts only what the proxy itself spent.

Targets (issue 16): forward >= 0.97 of bare mitmdump's requests/s, sink >= 1.0.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.run import Row
from inspector.launch.proxy import BlockingProxy, build_command, free_port
from inspector.wire.endpoints import LOOPBACK, TOKEN_ENV

CONNECTIONS = 10
ROUNDS = 8
WARM_S = 0.5  # per window, not counted: connections opened, caches warm
WINDOW_S = 2.5
STALL_S = 5.0  # a connection still waiting for its response this long after the window is stalled

_rng = random.Random(16)


def _text(size: int) -> bytes:
    words = [b"lorem", b"ipsum", b"dolor", b"sit", b"amet", b"shop", b"cart", b"price", b"<b>", b"</b>"]
    out = bytearray()
    while len(out) < size:
        out += _rng.choice(words) + b" "
    return bytes(out[:size])


def _page(n: int) -> bytes:
    html = (b"<!doctype html><html><head><meta charset=utf-8><title>product %d</title>"
            b"<link rel=stylesheet href=/static/site.css></head><body><main>" % n
            + _text(60_000) + b"</main><script src=/static/app.js></script></body></html>")
    return gzip.compress(html, 6)


def _response(body: bytes, content_type: str, *, status: str = "200 OK", gzipped: bool = False) -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
            "Cache-Control: max-age=60"]
    if gzipped:
        head.append("Content-Encoding: gzip")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


PAGES = 8
ASSETS = {
    "/static/app.js": (_text(40_000), "application/javascript"),
    "/static/site.css": (_text(15_000), "text/css"),
    "/static/vendor.js": (_text(90_000), "application/javascript"),
    "/img/a.jpg": (os.urandom(25_000), "image/jpeg"),
    "/img/b.jpg": (os.urandom(12_000), "image/jpeg"),
    "/img/c.png": (os.urandom(4_000), "image/png"),
    "/img/d.png": (os.urandom(1_500), "image/png"),
    "/font/x.woff2": (os.urandom(30_000), "font/woff2"),
}
_PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f904"
                       "01000000002c00000000010001000002024401003b")


def _routes() -> dict[str, bytes]:
    routes = {f"/p/{n}.html": _response(_page(n), "text/html; charset=utf-8", gzipped=True)
              for n in range(PAGES)}
    routes.update({path: _response(body, kind) for path, (body, kind) in ASSETS.items()})
    routes["/uxa/0123456789abc.js"] = _response(_text(60_000), "application/javascript")
    routes["/pageview"] = _response(_PIXEL, "image/gif")
    routes["/events"] = _response(b"", "text/plain")
    return routes


_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
_COOKIE = ("_cs_id=8f3c2a1b-4d5e-a6f7-b8c9-0d1e2f3a4b5c.1733000000.3.1733100000.1733090000.1733000001."
           "1767000000000.1.x; _cs_s=4.0.0.1733101800000; session=s3cr3t; theme=dark")


def _get(url: str, dest: str, *extra: str) -> bytes:
    host = url.split("/")[2]
    lines = [f"GET {url} HTTP/1.1", f"Host: {host}", f"User-Agent: {_UA}", "Accept: */*",
             "Accept-Encoding: gzip, deflate", f"Sec-Fetch-Dest: {dest}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _post(url: str, body: bytes) -> bytes:
    host = url.split("/")[2]
    lines = [f"POST {url} HTTP/1.1", f"Host: {host}", f"User-Agent: {_UA}", "Content-Type: text/plain",
             "Origin: http://shop.test", "Sec-Fetch-Dest: empty", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def visit(n: int) -> list[bytes]:
    """One page view's requests, in the order a browser sends them."""
    query = f"v=15.4&pid=1234&uu=8f3c2a1b-4d5e&sn=1&lc=1&r=http%3A%2F%2Fshop.test%2Fp%2F{n}.html&pn={n}"
    events = b'{"pid":1234,"uu":"8f3c2a1b-4d5e","sn":1,"pn":%d,"ev":[' % n + b",".join(
        b'{"t":%d,"type":"click","target":"button#buy-%d","x":12,"y":40}' % (i, i) for i in range(25)) + b"]}"
    return [
        _get(f"http://shop.test/p/{n}.html", "document", "Accept: text/html,application/xhtml+xml",
             f"Cookie: {_COOKIE}"),
        _get("http://shop.test/static/site.css", "style", f"Cookie: {_COOKIE}"),
        _get("http://t.contentsquare.net/uxa/0123456789abc.js", "script"),
        *(_get(f"http://shop.test{path}", "image" if "/img/" in path else "script", f"Cookie: {_COOKIE}")
          for path in ASSETS if path != "/static/site.css"),
        _get(f"http://c.contentsquare.net/pageview?{query}", "image"),
        _post(f"http://c.ba.contentsquare.net/events?{query}", events),
        _post(f"http://c.ba.contentsquare.net/events?{query}&seq=2", events),
    ]


# ----------------------------------------------------------------- origin server and load generator

async def _read_message(reader: asyncio.StreamReader) -> bytes:
    """One HTTP/1.1 message's head (returned) with its body read past (Content-Length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lowered = head.lower()
    at = lowered.find(b"\r\ncontent-length:")
    if at >= 0:
        end = lowered.index(b"\r\n", at + 2)
        await reader.readexactly(int(lowered[at + 17:end]))
    elif b"\r\ntransfer-encoding: chunked" in lowered:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return head


async def _serve(routes: dict[str, bytes], reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
    missing = _response(b"not here", "text/plain", status="404 Not Found")
    with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
        while True:
            head = await _read_message(reader)
            target = head.split(b" ", 2)[1].decode()
            if "://" in target:  # absolute form, as a proxy sends it upstream
                target = "/" + target.split("/", 3)[3] if target.count("/") >= 3 else "/"
            writer.write(routes.get(target.split("?", 1)[0], missing))
            await writer.drain()
    writer.close()


@dataclass
class Counts:
    done: int = 0  # in the counted window
    all: int = 0  # from the first request to the last
    errors: int = 0
    counting: bool = False


@dataclass(frozen=True)
class Window:
    done: int
    all: int
    seconds: float
    errors: int


async def _client(proxy_port: int, counts: Counts, stop: asyncio.Event, seed: int) -> None:
    reader, writer = await asyncio.open_connection(LOOPBACK, proxy_port)
    n = seed
    try:
        while not stop.is_set():
            for request in visit(n % PAGES):
                writer.write(request)
                head = await _read_message(reader)
                counts.all += 1
                if not head.startswith((b"HTTP/1.1 200", b"HTTP/1.1 404", b"HTTP/1.1 204")):
                    counts.errors += 1
                if counts.counting:
                    counts.done += 1
                if stop.is_set():
                    break
            n += 1
    finally:
        writer.close()


async def _window(origin_port: int, proxy_port: int, routes: dict[str, bytes]) -> Window:
    server = await asyncio.start_server(lambda r, w: _serve(routes, r, w), LOOPBACK, origin_port)
    counts, stop = Counts(), asyncio.Event()
    clients = [asyncio.create_task(_client(proxy_port, counts, stop, i)) for i in range(CONNECTIONS)]
    await asyncio.sleep(WARM_S)
    counts.counting, start = True, time.perf_counter()
    await asyncio.sleep(WINDOW_S)
    counts.counting, seconds = False, time.perf_counter() - start
    stop.set()
    finished, stalled = await asyncio.wait(clients, timeout=STALL_S)
    for task in stalled:  # a response that never came: counted, so that the table says so
        task.cancel()
        counts.errors += 1
    for task in finished:
        if task.exception() is not None:  # a connection the proxy closed: a failure too
            counts.errors += 1
    server.close()
    await server.wait_closed()
    return Window(counts.done, counts.all, seconds, counts.errors)


# ----------------------------------------------------------------- the proxies

@contextlib.contextmanager
def _discard_listener() -> Iterator[int]:
    """The app's end of the live stream, reading and dropping every byte (the app's own cost is the
    latency benchmark's business)."""
    server = socket.create_server((LOOPBACK, 0))
    stopping = threading.Event()

    def drain(conn: socket.socket) -> None:
        with conn:
            while conn.recv(1 << 16):
                pass

    def accept() -> None:
        while not stopping.is_set():
            with contextlib.suppress(OSError):
                conn, _ = server.accept()
                threading.Thread(target=drain, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield server.getsockname()[1]
    finally:
        stopping.set()
        server.close()


@dataclass(frozen=True)
class Variant:
    name: str
    kind: str  # "bare", "forward" or "sink"
    tree: Path | None = None  # another checkout's ``inspector`` (``--compare``), else this one


VARIANTS = (Variant("bare", "bare"), Variant("forward", "forward"), Variant("sink", "sink"))


def proxy_argv(variant: Variant, port: int, origin_port: int, workdir: Path, stream_port: int) -> list[str]:
    """The capture child's own command line (``build_command``, another tree's from that tree), listening
    in upstream mode to the origin server; bare is mitmdump itself (its full default addons, the
    baseline users know) with the same flags, without the addon and its options."""
    mode = f"upstream:http://{LOOPBACK}:{origin_port}@{LOOPBACK}:{port}"
    if variant.kind == "bare":
        return [sys.executable, "-c", "from mitmproxy.tools.main import mitmdump; mitmdump()",
                "--set", f"confdir={workdir / 'conf'}", "--mode", mode,
                "--set", "termlog_verbosity=warn", "--set", "flow_detail=0"]
    options = {"devices": {port: "bench"}, "sink": variant.kind == "sink", "confdir": str(workdir / "conf"),
               "journal": str(workdir / f"{variant.name}.jsonl"), "stream_port": stream_port}
    argv = build_command(**options) if variant.tree is None else _tree_command(variant.tree, options)
    return [mode if arg == f"regular@{LOOPBACK}:{port}" else arg for arg in argv]


def _tree_command(tree: Path, options: dict[str, object]) -> list[str]:
    """``build_command(**options)`` as another checkout's own code writes it (its child may differ)."""
    code = ("import json, sys; from inspector.launch.proxy import build_command; o = json.loads(sys.argv[1]);"
            " o['devices'] = {int(p): n for p, n in o['devices'].items()};"
            " print(json.dumps(build_command(**o)))")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(options)], capture_output=True, text=True,
                          check=True, env={**os.environ, **_tree_env(tree)}, timeout=60)
    return list(json.loads(done.stdout))


def _tree_env(tree: Path) -> dict[str, str]:
    """Run the child's whole ``inspector`` package from ``tree``, not only its addon file: without
    PYTHONSAFEPATH, ``python -m`` puts the working directory (this checkout) ahead of PYTHONPATH, and
    the other tree's addon would import this checkout's capture modules."""
    return {"PYTHONPATH": str(tree), "PYTHONSAFEPATH": "1"}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Total:
    requests: int = 0
    seconds: float = 0.0
    cpu: float = 0.0  # the proxy process's CPU seconds in the windows (warm-up included)
    cpu_requests: int = 0  # requests completed over the same span as ``cpu``
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_request(self) -> float:
        return self.cpu / self.cpu_requests if self.cpu_requests else 0.0


def measure(rounds: int = ROUNDS, variants: tuple[Variant, ...] = VARIANTS) -> dict[str, Total]:
    """Per proxy, summed over interleaved rounds; each round starts with the next proxy in turn, so
    that none always runs first or last."""
    routes = _routes()
    totals = {v.name: Total() for v in variants}
    with tempfile.TemporaryDirectory(prefix="uxa-bench-proxy-") as tmp, _discard_listener() as stream_port:
        workdir = Path(tmp)
        origin_port = free_port()
        proxies: dict[str, tuple[BlockingProxy, int]] = {}
        try:
            for variant in variants:
                port = free_port()
                argv = proxy_argv(variant, port, origin_port, workdir, stream_port)
                env = {TOKEN_ENV: "bench", **(_tree_env(variant.tree) if variant.tree else {})}
                proxies[variant.name] = (BlockingProxy(argv, [port], LOOPBACK, env).start(), port)
            for turn in range(rounds):
                shift = turn % len(variants)
                for variant in variants[shift:] + variants[:shift]:
                    proxy, port = proxies[variant.name]
                    assert proxy.process is not None
                    cpu = _cpu_seconds(proxy.process.pid)
                    window = asyncio.run(_window(origin_port, port, routes))
                    total = totals[variant.name]
                    total.cpu += _cpu_seconds(proxy.process.pid) - cpu
                    total.requests += window.done
                    total.cpu_requests += window.all
                    total.seconds += window.seconds
                    total.errors += window.errors
        finally:
            for proxy, _ in proxies.values():
                proxy.stop()
    return totals


def rows(rounds: int = ROUNDS) -> list[Row]:
    totals = measure(rounds)
    bare, forward, sink = (totals[v.name] for v in VARIANTS)
    errors = sum(t.errors for t in totals.values())
    note = f" ({errors} errors)" if errors else ""
    cpu = "proxy CPU µs/request, {} (lower is better)"
    return [
        Row("proxy bare mitmdump req/s" + note, bare.rate, bare.rate, "req/s", "", None),
        Row("proxy addon forward req/s", forward.rate, bare.rate, "req/s", "ratio ≥ 0.97",
            forward.rate / bare.rate >= 0.97),
        Row("proxy addon sink req/s", sink.rate, bare.rate, "req/s", "ratio ≥ 1.0",
            sink.rate / bare.rate >= 1.0),
        Row(cpu.format("forward"), forward.cpu_per_request * 1e6, bare.cpu_per_request * 1e6, "µs", "", None),
        Row(cpu.format("sink"), sink.cpu_per_request * 1e6, bare.cpu_per_request * 1e6, "µs", "", None),
    ]


def compare(tree: Path, rounds: int = ROUNDS) -> list[Row]:
    """This checkout's addon against another's (``tree``: e.g. ``git archive main | tar -x -C DIR``),
    both beside bare mitmdump in the same interleaved rounds: the before/after of a change."""
    variants = (*VARIANTS, Variant("forward (other tree)", "forward", tree),
                Variant("sink (other tree)", "sink", tree))
    totals = measure(rounds, variants)
    bare = totals["bare"]
    out = []
    for name, total in totals.items():
        out.append(Row(f"{name} req/s", total.rate, bare.rate, "req/s", "", None))
        out.append(Row(f"{name} CPU µs/request", total.cpu_per_request * 1e6, bare.cpu_per_request * 1e6,
                       "µs", "", None))
    return out


if __name__ == "__main__":
    import argparse

    from bench.run import table

    parser = argparse.ArgumentParser(prog="python -m bench.proxy_throughput",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--compare", type=Path, metavar="TREE", help="also run the addon of this checkout")
    args = parser.parse_args()
    print(table(compare(args.compare.resolve(), args.rounds) if args.compare else rows(args.rounds)))
