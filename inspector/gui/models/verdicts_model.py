"""The verdicts list's Qt model: every verdict so far, appended as the engine produces them.

Overrides ``rowCount``, ``columnCount``, ``data`` and ``headerData`` of ``QAbstractTableModel``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from inspector.gui import theme
from inspector.gui.inspection import Inspection
from inspector.gui.models.table_base import AnyIndex, AppendOnlyTable
from inspector.model.state import Verdict
from inspector.report.timefmt import time_of_day
from inspector.session.engine import Step

COLUMNS = ("Severity", "Rule", "Message", "Device", "Time", "Evidence")
MESSAGE_COLUMN = COLUMNS.index("Message")
VERDICT_ROLE = Qt.ItemDataRole.UserRole + 1


class VerdictsModel(AppendOnlyTable):
    COLUMNS = COLUMNS

    def __init__(self, inspection: Inspection, dark: bool = False) -> None:
        super().__init__(inspection)
        self.verdicts: list[Verdict] = []
        self.dark = dark
        # Messages name identities and property values: masked until the user reveals them.
        self.reveal = False
        inspection.steps_appended.connect(self._on_steps)
        inspection.final_verdicts.connect(self.append)
        inspection.cleared.connect(self.clear)

    def _on_steps(self, _first: int, steps: list[Step]) -> None:
        self.append([v for step in steps for v in step.verdicts])

    def append(self, verdicts: list[Verdict]) -> None:
        if not verdicts:
            return
        start = len(self.verdicts)
        self.beginInsertRows(QModelIndex(), start, start + len(verdicts) - 1)
        self.verdicts.extend(verdicts)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.verdicts = []
        self.endResetModel()

    def set_reveal(self, reveal: bool) -> None:
        self.reveal = reveal
        if self.verdicts:
            last = len(self.verdicts) - 1
            self.dataChanged.emit(self.index(0, MESSAGE_COLUMN), self.index(last, MESSAGE_COLUMN))

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self.verdicts:
            out[v.severity.value] = out.get(v.severity.value, 0) + 1
        return out

    def row_total(self) -> int:
        return len(self.verdicts)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self.valid_row(index):
            return None
        v = self.verdicts[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                f"{theme.SEVERITY_MARK[v.severity]} {v.severity.value}",
                v.rule,
                v.text(self.reveal),
                v.device,
                time_of_day(v.time),
                ", ".join(f"#{seq}" for seq in v.events) or "—",
            )[col]
        if role == VERDICT_ROLE:
            return v
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{v.text(self.reveal)}\n\nFix: {v.fix}\n\n"
                    "Double-click to show the evidence in the timeline.")
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QColor(theme.SEVERITY_BADGE[v.severity])
        if role == Qt.ItemDataRole.BackgroundRole:
            return theme.severity_tint(v.severity, self.dark)
        return None
