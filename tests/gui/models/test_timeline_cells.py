"""The timeline answers from each row's cells, worked out once: what it shows still follows Reveal, the
time format and a personal value learnt after the row was shown; a paint asks once per cell
(``multiData``, through the filter proxy) and gets the same answers as ``data``."""

from __future__ import annotations

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from inspector.gui.inspection import Inspection
from inspector.gui.models.masking import PERSONAL
from inspector.gui.models.timeline_filter import TimelineFilter
from inspector.gui.models.timeline_model import COL_SEQ, COL_SUMMARY, COL_TIME, COLUMNS, TimelineModel
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Page

ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
         Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ToolTipRole,
         Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.CheckStateRole)


def _fed(*events: object) -> tuple[Inspection, TimelineModel]:
    inspection = Inspection()
    model = TimelineModel(inspection)
    for i, event in enumerate(events):
        inspection.enqueue(Envelope(seq=i, time=1000.0 + i, device="laptop", tab="t1", event=event))
    inspection.flush()
    return inspection, model


def _identify(user: str) -> Command:
    return Command(payload=["identify", user], tag_loaded=True, page_url="https://shop.test")


def test_cells_follow_reveal_and_the_time_format(qtbot: QtBot) -> None:
    _inspection, model = _fed(_identify("martin@example.com"))
    summary = model.index(0, COL_SUMMARY)
    masked = summary.data()
    assert "martin@example.com" not in masked
    assert summary.data() == masked  # answered again from the kept cells
    model.set_reveal(True)
    assert "martin@example.com" in summary.data()
    model.set_reveal(False)
    assert summary.data() == masked
    model.set_relative_time(True)
    assert model.index(0, COL_TIME).data() == "+0.000 s"


def test_a_row_shown_before_a_value_is_learnt_is_masked_once_it_is(qtbot: QtBot) -> None:
    PERSONAL.clear()
    inspection, model = _fed(Page(url="https://shop.test/team/ursula/news"))
    assert "team/ursula" in model.index(0, COL_SUMMARY).data()  # shown, and its cells kept
    inspection.enqueue(Envelope(seq=1, time=1001.0, device="laptop", tab="t1", event=_identify("ursula")))
    inspection.flush()
    assert PERSONAL.learn(env.envelope for env in inspection.steps)
    assert "team/ursula" not in model.index(0, COL_SUMMARY).data()
    PERSONAL.clear()


def test_multidata_gives_what_data_gives_through_the_filter(qtbot: QtBot) -> None:
    inspection, model = _fed(Page(url="https://shop.test/"), _identify("martin@example.com"))
    inspection.finish()
    filt = TimelineFilter(model)
    assert filt.rowCount() == model.rowCount() >= 3  # a verdict row too: it has a background
    for row in range(filt.rowCount()):
        for col in range(len(COLUMNS)):
            index = filt.index(row, col)
            for role in ROLES:
                slot = QModelRoleData(role)
                filt.multiData(index, QModelRoleDataSpan(slot))
                assert slot.data() == index.data(role), (row, col, role)
    assert filt.index(0, COL_SEQ).data(Qt.ItemDataRole.TextAlignmentRole) is not None


def test_a_paint_asks_once_per_cell(qtbot: QtBot) -> None:
    asked: list[int] = []

    class Counting(TimelineModel):
        def multiData(self, index, roles):  # type: ignore[no-untyped-def]  # noqa: N802 - Qt override
            asked.append(index.row())
            super().multiData(index, roles)

    inspection = Inspection()
    model = Counting(inspection)
    for i in range(5):
        inspection.enqueue(Envelope(seq=i, time=1000.0 + i, device="laptop", tab="t1",
                                    event=Page(url=f"https://shop.test/{i}")))
    inspection.flush()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(TimelineFilter(model))
    view.resize(900, 400)
    with qtbot.waitExposed(view):
        view.show()
    asked.clear()
    view.viewport().repaint()
    assert sorted(set(asked)) == list(range(model.rowCount()))
    assert len(asked) == model.rowCount() * len(COLUMNS)


def test_a_row_that_cannot_be_shown_is_reported_and_painted_empty(qtbot: QtBot) -> None:
    # A bug reading a row's event (CI: the rows of one reading read from another's store) must reach
    # sys.excepthook, not shiboken's error path for an override, which once crashed the process.
    inspection, model = _fed(_identify("martin@example.com"), Page(url="https://shop.test/cart"))

    def broken(index: int) -> Envelope:
        raise IndexError(f"no event {index}")

    inspection.envelope_at = broken  # type: ignore[method-assign]
    proxy = TimelineFilter(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.resize(900, 300)
    with qtbot.captureExceptions() as caught:
        view.show()
        qtbot.waitExposed(view)
        view.viewport().repaint()
        assert model.index(0, COL_SUMMARY).data() is None
        assert model.index(0, COL_SEQ).data() is None  # a row's cells are made whole or not at all
        view.close()
    assert caught and all(isinstance(exc, IndexError) for _type, exc, _tb in caught)
