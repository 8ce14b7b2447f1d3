"""The timeline's Qt model: a thin adapter over the inspection's steps (one row per event and verdict).

Overrides ``rowCount``, ``columnCount``, ``data``, ``multiData`` and ``headerData`` of
``QAbstractTableModel``. Rows are only ever appended (``beginInsertRows``); a reset happens only when
the data is replaced.

A paint asks about seven roles of every visible cell. What a row shows is worked out once into a
``Cells`` (kept for the rows last painted) and each answer is a lookup in it: the cache is dropped
when Reveal, the time format or the theme change, and when the capture learns a new personal value
(``PERSONAL.version``, the same key the row summaries use). ``multiData`` answers all the roles of a
cell in one call from Qt's delegate, instead of one ``data`` call per role.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, NamedTuple, cast

from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, QObject, Qt, QTimer
from PySide6.QtGui import QFont

from inspector.gui import theme
from inspector.gui.inspection import Inspection
from inspector.gui.models.masking import PERSONAL
from inspector.gui.models.rows import Row, add_rows, verdict_row
from inspector.gui.models.table_base import AnyIndex, AppendOnlyTable, answers_qt
from inspector.model.state import Verdict
from inspector.report.timefmt import time_of_day
from inspector.session.engine import Step

COLUMNS = ("#", "Time", "Device", "Tab", "Kind", "Summary", "Verdict")
COL_SEQ, COL_TIME, COL_DEVICE, COL_TAB, COL_KIND, COL_SUMMARY, COL_VERDICT = range(len(COLUMNS))

# Custom role: the ``Row`` object itself, for filters and panels (cheaper than many roles).
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

# Roles as plain ints: comparing with the enum members costs an attribute lookup per call.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_COLORED = frozenset((COL_KIND, COL_SUMMARY))
# Rows whose cells are kept: a few screens' worth, so scrolling through 100,000 rows stays bounded.
CACHED_ROWS = 2000


class Cells(NamedTuple):
    """What one row shows: its column texts, and for each column the answer to every role but the
    tooltip (asked on hover only, and made then)."""

    texts: tuple[str, ...]
    roles: tuple[dict[int, Any], ...]


# The summaries are made this long per event-loop turn (a 10 ms timer still ticks).
WARM_SLICE_S = 0.004


class SummaryWarmer(QObject):
    """Makes the rows' summaries (as shown now: Reveal and ``PERSONAL.version``) a few ms per turn of
    the event loop, so the first text search over 100,000 rows mostly reads them. Each is decoded from
    its event's line (~10 µs): all at once would freeze the window for a second or more.

    Runs when idle after a file is loaded (never while loading). A text search's filter pass makes
    those it reads itself (``timeline_filter``) and stops the warmer meanwhile."""

    def __init__(self, model: TimelineModel) -> None:
        super().__init__(model)
        self.model = model
        self._key: tuple[bool, int] | None = None  # what the rows before ``_next`` were made for
        self._next = 0
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)

    def _current(self) -> tuple[bool, int]:
        return (self.model.reveal, PERSONAL.version)

    def done(self) -> bool:
        """Whether every row's summary is made for what is shown now."""
        return self._key == self._current() and self._next >= len(self.model.rows)

    def reset(self) -> None:
        self._key, self._next = None, 0

    def start(self) -> None:
        """Warm in slices (not while a file loads: started again when it is loaded)."""
        if not self._timer.isActive():
            self._timer.start()

    def stop(self) -> bool:
        """Stop warming until ``start`` (a text search makes the summaries it reads itself: warming
        beside it would only double the GUI thread's work per turn); whether it was warming."""
        warming = self._timer.isActive()
        self._timer.stop()
        return warming

    def _slice(self) -> None:
        if self.model.inspection.loading:
            self._timer.stop()  # started again when the load finishes
            return
        if self._make(time.perf_counter() + WARM_SLICE_S):
            self._timer.stop()

    def _make(self, deadline: float) -> bool:
        """Summaries until ``deadline``; True at the end of the rows. A new key (Reveal, a value learnt)
        starts again from the first row; a value learnt in the middle of a pass does not: the pass
        ends (the rows made before are made again when read)."""
        key, rows = self._current(), self.model.rows
        if key != self._key:
            if self._next >= len(rows) or self._key is None or key[0] != self._key[0]:
                self._next = 0
            self._key = key
        summary, i = self.model.summary, self._next
        while i < len(rows):
            end = min(i + 64, len(rows))  # the clock is read once per 64 rows (~1 ms)
            for row in range(i, end):
                summary(row)
            i = end
            if time.perf_counter() > deadline:
                break
        self._next = i
        return i >= len(rows)


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
        self._cells: dict[int, Cells] = {}
        self._cells_version = PERSONAL.version
        self.warmer = SummaryWarmer(self)
        inspection.load_finished.connect(lambda *_a: self.warmer.start())
        inspection.steps_appended.connect(self.append_steps)
        inspection.final_verdicts.connect(self.append_final)
        inspection.cleared.connect(self.clear)

    # ------------------------------------------------------------------ feeding

    def append_steps(self, first: int, steps: list[Step]) -> None:
        new: list[Row] = []
        for index, step in enumerate(steps, first):
            add_rows(new, index, step)
        self._append(new)

    def append_final(self, verdicts: list[Verdict]) -> None:
        last = self.inspection.shown - 1
        self._append([verdict_row(last, v) for v in verdicts])

    def _append(self, new: list[Row]) -> None:
        if not new:
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
        by_seq = self._by_seq
        for i, row in enumerate(new, start):
            if row.verdict is None:
                by_seq.setdefault((row.device, row.seq), i)
        self.rows.extend(new)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self._by_seq = {}
        self._cells.clear()
        self.warmer.reset()
        self.endResetModel()

    def set_reveal(self, reveal: bool) -> None:
        self.reveal = reveal
        self._cells.clear()
        self._changed_column(COL_SUMMARY)

    def set_relative_time(self, relative: bool) -> None:
        self.relative_time = relative
        self._cells.clear()
        self._changed_column(COL_TIME)

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        self._cells.clear()
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
        return r.summary(lambda: self.inspection.envelope_at(r.step), self.reveal)

    def time_text(self, row: Row) -> str:
        if self.relative_time:
            base = self.rows[0].time  # the first event's (its verdicts come after it)
            return f"+{row.time - base:.3f} s"
        return time_of_day(row.time)

    # ------------------------------------------------------------------ QAbstractTableModel

    def row_total(self) -> int:
        return len(self.rows)

    @answers_qt
    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        i = index.row()
        if not 0 <= i < len(self.rows) or not index.isValid():
            return None
        if role == _TOOLTIP:
            return self._tooltip(i, index.column())
        return self.cells(i).roles[index.column()].get(role)

    @answers_qt
    def multiData(self, index: AnyIndex,  # noqa: N802 - Qt override
                  roles: QModelRoleDataSpan | QModelRoleData) -> None:
        """All the roles Qt's delegate asks for one cell, in one call."""
        i = index.row()
        valid = 0 <= i < len(self.rows) and index.isValid()
        col = index.column()
        answers = self.cells(i).roles[col] if valid else {}
        # The binding's span is a sequence (len, [i]), which its type stubs do not say.
        slots = (roles,) if isinstance(roles, QModelRoleData) else cast(Sequence[QModelRoleData], roles)
        for slot in slots:
            role = slot.role()
            value = self._tooltip(i, col) if valid and role == _TOOLTIP else answers.get(role)
            if value is None:
                slot.clearData()  # cheaper than converting None
            else:
                slot.setData(value)

    def _tooltip(self, i: int, col: int) -> str | None:
        if col not in (COL_SUMMARY, COL_VERDICT):
            return None
        row = self.rows[i]
        if row.verdict is not None:
            return f"{row.verdict.text(self.reveal)}\n\nFix: {row.verdict.fix}"
        return self.cells(i).texts[col]

    def cells(self, i: int) -> Cells:
        """Row ``i``'s texts and colours as shown now (worked out once, see the module's docstring)."""
        if self._cells_version != PERSONAL.version:
            self._cells.clear()
            self._cells_version = PERSONAL.version
        found = self._cells.get(i)
        if found is None:
            if len(self._cells) >= CACHED_ROWS:
                self._cells.clear()
            found = self._cells[i] = self._make_cells(i)
        return found

    def _make_cells(self, i: int) -> Cells:
        row = self.rows[i]
        texts = tuple(self._display(i, row, col) for col in range(len(COLUMNS)))
        foreground = theme.category_color(row.category, self.dark)
        background = theme.severity_tint(row.severity, self.dark) if row.verdict is not None else None
        roles: list[dict[int, Any]] = []
        for col, text in enumerate(texts):
            answers: dict[int, Any] = {_DISPLAY: text, ROW_ROLE: row}
            if col in _COLORED:
                answers[_FOREGROUND] = foreground
            if background is not None:
                answers[_BACKGROUND] = background
            if col == COL_SEQ:
                answers[_FONT] = self._mono
                answers[_ALIGNMENT] = _RIGHT
            roles.append(answers)
        return Cells(texts, tuple(roles))

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
