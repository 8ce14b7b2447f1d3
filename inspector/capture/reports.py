"""What the page observer posts, checked and turned into model events.

A report is a batch: ``{"tab": ..., "doc": ..., "url": ..., "top": bool, "t": ms, "final": bool,
"events": [{"kind": ..., "page_seq": n, "page_time": ms}, ...]}`` (``t``: the page clock when the batch
left; ``final``: the document is going away). The
page is untrusted: anything that does not fit becomes a ``notice`` event saying so (with a short,
masked excerpt), never an exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pydantic import TypeAdapter, ValidationError

from inspector.wire.envelope import describe_error
from inspector.wire.events import Callback, Command, Event, Notice, Page, Result, Storage

# Kinds a page may report; anything else (e.g. a forged "hit") is refused.
_PAGE_EVENT = TypeAdapter[Command | Result | Storage | Page | Callback | Notice](
    Command | Result | Storage | Page | Callback | Notice)
MAX_REPORT_BYTES = 2 * 1024 * 1024
MAX_REPORT_EVENTS = 500  # the observer sends at most 200 per batch
PAGE_KINDS = frozenset({"command", "result", "storage", "page", "callback", "notice"})


@dataclass
class ParsedReport:
    tab: str | None = None
    document: str | None = None
    sent: float | None = None  # the page clock (ms) when the batch left
    final: bool = False
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
    doc, sent = data.get("doc"), data.get("t")
    out = ParsedReport(tab=str(tab)[:80] if isinstance(tab, (str, int)) else None,
                       document=doc[:80] if isinstance(doc, str) else None,
                       sent=float(sent) if isinstance(sent, (int, float)) and not isinstance(sent, bool)
                       else None,
                       final=data.get("final") is True)
    events = data["events"]
    if len(events) > MAX_REPORT_EVENTS:
        out.events.append(_bad(f"{len(events)} events in one report; kept the first {MAX_REPORT_EVENTS}"))
    for raw in events[:MAX_REPORT_EVENTS]:
        if not isinstance(raw, dict) or raw.get("kind") not in PAGE_KINDS:
            out.events.append(_bad("report event of an unknown kind"))
            continue
        # The batch's document, never the event's own claim.
        fields = {**raw, "document": out.document} if out.document is not None else raw
        try:
            out.events.append(_PAGE_EVENT.validate_python(fields))
        except ValidationError as exc:
            out.events.append(_bad(f"{raw.get('kind')} report: {describe_error(exc)}"))
    return out


def _bad(message: str) -> Notice:
    return Notice(level="warning", code="observer-malformed", message=f"The page observer sent {message}")
