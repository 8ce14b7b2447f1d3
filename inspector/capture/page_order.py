"""One page's events in the page's own order, and the tag's requests placed among them by time.

The observer sends batches asynchronously; batches of one document may reach the proxy in any order,
and the tag's own requests travel on other connections. Each observer event carries its document,
its sequence number there and the page clock; each request carries the proxy's time of arrival.

* A document's events leave strictly in ``page_seq`` order. A missing seq holds the rest back for at
  most ``wait`` seconds, then the gap is skipped with a notice (a batch lost at unload).
* A request (or anything else the proxy itself sees) is placed after every page event that happened
  before it reached the proxy: it waits until every open document of its device has sent a batch
  that left after the request's arrival (that batch covers its time), or ``wait`` has passed.
* Page times are mapped to the proxy clock with the page clock taken as the proxy's, unless the
  batches prove otherwise (a batch that arrives before it left: the page clock is ahead; or one that
  lags by more than ``SKEW_S``: another machine's clock). The error is biased one way on purpose: a
  command is never placed after a request it happened before, while a request the page sent just
  before a command may be placed after it (late evidence, which the model reads as such).

Then ``InOrder`` keeps requests still in flight holding later events back, as before. Pure and
single-threaded (the proxy's event loop calls it): no mitmproxy, no I/O.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from inspector.capture.ordering import InOrder, Record, Sink
from inspector.capture.reports import ParsedReport
from inspector.wire.events import Notice

COVER_S = 1.0  # the longest a request or a gap waits for the page's batches (bounded by uxa_hold)
SKEW_S = 1.0  # a page clock lagging more than this is another machine's
MAX_DOCUMENTS = 64  # per device; the oldest is let go (its events sent on) beyond this


@dataclass
class _Held:
    """Something the proxy saw itself: a request (record ready or still in flight) or another event."""

    at: float
    record: Record | None
    flow: str | None = None
    late: Callable[[], Record] | None = None


@dataclass
class _Document:
    next_seq: int = 0
    pending: dict[int, tuple[float, Record]] = field(default_factory=dict)  # seq -> (page ms, record)
    batches: list[tuple[int, float]] = field(default_factory=list)  # (last seq, page ms when sent)
    covered_ms: float = float("-inf")  # the page clock up to which every event has arrived
    min_delta: float = float("inf")  # min(arrival - sent), seconds
    gap_since: float | None = None
    closed: bool = False

    @property
    def offset(self) -> float:
        """Page clock to proxy clock (seconds to add)."""
        if self.min_delta == float("inf") or 0 <= self.min_delta <= SKEW_S:
            return 0.0  # the same clock as the proxy's (a batch's own latency is not subtracted)
        return self.min_delta

    def proxy_time(self, page_ms: float) -> float:
        return page_ms / 1000 + self.offset

    def received_through(self) -> int:
        seq = self.next_seq - 1
        while seq + 1 in self.pending:
            seq += 1
        return seq

    def update_cover(self) -> None:
        through = self.received_through()
        keep = []
        for last, sent in self.batches:
            if last <= through:
                self.covered_ms = max(self.covered_ms, sent)
            else:
                keep.append((last, sent))
        self.batches = keep


@dataclass
class _Device:
    held: deque[_Held] = field(default_factory=deque)
    documents: OrderedDict[str, _Document] = field(default_factory=OrderedDict)


class PageOrder:
    """What the addon hands every event to; ``sink`` gets them in order with their times."""

    def __init__(self, sink: Sink, hold_s: float = 5.0) -> None:
        self._out = InOrder(sink, hold_s)
        self._devices: dict[str, _Device] = {}
        self._in_merge: dict[str, _Held] = {}

    @property
    def hold_s(self) -> float:
        return self._out.hold_s

    @hold_s.setter
    def hold_s(self, seconds: float) -> None:
        self._out.hold_s = seconds

    @property
    def wait(self) -> float:
        return min(self._out.hold_s, COVER_S)

    @property
    def late(self) -> int:
        return self._out.late

    @property
    def waiting(self) -> int:
        held = sum(len(d.held) + sum(len(doc.pending) for doc in d.documents.values())
                   for d in self._devices.values())
        return held + self._out.waiting

    # ----------------------------------------------------------------- input

    def open(self, key: str, at: float, late: Callable[[], Record], device: str) -> None:
        """A tag request arrived; ``late`` makes its record if no response comes."""
        if key in self._in_merge:
            return
        item = _Held(at=at, record=None, flow=key, late=late)
        self._in_merge[key] = item
        self._device(device).held.append(item)
        self._release(device, at)

    def close(self, key: str, record: Record) -> bool:
        """The request's record is ready; False if it was never opened (or already sent on)."""
        item = self._in_merge.get(key)
        if item is not None:
            item.record, item.late = record, None
            return True
        return self._out.close(key, record)

    def emit(self, record: Record, at: float) -> None:
        """Something complete the proxy saw itself (a cookie header, a notice, a tick...)."""
        self._device(record[1]).held.append(_Held(at=at, record=record))
        self._release(record[1], at)

    def report(self, report: ParsedReport, device: str, at: float) -> None:
        """One observer batch, arrived at ``at``."""
        doc_id = report.document
        if doc_id is None:  # an observer without page order: as it comes
            for event in report.events:
                self.emit((event, device, report.tab), at)
            return
        doc = self._document(device, doc_id)
        if report.sent is not None:
            doc.min_delta = min(doc.min_delta, at - report.sent / 1000)
        last = -1
        for event in report.events:
            seq, page_ms = getattr(event, "page_seq", None), getattr(event, "page_time", None)
            if seq is None or page_ms is None or seq < doc.next_seq or seq in doc.pending:
                self._device(device).held.append(_Held(at=at, record=(event, device, report.tab)))
                continue  # not in page order (forged, replayed or too late): as it comes
            doc.pending[seq] = (page_ms, (event, device, report.tab))
            last = max(last, seq)
        if report.sent is not None:
            doc.batches.append((last, report.sent))
        doc.closed = report.final
        doc.update_cover()
        self._release(device, at)

    # ----------------------------------------------------------------- time

    def expire(self, now: float) -> None:
        for device in list(self._devices):
            self._release(device, now)
        self._out.expire(now)

    def drain(self) -> None:
        self.expire(float("inf"))
        self._out.drain()

    # ----------------------------------------------------------------- inside

    def _device(self, name: str) -> _Device:
        device = self._devices.get(name)
        if device is None:
            device = self._devices[name] = _Device()
        return device

    def _document(self, device: str, doc_id: str) -> _Document:
        documents = self._device(device).documents
        doc = documents.get(doc_id)
        if doc is None:
            doc = documents[doc_id] = _Document()
            while len(documents) > MAX_DOCUMENTS:
                _, oldest = documents.popitem(last=False)
                for seq in sorted(oldest.pending):
                    self._out.emit(oldest.pending[seq][1], oldest.proxy_time(oldest.pending[seq][0]))
        else:
            documents.move_to_end(doc_id)
        return doc

    def _release(self, name: str, now: float) -> None:
        device = self._devices.get(name)
        if device is None:
            return
        wait = self.wait
        while True:
            page: tuple[float, _Document] | None = None
            for doc in device.documents.values():
                if doc.next_seq in doc.pending:
                    doc.gap_since = None
                    when = doc.proxy_time(doc.pending[doc.next_seq][0])
                    if page is None or when < page[0]:
                        page = (when, doc)
                elif doc.pending:
                    if doc.gap_since is None:
                        doc.gap_since = now
                    if now - doc.gap_since >= wait:
                        self._skip_gap(doc, name)
                        return self._release(name, now)
            head = device.held[0] if device.held else None
            if page is not None and (head is None or page[0] <= head.at):
                when, doc = page
                _, record = doc.pending.pop(doc.next_seq)
                doc.next_seq += 1
                self._out.emit(record, when)
                continue
            if head is None or not self._covered(device, head.at, now, wait):
                return
            device.held.popleft()
            self._send_on(head)

    @staticmethod
    def _covered(device: _Device, at: float, now: float, wait: float) -> bool:
        if now - at >= wait:
            return True
        return all((doc.closed and not doc.pending) or doc.proxy_time(doc.covered_ms) >= at
                   for doc in device.documents.values())

    def _send_on(self, item: _Held) -> None:
        if item.flow is not None:
            self._in_merge.pop(item.flow, None)
            if item.record is None:
                assert item.late is not None
                self._out.open(item.flow, item.at, item.late)
                return
        assert item.record is not None
        self._out.emit(item.record, item.at)

    def _skip_gap(self, doc: _Document, device: str) -> None:
        first = min(doc.pending)
        missing = first - doc.next_seq
        doc.next_seq, doc.gap_since = first, None
        doc.update_cover()
        notice = Notice(level="warning", code="observer-gap",
                        message=f"{missing} observer report(s) of a page never reached the proxy; "
                                "the page's later events are shown without them")
        when = doc.proxy_time(doc.pending[first][0])
        self._out.emit((notice, device, None), when)
