"""The demo site server and the scenario helpers, without a browser."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from inspector.demo.scenario import (
    DEFAULT_STEPS,
    ScenarioError,
    log_to_envelopes,
    parse_dumped_dom,
    scenario_url,
    steps_for,
)
from inspector.demo.site import DemoSite


def test_serves_the_shop_uncached_on_localhost() -> None:
    with DemoSite() as site:
        assert site.url.startswith("http://localhost:")
        with urllib.request.urlopen(site.url + "index.html", timeout=5) as reply:
            assert reply.headers["Cache-Control"] == "no-store"
            assert b"/shop.js" in reply.read()
        with urllib.request.urlopen(site.url + "tag-double.js", timeout=5) as reply:
            assert b"TAG DOUBLE" in reply.read()  # clearly marked as a stand-in
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(site.url + "nothing-here", timeout=5)
        assert info.value.code == 404


def test_a_missing_site_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="demo site is missing"):
        DemoSite(root=tmp_path)


def test_deadline_faults_stop_before_reset_identity() -> None:
    assert steps_for([]) == DEFAULT_STEPS
    assert "logout" not in steps_for(["no-reset"]) and "login:C-2002" in steps_for(["no-renewal"])
    url = scenario_url("http://localhost:1/", ["no-reset", "page-gap"])
    assert "fault=no-reset%2Cpage-gap" in url and "logout" not in url


def test_a_page_without_the_log_or_with_junk_is_reported_or_skipped() -> None:
    with pytest.raises(ScenarioError, match="did not finish"):
        parse_dumped_dom("<html><pre id=\"uxa-scenario-log\"></pre></html>")
    dom = ('<pre id="uxa-scenario-log">{"done": true, "log": [{"kind": "command", "payload": ["identify", "a"],'
           ' "tag_loaded": true, "time": 1.5}, {"kind": "weird", "time": 2}, {"kind": "request", "time": "x"},'
           ' 7]}</pre>')
    envelopes = log_to_envelopes(parse_dumped_dom(dom))
    assert [(e.seq, e.event.kind, e.time) for e in envelopes] == [(0, "command", 1.5)]
