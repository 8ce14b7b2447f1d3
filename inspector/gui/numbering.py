"""One increasing numbering per device from several sources of live events.

Every capture child numbers its events from 0, and several can stream into one inspection: the runs of
a restarted capture, and the demo's own capture running beside the user's (both send their ticks on
device ``default``). The model needs each device's numbers to increase, so each (source, device) keeps
its own numbers where they fit and is shifted past the device's newest number where they would not.
A source whose numbers go back on themselves is a real fault: its event is passed on as it is, and the
model refuses it (counted and said, never silent).
"""

from __future__ import annotations

from collections.abc import Hashable

from inspector.wire.envelope import Envelope


class SourceNumbering:
    def __init__(self) -> None:
        self._offsets: dict[tuple[Hashable, str], int] = {}
        self._last_raw: dict[tuple[Hashable, str], int] = {}  # the source's own newest number
        self._last: dict[str, int] = {}  # the device's newest number as given on

    def renumber(self, raw: Envelope, source: Hashable) -> Envelope:
        key = (source, raw.device)
        previous = self._last_raw.get(key)
        if previous is not None and raw.seq <= previous:
            return raw
        self._last_raw[key] = raw.seq
        offset = self._offsets.get(key, 0)
        last = self._last.get(raw.device, -1)
        if raw.seq + offset <= last:
            offset = self._offsets[key] = last + 1 - raw.seq
        self._last[raw.device] = raw.seq + offset
        return raw.model_copy(update={"seq": raw.seq + offset}) if offset else raw

    def clear(self) -> None:
        self._offsets.clear()
        self._last_raw.clear()
        self._last.clear()
