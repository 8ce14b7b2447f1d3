"""Values a page can push that a naive copy would lose: a ``__proto__`` key, a ``toJSON`` key, and
arrays or objects past the observer's size bound (cut, with a marker saying how much)."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.wire.events import Command
from tests.e2e.conftest import RunningCapture
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGES = Path(__file__).parent / "pages"


def test_odd_keys_are_kept_and_cuts_are_marked(capture: RunningCapture) -> None:
    with serve(PAGES) as base:
        dom = dump_dom(f"{base}/values.html", capture.port, capture.fingerprint, budget_ms=1000)
    assert "<title>pushed:1</title>" in dom  # the queue's own push, untouched
    capture.process.stop()
    (command,) = [e.event for e in capture.envelopes() if isinstance(e.event, Command)]
    assert isinstance(command.payload, list)
    name, properties, big, long = command.payload
    assert name == "addUserProperties"
    assert properties == {"__proto__": {"a": 1}, "toJSON": "kept", "plan": "gold"}
    assert isinstance(big, dict) and len(big) == 201 and big["k199"] == 199
    assert big["__uxa_truncated__"] == {"__uxa_type__": "truncated", "repr": "50 more keys"}
    assert isinstance(long, list) and long[:200] == list(range(200))
    assert long[200] == {"__uxa_type__": "truncated", "repr": "50 more items"}
