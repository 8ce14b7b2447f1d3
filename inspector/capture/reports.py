"""What the page observer posts, checked and turned into model events.

A report is ``{"tab": ..., "url": ..., "top": bool, "t": ms, "events": [{"kind": ...}, ...]}``. The
page is untrusted: anything that does not fit becomes a ``notice`` event saying so (with a short,
masked excerpt), never an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import TypeAdapter, ValidationError

from inspector.wire.events import Callback, Command, Event, Notice, Page, Result, Storage

# Kinds a page may report; anything else (e.g. a forged "hit") is refused.
_PAGE_EVENT = TypeAdapter[Command | Result | Storage | Page | Callback | Notice](
    Command | Result | Storage | Page | Callback | Notice)
MAX_REPORT_BYTES = 2 * 1024 * 1024
MAX_REPORT_EVENTS = 100  # the observer sends one per report
PAGE_KINDS = frozenset({"command", "result", "storage", "page", "callback", "notice"})


@dataclass
class ParsedReport:
    tab: str | None = None
    events: list[Event] = field(default_factory=list)


def parse_report(body: bytes) -> ParsedReport:
    if len(body) > MAX_REPORT_BYTES:
        return ParsedReport(events=[_bad(f"report of {len(body)} bytes is too large")])
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return ParsedReport(events=[_bad("report is not JSON")])
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        return ParsedReport(events=[_bad("report has no events list")])
    tab = data.get("tab")
    out = ParsedReport(tab=str(tab)[:80] if isinstance(tab, (str, int)) else None)
    events = data["events"]
    if len(events) > MAX_REPORT_EVENTS:
        out.events.append(_bad(f"{len(events)} events in one report; kept the first {MAX_REPORT_EVENTS}"))
    for raw in events[:MAX_REPORT_EVENTS]:
        if not isinstance(raw, dict) or raw.get("kind") not in PAGE_KINDS:
            out.events.append(_bad("report event of an unknown kind"))
            continue
        try:
            out.events.append(_PAGE_EVENT.validate_python(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            out.events.append(_bad(f"{raw.get('kind')} report: {where} {first.get('msg', 'invalid')}"))
    return out


def _bad(message: str) -> Notice:
    return Notice(level="warning", code="observer-malformed", message=f"The page observer sent {message}")
