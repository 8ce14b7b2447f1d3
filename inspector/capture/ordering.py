"""Events leave in the order their causes happened, not the order they completed.

A tag request is recorded when its response arrives, but what matters to the reference model is when
it was *sent*: a hit sent before an ``identify`` and answered after it carries the old user ID, and
must not read as if the identify caused it. So a tag request opens a slot when it starts; anything
seen later waits behind it until its record is ready (response or error), or until ``hold_s`` has
passed (then it goes out as it is, without a response). Every event keeps the time it happened.

Pure and single-threaded (the proxy's event loop calls it): no mitmproxy, no I/O.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from inspector.wire.events import Event

Record = tuple[Event, str, str | None]  # event, device, tab
Sink = Callable[[Event, str, str | None, float], None]  # event, device, tab, time


@dataclass
class _Slot:
    at: float
    key: str | None = None  # an open request's key; None once ready
    record: Record | None = None
    late: Callable[[], Record] | None = None  # what to send if the request never completes


class InOrder:
    def __init__(self, sink: Sink, hold_s: float = 5.0) -> None:
        self.sink = sink
        self.hold_s = hold_s
        self.late = 0  # requests sent on without a response
        self._slots: deque[_Slot] = deque()
        self._open: dict[str, _Slot] = {}

    @property
    def waiting(self) -> int:
        return len(self._slots)

    def open(self, key: str, at: float, late: Callable[[], Record]) -> None:
        """A request started: what comes after it waits for its record."""
        if key in self._open:
            return
        slot = _Slot(at=at, key=key, late=late)
        self._open[key] = slot
        self._slots.append(slot)

    def close(self, key: str, record: Record) -> bool:
        """The request's record is ready; False if it was not open (or already sent on as late)."""
        slot = self._open.pop(key, None)
        if slot is None:
            return False
        slot.key, slot.record, slot.late = None, record, None
        self._flush()
        return True

    def emit(self, record: Record, at: float) -> None:
        """Something that is complete when seen (a command, a cookie snapshot, a notice...)."""
        if not self._slots:
            self.sink(*record, at)
            return
        self._slots.append(_Slot(at=at, record=record))

    def expire(self, now: float) -> None:
        """Send on requests open for longer than ``hold_s`` without their response."""
        while self._slots and self._slots[0].key is not None and now - self._slots[0].at >= self.hold_s:
            slot = self._slots[0]
            assert slot.key is not None and slot.late is not None
            del self._open[slot.key]
            slot.key, slot.record, slot.late = None, slot.late(), None
            self.late += 1
            self._flush()

    def drain(self) -> None:
        """At shutdown: everything out, open requests as they are."""
        self.expire(float("inf"))
        self._flush()

    def _flush(self) -> None:
        while self._slots and self._slots[0].key is None:
            slot = self._slots.popleft()
            if slot.record is not None:
                self.sink(*slot.record, slot.at)
