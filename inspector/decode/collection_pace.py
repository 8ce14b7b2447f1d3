"""Fewer garbage-collector passes while a whole capture is read or judged.

Loading and checking a recording allocate millions of long-lived objects (envelopes, snapshots,
verdicts) and almost no cycles; with CPython's default thresholds the collector re-walks that growing
heap so often that it took more than half of ``check``'s time at 100,000 events (bench/README.md).
A larger first-generation threshold keeps collection on (garbage cycles stay bounded, about
``YOUNG_THRESHOLD`` objects) but runs it far less often. The thresholds are process-wide, so nested or
concurrent users (the GUI loads in a worker thread) share one setting and the last one out restores it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 50_000  # CPython's default is 700
OLDER_THRESHOLDS = (20, 100)  # default (10, 10): full passes over the big heap rarer still



class _Pace:
    """Who is inside a block now, and the thresholds to put back when the last one leaves."""

    lock = threading.Lock()
    users = 0
    saved: tuple[int, int, int] = gc.get_threshold()



@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Within this block, collect garbage cycles rarely (see the module's docstring)."""
    with _Pace.lock:
        if _Pace.users == 0:
            _Pace.saved = gc.get_threshold()
            gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
        _Pace.users += 1
    try:
        yield
    finally:
        with _Pace.lock:
            _Pace.users -= 1
            if _Pace.users == 0:
                gc.set_threshold(*_Pace.saved)
