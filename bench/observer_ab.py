"""Two versions of the page observer against each other and against no observer, in one run.

``python -m bench.observer_ab [--before REV] [--loads N] [--pushes N]``: the pushes page
(``bench/pages/pushes.html``) with the tag double, served locally with the observer of git revision
``REV`` (default ``main``; or a file), the observer of this checkout, or none, inlined as the first script of
``<head>`` (where the capture injects it). Loads alternate between the three, each in a fresh headless
Chromium profile (Debian's, as the capture tests run it). Two figures per load: the page's own push-loop
time (``performance.now()``, what ``bench/observer_cost.py`` reports), and the CPU time of the
renderer's main thread over the same loop (the page makes a synchronous request right before and after
its loop, ``?marks=1``, and this server reads ``/proc/<pid>/task/<pid>/schedstat`` meanwhile): the
machine is shared, and CPU time moves far less with other work than wall time does. The reports go to
this server (answered 204), so nothing is parsed: this measures what the page pays.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import statistics
import subprocess
import tempfile
import threading
from pathlib import Path

from inspector.package_files import resource
from tests.support.chromium import QUIET_FLAGS, chromium_path

PAGE = Path(__file__).parent / "pages" / "pushes.html"
MARKS: dict[str, dict[int, int]] = {}


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
            MARKS[self.path.split("=", 1)[1]] = renderer_cpu_ns()
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def do_POST(self) -> None:  # the observer's reports
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.end_headers()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def observer_at(rev: str) -> str:
    """The observer of a git revision, or of a file (a version being tried)."""
    if Path(rev).is_file():
        return Path(rev).read_text(encoding="utf-8")
    return subprocess.run(["git", "show", f"{rev}:resources/observer/observer.js"], check=True,
                          capture_output=True, text=True, cwd=Path(__file__).parent.parent).stdout


def load(url: str) -> tuple[float, float]:
    """(push loop ms by the page's clock, renderer main-thread CPU ms over the loop) of one fresh load."""
    MARKS.clear()
    with tempfile.TemporaryDirectory(prefix="uxa-ab-") as profile:
        done = subprocess.run([chromium_path(), *QUIET_FLAGS, f"--user-data-dir={profile}",
                               "--virtual-time-budget=2000", "--dump-dom", url],
                              capture_output=True, timeout=60, check=False)
    found = re.search(r"<title>loop=([\d.]+);", done.stdout.decode("utf-8", "replace"))
    if not found or set(MARKS) != {"start", "end"}:
        raise RuntimeError(f"the pushes page did not report: {done.stderr.decode(errors='replace')[-300:]}")
    start, end = MARKS["start"], MARKS["end"]
    cpu = max(end[pid] - start.get(pid, 0) for pid in end)
    return float(found.group(1)), cpu / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.observer_ab", description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main",
                        help="git revision (or file) of the other observer (default main)")
    parser.add_argument("--loads", type=int, default=15, help="loads per version (default 15)")
    parser.add_argument("--pushes", type=int, default=1000)
    args = parser.parse_args(argv)
    page = PAGE.read_text(encoding="utf-8")
    versions = {"none": None, f"before ({args.before})": observer_at(args.before),
                "after (this checkout)": resource("observer", "observer.js").read_text(encoding="utf-8")}
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    with tempfile.TemporaryDirectory(prefix="uxa-ab-site-") as tmp:
        root = Path(tmp)
        (root / "tag-double.js").write_text(resource("demo", "tag-double.js").read_text(encoding="utf-8"))
        for n, source in enumerate(versions.values()):
            html = page if source is None else page.replace("<head>", f"<head><script>{source}</script>", 1)
            (root / f"v{n}.html").write_text(html, encoding="utf-8")
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Site, directory=tmp))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            for _ in range(args.loads):
                for n, name in enumerate(versions):
                    figures[name].append(load(f"{base}/v{n}.html?n={args.pushes}&marks=1"))
        finally:
            server.shutdown()
    wall0 = statistics.median(w for w, _ in figures["none"])
    cpu0 = statistics.median(c for _, c in figures["none"])
    print(f"{args.pushes} pushes, medians of {args.loads} loads each, loads alternating")
    print(f"{'observer':24} {'loop ms':>9} {'per push':>10} {'loop CPU ms':>12} {'per push':>10}")
    for name, runs in figures.items():
        wall, cpu = statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
        print(f"{name:24} {wall:9.1f} {(wall - wall0) / args.pushes * 1000:+8.1f}µs "
              f"{cpu:12.1f} {(cpu - cpu0) / args.pushes * 1000:+8.1f}µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
