"""The pushes page (``bench/pages/pushes.html``) in fresh headless Chromium, directly or through a capture
proxy, with two figures per load: the page's own push-loop time (``performance.now()``) and the CPU
time of the renderer's main thread over that loop (with ``marks=1`` the page makes a synchronous
request right before and after its loop, and this server reads ``/proc/<pid>/task/<pid>/schedstat``
meanwhile). Shared by ``bench/observer_cost.py`` (``python -m bench.run --only observer``) and
``bench/observer_ab.py``.

Why both figures: on this 2-core machine the loop's wall time is mostly time the main thread waits
for a core (Chromium's own threads, the proxy, other work), so it moves with the load average; the
main thread's CPU time moves far less.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from inspector.capture.injection import inject, script_hash, script_tag
from inspector.launch.browser import proxy_flags, trust_flag
from inspector.launch.proxy import BlockingProxy, build_command, free_port
from inspector.package_files import resource
from inspector.wire.endpoints import LOOPBACK
from tests.support.chromium import QUIET_FLAGS, chromium_path

PAGE = Path(__file__).parent / "pages" / "pushes.html"
_MARKS: dict[str, dict[int, int]] = {}


def renderer_cpu_ns() -> dict[int, int]:
    """Main-thread CPU time of every Chromium renderer this process started, by pid."""
    parents: dict[int, int] = {}
    renderers = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            if b"--type=renderer" in Path(f"/proc/{entry}/cmdline").read_bytes():
                renderers.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    me, found = os.getpid(), {}
    for pid in renderers:
        up = pid
        while up in parents and up not in (me, 0, 1):
            up = parents[up]
        if up == me:
            try:
                found[pid] = int(Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[0])
            except (OSError, ValueError):
                continue
    return found


class _Site(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/mark?k="):
            _MARKS[self.path.split("=", 1)[1]] = renderer_cpu_ns()
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def do_POST(self) -> None:  # the observer's reports when no proxy answers them
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.end_headers()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def with_observer(html: str, source: str) -> str:
    """The page as the capture proxy serves it: the observer inlined by the addon's own ``inject``."""
    tag = script_tag(source).encode("utf-8")
    return inject(html.encode("utf-8"), tag, script_hash(source)).decode("utf-8")


@contextmanager
def serve(pages: Mapping[str, str]) -> Iterator[str]:
    """``pages`` (name -> HTML) beside the tag double, with ``/mark``; yields the base URL. One load at
    a time: the marks are this module's."""
    with tempfile.TemporaryDirectory(prefix="uxa-bench-site-") as tmp:
        root = Path(tmp)
        (root / "tag-double.js").write_text(resource("demo", "tag-double.js").read_text(encoding="utf-8"),
                                            encoding="utf-8")
        for name, html in pages.items():
            (root / name).write_text(html, encoding="utf-8")
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Site, directory=tmp))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


def capture_proxy(confdir: Path, inject: bool) -> tuple[BlockingProxy, int]:
    """The capture proxy (sink mode, one device), injecting the observer or not; started, with its port."""
    port = free_port()
    argv = build_command(devices={port: "bench"}, sink=True, confdir=confdir)
    argv += ["--set", f"uxa_inject={'true' if inject else 'false'}"]
    return BlockingProxy(argv, [port], LOOPBACK, {}).start(), port


def load(url: str, proxy: tuple[int, str] | None = None, budget_ms: int = 2000) -> tuple[float, float | None]:
    """(push loop ms by the page's clock, renderer main-thread CPU ms over the loop or None without
    ``marks=1``) of one load in a fresh profile; ``proxy``: (port, CA fingerprint) of a capture proxy."""
    _MARKS.clear()
    with tempfile.TemporaryDirectory(prefix="uxa-bench-profile-") as profile:
        argv = [chromium_path(), *QUIET_FLAGS, f"--user-data-dir={profile}"]
        if proxy is not None:
            argv += [*proxy_flags("127.0.0.1", proxy[0]), trust_flag(proxy[1])]
        done = subprocess.run([*argv, f"--virtual-time-budget={budget_ms}", "--dump-dom", url],
                              capture_output=True, timeout=60, check=False)
    found = re.search(r"<title>loop=([\d.]+);", done.stdout.decode("utf-8", "replace"))
    if not found:
        raise RuntimeError(f"the pushes page did not report: {done.stderr.decode(errors='replace')[-300:]}")
    if "marks=1" not in url:
        return float(found.group(1)), None
    if set(_MARKS) != {"start", "end"}:
        raise RuntimeError("the pushes page did not mark its loop")
    start, end = _MARKS["start"], _MARKS["end"]
    return float(found.group(1)), max(end[pid] - start.get(pid, 0) for pid in end) / 1e6


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
