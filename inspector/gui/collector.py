"""Python's cyclic garbage collector, run on the GUI thread only.

Left automatic, a collection runs in whichever thread happens to allocate, for instance the file
loader's. A Qt object caught in a reference cycle is then destroyed outside the GUI thread, its
timers cannot be unregistered from there, and Qt later fires one of them into freed memory (a
crash). So automatic collection is switched off while the app runs, and a timer on the GUI thread
collects instead, with the same generation thresholds Python would use (qutebrowser does the same).

``hold()`` / ``release()`` pause collection while a large file loads: full passes over 100,000
fresh steps would stall the window for a second. For the same reason, what survives any pass is
frozen (``gc.freeze``), so each pass walks only what was made since the one before (a tenth of a
second's worth): a live capture keeps its steps until Clear, and re-walking them paused the window,
over a second per full pass after ten thousand live events and 50-200 ms per middle-generation
pass at 2,000 events a second. The price: a cycle that becomes garbage after it was frozen is not
freed until ``thaw()`` (the app's own data keeps no cycles; Clear and a closing window thaw).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

# Often, so each pass has little to walk (what is new since the one before): 7-12 ms every half
# second at 2,000 live events a second became a few ms each.
INTERVAL_MS = 100


class _State:
    holds = 0
    installed: GuiThreadCollector | None = None


_state = _State()


def hold() -> None:
    _state.holds += 1


def release(freeze: bool = False) -> None:
    """End a ``hold``. With ``freeze``, what exists now is set aside for good: later passes skip it
    (for data loaded to stay; cycles that are garbage at this moment are kept too, a one-time cost
    small beside the data loaded)."""
    _state.holds = max(0, _state.holds - 1)
    if freeze and _state.holds == 0:
        gc.freeze()


def thaw() -> None:
    """Give what was frozen back to the collector (its next full pass walks it once, then freezes
    what survives): for the moments when much of it may have become garbage, a Clear or a window
    closing, so cycles frozen while they were alive are not kept for good."""
    gc.unfreeze()


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect_if_due)
        self.timer.start()

    def collect_if_due(self) -> int:
        """Collect the generations whose thresholds are passed; the number of objects freed."""
        if _state.holds:
            return 0
        thresholds, counts = gc.get_threshold(), gc.get_count()
        if counts[0] <= thresholds[0]:
            return 0
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 2 if counts[2] > thresholds[2] else 1
        freed = gc.collect(generation)
        gc.freeze()
        return freed


def install(app: QObject) -> GuiThreadCollector:
    """Make the GUI thread the only one that collects, for as long as ``app`` lives (idempotent)."""
    if _state.installed is None:
        _state.installed = GuiThreadCollector(app)
    return _state.installed
