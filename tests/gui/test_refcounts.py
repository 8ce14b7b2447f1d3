"""The Qt binding the app runs on must not lose references: PySide6 6.12.0 dropped one to ``True``
per ``Signal.emit()`` and one to ``None`` per ``processEvents()`` / ``model.data()`` called from
Python, and the app aborted after a few thousand live events (pyproject.toml excludes it). Run in a
child process, so a binding with the bug fails this test instead of killing the test run."""

from __future__ import annotations

import subprocess
import sys

CALLS = 20_000  # far beyond the few hundred references a bare interpreter holds to True or None

PROBE = f"""
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

app = QCoreApplication([])
class Emitter(QObject):
    fired = Signal(object)
emitter, got = Emitter(), [0]
emitter.fired.connect(lambda value: got.__setitem__(0, got[0] + 1))
model = QStandardItemModel()
model.appendRow(QStandardItem("row"))
true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
for _ in range({CALLS}):
    emitter.fired.emit(True)
    app.processEvents()
    model.data(model.index(0, 0))
print(got[0], sys.getrefcount(True) - true_before, sys.getrefcount(None) - none_before)
"""


def test_signals_events_and_model_reads_keep_every_reference() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode == 0, done.stderr[-800:]
    delivered, true_lost, none_lost = (int(n) for n in done.stdout.split())
    assert delivered == CALLS
    assert abs(true_lost) < 100 and abs(none_lost) < 100, (true_lost, none_lost)
