"""The first text search over many rows: the window keeps turning while the rows' summaries are made,
and the matches are those of making every summary from its decoded event, masked and revealed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSignalBlocker, QTimer
from pytestqt.qtbot import QtBot

from bench.bench_model import synthetic_traffic
from inspector.gui.main_window import MainWindow
from inspector.gui.models.rows import event_summary, verdict_summary
from inspector.wire.envelope import dump_envelope
from tests.gui.test_main_window import new_window, open_and_wait

EVENTS = 8000  # enough rows to be made over several turns of the event loop


@pytest.fixture
def window(qtbot: QtBot, store: QSettings) -> Iterator[MainWindow]:
    win = new_window(qtbot, store)
    yield win
    win.controller.close()


def _expected(win: MainWindow, text: str, reveal: bool) -> list[int]:
    """The rows the filter matched when it made each summary from the decoded event, in one go."""
    model = win.timeline_model
    found = []
    for i, row in enumerate(model.rows):
        if row.category not in win.proxy.categories or row.kind == "tick":
            continue
        summary = (verdict_summary(row.verdict, reveal) if row.verdict is not None
                   else event_summary(win.inspection.envelope_at(row.step), reveal))
        haystack = " ".join((summary, row.kind, row.device, row.tab or "", " ".join(row.rules), str(row.seq)))
        if text.lower() in haystack.lower():
            found.append(i)
    return found


def _shown(win: MainWindow) -> list[int]:
    proxy = win.proxy
    return [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(proxy.rowCount())]


def _search(qtbot: QtBot, win: MainWindow, text: str) -> None:
    win.filter_bar.text.setText(text)
    qtbot.waitUntil(lambda: win.proxy.text == text.lower() and not win.filter_bar.searching(), timeout=60000)


def test_the_first_search_keeps_the_window_turning_and_matches_as_before(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(dump_envelope(e) + "\n" for e in synthetic_traffic(EVENTS, devices=5, seed=3)),
                    encoding="utf-8")
    open_and_wait(qtbot, window, path)
    model = window.timeline_model
    events = [row for row in model.rows if row.verdict is None and row.kind != "tick"]  # what a search reads
    identify = next(i for i, row in enumerate(model.rows) if model.summary(i).startswith("identify("))
    identity = str(window.inspection.envelope_at(model.rows[identify].step).event.args[0])  # type: ignore[union-attr]
    unmade: list[int] = []  # per tick of a 10 ms timer: the rows a search reads whose summary is not made yet

    def tick() -> None:
        unmade.append(sum(1 for row in events if row._summary is None))

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    bar = window.filter_bar
    with QSignalBlocker(bar.text):  # applied now, not after the typing pause
        bar.text.setText("identify")
    bar.apply()
    timer.start()
    qtbot.waitUntil(lambda: window.proxy.text == "identify" and not bar.searching(), timeout=60000)
    timer.stop()
    assert any(unmade), "the summaries were all made in one turn of the event loop"
    assert _shown(window) == _expected(window, "identify", reveal=False) != []

    _search(qtbot, window, identity)  # masked: the identity is never found
    assert _shown(window) == [] == _expected(window, identity, reveal=False)
    window.reveal_action.trigger()
    qtbot.waitUntil(lambda: not window.filter_bar.searching(), timeout=60000)
    assert _shown(window) == _expected(window, identity, reveal=True) != []
