"""Real mitmdump + real headless Chromium + pages on localhost: every command and tag request, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.launch.proxy import ca_fingerprint, free_port, start_capture
from inspector.wire.envelope import parse_envelope
from inspector.wire.events import Command, Page, Request, Result, Storage
from tests.e2e.conftest import RunningCapture
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGES = Path(__file__).parent / "pages"
STRICT = {"Content-Security-Policy": "script-src 'nonce-m3ta' 'strict-dynamic'; object-src 'none'"}
UNSAFE_INLINE = {"Content-Security-Policy": "script-src 'self' 'unsafe-inline'"}


def test_commands_before_and_after_the_tag_loads_and_tag_hits_arrive_in_order(capture: RunningCapture) -> None:
    with serve(PAGES) as base:
        dom = dump_dom(f"{base}/queue.html", capture.port, capture.fingerprint)
    # The page saw exactly what it would without the observer.
    assert "<title>before:1,2</title>" in dom
    assert 'data-result="got:h6;threw:boom"' in dom
    capture.process.stop()
    events = capture.envelopes()
    assert [e.seq for e in events] == list(range(len(events)))
    assert {e.device for e in events} == {"e2e"}
    commands = [e.event for e in events if isinstance(e.event, Command)]
    assert [c.payload[0] for c in commands if isinstance(c.payload, list)] == [  # type: ignore[index]
        "identify", "addUserProperties", "getIdentity", "boom", "identify"]
    assert [c.tag_loaded for c in commands] == [False, False, True, True, True]
    assert commands[1].payload[1]["fn"] == {"__uxa_type__": "function", "repr": "function fn"}  # type: ignore[index]
    results = {e.event.call_id: e.event for e in events if isinstance(e.event, Result)}
    assert results[commands[2].call_id].returned == "h6"  # type: ignore[index]
    assert results[commands[3].call_id].error == "boom"  # type: ignore[index]
    assert not results[commands[0].call_id].has_return  # type: ignore[index]
    hits = [(e.seq, e.event) for e in events if isinstance(e.event, Request)]
    assert len(hits) == 2 and all(h.sunk and h.status == 200 for _, h in hits)
    assert "pvt=r" in hits[1][1].url and "pvt" not in hits[0][1].url
    # The renewal pageview comes after the identify that caused it.
    second_identify = next(e.seq for e in events if isinstance(e.event, Command) and e.event is commands[4])
    assert hits[1][0] > second_identify
    assert any(isinstance(e.event, Page) for e in events)
    tabs = {e.tab for e in events if isinstance(e.event, Command)}
    assert len(tabs) == 1 and None not in tabs


def test_strict_csp_header_and_meta_admit_the_observer_and_keep_the_page_working(capture: RunningCapture) -> None:
    with serve(PAGES, {"/strict.html": STRICT}) as base:
        dom = dump_dom(f"{base}/strict.html", capture.port, capture.fingerprint, budget_ms=1500)
    assert "<title>inline-ran</title>" in dom
    capture.process.stop()
    commands = [e.event for e in capture.envelopes() if isinstance(e.event, Command)]
    assert [c.payload for c in commands] == [["identify", "strict-user"]]


def test_unsafe_inline_policy_is_left_alone_and_a_page_without_tag_cookies_records_none(capture: RunningCapture) -> None:
    with serve(PAGES, {"/unsafe-inline.html": UNSAFE_INLINE}) as base:
        dom = dump_dom(f"{base}/unsafe-inline.html", capture.port, capture.fingerprint, budget_ms=1500)
    assert "<title>own-inline-ran</title>" in dom
    capture.process.stop()
    events = capture.envelopes()
    assert [e.event.payload for e in events if isinstance(e.event, Command)] == [["identify", "inline-user"]]
    assert not [e for e in events if isinstance(e.event, Storage) and e.event.cookies]


def test_two_browser_profiles_on_two_ports_are_two_devices(tmp_path: Path, confdir: Path) -> None:
    laptop, phone = free_port(), free_port()
    journal = tmp_path / "j.jsonl"
    process = start_capture(ports={laptop: "laptop", phone: "phone"}, sink=True, journal=journal, confdir=confdir)
    fingerprint = ca_fingerprint(confdir)
    assert fingerprint
    try:
        with serve(PAGES) as base:
            dump_dom(f"{base}/unsafe-inline.html", laptop, fingerprint, budget_ms=1000)
            dump_dom(f"{base}/strict.html", phone, fingerprint, budget_ms=1000)
    finally:
        process.stop()
    lines = journal.read_text(encoding="utf-8").splitlines()
    by_device = {(e.device, e.event.payload[1]) for e in map(parse_envelope, lines)  # type: ignore[union-attr,index]
                 if isinstance(e.event, Command)}
    assert by_device == {("laptop", "inline-user"), ("phone", "strict-user")}
