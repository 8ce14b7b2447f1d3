"""What the page observer costs the page, for the table: the same page of 10 and 1,000 mixed ``_uxa``
pushes in real headless Chromium, through the addon with injection off (the page without the
observer) and with it, in one run; and, in the same run, the 1,000-push page without any proxy, bare
and with the observer inlined by the addon's own ``inject`` (what the proxy serves), so that the
observer's cost through the proxy and without one are read side by side. The page times its own push
loop (``performance.now()``, which Chromium coarsens to 0.1 ms), so browser start-up is not in the
figures; for the 1,000-push page the renderer main thread's CPU time over the loop is read too
(``bench/pushes_page.py``). Medians of ``LOADS`` loads, all variants alternating.

Targets (issue 11): at most 20 µs added per push (1,000 pushes); under 5 ms added to a page of 10.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.pushes_page import PAGE, capture_proxy, load, serve, with_observer
from bench.run import Row
from inspector.capture.injection import observer_source
from inspector.launch.proxy import ca_fingerprint

SIZES = (10, 1000)
LOADS = 9  # per variant; medians reported (5 left the wall figure swinging by ±30 µs per push)
CPU_SIZE = 1000  # the page whose loop is also measured in CPU time, and loaded without a proxy

# (route, observer?, pushes) -> [(loop ms, main-thread CPU ms or None)]; route "proxy" or "direct"
Key = tuple[str, bool, int]
Timings = dict[Key, list[tuple[float, float | None]]]


@contextmanager
def pushes_site() -> Iterator[str]:
    """The pushes page (``pushes.html``), the same with the observer inlined (``observed.html``) and the
    tag double, served locally; yields the base URL."""
    html = PAGE.read_text(encoding="utf-8")
    with serve({"pushes.html": html, "observed.html": with_observer(html, observer_source())}) as base:
        yield base


def _url(site: str, observed_page: bool, n: int) -> str:
    marks = "&marks=1" if n == CPU_SIZE else ""
    return f"{site}/{'observed' if observed_page else 'pushes'}.html?n={n}{marks}"


def measure(site: str, confdir: Path, sizes: tuple[int, ...] = SIZES, loads: int = LOADS) -> Timings:
    """Both proxies run side by side; loads alternate between every variant so that noise hits all alike."""
    variants: list[Key] = [(route, observer, n) for n in sizes for route in ("proxy", "direct")
                           for observer in (False, True) if route == "proxy" or n == CPU_SIZE]
    figures: Timings = {key: [] for key in variants}
    bare, bare_port = capture_proxy(confdir, inject=False)
    try:
        observed, observed_port = capture_proxy(confdir, inject=True)
        try:
            fingerprint = ca_fingerprint(confdir)
            assert fingerprint
            for _ in range(loads):
                for route, observer, n in variants:
                    if route == "proxy":
                        via = (observed_port if observer else bare_port, fingerprint)
                        figures[(route, observer, n)].append(load(_url(site, False, n), via))
                    else:
                        figures[(route, observer, n)].append(load(_url(site, observer, n)))
        finally:
            observed.stop()
    finally:
        bare.stop()
    return figures


def medians(figures: Timings, which: int = 0) -> dict[Key, float]:
    """Median push-loop (``which=0``) or main-thread CPU (``which=1``) ms per variant that has it."""
    out = {}
    for key, runs in figures.items():
        values = [v for v in (t[which] for t in runs) if v is not None]
        if values:
            out[key] = statistics.median(values)
    return out


def per_push(figures: dict[Key, float], route: str, n: int) -> float:
    """µs added per push by the observer on ``route``."""
    return (figures[(route, True, n)] - figures[(route, False, n)]) / n * 1000


def rows(loads: int = LOADS) -> list[Row]:
    with pushes_site() as site, tempfile.TemporaryDirectory(prefix="uxa-bench-conf-") as conf:
        figures = measure(site, Path(conf), SIZES, loads)
    loop, cpu = medians(figures), medians(figures, 1)
    many, few = CPU_SIZE, min(SIZES)
    added = per_push(loop, "proxy", many)
    page = loop[("proxy", True, few)] - loop[("proxy", False, few)]
    out = [Row(f"observer {many:,}-push loop ms (+{added:.1f} µs/push)", loop[("proxy", True, many)],
               loop[("proxy", False, many)], "ms", "≤ +20 µs/push", added <= 20)]
    for route, label in (("proxy", "through the proxy"), ("direct", "no proxy")):
        if route == "direct":
            wall = per_push(loop, route, many)
            out.append(Row(f"observer {many:,}-push loop, {label}, ms (+{wall:.1f} µs/push)",
                           loop[(route, True, many)], loop[(route, False, many)], "ms", "-", None))
        spent = per_push(cpu, route, many)
        out.append(Row(f"observer {many:,}-push loop, {label}, main-thread CPU ms (+{spent:.1f} µs/push)",
                       cpu[(route, True, many)], cpu[(route, False, many)], "ms", "-", None))
    out.append(Row(f"observer {few}-push page loop ms (+{page:.1f} ms)", loop[("proxy", True, few)],
                   loop[("proxy", False, few)], "ms", "< +5 ms", page < 5))
    return out


if __name__ == "__main__":
    from bench.run import table

    print(table(rows()))
