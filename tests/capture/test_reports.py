"""What the page posts is untrusted: every odd shape becomes a notice saying so, never an exception."""

from __future__ import annotations

import json

from inspector.capture.reports import MAX_REPORT_BYTES, MAX_REPORT_EVENTS, parse_report
from inspector.wire.events import Command, Notice


def report(*events: object, **extra: object) -> bytes:
    return json.dumps({"tab": "tab-1", "events": list(events), **extra}).encode()


def test_a_command_report_becomes_a_command_event_of_its_tab() -> None:
    parsed = parse_report(report({"kind": "command", "payload": ["identify", "x"], "call_id": "c1"}))
    assert parsed.tab == "tab-1" and parsed.events == [Command(payload=["identify", "x"], call_id="c1")]


def test_a_flood_of_events_is_cut_and_the_cut_is_said() -> None:
    many = [{"kind": "page", "url": f"https://shop.example/{i}"} for i in range(MAX_REPORT_EVENTS + 5)]
    parsed = parse_report(report(*many))
    assert len(parsed.events) == MAX_REPORT_EVENTS + 1
    assert isinstance(parsed.events[0], Notice) and f"{MAX_REPORT_EVENTS + 5} events" in parsed.events[0].message


def test_forged_and_malformed_events_are_notices() -> None:
    parsed = parse_report(report({"kind": "hit", "hit_type": "pageview"}, {"kind": "command", "payload": 1,
                                                                          "smuggled": True}, "text"))
    assert [type(e) for e in parsed.events] == [Notice, Notice, Notice]
    assert all(e.code == "observer-malformed" for e in parsed.events if isinstance(e, Notice))


def test_oversized_or_broken_bodies_are_notices() -> None:
    for body in (b"x" * (MAX_REPORT_BYTES + 1), b"\xff\xfe", b"[" * 100_000, b"[]", b'{"events": 3}'):
        (notice,) = parse_report(body).events
        assert isinstance(notice, Notice)


def test_a_tab_that_is_not_text_is_dropped_not_trusted() -> None:
    assert parse_report(report(tab={"x": 1})).tab is None
    assert parse_report(report(tab="t" * 500)).tab == "t" * 80


def test_a_batch_carries_its_document_page_order_and_clock() -> None:
    body = (b'{"tab": "t1", "doc": "doc-1", "t": 1764330000123.5, "final": true, "events": ['
            b'{"kind": "command", "payload": ["identify", "a"], "page_seq": 4, "page_time": 1764330000120.25,'
            b' "document": "forged"}, {"kind": "result", "call_id": "doc-1:4", "page_seq": 5,'
            b' "page_time": 1764330000121.0}]}')
    report = parse_report(body)
    assert (report.document, report.sent, report.final) == ("doc-1", 1764330000123.5, True)
    assert [(e.page_seq, e.page_time, e.document) for e in report.events] == [  # type: ignore[union-attr]
        (4, 1764330000120.25, "doc-1"), (5, 1764330000121.0, "doc-1")]
