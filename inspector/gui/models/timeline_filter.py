"""The timeline's filter (DevTools-style): category toggles, severity, device, tab, rule and text.

Overrides ``filterAcceptsRow`` of ``QSortFilterProxyModel``; it reads the source's ``Row`` objects
directly, and appended source rows are filtered incrementally by Qt (no re-filter of old rows).
``multiData`` hands a painted cell's roles to the source in one call (Qt's proxy would ask one role
at a time).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    QSortFilterProxyModel,
)

from inspector.gui.models.rows import CATEGORIES
from inspector.gui.models.timeline_model import TimelineModel
from inspector.model.state import Severity

# Ticks are bookkeeping; the "capture" category starts hidden except notices and drops.
DEFAULT_CATEGORIES = frozenset(CATEGORIES)


class TimelineFilter(QSortFilterProxyModel):
    def __init__(self, source: TimelineModel) -> None:
        super().__init__(source)
        self.setSourceModel(source)
        self.timeline = source
        self.categories: frozenset[str] = DEFAULT_CATEGORIES
        self.severities: frozenset[Severity] | None = None  # None: any, including none
        self.device: str | None = None
        self.tab: str | None = None
        self.rule: str | None = None
        self.text = ""
        self.show_ticks = False

    def narrowed(self) -> bool:
        """Whether the user narrowed the view (the default only hides capture housekeeping)."""
        return bool(self.text or self.device or self.tab or self.rule or self.severities is not None
                    or self.categories != DEFAULT_CATEGORIES)

    def set_filter(self, **changes: object) -> None:
        """Change any of the filter's attributes at once and re-filter."""
        for name, value in changes.items():
            if not hasattr(self, name) or name in ("timeline",):
                raise AttributeError(f"no filter named {name!r}")
            setattr(self, name, value)
        if isinstance(self.text, str):
            self.text = self.text.strip().lower()
        if hasattr(self, "endFilterChange"):  # Qt 6.10+; invalidateRowsFilter is on its way out
            self.beginFilterChange()
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            self.invalidateRowsFilter()

    def multiData(self, index: QModelIndex | QPersistentModelIndex,  # noqa: N802 - Qt override
                  roles: QModelRoleDataSpan | QModelRoleData) -> None:
        self.timeline.multiData(self.mapToSource(index), roles)

    def filterAcceptsRow(self, source_row: int,  # noqa: N802 - Qt override
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        row = self.timeline.rows[source_row]
        if row.category not in self.categories:
            return False
        if row.kind == "tick" and not self.show_ticks:
            return False
        if self.severities is not None and row.severity not in self.severities:
            return False
        if self.device and row.device != self.device:
            return False
        if self.tab and row.tab != self.tab:
            return False
        if self.rule and self.rule not in row.rules:
            return False
        if self.text:
            haystack = " ".join((self.timeline.summary(source_row), row.kind, row.device, row.tab or "",
                                 " ".join(row.rules), str(row.seq)))
            if self.text not in haystack.lower():
                return False
        return True
