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
    print(f"{args.pushes} pushes, medians of {args.loads} loads each, loads alternating; "
          f"load average at end {load_average()}")
    print(f"{'route':7} {'observer':24} {'loop ms':>9} {'per push':>10} {'loop CPU ms':>12} {'per push':>10}")
    for route in routes:
        runs0 = figures[(route, "none")]
        wall0 = statistics.median(w for w, _ in runs0)
        cpu0 = statistics.median(c or 0.0 for _, c in runs0)
        for name in versions:
            runs = figures[(route, name)]
            wall, cpu = statistics.median(w for w, _ in runs), statistics.median(c or 0.0 for _, c in runs)
            print(f"{route:7} {name:24} {wall:9.1f} {(wall - wall0) / args.pushes * 1000:+8.1f}µs "
                  f"{cpu:12.1f} {(cpu - cpu0) / args.pushes * 1000:+8.1f}µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
