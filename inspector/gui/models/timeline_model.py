"""The timeline's Qt model: a thin adapter over the inspection's steps (one row per event and verdict).

Overrides ``rowCount``, ``columnCount``, ``data`` and ``headerData`` of ``QAbstractTableModel``.
Rows are only ever appended (``beginInsertRows``); a reset happens only when the data is replaced.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from inspector.gui import theme
from inspector.gui.inspection import Inspection
from inspector.gui.models.rows import Row, rows_for_step, verdict_row
from inspector.gui.models.table_base import AnyIndex, AppendOnlyTable
from inspector.model.state import Verdict
from inspector.report.timefmt import time_of_day
from inspector.session.engine import Step

COLUMNS = ("#", "Time", "Device", "Tab", "Kind", "Summary", "Verdict")
COL_SEQ, COL_TIME, COL_DEVICE, COL_TAB, COL_KIND, COL_SUMMARY, COL_VERDICT = range(len(COLUMNS))

# Custom role: the ``Row`` object itself, for filters and panels (cheaper than many roles).
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class TimelineModel(AppendOnlyTable):
    COLUMNS = COLUMNS

    def __init__(self, inspection: Inspection, dark: bool = False) -> None:
        super().__init__(inspection)
        self.inspection = inspection
        self.rows: list[Row] = []
        self.reveal = False
        self.relative_time = False
        self.dark = dark
        # (device, seq) -> row of that event, for verdict evidence links.
        self._by_seq: dict[tuple[str, int], int] = {}
        self._mono = QFont("Monospace")
        self._mono.setStyleHint(QFont.StyleHint.TypeWriter)
        inspection.steps_appended.connect(self.append_steps)
        inspection.final_verdicts.connect(self.append_final)
        inspection.cleared.connect(self.clear)

    # ------------------------------------------------------------------ feeding

    def append_steps(self, first: int, steps: list[Step]) -> None:
        new: list[Row] = []
        for offset, step in enumerate(steps):
            new.extend(rows_for_step(first + offset, step))
        self._append(new)

    def append_final(self, verdicts: list[Verdict]) -> None:
        last = len(self.inspection.steps) - 1
        self._append([verdict_row(last, v) for v in verdicts])

    def _append(self, new: list[Row]) -> None:
        if not new:
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
        for i, row in enumerate(new, start):
            if row.verdict is None:
                self._by_seq.setdefault((row.device, row.seq), i)
        self.rows.extend(new)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self._by_seq = {}
        self.endResetModel()

    def set_reveal(self, reveal: bool) -> None:
        self.reveal = reveal
        self._changed_column(COL_SUMMARY)

    def set_relative_time(self, relative: bool) -> None:
        self.relative_time = relative
        self._changed_column(COL_TIME)

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def _changed_column(self, column: int) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, column), self.index(len(self.rows) - 1, column))

    # ------------------------------------------------------------------ lookups

    def row_for_event(self, device: str, seq: int) -> int | None:
        return self._by_seq.get((device, seq))

    def summary(self, row: int) -> str:
        r = self.rows[row]
        step = self.inspection.steps[r.step] if r.verdict is None else None
        return r.summary(step, self.reveal)

    def time_text(self, row: Row) -> str:
        if self.relative_time:
            base = self.inspection.steps[0].envelope.time if self.inspection.steps else row.time
            return f"+{row.time - base:.3f} s"
        return time_of_day(row.time)

    # ------------------------------------------------------------------ QAbstractTableModel

    def row_total(self) -> int:
        return len(self.rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.valid_row(index):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), row, col)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_KIND, COL_SUMMARY):
            return theme.category_color(row.category, self.dark)
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.verdict is not None:
                return theme.severity_tint(row.severity, self.dark)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_SUMMARY, COL_VERDICT):
            if row.verdict is not None:
                return f"{row.verdict.text(self.reveal)}\n\nFix: {row.verdict.fix}"
            return self._display(index.row(), row, col)
        if role == Qt.ItemDataRole.FontRole and col == COL_SEQ:
            return self._mono
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_SEQ:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, i: int, row: Row, col: int) -> str:
        if col == COL_SEQ:
            return "" if row.verdict is not None else str(row.seq)
        if col == COL_TIME:
            return self.time_text(row)
        if col == COL_DEVICE:
            return row.device
        if col == COL_TAB:
            return row.tab or ""
        if col == COL_KIND:
            if row.verdict is not None and row.severity is not None:
                return f"{theme.SEVERITY_MARK[row.severity]} {row.severity.value}"
            return row.kind
        if col == COL_SUMMARY:
            return self.summary(i)
        if col == COL_VERDICT:
            if row.verdict is not None or row.severity is None:
                return ""
            return f"{theme.SEVERITY_MARK[row.severity]} " + ", ".join(row.rules)
        return ""
