"""What the page observer costs the page: the same page of 10, 100 and 1,000 mixed ``_uxa`` pushes
loaded in real headless Chromium through the bare proxy (the addon with injection off) and through
the proxy with the observer, in one run (and the 1,000-push page without a proxy too). The page times
its own push loop (``performance.now()``), so browser start-up does not drown the figures. The
measurement itself is ``bench/observer_cost.py`` (also a line of ``python -m bench.run``).

Targets (issue 11): at most 20 us added per push (median, 1,000 pushes); under 5 ms added to a page
of 10 pushes.
"""

from __future__ import annotations

from pathlib import Path

from bench.observer_cost import measure, medians, per_push, pushes_site

SIZES = (10, 100, 1000)
LOADS = 5  # per variant; medians reported


def test_observer_cost_per_push_and_per_page(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    figures = {}

    def run() -> None:
        with pushes_site() as site:
            figures.update(measure(site, tmp_path / "conf", SIZES, LOADS))

    benchmark.pedantic(run, rounds=1, iterations=1)
    loop = medians(figures)
    lines = []
    for n in SIZES:
        added = loop[("proxy", True, n)] - loop[("proxy", False, n)]
        lines.append(f"{n:>5} pushes: loop {loop[('proxy', False, n)]:.3f} ms bare, "
                     f"{loop[('proxy', True, n)]:.3f} ms observed; "
                     f"added {added:.3f} ms ({added / n * 1000:.1f} us per push)")
    benchmark.extra_info["figures"] = lines
    print("\n" + "\n".join(lines))
    benchmark.extra_info["added_us_per_push_1000"] = per_push(loop, "proxy", 1000)
    benchmark.extra_info["added_us_per_push_1000_no_proxy"] = per_push(loop, "direct", 1000)
    benchmark.extra_info["added_ms_page_of_10"] = loop[("proxy", True, 10)] - loop[("proxy", False, 10)]
