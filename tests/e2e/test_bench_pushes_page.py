"""The observer benchmarks compare the pushes page through the capture proxy with the same page loaded
without one (bench/observer_cost.py, bench/observer_ab.py): the page they load directly must be the
very bytes the proxy serves, and their CPU-time measurement must work through the proxy too."""

from __future__ import annotations

import urllib.request

from bench.observer_cost import pushes_site
from bench.pushes_page import load
from tests.e2e.conftest import RunningCapture


def _through(capture: RunningCapture, url: str) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": f"http://127.0.0.1:{capture.port}"}))
    request = urllib.request.Request(url, headers={"Sec-Fetch-Dest": "document", "Accept": "text/html"})
    with opener.open(request, timeout=10) as response:
        return bytes(response.read())


def test_the_directly_loaded_observed_page_is_what_the_proxy_serves(capture: RunningCapture) -> None:
    with pushes_site() as site:
        served = _through(capture, f"{site}/pushes.html?n=10")
        with urllib.request.urlopen(f"{site}/observed.html?n=10", timeout=10) as response:
            inlined = response.read()
    assert b"__uxaInspectorObserver" in served
    assert served == inlined


def test_the_loop_and_its_cpu_time_are_read_through_the_proxy(capture: RunningCapture) -> None:
    with pushes_site() as site:
        loop, cpu = load(f"{site}/pushes.html?n=50&marks=1", (capture.port, capture.fingerprint))
    assert loop > 0 and cpu is not None and cpu > 0
