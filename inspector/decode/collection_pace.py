"""Fewer garbage-collector passes while a whole capture is read or judged.

Loading and checking a recording allocate millions of long-lived objects (envelopes, snapshots,
verdicts) and almost no cycles; with CPython's default thresholds the collector re-walks that growing
heap so often that it took more than half of ``check``'s time at 100,000 events (bench/README.md).
Inside a block, a larger first-generation threshold keeps collection on (garbage cycles among new
objects stay bounded, about ``YOUNG_THRESHOLD`` objects) but runs it far less often, and the older
generations, which hold what was judged, are not collected at all: each of their passes walks the
whole judged heap (1.6 million objects at 1,000,000 events), which made a check's time per event grow
with its size. A block that kept many objects (``FREEZE_AFTER`` young passes or more: a large capture)
then sets what exists aside for good (``gc.freeze``, as the app does after a load), or the first
pass after it would walk all of it; a small one leaves them to the collector, as before.

The thresholds are process-wide, so nested or concurrent users (the GUI loads in a worker thread)
share one setting and the last one out restores it. Where automatic collection is off (the app
collects on its GUI thread only, ``gui.collector``), a block freezes nothing: that is the app's call.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 50_000  # CPython's default is 700
# CPython's default is (10, 10): counts of younger passes, here more than any block reaches.
OLDER_THRESHOLDS = (1 << 30, 1 << 30)
# Young passes in one block (about 50,000 objects kept each) from which what it kept is frozen:
# 100,000 events of a check make 4, the test suite's captures none.
FREEZE_AFTER = 2


class _Pace:
    """Who is inside a block now, the thresholds to put back when the last one leaves, and the count
    of young passes when the first one came."""

    lock = threading.Lock()
    users = 0
    saved: tuple[int, int, int] = gc.get_threshold()
    passes = 0


def _young_passes() -> int:
    return int(gc.get_stats()[0]["collections"])



@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Within this block, collect garbage cycles rarely (see the module's docstring)."""
    with _Pace.lock:
        if _Pace.users == 0:
            _Pace.saved = gc.get_threshold()
            _Pace.passes = _young_passes()
            gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
        _Pace.users += 1
    try:
        yield
    finally:
        with _Pace.lock:
            _Pace.users -= 1
            if _Pace.users == 0:
                if gc.isenabled() and _young_passes() - _Pace.passes >= FREEZE_AFTER:
                    gc.freeze()
                gc.set_threshold(*_Pace.saved)
