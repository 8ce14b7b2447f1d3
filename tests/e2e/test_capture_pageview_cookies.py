"""The tag's afterPageView callback reads the cookies at once (the one cookie read the observer makes
for a pageview): a renewal pageview the tag makes inside identify shows its new user in a snapshot of
its own, uncredited like the pageview's hit, before identify's own snapshot; crediting that user to the
call instead gives a false verdict (see observer.js, onPageView). Real headless Chromium, real mitmdump
with the addon, the demo's tag double."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from inspector.package_files import resource
from inspector.wire.events import Callback, Command, Storage
from tests.e2e.conftest import RunningCapture
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGE = Path(__file__).parent / "pages" / "identity-block.html"


def test_a_renewal_pageview_inside_identify_has_its_own_uncredited_snapshot(capture: RunningCapture) -> None:
    with tempfile.TemporaryDirectory(prefix="uxa-e2e-site-") as tmp:
        site = Path(tmp)
        (site / "identity-block.html").symlink_to(PAGE)
        (site / "tag-double.js").symlink_to(resource("demo", "tag-double.js"))
        with serve(site) as base:
            # ada, then bob: the second identify renews the user and sends a renewal pageview.
            dump_dom(f"{base}/identity-block.html?blocks=id:ada,id:bob", capture.port, capture.fingerprint,
                     budget_ms=1500)
    capture.process.stop()
    events = capture.envelopes()
    callbacks = [e.seq for e in events if isinstance(e.event, Callback) and e.event.name == "afterPageView"]
    assert len(callbacks) == 1  # the renewal pageview, inside the second identify
    bob = next(e.seq for e in events if isinstance(e.event, Command) and e.event.payload == ["identify", "bob"])
    snapshots = [(e.seq, e.event) for e in events if isinstance(e.event, Storage) and e.event.source == "observer"]
    before = [s for seq, s in snapshots if seq < bob][-1]
    seq, renewal = next((seq, s) for seq, s in snapshots if seq > callbacks[0])
    assert renewal.trigger == "afterPageView"
    assert renewal.cookies["_cs_id"].split(".")[0] != before.cookies["_cs_id"].split(".")[0]
    # identify's own snapshot follows with nothing new to say: no snapshot credits the new user to it.
    assert not [s for later, s in snapshots if later > seq and s.trigger == "command:identify"
                and s.cookies.get("_cs_id") != renewal.cookies["_cs_id"]]
