"""The timeline's filter pass in the real window: a slice of rows per turn of the event loop, the same
rows as a plain scan of every row, a new query dropping the pass under way, the selection kept.

``SLICE_S`` is set to 0 so that each slice reads one stride of rows: a pass over these rows takes
many turns of the event loop whatever the machine's speed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from bench.bench_model import synthetic_traffic
from inspector.gui.main_window import MainWindow
from inspector.gui.models import timeline_filter
from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Page
from tests.gui.test_first_search import _expected, _shown
from tests.gui.test_main_window import new_window, open_and_wait

EVENTS = 1500


@pytest.fixture
def window(qtbot: QtBot, store: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setattr(timeline_filter, "SLICE_S", 0.0)
    win = new_window(qtbot, store)
    path = tmp_path / "many.jsonl"
    path.write_text("".join(dump_envelope(e) + "\n" for e in synthetic_traffic(EVENTS, devices=4, seed=5)),
                    encoding="utf-8")
    open_and_wait(qtbot, win, path)
    qtbot.waitUntil(lambda: not win.filter_bar.searching())
    yield win
    win.controller.close()


def _plain_scan(win: MainWindow, text: str) -> list[int]:
    """Every row the default filter shows whose summary (made from its decoded event), kind, device,
    tab, rules or number holds ``text`` (stripped), in any case."""
    return _expected(win, text.strip(), win.timeline_model.reveal)


def _type(qtbot: QtBot, win: MainWindow, text: str) -> None:
    win.filter_bar.text.setText(text)
    win.filter_bar.apply()  # now, not after the typing pause
    qtbot.waitUntil(lambda: not win.filter_bar.searching(), timeout=30000)


def test_a_search_matches_what_a_plain_scan_of_every_row_matches(qtbot: QtBot, window: MainWindow) -> None:
    identify = next(i for i, _row in enumerate(window.timeline_model.rows)
                    if window.timeline_model.summary(i).startswith("identify("))
    assert len(window.timeline_model.rows) > 20 * timeline_filter.STRIDE  # many slices
    for text in ("identify", "IDENTIFY", "  PageView ", "d2", "no row says this", "", "#",
                 str(window.timeline_model.rows[identify].seq)):
        _type(qtbot, window, text)
        assert _shown(window) == _plain_scan(window, text), text
    assert _shown(window) != []
    _type(qtbot, window, "no row says this")
    assert window.proxy.rowCount() == 0 and window.proxy.narrowed()


def test_the_window_turns_between_slices_of_a_pass(qtbot: QtBot, window: MainWindow) -> None:
    during: list[bool] = []  # each time a zero-timer fired: whether the pass was still under way
    ticker = QTimer()
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: during.append(window.proxy.filtering()))
    bar = window.filter_bar
    bar.text.setText("pageview")
    bar.apply()
    assert bar.searching() and bar.text.toolTip() == "Searching…"
    ticker.start()
    qtbot.waitUntil(lambda: not bar.searching(), timeout=30000)
    ticker.stop()
    assert during.count(True) >= 2  # the event loop ran again and again while the rows were read
    assert bar.text.toolTip() == "" and _shown(window) == _plain_scan(window, "pageview")


def test_a_new_query_drops_the_pass_under_way(qtbot: QtBot, window: MainWindow) -> None:
    shown_counts: list[int] = []
    window.proxy.refiltered.connect(lambda: shown_counts.append(window.proxy.rowCount()))
    before = _shown(window)
    bar = window.filter_bar
    bar.text.setText("identify")
    bar.apply()
    qtbot.wait(5)  # a few slices of "identify"
    assert bar.searching() and _shown(window) == before  # the rows of the filter before, until it ends
    bar.text.setText("pageview")
    bar.apply()
    qtbot.waitUntil(lambda: not bar.searching(), timeout=30000)
    expected = _plain_scan(window, "pageview")
    assert _shown(window) == expected and shown_counts == [len(expected)]  # "identify" never shown
    qtbot.wait(20)
    assert _shown(window) == expected and shown_counts == [len(expected)]


def test_the_selected_row_stays_selected_when_the_new_filter_keeps_it(qtbot: QtBot, window: MainWindow) -> None:
    pageviews = _plain_scan(window, "pageview")
    kept = pageviews[len(pageviews) // 2]
    assert window.timeline.select_source_row(kept)
    _type(qtbot, window, "pageview")
    assert window.timeline.selected_source_row() == kept
    assert window.timeline.selectionModel().selectedRows()[0].row() == pageviews.index(kept)
    _type(qtbot, window, "")
    assert window.timeline.selected_source_row() == kept
    _type(qtbot, window, "no row says this")
    assert window.timeline.selected_source_row() == -1


def test_rows_appended_during_a_pass_are_shown_and_then_filtered_by_the_new_query(
        qtbot: QtBot, window: MainWindow, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(window.proxy)  # watches every signal the filter sends from here on
    model = window.timeline_model
    last = window.inspection.envelope_at(len(window.inspection.steps) - 1)
    bar = window.filter_bar
    bar.text.setText("identify")
    bar.apply()
    before = window.proxy.rowCount()
    page = Page(url="https://shop.test/identify-page")
    window.inspection.enqueue(Envelope(seq=last.seq + 1, time=last.time + 1, device=last.device, tab="t9",
                                       event=page))
    window.inspection.drain()
    qtbot.waitUntil(lambda: window.proxy.rowCount() == before + 1)  # shown by the filter of before
    assert bar.searching()
    qtbot.waitUntil(lambda: not bar.searching(), timeout=30000)
    assert _shown(window) == _plain_scan(window, "identify") and _shown(window)[-1] == len(model.rows) - 1


def test_show_all_shows_every_row_at_once(qtbot: QtBot, window: MainWindow) -> None:
    _type(qtbot, window, "identify")
    window.filter_bar.show_all()
    assert not window.proxy.filtering() and _shown(window) == _plain_scan(window, "")
    envelope: Envelope = window.inspection.envelope_at(0)
    assert window.show_event(envelope.device, envelope.seq)
