"""In real headless Chromium, a scenario that goes wrong still writes its log, naming what failed,
instead of spending the browser's time budget and leaving an unexplained empty page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from inspector.demo.scenario import ScenarioError, parse_dumped_dom, scenario_url
from inspector.demo.site import DEMO_ROOT, DemoSite
from inspector.launch.browser import LaunchOptions, dump_dom, find_browser
from inspector.launch.profiles import temporary_profile

pytestmark = pytest.mark.e2e

OFFLINE = LaunchOptions(proxy_port=None, extra_args=("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",))


def play(site: DemoSite, steps: tuple[str, ...]) -> str:
    return dump_dom(find_browser(), temporary_profile("scenario"), OFFLINE, scenario_url(site.url, steps=steps),
                    20_000)


def test_an_unknown_step_is_named_and_the_other_steps_still_run() -> None:
    with DemoSite() as site:
        dom = play(site, ("pv:/a", "jump:high", "session"))
    with pytest.raises(ScenarioError, match="jump:high: unknown step"):
        parse_dumped_dom(dom)
    assert '"name":"getSessionData"' in dom  # the step after the bad one ran


def test_a_tag_that_never_loads_ends_the_run_with_that_reason(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(DEMO_ROOT, root)
    (root / "tag-double.js").write_text('throw new Error("blocked by a content blocker");\n')
    with DemoSite(root=root) as site:
        dom = play(site, ("pv:/a",))
    with pytest.raises(ScenarioError, match="the tag double did not load within 5000 ms"):
        parse_dumped_dom(dom)
