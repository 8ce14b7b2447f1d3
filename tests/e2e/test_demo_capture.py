"""The demo end to end: the shop on localhost, real mitmdump in sink mode, real headless Chromium,
the recorded journal judged by the engine. One proxy for every run, one listen port (device) per run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from inspector.demo.scenario import (
    FAULT_RULES,
    parse_dumped_dom,
    scenario_url,
    steps_for,
    virtual_time_budget_ms,
)
from inspector.demo.site import DemoSite
from inspector.launch.browser import LaunchOptions, dump_dom, find_browser
from inspector.launch.profiles import temporary_profile
from inspector.launch.proxy import BlockingProxy
from inspector.model.state import Severity
from inspector.session.engine import Engine
from inspector.wire.envelope import Envelope, parse_envelope
from inspector.wire.events import Command, Hit, HitType
from tests.e2e.conftest import capture_per_run

pytestmark = pytest.mark.e2e

RUNS = ["clean", *sorted(FAULT_RULES)]


@dataclass
class Rig:
    site: DemoSite
    capture: BlockingProxy
    ports: dict[str, int]
    journal: Path
    fingerprint: str

    def device_envelopes(self, device: str) -> list[Envelope]:
        lines = self.journal.read_text(encoding="utf-8").splitlines() if self.journal.exists() else []
        return [e for e in (parse_envelope(line) for line in lines if line) if e.device == device]

    def play(self, run: str) -> tuple[list[dict], list[Envelope]]:
        faults = [] if run == "clean" else [run]
        options = LaunchOptions(proxy_port=self.ports[run], spki=self.fingerprint)
        log = parse_dumped_dom(dump_dom(find_browser(), temporary_profile("demo"), options,
                                        scenario_url(self.site.url, faults), virtual_time_budget_ms(steps_for(faults))))
        wanted = sum(1 for e in log if e["kind"] in ("command", "request"))
        # The child writes its journal asynchronously: wait until this run's traffic is all there.
        deadline = time.monotonic() + 10
        while True:
            envelopes = self.device_envelopes(run)
            seen = sum(1 for e in envelopes if e.event.kind in ("command", "request"))
            if seen >= wanted or time.monotonic() > deadline:
                return log, envelopes
            time.sleep(0.1)


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    tmp = tmp_path_factory.mktemp("demo-capture")
    capture, ports, journal, fingerprint = capture_per_run(tmp, RUNS)
    try:
        with DemoSite() as site:
            yield Rig(site, capture, ports, journal, fingerprint)
    finally:
        capture.stop()


def judge(envelopes: list[Envelope]) -> Engine:
    engine = Engine()
    engine.feed_many(envelopes)
    engine.finish()
    return engine


def test_clean_demo_is_recorded_in_order_and_has_no_violation(rig: Rig) -> None:
    log, envelopes = rig.play("clean")
    pushed = [e["payload"] for e in log if e["kind"] == "command"]
    recorded = [e.event.payload for e in envelopes if isinstance(e.event, Command) and e.event.name != "afterPageView"]
    assert recorded == pushed
    engine = Engine()
    steps = engine.feed_many(envelopes)  # the engine keeps no steps itself
    engine.finish()
    views = [s.envelope.event for s in steps
             if isinstance(s.envelope.event, Hit) and s.envelope.event.hit_type == HitType.PAGEVIEW]
    assert [v.pvt.value if v.pvt else None for v in views] == [
        "natural", "natural", "artificial", "renewal", "artificial", "renewal"]
    assert all(v.request.sunk for v in views)  # sink mode: nothing left the machine
    assert [v.rule for v in engine.verdicts if v.severity != Severity.INFO] == []
    # Two identities, three user IDs on this device; the identity graph links the identified ones.
    assert len({v.uu for v in views}) == 3


@pytest.mark.parametrize("fault", sorted(FAULT_RULES))
def test_each_demo_fault_is_caught_through_the_proxy(rig: Rig, fault: str) -> None:
    _, envelopes = rig.play(fault)
    rules = {v.rule for v in judge(envelopes).verdicts}
    assert FAULT_RULES[fault] in rules, f"{fault}: got {sorted(rules)}"
