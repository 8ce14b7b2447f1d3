"""The timeline's filter (DevTools-style): category toggles, severity, device, tab, rule and text.

A flat table over the timeline's rows that shows the source rows a ``Criteria`` accepts, kept as a
sorted list of source row numbers (``mapToSource`` and ``mapFromSource`` read it). Appended source
rows are filtered as they come (the source only ever appends, or resets).

A new filter is a pass over every row, a slice of ``SLICE_S`` per turn of the event loop (the first
slice at once: a small capture is filtered before ``set_filter`` returns). A text search at 100,000
rows reads every row's summary, made from its event when missing (~10 µs each): Qt's own
``QSortFilterProxyModel`` would call a Python ``filterAcceptsRow`` for every row in one go, a pause
of a quarter of a second even with the summaries made. Until the pass ends the rows of the filter
before stay shown (new rows too, filtered by it); a new filter replaces the pass under way. At the
end the new rows are shown in one layout change: the selection and the current row stay where they
were when the filter keeps them, as Qt's proxy keeps them.

A value learnt by the capture in the middle of a pass (``PERSONAL.version``) does not restart it: the
rows read before keep the summary they had then, as a live capture's rows filtered as they come do.
``multiData`` hands a painted cell's roles to the source in one call; the flags are Qt's own for a
table (the timeline's too), answered without Python.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    Qt,
    QTimer,
    Signal,
)

from inspector.gui.models.rows import CATEGORIES
from inspector.gui.models.table_base import AnyIndex
from inspector.gui.models.timeline_model import TimelineModel
from inspector.model.state import Severity

# Ticks are bookkeeping; the "capture" category starts hidden except notices and drops.
DEFAULT_CATEGORIES = frozenset(CATEGORIES)
# A filter pass works this long per turn of the event loop, and reads the clock every ``STRIDE`` rows
# (64 rows whose summaries are still to be made take under 1 ms).
SLICE_S = 0.010
STRIDE = 64


@dataclass(frozen=True, slots=True)
class Criteria:
    """What the timeline shows; ``text`` is stripped and lower-cased."""

    categories: frozenset[str] = DEFAULT_CATEGORIES
    severities: frozenset[Severity] | None = None  # None: any, including none
    device: str | None = None
    tab: str | None = None
    rule: str | None = None
    text: str = ""
    show_ticks: bool = False

    def matcher(self, timeline: TimelineModel) -> Callable[[int], bool]:
        """Whether the timeline's row ``i`` is shown (a text is looked for in its summary as shown
        now: masked unless revealed, made when missing)."""
        rows, summary = timeline.rows, timeline.summary
        categories, show_ticks, severities = self.categories, self.show_ticks, self.severities
        device, tab, rule, text = self.device, self.tab, self.rule, self.text

        def accepts(i: int) -> bool:
            row = rows[i]
            if row.category not in categories:
                return False
            if row.kind == "tick" and not show_ticks:
                return False
            if severities is not None and row.severity not in severities:
                return False
            if device and row.device != device:
                return False
            if tab and row.tab != tab:
                return False
            if rule and rule not in row.rules:
                return False
            if text:
                haystack = " ".join((summary(i), row.kind, row.device, row.tab or "", " ".join(row.rules),
                                     str(row.seq)))
                if text not in haystack.lower():
                    return False
            return True

        return accepts


_NAMES = frozenset(f.name for f in fields(Criteria))


class _Pass:
    """A filter pass under way: the rows before ``next`` are read, those accepted in ``shown``."""

    __slots__ = ("accepts", "criteria", "next", "shown")

    def __init__(self, criteria: Criteria, timeline: TimelineModel) -> None:
        self.criteria = criteria
        self.accepts = criteria.matcher(timeline)
        self.next = 0
        self.shown: list[int] = []


class TimelineFilter(QAbstractTableModel):
    # A pass ended and its rows are shown (also when a reset or an empty timeline made it end at once).
    refiltered = Signal()

    def __init__(self, source: TimelineModel) -> None:
        super().__init__(source)
        self.timeline = source
        self.wanted = Criteria()  # the filter asked for last (shown once its pass ends)
        self._applied = self.wanted  # the filter ``_shown`` was made by
        self._accepts = self._applied.matcher(source)
        self._shown: list[int] = []
        self._pass: _Pass | None = None
        self._warmer_waits = False  # a text pass stopped the timeline's summary warmer
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        source.rowsInserted.connect(self._on_inserted)
        source.dataChanged.connect(self._on_data_changed)
        source.headerDataChanged.connect(self.headerDataChanged)
        source.modelAboutToBeReset.connect(self._on_about_to_reset)
        source.modelReset.connect(self._on_reset)
        self._shown = [i for i in range(len(source.rows)) if self._accepts(i)]

    # ------------------------------------------------------------------ the filter asked for

    @property
    def categories(self) -> frozenset[str]:
        return self.wanted.categories

    @property
    def severities(self) -> frozenset[Severity] | None:
        return self.wanted.severities

    @property
    def device(self) -> str | None:
        return self.wanted.device

    @property
    def tab(self) -> str | None:
        return self.wanted.tab

    @property
    def rule(self) -> str | None:
        return self.wanted.rule

    @property
    def text(self) -> str:
        return self.wanted.text

    @property
    def show_ticks(self) -> bool:
        return self.wanted.show_ticks

    def narrowed(self) -> bool:
        """Whether the user narrowed the view (the default only hides capture housekeeping)."""
        w = self.wanted
        return bool(w.text or w.device or w.tab or w.rule or w.severities is not None
                    or w.categories != DEFAULT_CATEGORIES)

    def set_filter(self, **changes: Any) -> None:
        """Change any of the filter's criteria at once and filter again: the first slice of the pass
        now, the rest in later turns of the event loop (``filtering``, then ``refiltered``). A pass
        still under way is dropped."""
        unknown = set(changes) - _NAMES
        if unknown:
            raise AttributeError(f"no filter named {sorted(unknown)[0]!r}")
        text = changes.get("text")
        if isinstance(text, str):
            changes["text"] = text.strip().lower()
        self.wanted = replace(self.wanted, **changes)
        self._start()

    def filtering(self) -> bool:
        """Whether a pass is under way (the rows shown are still those of the filter before)."""
        return self._pass is not None

    def finish(self) -> None:
        """End the pass under way in this turn (the caller needs its rows now)."""
        if self._pass is not None:
            self._run(float("inf"))

    # ------------------------------------------------------------------ the pass

    def _start(self) -> None:
        self._pass = _Pass(self.wanted, self.timeline)
        if self.wanted.text:  # the pass makes the summaries it reads: the warmer waits for its end
            self._warmer_waits = self.timeline.warmer.stop() or self._warmer_waits
        if not self._run(time.perf_counter() + SLICE_S):
            self._timer.start()

    def _slice(self) -> None:
        if self._pass is None or self._run(time.perf_counter() + SLICE_S):
            self._timer.stop()

    def _run(self, deadline: float) -> bool:
        """Read rows until ``deadline``; at the last row show the pass's rows. True when it ended."""
        work = self._pass
        assert work is not None
        accepts, shown, rows, clock = work.accepts, work.shown, self.timeline.rows, time.perf_counter
        i = work.next
        while i < len(rows):
            end = min(i + STRIDE, len(rows))
            shown.extend(r for r in range(i, end) if accepts(r))
            i = end
            if clock() > deadline:
                break
        work.next = i
        if i < len(rows):
            return False
        self._pass = None
        self._show(work)
        if self._warmer_waits:
            self._warmer_waits = False
            self.timeline.warmer.start()  # cheap over the summaries the pass made
        return True

    def _show(self, work: _Pass) -> None:
        """Show a finished pass's rows in one layout change; the persistent indexes (selection,
        current row) follow their source rows, or become invalid when the filter hides them."""
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        sources = [self._shown[p.row()] if 0 <= p.row() < len(self._shown) else -1 for p in before]
        self._shown, self._applied, self._accepts = work.shown, work.criteria, work.accepts
        after = []
        for p, source_row in zip(before, sources, strict=True):
            row = self._proxy_row(source_row) if source_row >= 0 else -1
            after.append(self.index(row, p.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
        self.refiltered.emit()

    def _proxy_row(self, source_row: int) -> int:
        pos = bisect_left(self._shown, source_row)
        return pos if pos < len(self._shown) and self._shown[pos] == source_row else -1

    # ------------------------------------------------------------------ the source's changes

    def _on_inserted(self, parent: AnyIndex, first: int, last: int) -> None:
        """Appended rows, filtered by the filter shown (a pass under way reads them too)."""
        if parent.isValid():
            return
        new = [i for i in range(first, last + 1) if self._accepts(i)]
        if new:
            start = len(self._shown)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            self._shown.extend(new)
            self.endInsertRows()

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                         roles: Sequence[int] = ()) -> None:
        first = bisect_left(self._shown, top_left.row())
        last = bisect_right(self._shown, bottom_right.row()) - 1
        if first <= last:
            self.dataChanged.emit(self.index(first, top_left.column()),
                                  self.index(last, bottom_right.column()), list(roles))

    def _on_about_to_reset(self) -> None:
        self._pass = None
        self._warmer_waits = False  # the timeline's warmer starts again with the next load
        self._timer.stop()
        self.beginResetModel()

    def _on_reset(self) -> None:
        self._applied = self.wanted
        self._accepts = self._applied.matcher(self.timeline)
        self._shown = []
        self.endResetModel()
        if self.timeline.rows:
            self._start()

    # ------------------------------------------------------------------ mapping

    def sourceModel(self) -> TimelineModel:  # noqa: N802 - the name of Qt's proxies
        return self.timeline

    def mapToSource(self, index: AnyIndex) -> QModelIndex:  # noqa: N802 - the name of Qt's proxies
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._shown):
            return QModelIndex()
        return self.timeline.index(self._shown[row], index.column())

    def mapFromSource(self, index: AnyIndex) -> QModelIndex:  # noqa: N802 - the name of Qt's proxies
        row = self._proxy_row(index.row()) if index.isValid() else -1
        return self.index(row, index.column()) if row >= 0 else QModelIndex()

    # ------------------------------------------------------------------ QAbstractTableModel

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.timeline.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt override
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            section = self._shown[section] if 0 <= section < len(self._shown) else -1
        return self.timeline.headerData(section, orientation, role)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return self.timeline.data(self.mapToSource(index), role)

    def multiData(self, index: AnyIndex,  # noqa: N802 - Qt override
                  roles: QModelRoleDataSpan | QModelRoleData) -> None:
        self.timeline.multiData(self.mapToSource(index), roles)

