"""Two versions of the page observer against each other and against no observer, in one run.

``python -m bench.observer_ab [--before REV] [--loads N] [--pushes N] [--proxy]``: the pushes page
(``bench/pages/pushes.html``) with the tag double, served locally with the observer of git revision
``REV`` (default ``main``; or a file), the observer of this checkout, or none, inlined as the capture
injects it (``inspector.capture.injection.inject``). Loads alternate between the three, each in a fresh
headless Chromium profile (Debian's, as the capture tests run it). Two figures per load
(``bench/pushes_page.py``): the page's own push-loop time (``performance.now()``, what
``bench/observer_cost.py`` reports), and the CPU time of the renderer's main thread over the same loop:
the machine is shared, and CPU time moves far less with other work than wall time does. Without a
proxy the reports go to this server (answered 204), so nothing is parsed: this measures what the page
pays. ``--proxy`` loads every version a second time through the capture proxy (sink mode, injection
off: the page already carries its observer, and the addon answers its reports), loads alternating
with the direct ones, so the two routes are compared in one run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.pushes_page import PAGE, capture_proxy, load, load_average, serve, with_observer
from inspector.launch.proxy import ca_fingerprint
from inspector.package_files import resource


def observer_at(rev: str) -> str:
    """The observer of a git revision, or of a file (a version being tried)."""
    if Path(rev).is_file():
        return Path(rev).read_text(encoding="utf-8")
    return subprocess.run(["git", "show", f"{rev}:resources/observer/observer.js"], check=True,
                          capture_output=True, text=True, cwd=Path(__file__).parent.parent).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.observer_ab", description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main",
                        help="git revision (or file) of the other observer (default main)")
    parser.add_argument("--loads", type=int, default=15, help="loads per version and route (default 15)")
    parser.add_argument("--pushes", type=int, default=1000)
    parser.add_argument("--proxy", action="store_true",
                        help="also load every version through the capture proxy (bare: injection off)")
    args = parser.parse_args(argv)
    page = PAGE.read_text(encoding="utf-8")
    versions = {"none": None, f"before ({args.before})": observer_at(args.before),
                "after (this checkout)": resource("observer", "observer.js").read_text(encoding="utf-8")}
    pages = {f"v{n}.html": page if source is None else with_observer(page, source)
             for n, source in enumerate(versions.values())}
    routes = ("direct", "proxy") if args.proxy else ("direct",)
    figures: dict[tuple[str, str], list[tuple[float, float | None]]] = {
        (route, name): [] for route in routes for name in versions}
    print(f"load average at start {load_average()}")
    with serve(pages) as base, tempfile.TemporaryDirectory(prefix="uxa-ab-conf-") as conf:
        proxy = None
        try:
            via = None
            if args.proxy:
                proxy, port = capture_proxy(Path(conf), inject=False)
                fingerprint = ca_fingerprint(Path(conf))
                assert fingerprint
                via = (port, fingerprint)
            for _ in range(args.loads):
                for route in routes:
                    for n, name in enumerate(versions):
                        url = f"{base}/v{n}.html?n={args.pushes}&marks=1"
                        figures[(route, name)].append(load(url, via if route == "proxy" else None))
        finally:
            if proxy is not None:
                proxy.stop()
    print(f"{args.pushes} pushes, {args.loads} loads each, loads alternating; "
          f"load average at end {load_average()}")
    # The lower quartile of the wall times beside their median: other processes on a shared machine
    # only ever add to a loop's time, so the quicker loads show the observer's own cost more steadily.
    print(f"{'route':7} {'observer':24} {'median ms':>10} {'per push':>10} {'q1 ms':>8} {'per push':>10} "
          f"{'CPU ms':>7} {'per push':>10}")
    for route in routes:
        base = _figures(figures[(route, "none")])
        for name in versions:
            got = _figures(figures[(route, name)])
            added = [(a - b) / args.pushes * 1000 for a, b in zip(got, base, strict=True)]
            print(f"{route:7} {name:24} {got[0]:10.1f} {added[0]:+8.1f}µs {got[1]:8.1f} {added[1]:+8.1f}µs "
                  f"{got[2]:7.1f} {added[2]:+8.1f}µs")
    return 0


def _figures(runs: list[tuple[float, float | None]]) -> tuple[float, float, float]:
    """Median and lower quartile of the loop's wall ms, and median main-thread CPU ms, of some loads."""
    walls = [wall for wall, _ in runs]
    q1 = statistics.quantiles(walls, n=4)[0] if len(walls) > 1 else walls[0]
    return statistics.median(walls), q1, statistics.median(cpu or 0.0 for _, cpu in runs)


if __name__ == "__main__":
    raise SystemExit(main())
