"""A guard against a reference-counting bug of PySide6 6.12 that aborts the app.

Measured on this project's machine (PySide6 6.12.0, CPython 3.11): every ``Signal.emit()`` called from
Python drops one reference to ``True``, and every ``processEvents()`` or ``model.data()`` called from
Python one to ``None``. The app emits signals for each live event, so after a few thousand events the
count of ``True`` reaches zero and CPython aborts ("bool_dealloc: deallocating True or False").

``True``, ``False`` and ``None`` live as long as the interpreter, so holding extra references to them
is harmless: a timer on the GUI thread keeps each one's count above ``FLOOR``. On CPython 3.12 and
later these objects are immortal (their count is never lowered), and nothing is done.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, QTimer

FLOOR = 1_000_000  # far more than the leaks of one interval at any rate the app reaches
INTERVAL_MS = 500
_SINGLETONS = (True, False, None)


def needed() -> bool:
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def top_up() -> int:
    """Raise the count of each singleton back to twice ``FLOOR`` when it fell below ``FLOOR``;
    returns how many references were added."""
    added = 0
    for obj in _SINGLETONS:
        count = sys.getrefcount(obj)
        if count < FLOOR:
            # ob_refcnt is the first field of every object in CPython before 3.12 (no public call
            # adds n references at once, and adding a million one by one takes half a second).
            ctypes.c_ssize_t.from_address(id(obj)).value += 2 * FLOOR - count
            added += 2 * FLOOR - count
    return added


class RefcountFloor(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        top_up()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(top_up)
        self.timer.start()


class _State:
    installed: RefcountFloor | None = None


_state = _State()


def install(app: QObject) -> RefcountFloor | None:
    """Keep the singletons' counts up for as long as ``app`` lives (idempotent; None when not needed)."""
    if _state.installed is None and needed():
        _state.installed = RefcountFloor(app)
    return _state.installed
