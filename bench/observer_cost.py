"""What the page observer costs the page, for the table: the same page of 10 and 1,000 mixed ``_uxa``
pushes in real headless Chromium, through the addon with injection off (the page without the
observer) and with it, in one run. The page times its own push loop (``performance.now()``, which
Chromium coarsens to 0.1 ms), so browser start-up is not in the figures; medians of ``LOADS`` loads.
``bench_observer.py`` runs the same measurement under pytest-benchmark (with 100 pushes too).

Targets (issue 11): at most 20 µs added per push (1,000 pushes); under 5 ms added to a page of 10.
"""

from __future__ import annotations

import re
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.run import Row
from inspector.launch.proxy import BlockingProxy, build_command, ca_fingerprint, free_port
from inspector.package_files import resource
from inspector.wire.endpoints import LOOPBACK

PAGE = Path(__file__).parent / "pages" / "pushes.html"
SIZES = (10, 1000)
LOADS = 5  # per size and proxy; medians reported

Timings = dict[tuple[bool, int], list[tuple[float, float]]]  # (observer?, pushes) -> (loop, load) ms


@contextmanager
def pushes_site() -> Iterator[str]:
    """The pushes page and the tag double, served locally; yields the base URL."""
    from tests.support.site import serve

    with tempfile.TemporaryDirectory(prefix="uxa-bench-site-") as tmp:
        root = Path(tmp)
        (root / "pushes.html").symlink_to(PAGE)
        (root / "tag-double.js").symlink_to(resource("demo", "tag-double.js"))
        with serve(root) as base:
            yield base


def _proxy(confdir: Path, inject: bool) -> tuple[BlockingProxy, int]:
    port = free_port()
    argv = build_command(devices={port: "bench"}, sink=True, confdir=confdir)
    argv += ["--set", f"uxa_inject={'true' if inject else 'false'}"]
    return BlockingProxy(argv, [port], LOOPBACK, {}).start(), port


def _timings(base: str, port: int, fingerprint: str, n: int) -> tuple[float, float]:
    """(push loop ms, load-event ms) of one fresh load."""
    from tests.support.chromium import dump_dom

    with tempfile.TemporaryDirectory(prefix="uxa-bench-") as profile:
        dom = dump_dom(f"{base}/pushes.html?n={n}", port, fingerprint, budget_ms=2000, profile=Path(profile))
    found = re.search(r"<title>loop=([\d.]+);load=([\d.]+)</title>", dom)
    if not found:
        raise RuntimeError(f"the pushes page did not report its timings: {dom[-300:]}")
    return float(found.group(1)), float(found.group(2))


def measure(site: str, confdir: Path, sizes: tuple[int, ...] = SIZES, loads: int = LOADS) -> Timings:
    """Both proxies run side by side; loads alternate between them so that noise hits both alike."""
    figures: Timings = {(inject, n): [] for inject in (False, True) for n in sizes}
    bare, bare_port = _proxy(confdir, inject=False)
    try:
        observed, observed_port = _proxy(confdir, inject=True)
        try:
            fingerprint = ca_fingerprint(confdir)
            assert fingerprint
            for _ in range(loads):
                for n in sizes:
                    for inject, port in ((False, bare_port), (True, observed_port)):
                        figures[(inject, n)].append(_timings(site, port, fingerprint, n))
        finally:
            observed.stop()
    finally:
        bare.stop()
    return figures


def medians(figures: Timings, which: int = 0) -> dict[tuple[bool, int], float]:
    """Median push-loop (``which=0``) or load-event (``which=1``) time per proxy and size."""
    return {key: statistics.median(t[which] for t in runs) for key, runs in figures.items()}


def rows(loads: int = LOADS) -> list[Row]:
    with pushes_site() as site, tempfile.TemporaryDirectory(prefix="uxa-bench-conf-") as conf:
        loop = medians(measure(site, Path(conf), SIZES, loads))
    many, few = max(SIZES), min(SIZES)
    per_push = (loop[(True, many)] - loop[(False, many)]) / many * 1000
    page = loop[(True, few)] - loop[(False, few)]
    return [
        Row(f"observer {many:,}-push loop ms (+{per_push:.1f} µs/push)", loop[(True, many)],
            loop[(False, many)], "ms", "≤ +20 µs/push", per_push <= 20),
        Row(f"observer {few}-push page loop ms (+{page:.1f} ms)", loop[(True, few)], loop[(False, few)], "ms",
            "< +5 ms", page < 5),
    ]


if __name__ == "__main__":
    from bench.run import table

    print(table(rows()))
