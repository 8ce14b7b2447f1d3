"""Identity calls in one synchronous block (an account switch, a double login), across reloads and two
tabs, in real headless Chromium through real mitmdump with the addon and the demo's tag double,
judged by the engine: no verdict for a correct tag, each fault's rule for each fault, with and
without a CPU burner beside it. Zero false verdicts is the bar.

Sequences come from hypothesis with a fixed seed and a few examples, so the run time stays bounded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector.demo.scenario import FAULT_RULES
from inspector.launch.proxy import BlockingProxy
from inspector.model.state import Severity
from inspector.package_files import resource
from inspector.session.engine import Engine
from inspector.wire.envelope import Envelope, parse_envelope
from inspector.wire.events import Command
from tests.e2e.conftest import capture_per_run
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGE = Path(__file__).parent / "pages" / "identity-block.html"
TAG_FAULTS = ("no-reset", "no-renewal", "reset-first-identify", "reset-same-identity", "raw-identity",
              "no-reset-on-logout", "lose-user-id", "page-gap")
# Exercises every tag-side fault: first identify, same identity, getIdentity, a switch, a logout, a reload.
FAULT_BLOCKS = ("id:ada,get,id:ada,props:gold,id:bob,reset,id:cy", "id:cy,get")
LOADS = ("idle", "busy")
RUNS = [f"{load}-{name}" for load in LOADS for name in ("gen0", "gen1", "gen2", "tabs", *TAG_FAULTS)]


@dataclass
class Rig:
    base: str
    capture: BlockingProxy
    ports: dict[str, int]
    journal: Path
    fingerprint: str
    profiles: Path

    def envelopes(self, device: str) -> list[Envelope]:
        lines = self.journal.read_text(encoding="utf-8").splitlines() if self.journal.exists() else []
        return [e for e in (parse_envelope(line) for line in lines if line) if e.device == device]

    def play(self, run: str, tabs: list[list[str]], fault: str | None = None) -> list[Envelope]:
        """Each tab: blocks of steps run one page load after another, in one browser profile."""
        profile = self.profiles / run
        pushes = 0
        for blocks in tabs:
            query = "blocks=" + "|".join(blocks) + (f"&fault={fault}" if fault else "")
            budget = 1500 + 600 * len(blocks)
            dom = dump_dom(f"{self.base}/identity-block.html?{query}", self.ports[run], self.fingerprint,
                           budget_ms=budget, profile=profile)
            assert "<title>done</title>" in dom, dom[-400:]
            pushes += sum(len([s for s in block.split(",") if s]) for block in blocks)
        return self._settled(run, pushes)

    def _settled(self, run: str, pushes: int) -> list[Envelope]:
        """The journal once this run's pushes are all there and nothing new came for a while (the
        capture holds requests up to a second for the batches that cover them)."""
        deadline, last, quiet_since = time.monotonic() + 20, -1, time.monotonic()
        while time.monotonic() < deadline:
            envelopes = self.envelopes(run)
            commands = sum(1 for e in envelopes if isinstance(e.event, Command) and e.event.name != "afterPageView")
            if len(envelopes) != last:
                last, quiet_since = len(envelopes), time.monotonic()
            elif commands >= pushes and time.monotonic() - quiet_since > 2.0:
                return envelopes
            time.sleep(0.1)
        return self.envelopes(run)


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    tmp = tmp_path_factory.mktemp("identity-blocks")
    site = tmp / "site"
    site.mkdir()
    (site / "identity-block.html").symlink_to(PAGE)
    (site / "tag-double.js").symlink_to(resource("demo", "tag-double.js"))
    capture, ports, journal, fingerprint = capture_per_run(tmp, RUNS)
    try:
        with serve(site) as base:
            yield Rig(base, capture, ports, journal, fingerprint, tmp / "profiles")
    finally:
        capture.stop()


@pytest.fixture(params=LOADS)
def load(request: pytest.FixtureRequest) -> Iterator[str]:
    """``busy``: one CPU burner per core beside the browser and the proxy, killed afterwards."""
    burners: list[subprocess.Popen[bytes]] = []
    if request.param == "busy":
        burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
    try:
        yield str(request.param)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def judged(envelopes: list[Envelope]) -> list[str]:
    engine = Engine()
    engine.feed_many(envelopes)
    engine.finish()
    return sorted({v.rule for v in engine.verdicts if v.severity != Severity.INFO})


STEP = st.one_of(st.sampled_from(["reset", "get", "props:gold", "props:free"]),
                 st.sampled_from(["ada", "bob", "cy"]).map(lambda name: f"id:{name}"))
BLOCK = st.lists(STEP, min_size=2, max_size=6).map(",".join)
SEQUENCES = st.lists(BLOCK, min_size=1, max_size=2)


# Three fixed examples per load (hypothesis derandomized): blocks of calls, some reloading into a second block.
@pytest.mark.parametrize("example", range(3))
def test_a_correct_tag_gets_no_verdict_for_any_block_of_calls(rig: Rig, load: str, example: int) -> None:
    @settings(max_examples=3, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(SEQUENCES)
    def pick(blocks: list[str]) -> None:
        picked.append(blocks)

    picked: list[list[str]] = []
    pick()
    blocks = picked[example % len(picked)]
    envelopes = rig.play(f"{load}-gen{example}", [blocks])
    assert judged(envelopes) == [], f"blocks {blocks}"


def test_a_correct_tag_across_two_tabs_gets_no_verdict(rig: Rig, load: str) -> None:
    # Two tabs of one profile, one after the other: shared cookies, separate session storage.
    envelopes = rig.play(f"{load}-tabs", [["id:ada,props:gold,id:bob", "get,reset,id:cy"], ["id:cy,get,reset"]])
    assert judged(envelopes) == []


# Known limit (README): inside one synchronous block the evidence cannot always say WHICH call a
# faulty tag got wrong. no-reset: identify(bob) keeps the user, the resetIdentity right after renews
# it, and that one renewal is credited to the earlier call, so the reset looks like the one that
# failed. lose-user-id: the user lost at the tag's load on reload shows before the block's identify
# re-identifies a user the model holds as anonymous. Either way the fault is a violation; these two
# outcomes are the only ones accepted besides the fault's own rule.
MISATTRIBUTED_IN_ONE_BLOCK = {
    "no-reset": "reset-identity-no-new-user",
    "lose-user-id": "unexpected-reset-first-identify",
}


@pytest.mark.parametrize("fault", TAG_FAULTS)
def test_each_fault_gets_its_rule_and_nothing_false(rig: Rig, load: str, fault: str) -> None:
    envelopes = rig.play(f"{load}-{fault}", [list(FAULT_BLOCKS)], fault=fault)
    rules = judged(envelopes)
    accepted = [[FAULT_RULES[fault]]]
    if fault in MISATTRIBUTED_IN_ONE_BLOCK:
        accepted.append([MISATTRIBUTED_IN_ONE_BLOCK[fault]])
    assert rules in accepted, f"{fault}: got {rules}, expected one of {accepted}"
