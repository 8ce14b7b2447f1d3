"""A policy that restricts everything through ``default-src`` alone (a nonce, no connect-src): the
observer runs and reports, the page's own nonce script still runs, and a same-origin script the policy
blocks stays blocked (widening default-src itself would have let it in)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.wire.events import Command, Result
from tests.e2e.conftest import RunningCapture
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGES = Path(__file__).parent / "pages"
POLICY = {"Content-Security-Policy": "default-src 'nonce-d3f'"}


def test_a_default_src_only_policy_admits_the_observer_and_its_reports(capture: RunningCapture) -> None:
    with serve(PAGES, {"/default-src.html": POLICY}) as base:
        dom = dump_dom(f"{base}/default-src.html", capture.port, capture.fingerprint, budget_ms=1500)
    assert "<title>nonce-ran</title>" in dom
    capture.process.stop()
    events = [e.event for e in capture.envelopes()]
    commands = [e for e in events if isinstance(e, Command)]
    assert [c.payload for c in commands] == [["identify", "default-src-user"]]
    assert [r.call_id for r in events if isinstance(r, Result)] == [commands[0].call_id]
