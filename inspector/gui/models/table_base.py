"""The shared shape of our flat, append-only table models (``QAbstractTableModel`` overrides)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

AnyIndex = QModelIndex | QPersistentModelIndex

_P = ParamSpec("_P")
_R = TypeVar("_R")


def answers_qt(method: Callable[_P, _R]) -> Callable[_P, _R | None]:
    """For a model's answer to Qt's own calls (a cell's data while a view paints): an exception is
    reported as an uncaught one (``sys.excepthook``: the app's log, pytest-qt's failure) and the cell
    shows nothing, rather than left to shiboken, whose error path for an override took the whole
    process down once (a segfault in ``PepException_GetArgs``, CI, a paint that raised IndexError)."""

    @functools.wraps(method)
    def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R | None:
        try:
            return method(*args, **kwargs)
        except Exception:
            sys.excepthook(*sys.exc_info())
            return None

    return guarded


class AppendOnlyTable(QAbstractTableModel):
    """Subclasses set ``COLUMNS`` and implement ``row_total`` and ``data``."""

    COLUMNS: tuple[str, ...] = ()

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section] if 0 <= section < len(self.COLUMNS) else None
        return None

    def valid_row(self, index: AnyIndex) -> bool:
        return index.isValid() and 0 <= index.row() < self.row_total()
