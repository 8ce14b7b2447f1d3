"""A page that patches the built-ins the observer uses (XHR, JSON, WeakSet, Array.prototype.toJSON)
and pushes values that cannot be copied plainly: the page behaves exactly as without the observer,
and every command is still reported with its real shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inspector.wire.events import Command, Result
from tests.e2e.conftest import RunningCapture
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGES = Path(__file__).parent / "pages"


def test_a_hostile_page_neither_sees_nor_breaks_the_observer(capture: RunningCapture) -> None:
    with serve(PAGES) as base:
        dom = dump_dom(f"{base}/hostile.html", capture.port, capture.fingerprint, budget_ms=1500)
    title = re.search(r"<title>(.*?)</title>", dom)
    # Queue lengths as a plain array returns them; no error, XHR or JSON call visible to the page.
    assert title is not None and title.group(1) == "r:1:2:4:e:0:x:0:s:0"
    capture.process.stop()
    events = capture.envelopes()
    commands = [e.event for e in events if isinstance(e.event, Command)]
    assert [c.payload for c in commands if c.payload != commands[1].payload] == [
        ["identify", "hostile-user"], ["identify", "a"], ["identify", "b"]]
    properties = commands[1].payload[1]  # type: ignore[index]
    assert properties["list"] == [1, 2]  # an array, although the page gave arrays a toJSON
    assert properties["loop"]["self"]["__uxa_type__"] == "cycle"
    assert properties["trap"]["__uxa_type__"] == properties["bad"]["__uxa_type__"] == "unreadable"
    results = [e.event for e in events if isinstance(e.event, Result)]
    assert sorted(r.call_id for r in results) == sorted(c.call_id for c in commands)
