"""What the page observer costs the page: the same page of 10, 100 and 1,000 mixed ``_uxa`` pushes
loaded in real headless Chromium through the bare proxy (the addon with injection off) and through
the proxy with the observer, in one run. The page times its own push loop (``performance.now()``), so
browser start-up does not drown the figures.

Targets (issue 11): at most 20 us added per push (median, 1,000 pushes); under 5 ms added to a page
of 10 pushes.
"""

from __future__ import annotations

import re
import statistics
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.launch.proxy import BlockingProxy, build_command, ca_fingerprint, free_port
from inspector.package_files import resource
from inspector.wire.endpoints import LOOPBACK
from tests.support.chromium import dump_dom
from tests.support.site import serve

PAGE = Path(__file__).parent / "pages" / "pushes.html"
SIZES = (10, 100, 1000)
LOADS = 5  # per size and proxy; medians reported


def _proxy(confdir: Path, inject: bool) -> tuple[BlockingProxy, int]:
    port = free_port()
    argv = build_command(devices={port: "bench"}, sink=True, confdir=confdir)
    argv += ["--set", f"uxa_inject={'true' if inject else 'false'}"]
    return BlockingProxy(argv, [port], LOOPBACK, {}).start(), port


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("bench-site")
    (root / "pushes.html").symlink_to(PAGE)
    (root / "tag-double.js").symlink_to(resource("demo", "tag-double.js"))
    with serve(root) as base:
        yield base


def _timings(base: str, port: int, fingerprint: str, n: int) -> tuple[float, float]:
    """(push loop ms, load-event ms) of one fresh load."""
    with tempfile.TemporaryDirectory(prefix="uxa-bench-") as profile:
        dom = dump_dom(f"{base}/pushes.html?n={n}", port, fingerprint, budget_ms=2000, profile=Path(profile))
    found = re.search(r"<title>loop=([\d.]+);load=([\d.]+)</title>", dom)
    assert found, dom[-300:]
    return float(found.group(1)), float(found.group(2))


def test_observer_cost_per_push_and_per_page(benchmark, site: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    confdir = tmp_path / "conf"
    figures: dict[tuple[bool, int], list[tuple[float, float]]] = {}

    def run() -> None:
        for inject in (False, True):
            proxy, port = _proxy(confdir, inject)
            try:
                fingerprint = ca_fingerprint(confdir)
                assert fingerprint
                for n in SIZES:
                    figures[(inject, n)] = [_timings(site, port, fingerprint, n) for _ in range(LOADS)]
            finally:
                proxy.stop()

    benchmark.pedantic(run, rounds=1, iterations=1)
    loop = {key: statistics.median(t[0] for t in runs) for key, runs in figures.items()}
    load = {key: statistics.median(t[1] for t in runs) for key, runs in figures.items()}
    lines = []
    for n in SIZES:
        added = loop[(True, n)] - loop[(False, n)]
        lines.append(f"{n:>5} pushes: loop {loop[(False, n)]:.3f} ms bare, "
                     f"{loop[(True, n)]:.3f} ms observed; "
                     f"added {added:.3f} ms ({added / n * 1000:.1f} us per push); load event "
                     f"{load[(False, n)]:.1f} -> {load[(True, n)]:.1f} ms")
    benchmark.extra_info["figures"] = lines
    print("\n" + "\n".join(lines))
    per_push_us = (loop[(True, 1000)] - loop[(False, 1000)]) / 1000 * 1000
    benchmark.extra_info["added_us_per_push_1000"] = per_push_us
    benchmark.extra_info["added_ms_page_of_10"] = loop[(True, 10)] - loop[(False, 10)]
