"""The demo shop and its tag double in real headless Chromium, judged by the real engine.

No capture here: the scenario page's own log stands in for the observer (the capture e2e test in
test_demo_capture.py runs the same scenario through mitmdump). Collection hosts resolve nowhere, so
nothing leaves the machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from inspector.demo.scenario import (
    DEFAULT_STEPS,
    log_to_envelopes,
    parse_dumped_dom,
    scenario_url,
    virtual_time_budget_ms,
)
from inspector.demo.site import DemoSite
from inspector.launch.browser import LaunchOptions, dump_dom, find_browser
from inspector.launch.profiles import temporary_profile
from inspector.model.state import Severity
from inspector.session.engine import Engine

pytestmark = pytest.mark.e2e

OFFLINE = LaunchOptions(proxy_port=None, extra_args=("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",))


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


def play(site: DemoSite, faults: list[str]) -> list[dict]:
    dom = dump_dom(find_browser(), temporary_profile("demo"), OFFLINE, scenario_url(site.url, faults),
                   virtual_time_budget_ms(DEFAULT_STEPS))
    return parse_dumped_dom(dom)


def judge(log: list[dict]) -> Engine:
    engine = Engine()
    engine.feed_many(log_to_envelopes(log))
    engine.finish()
    return engine


def pageviews(log: list[dict]) -> list[dict[str, str]]:
    out = []
    for entry in log:
        if entry["kind"] == "request" and urlsplit(entry["url"]).path == "/pageview":
            out.append({k: v[0] for k, v in parse_qs(urlsplit(entry["url"]).query).items()})
    return out


def test_clean_run_follows_the_documented_behaviour(site: DemoSite) -> None:
    log = play(site, [])
    views = pageviews(log)
    # Anonymous: natural pageview, another page (pn 2), a single-page view (pn 3), one user ID.
    assert [(v["pvt"], v["sn"], v["pn"]) for v in views[:3]] == [("n", "1", "1"), ("n", "1", "2"), ("a", "1", "3")]
    first_user = views[0]["uu"]
    assert {v["uu"] for v in views[:3]} == {first_user}
    # identify B: a renewal pageview with a new user ID and pn=1; resetIdentity: another one.
    renewals = [v for v in views if v["pvt"] == "r"]
    assert len(renewals) == 2 and all(v["pn"] == "1" for v in renewals)
    assert len({first_user, *(v["uu"] for v in renewals)}) == 3
    # getIdentity gives a SHA-256 hex hash, never the identity; getSessionData the current user.
    results = {e["name"]: e for e in log if e["kind"] == "result"}
    assert re.fullmatch(r"[0-9a-f]{64}", results["getIdentity"]["returned"])
    assert results["getSessionData"]["returned"]["userId"] == renewals[-1]["uu"]
    # Cookies in the shapes of the wire notes: _cs_id has 7 fields, _cs_s starts with the page number.
    last = [e for e in log if e["kind"] == "storage"][-1]["cookies"]
    assert last["_cs_id"].split(".")[0] == renewals[-1]["uu"] and len(last["_cs_id"].split(".")) == 7
    assert last["_cs_s"].split(".")[0] == "1"

    verdicts = judge(log).verdicts
    assert [v.rule for v in verdicts if v.severity != Severity.INFO] == []
    assert {v.rule for v in verdicts} == {"property-overwrite", "properties-detached"}


def test_a_tag_fault_without_capture(site: DemoSite) -> None:
    # Every fault goes through the proxy in test_demo_capture.py; here one, to show the log alone suffices.
    assert "getidentity-returned-raw" in {v.rule for v in judge(play(site, ["raw-identity"])).verdicts}


def test_unknown_fault_names_are_refused() -> None:
    with pytest.raises(ValueError, match="no-such-fault"):
        scenario_url("http://localhost:1/", ["no-such-fault"])
