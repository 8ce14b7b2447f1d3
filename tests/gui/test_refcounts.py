"""The guard against PySide6's lost references: a long live capture emits signals by the hundred
thousand, and the app must not abort when ``True``'s count would have reached zero."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal

from inspector.gui import refcounts
from inspector.gui.inspection import Inspection

pytestmark = pytest.mark.skipif(not refcounts.needed(), reason="True is immortal on this Python")


class _Emitter(QObject):
    fired = Signal(object)


def test_an_inspection_keeps_true_alive_through_more_emits_than_it_had_references(qtbot: object) -> None:
    Inspection()  # installs the guard, as the window does
    emitter = _Emitter()
    got: list[object] = []
    emitter.fired.connect(got.append)
    before = sys.getrefcount(True)
    emits = 3000  # beyond the ~600 references a bare interpreter holds; the leak is per emit
    for i in range(emits):
        emitter.fired.emit(i)
    refcounts.top_up()
    assert len(got) == emits
    assert sys.getrefcount(True) >= min(before, refcounts.FLOOR)
