"""The tag's first-party cookies reach the recording three ways: the observer's snapshot after a
command, its polling when they change on their own, and the Cookie header of document requests.
Other cookies of the site are never recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.wire.events import Command, Storage
from tests.e2e.conftest import RunningCapture
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGES = Path(__file__).parent / "pages"


def test_cookie_snapshots_after_commands_on_change_and_from_request_headers(capture: RunningCapture) -> None:
    with serve(PAGES) as base:
        dump_dom(f"{base}/cookies.html", capture.port, capture.fingerprint, budget_ms=3000)
    capture.process.stop()
    events = capture.envelopes()
    snapshots = [(e.seq, e.event) for e in events if isinstance(e.event, Storage)]
    assert all(set(s.cookies) <= {"_cs_id", "_cs_s"} for _, s in snapshots)  # never site_pref
    command_seq = next(e.seq for e in events if isinstance(e.event, Command))  # the top page's identify
    top = [(seq, s) for seq, s in snapshots if s.page_url.endswith("/cookies.html")]
    # Before the page's own script ran there was nothing; what the page set before its identify is
    # reported before the command (it was not caused by it).
    assert [(s.trigger, sorted(s.cookies)) for _, s in top[:2]] == [("load", []),
                                                                   ("before-command", ["_cs_id"])]
    assert top[1][0] < command_seq
    changed_seq, changed = next((seq, s) for seq, s in top if s.trigger == "change")
    assert changed.cookies["_cs_s"] == "2.0.1764331800000" and changed_seq > top[1][0]
    (header,) = [s for _, s in snapshots if s.source == "request-header"]
    assert header.page_url.endswith("/frame-child.html") and header.trigger == "navigation"
    assert header.cookies == {"_cs_id": top[1][1].cookies["_cs_id"], "_cs_s": "2.0.1764331800000"}
