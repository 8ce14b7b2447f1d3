"""Opening a file in the real window: the timeline paints once per notice of loaded rows, after its
last turn, not after each of the turns the notice is told in, and still shows every row."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot

from bench.bench_model import synthetic_traffic
from inspector.gui.live.loading import CHUNK, HOLD_EVERY
from inspector.gui.main_window import MainWindow
from inspector.wire.envelope import dump_envelope
from tests.gui.test_main_window import open_and_wait, window  # noqa: F401 - the window fixture


class PaintWatcher(QObject):
    def __init__(self, seen: Callable[[], object]) -> None:
        super().__init__()
        self.seen = seen

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.seen()
        return False


def told_in_turns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunks: int, per_turn: int) -> Path:
    """A recording of ``chunks`` chunks, each a notice of its own told ``per_turn`` steps a turn."""
    path = tmp_path / "chunks.jsonl"
    path.write_text("".join(dump_envelope(env) + "\n" for env in synthetic_traffic(CHUNK * chunks, devices=3)),
                    encoding="utf-8")
    monkeypatch.setattr("inspector.gui.inspection.LOAD_PUBLISH_S", 0.0)
    monkeypatch.setattr("inspector.gui.inspection.BUDGET_S", 0.0)
    monkeypatch.setattr("inspector.gui.inspection.SLICE", per_turn)
    return path


def test_a_notice_told_in_many_turns_paints_the_timeline_once_after_the_last(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,  # noqa: F811 - the imported fixture
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = told_in_turns(tmp_path, monkeypatch, 3, 100)  # ten turns per notice
    ins = window.inspection
    turns: list[int] = []  # events the views had heard of, at each turn that told some
    paints: list[tuple[int, bool]] = []  # the same at each paint of the timeline, and mid-notice?
    telling: list[bool] = []
    ins.steps_appended.connect(lambda _first, _steps: turns.append(ins.shown))
    ins.telling.connect(telling.append)
    watcher = PaintWatcher(lambda: paints.append((ins.shown, bool(telling) and telling[-1]))
                           if ins.loading else None)
    window.timeline.viewport().installEventFilter(watcher)
    open_and_wait(qtbot, window, path)
    assert len(turns) >= 30 and telling[:2] == [True, False] and telling[-1] is False
    assert paints, "the timeline painted while the file loaded"
    assert not [p for p in paints if p[1]], "no paint in the middle of a notice"
    assert len(paints) <= len(telling) // 2 + 2  # about one per notice, not one per turn
    qtbot.waitUntil(lambda: window.timeline.updatesEnabled())
    assert ins.shown == CHUNK * 3
    assert window.timeline_model.rowCount() >= CHUNK * 3


def test_cancelling_a_load_mid_notice_leaves_the_timeline_painting(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,  # noqa: F811 - the imported fixture
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = told_in_turns(tmp_path, monkeypatch, 6, 10)
    ins = window.inspection
    window.open_file(path)
    qtbot.waitUntil(lambda: not window.timeline.updatesEnabled(), timeout=20000)  # mid-notice
    ins.cancel_load()
    assert window.timeline.updatesEnabled()
    assert not ins.loading


def test_a_panels_turn_holds_the_loader_until_the_window_has_painted(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,  # noqa: F811 - the imported fixture
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = told_in_turns(tmp_path, monkeypatch, 6, 10)
    ins = window.inspection
    with qtbot.waitSignal(ins.load_finished, timeout=20000):
        window.open_file(path)
        worker = ins._worker
        assert worker is not None
        qtbot.waitUntil(lambda: len(worker.store.steps) > 0, timeout=20000)
        qtbot.waitUntil(lambda: not ins._apply_timer.isActive(), timeout=20000)
        ins.hold_loader()  # what a panel's part does before it refreshes
        judged = len(worker.store.steps)
        time.sleep(0.2)  # this thread busy: the worker stops within HOLD_EVERY events
        assert len(worker.store.steps) <= judged + HOLD_EVERY
    assert ins.shown == CHUNK * 6  # and it went on once the window's loop turned
