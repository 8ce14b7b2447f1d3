"""The window's layout at the screen sizes testers use: nothing cut, nothing overlapping, and a layout
shrunk out of use is not brought back at the next launch."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtWidgets import QLabel, QScrollArea
from pytestqt.qtbot import QtBot

from inspector.gui import settings as settings_store
from inspector.gui.main_window import CARD_MIN_WIDTH, SIDE_MIN_WIDTH, MainWindow
from inspector.gui.settings import Settings
from inspector.wire.envelope import Envelope


def first_launch(qtbot: QtBot, store: QSettings, width: int, height: int) -> MainWindow:
    win = MainWindow(Settings(), store)
    qtbot.addWidget(win)
    win.resize(width, height)
    win.show()
    qtbot.wait(50)  # the first start's default dock sizes are set once the window has its size
    win.guide.dismiss()  # as after a first look (it sits over the timeline until then)
    return win


def card_labels_fit(win: MainWindow) -> None:
    """Every value of the identity card lies inside its visible area, none over another."""
    area = win.identity_dock.widget()
    assert isinstance(area, QScrollArea)
    viewport = area.viewport()
    labels = [label for label in win.identity_card.findChildren(QLabel) if label.isVisible()]
    rects = [QRect(label.mapTo(viewport, QPoint(0, 0)), label.size()) for label in labels]
    for label, rect in zip(labels, rects, strict=True):
        assert viewport.rect().contains(rect), f"{label.text()!r} is cut: {rect} outside {viewport.rect()}"
    for (a, ra), (b, rb) in itertools.combinations(zip(labels, rects, strict=True), 2):
        assert not ra.intersects(rb), f"{a.text()!r} overlaps {b.text()!r}"


@pytest.mark.parametrize(("width", "height", "rows"), [(1280, 720, 17), (1920, 1080, 30)])
def test_a_first_launch_fits_the_screen_with_every_label_whole(
        qtbot: QtBot, store: QSettings, demo: list[Envelope], width: int, height: int, rows: int) -> None:
    win = first_launch(qtbot, store, width, height)
    for tree in (win.details.state, win.sessions_panel, win.graph_panel, win.properties_panel):
        header = tree.header()  # empty yet: the column titles whole ("State after this e…" was cut)
        assert header.sectionSize(0) >= header.sectionSizeHint(0), tree.model().headerData(0, Qt.Orientation.Horizontal)
    for env in demo:
        win.inspection.enqueue(env)
    win.inspection.flush()
    assert win.show_event("laptop", 10)  # the card's longest state: two expectations pending
    qtbot.wait(50)
    assert (win.width(), win.height()) == (width, height)  # nothing forces the window wider
    for dock in (win.sessions_dock, win.graph_dock):
        assert dock.width() >= SIDE_MIN_WIDTH
    for dock in (win.identity_dock, win.properties_dock):
        assert dock.width() >= CARD_MIN_WIDTH
    bar = win.filter_bar
    assert bar.two_rows == (width < 1600)  # narrow: the combo boxes on a row of their own
    for combo in bar.combos:
        assert combo.width() >= combo.sizeHint().width(), combo.currentText()  # "any severity" whole
    card_labels_fit(win)
    assert win.timeline.viewport().height() // win.timeline.rowHeight(0) >= rows


def test_panels_shrunk_out_of_use_are_not_restored(qtbot: QtBot, store: QSettings) -> None:
    first = first_launch(qtbot, store, 1400, 850)
    first.resizeDocks([first.sessions_dock, first.identity_dock], [40, 40], Qt.Orientation.Horizontal)
    qtbot.wait(20)
    assert first.sessions_dock.width() >= SIDE_MIN_WIDTH  # a splitter stops at the minimum too
    first.close()
    second = MainWindow(settings_store.load(store), store)
    qtbot.addWidget(second)
    second.resize(1400, 850)
    second.show()
    qtbot.wait(50)
    assert second.sessions_dock.width() >= SIDE_MIN_WIDTH
    assert second.identity_dock.width() >= CARD_MIN_WIDTH


def test_an_old_layout_with_shrunk_panels_is_replaced_by_the_defaults(qtbot: QtBot, store: QSettings) -> None:
    old = first_launch(qtbot, store, 1400, 850)
    for dock in (old.sessions_dock, old.graph_dock, old.identity_dock, old.properties_dock):
        dock.setMinimumWidth(0)  # as the window was before docks had minimum widths
    old.resizeDocks([old.sessions_dock, old.identity_dock], [150, 150], Qt.Orientation.Horizontal)
    qtbot.wait(20)
    assert old.sessions_dock.width() < SIDE_MIN_WIDTH
    store.setValue("window/state", old.saveState(1))  # saved by the version before
    old.controller.close()
    win = MainWindow(settings_store.load(store), store)
    qtbot.addWidget(win)
    win.resize(1400, 850)
    win.show()
    qtbot.wait(50)
    assert win.sessions_dock.width() >= SIDE_MIN_WIDTH and win.identity_dock.width() >= CARD_MIN_WIDTH


# Run on a real X server (Xvfb, which ./dev installs; no skip when it is missing): there, as on a Linux desktop, a line edit binds Ctrl+E to "end of
# line" and took it from the window (the offscreen platform has Windows' key bindings, without it).
SHORTCUT_CHILD = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from inspector.gui.main_window import MainWindow
    from inspector.gui.settings import Settings

    app = QApplication([])
    win = MainWindow(Settings(), QSettings(sys.argv[1], QSettings.Format.IniFormat))
    win.export_report = lambda: None  # the action's effect is not what is tested: that it fires
    fired = []
    win.report_action.triggered.connect(lambda *_: fired.append(True))
    win.resize(1280, 720)
    win.show()
    QTest.qWaitForWindowExposed(win)
    win.activateWindow()
    win.focus_filter()
    QTest.qWait(100)
    line = win.filter_bar.text
    QTest.keyClick(line, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(line, "ab")
    QTest.keyClick(line, Qt.Key.Key_Home)
    QTest.keyClicks(line, "x")
    binds = [k.toString() for k in QKeySequence.keyBindings(QKeySequence.StandardKey.MoveToEndOfLine)]
    print(json.dumps({"platform": app.platformName(), "focus": line.hasFocus(), "end_of_line": binds,
                      "report": bool(fired), "text": line.text()}))
    win.controller.close()
""")


def test_window_shortcuts_work_while_the_filter_has_focus(tmp_path: Path) -> None:
    done = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", SHORTCUT_CHILD, str(tmp_path / "s.ini")],
                          check=False, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "xcb"})
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["platform"] == "xcb" and seen["focus"]
    assert "Ctrl+E" in seen["end_of_line"]  # the line edit's own binding, which used to win
    assert seen["report"], done.stderr[-2000:]  # Ctrl+E in the filter: Report…
    assert seen["text"] == "xab"  # typing and editing keys stay the filter's
