"""A page that patches the built-ins the observer uses (XHR, JSON, WeakSet, Array.prototype.toJSON)
and pushes values that cannot be copied plainly: the page behaves exactly as without the observer,
and every command is still reported with its real shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Result, Storage
from tests.e2e.conftest import RunningCapture
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGES = Path(__file__).parent / "pages"


def load(capture: RunningCapture, page: str) -> tuple[str, list[Envelope]]:
    """The title the page ended with, and what the capture recorded of it."""
    with serve(PAGES) as base:
        dom = dump_dom(f"{base}/{page}", capture.port, capture.fingerprint, budget_ms=1500)
    title = re.search(r"<title>(.*?)</title>", dom)
    capture.process.stop()
    return (title.group(1) if title else ""), capture.envelopes()


def test_a_hostile_page_neither_sees_nor_breaks_the_observer(capture: RunningCapture) -> None:
    title, events = load(capture, "hostile.html")
    # Queue lengths as a plain array returns them; no error, XHR or JSON call visible to the page.
    assert title == "r:1:2:4:e:0:x:0:s:0"
    commands = [e.event for e in events if isinstance(e.event, Command)]
    assert [c.payload for c in commands if c.payload != commands[1].payload] == [
        ["identify", "hostile-user"], ["identify", "a"], ["identify", "b"]]
    properties = commands[1].payload[1]  # type: ignore[index]
    assert properties["list"] == [1, 2]  # an array, although the page gave arrays a toJSON
    assert properties["loop"]["self"]["__uxa_type__"] == "cycle"
    assert properties["trap"]["__uxa_type__"] == properties["bad"]["__uxa_type__"] == "unreadable"
    results = [e.event for e in events if isinstance(e.event, Result)]
    assert sorted(r.call_id for r in results) == sorted(c.call_id for c in commands)


def test_a_page_that_replaces_builtins_and_prototypes_can_neither_break_nor_fool_the_reports(
        capture: RunningCapture) -> None:
    # prototypes.html replaces, after the observer started, JSON.stringify, Object.keys/create,
    # Reflect.apply, String, isFinite, Array.prototype.push, String and Date methods, and puts index
    # accessors on Array.prototype and setters, toJSON and a descriptor field on Object.prototype.
    title, events = load(capture, "prototypes.html")
    # The page's own calls behave as without the observer, which never called the page's push.
    assert title == "r:::3:e:0:p:0"
    commands = [e.event for e in events if isinstance(e.event, Command)]
    assert [c.payload for c in commands] == [
        ["identify", "proto-user"],
        ["addUserProperties", {"plan": "gold", "list": [1, 2],
                               "when": {"__uxa_type__": "date", "repr": "1970-01-01T00:00:00.000Z"},
                               "big": {"__uxa_type__": "number", "repr": "Infinity"}}],
        ["getSessionData"]]
    results = {r.call_id: r for r in (e.event for e in events) if isinstance(r, Result)}
    assert sorted(results) == sorted(c.call_id for c in commands)
    session = results[commands[2].call_id]
    assert session.has_return and session.returned == {"pageNumber": 3}
    snapshots = [e.event for e in events if isinstance(e.event, Storage) and e.event.source == "observer"]
    assert [(s.trigger, s.cookies) for s in snapshots] == [
        ("load", {}), ("before-command", {"_cs_id": "proto-user-id.1"})]
