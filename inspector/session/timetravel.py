"""The model's state after every event of a capture, kept as what each event changed.

The model never mutates a device's state: an event that changes a device replaces its
``DeviceState`` (histories inside are shared, ``model.history``). So the state after event ``i`` is
the devices as they were at the last checkpoint (a plain dict kept every ``EVERY`` events) with the
states that events since then put in place. Each event keeps one reference (the state it gave its
device, rarely several, usually none for ticks), its time and verdict count: about 0.3 KB an event,
where a snapshot per event copied the whole devices dict (2.2 KB an event with 50 devices).

Rebuilding a state touches at most ``EVERY`` references (tens of microseconds), and gives a
``Snapshot`` equal to the one the model gave right after that event, down to the same state objects.

Appends come from one thread (a file's loader) while another reads (the window): an event is read
only once it has been noted, and everything it needs was appended before it.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right

from inspector.model.history import History
from inspector.model.state import DeviceState, GraphLink, Snapshot

EVERY = 1000  # events between two checkpoints of the devices dict
KEPT = 8  # rebuilt snapshots kept for the next ask (a click asks for the same two or three again)


class TimeTravel:
    def __init__(self) -> None:
        # _checkpoints[k]: the devices right after event k * EVERY - 1 (k = 0: before any event).
        self._checkpoints: list[dict[str, DeviceState]] = [{}]
        # Per event: the state it put in place, or several (a deadline passing on other devices), or None.
        self._changed: list[DeviceState | tuple[DeviceState, ...] | None] = []
        self._seqs = array("q")
        self._times = array("d")
        self._verdict_counts = array("q")
        # The identity graph changes far less often than events: its value from each event it changed at.
        self._graph_from = array("q")
        self._graphs: list[History[GraphLink]] = []
        self._devices: dict[str, DeviceState] = {}  # the devices after the last event noted
        self._model_devices: dict[str, DeviceState] | None = None  # the model's dict at the last note
        self._kept: dict[int, Snapshot] = {}

    def __len__(self) -> int:
        return len(self._changed)

    def note(self, device: str, snapshot: Snapshot) -> None:
        """Keep the model's state right after an event of ``device`` (``snapshot``: the model's)."""
        new = snapshot.devices
        mine = self._devices
        changed: DeviceState | tuple[DeviceState, ...] | None = None
        if new is not self._model_devices:  # the model shares its dict until a device changes
            state, before = new.get(device), mine.get(device)
            if state is not None and before is not state:
                mine[device] = state
                changed = state
                if mine != new:  # not the only change: put it back and look at every device
                    if before is None:
                        del mine[device]
                    else:
                        mine[device] = before
                    changed = self._differences(new)
            elif mine != new:  # a deadline passed on other devices (rare)
                changed = self._differences(new)
            self._model_devices = new
        # Appended last: a reader on another thread sees an event only once all it needs is there.
        index = len(self._changed)
        self._seqs.append(snapshot.seq)
        self._times.append(snapshot.time)
        self._verdict_counts.append(snapshot.verdict_count)
        if not self._graphs or self._graphs[-1] is not snapshot.graph:
            self._graphs.append(snapshot.graph)
            self._graph_from.append(index)
        if (index + 1) % EVERY == 0:
            self._checkpoints.append(dict(mine))
        self._changed.append(changed)

    def _differences(self, new: dict[str, DeviceState]) -> tuple[DeviceState, ...]:
        """The states of ``new`` that are not those noted last, which then become the noted ones."""
        mine = self._devices
        changed = tuple(s for name, s in new.items() if mine.get(name) is not s)
        mine.update((s.device, s) for s in changed)
        return changed

    def snapshot_at(self, index: int) -> Snapshot | None:
        """The model's state right after event ``index`` (None out of range)."""
        if not 0 <= index < len(self._changed):
            return None
        kept = self._kept.get(index)
        if kept is not None:
            return kept
        k = (index + 1) // EVERY
        devices = dict(self._checkpoints[k])
        for changed in self._changed[k * EVERY:index + 1]:
            if changed is None:
                continue
            if isinstance(changed, DeviceState):
                devices[changed.device] = changed
            else:
                devices.update((s.device, s) for s in changed)
        graph = self._graphs[bisect_right(self._graph_from, index) - 1]
        snap = Snapshot(seq=self._seqs[index], time=self._times[index], devices=devices, graph=graph,
                        verdict_count=self._verdict_counts[index])
        if len(self._kept) >= KEPT:
            self._kept.pop(next(iter(self._kept)))
        self._kept[index] = snap
        return snap
