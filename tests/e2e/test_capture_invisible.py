"""The observer changes nothing the page can see, and says so when a page blinds it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from inspector.wire.events import Command, Notice, Result
from tests.e2e.conftest import RunningCapture
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGES = Path(__file__).parent / "pages"


def _title(dom: str) -> str:
    found = re.search(r"<title>(.*?)</title>", dom)
    assert found, dom[-300:]
    return found.group(1)


def test_a_page_override_of_push_sees_every_push_and_no_global_is_listed(capture: RunningCapture) -> None:
    with serve(PAGES) as base:
        dom = dump_dom(f"{base}/invisible.html", capture.port, capture.fingerprint, budget_ms=1500)
    # Queue lengths as a plain array returns them; the override saw all three pushed items; no
    # observer name among the window's keys or own names; the queue lists only its items.
    assert _title(dom) == "r:1:3:o:3:l:0:k:0+1+2"
    time.sleep(1.5)  # the capture may hold the last batch for a moment
    capture.process.stop()
    events = [e.event for e in capture.envelopes()]
    commands = [e for e in events if isinstance(e, Command)]
    assert [c.payload for c in commands] == [["identify", "one"], ["addUserProperties", {"plan": "gold"}],
                                             ["identify", "two"]]
    assert [c.page_seq for c in commands] == sorted(c.page_seq for c in commands if c.page_seq is not None)
    assert all(c.document and c.page_time for c in commands)
    assert sum(isinstance(e, Result) for e in events) == 3


def test_a_page_that_redefines_uxa_is_observed_where_possible_and_told_otherwise(capture: RunningCapture) -> None:
    with serve(PAGES) as base:
        dom = dump_dom(f"{base}/redefined.html", capture.port, capture.fingerprint, budget_ms=2500)
    assert _title(dom) == "done:1"
    time.sleep(1.5)
    capture.process.stop()
    events = [e.event for e in capture.envelopes()]
    identities = [c.payload[1] for c in events if isinstance(c, Command)]  # type: ignore[index]
    # Pushed before the observer noticed: recovered from the queue; after: seen as it ran.
    assert identities == ["before-noticed", "after-noticed"]
    codes = [e.code for e in events if isinstance(e, Notice)]
    assert "uxa-redefined" in codes
    blind = [e for e in events if isinstance(e, Notice) and e.code == "commands-unobservable"]
    assert len(blind) == 1 and "commands on this page cannot be observed" in blind[0].message
