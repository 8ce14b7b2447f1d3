"""The HAR files real Chromium recorded on the demo shop (``tests/data/har``, written by
``python -m tests.support.har_journeys``), read without a browser: one journey each (browse, sign in,
sign out, sign in as someone else, switch to a third account), by Playwright or by mitmdump."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.decode.pipeline import decode_envelope
from inspector.decode.sources import load_capture
from inspector.model.transitions import OBSERVER_KINDS
from inspector.wire.events import Cookies, Hit, HitType

DATA = Path(__file__).parent.parent / "data" / "har"
FILES = sorted(path.name for path in DATA.glob("*.har"))


def test_the_kept_recordings_are_there() -> None:
    assert FILES == ["mitmdump_clean.har", "mitmdump_no-renewal.har", "playwright_clean.har",
                     "playwright_page-gap.har"]


@pytest.mark.parametrize("name", FILES)
def test_a_recorded_har_reads_as_the_journey(name: str) -> None:
    capture = load_capture(DATA / name)
    assert capture.kind == "har" and capture.errors == []
    assert not {e.event.kind for e in capture.envelopes} & OBSERVER_KINDS  # the network only
    events = [decode_envelope(e).event for e in capture.envelopes]
    views = [e for e in events if isinstance(e, Hit) and e.hit_type == HitType.PAGEVIEW]
    renewals = [v for v in views if v.pvt is not None and v.pvt.value == "renewal"]
    # A new user at sign-out and at the account switch; without the fault, each has its renewal.
    assert len({v.uu for v in views}) == 3
    assert len(renewals) == (1 if "no-renewal" in name else 2) and all(v.pn == 1 for v in renewals)
    assert len(views) == 13 + len(renewals)
    step = 2 if "page-gap" in name else 1
    assert [v.pn for v in views[:6]] == list(range(1, 1 + 6 * step, step))
    assert all(v.request.status == 200 for v in views)  # the sink answered every hit
    # The site's requests carry the tag's cookies: the user ID they show follows the hits.
    users = [e.user_id for e in events if isinstance(e, Cookies)]
    assert list(dict.fromkeys(users)) == list(dict.fromkeys(v.uu for v in views))
    tabs = {e.tab for e in capture.envelopes}
    # Playwright names the browser tab; mitmproxy's file has no pages, so each document starts one.
    assert (tabs == {"page_1"}) if name.startswith("playwright") else (len(tabs) == 13)  # every page load


@pytest.mark.parametrize("name", FILES)
def test_a_kept_har_holds_no_personal_data(name: str) -> None:
    text = (DATA / name).read_text(encoding="utf-8")
    # No identity (the demo's customers), no e-mail, no browser fingerprint: only what is judged.
    for needle in ("C-1001", "C-2002", "C-3003", "@example.com", "user-agent", "__uxa_inspector__"):
        assert needle.lower() not in text.lower(), needle
