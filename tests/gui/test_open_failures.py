"""Opening a file that breaks part way (issue 14): the window never ends up emptied by it.

A file that turns out not to be a capture keeps the view that was there; a recording that is good
for a while and then broken shows what loaded and says plainly that the load is partial, naming the
lines and why (``check`` calls the same input PARTIAL and exits 2).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from inspector.gui.main_window import MainWindow
from inspector.gui.settings import Settings
from inspector.wire.envelope import Envelope, dump_envelope


@pytest.fixture
def window(qtbot: QtBot, store: QSettings) -> MainWindow:
    win = MainWindow(Settings(), store)
    qtbot.addWidget(win)
    win.resize(1400, 850)
    win.show()
    return win


def open_and_wait(qtbot: QtBot, win: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(win.inspection.load_finished, timeout=20000):
        win.open_file(path)


def cut_har(path: Path) -> str:
    """A HAR export cut off in the middle of its entries."""
    entry = {"startedDateTime": "2025-11-28T11:40:00.000Z", "request": {"method": "GET", "url": "https://a.test/"}}
    text = json.dumps({"log": {"version": "1.2", "entries": [entry] * 50}})
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    return "not valid JSON"


def garbage(path: Path) -> str:
    """Readable text that is no capture at all."""
    path.write_text("hello\nthis is not\na recording\n", encoding="utf-8")
    return "not a recording or HAR file"


@pytest.mark.parametrize("make", [cut_har, garbage])
def test_a_file_that_fails_while_loading_keeps_the_view(qtbot: QtBot, window: MainWindow, recording: Path,
                                                        tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    open_and_wait(qtbot, window, recording)
    rows, events = window.timeline_model.rowCount(), window.inspection.events
    title = window.windowTitle()
    bad = tmp_path / "broken.har"
    reason = make(bad)
    with qtbot.waitSignal(window.inspection.load_failed, timeout=20000):
        window.open_file(bad)
    assert window.banner.isVisible() and reason in window.banner.lines.text()
    assert window.timeline_model.rowCount() == rows and window.inspection.events == events
    assert window.sessions_panel.tree_model.rowCount() > 0 and window.identity_card.state() is not None
    assert window.windowTitle() == title and window.inspection.source == str(recording)
    assert not window.status.progress.isVisible()


def test_a_recording_broken_part_way_shows_what_loaded_as_a_partial_load(
        qtbot: QtBot, window: MainWindow, demo: list[Envelope], tmp_path: Path) -> None:
    lines = [dump_envelope(e) for e in demo]
    middle = len(lines) // 2
    damaged = tmp_path / "damaged.jsonl"
    # A bad line in the middle, and the last line cut short (a capture that stopped mid-write).
    damaged.write_text("\n".join([*lines[:middle], '{"v": 1, "seq": ', *lines[middle:-1]]) + "\n"
                       + lines[-1][:25], encoding="utf-8")
    open_and_wait(qtbot, window, damaged)
    assert window.inspection.events == len(demo) - 1  # all but the cut last line
    assert window.timeline_model.rowCount() > 0
    assert window.banner.isVisible()
    title = window.banner.title.text()
    assert "Partial load: 2 lines of damaged.jsonl" in title and "skipped" in title
    shown = window.banner.lines.text()
    assert f"line {middle + 1}:" in shown and f"line {len(lines) + 1}: truncated last line" in shown
    # A clean file afterwards is not called partial.
    clean = tmp_path / "clean.jsonl"
    clean.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    window.banner.hide()
    open_and_wait(qtbot, window, clean)
    assert not window.banner.isVisible() and window.inspection.skipped == 0
