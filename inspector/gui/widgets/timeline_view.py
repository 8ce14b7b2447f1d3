"""The timeline table: follow mode, an empty state for newcomers, copy as JSON or curl.

Follow mode sticks to the newest row until the user scrolls up, and comes back when they scroll to
the bottom again (DevTools' habit).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from inspector.gui.models.masking import masked
from inspector.gui.models.rows import Row
from inspector.gui.models.timeline_filter import TimelineFilter
from inspector.gui.models.timeline_model import (
    COL_DEVICE,
    COL_KIND,
    COL_SEQ,
    COL_SUMMARY,
    COL_TAB,
    COL_TIME,
    COL_VERDICT,
    TimelineModel,
)
from inspector.gui.widgets.details_panel import masked_event
from inspector.wire.events import Hit, Request

SUMMARY_WIDTH, MIN_SUMMARY_WIDTH = 360, 200
FILTERED_TEXT = "No row matches the filter.\nClear the filter (Esc in the filter box) to see every event."
# Only capture housekeeping (ticks, notices) so far: nothing the page's tag did yet.
IDLE_TEXT = ("Capture is running; no tag event yet.\n"
             "Launch browser (Ctrl+B) and browse a page that has the tag.")
EMPTY_TEXT = (
    "No events yet.\n\n"
    "Demo (Ctrl+D) — try the inspector on a built-in shop whose tag misbehaves\n"
    "Capture (Ctrl+R), then Launch browser (Ctrl+B) — inspect your own site live\n"
    "Open (Ctrl+O) — look at a recording or a HAR file"
)


class TimelineView(QTableView):
    row_selected = Signal(int)  # source row, or -1 when nothing is selected
    follow_changed = Signal(bool)

    def __init__(self, proxy: TimelineFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = proxy
        self.timeline: TimelineModel = proxy.timeline
        self.follow = True
        self.empty_text = EMPTY_TEXT
        self.setModel(proxy)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vheader = self.verticalHeader()
        vheader.setVisible(False)
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: fast with 100k rows
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 4)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        self.default_column_widths()
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        proxy.rowsInserted.connect(self._on_inserted)
        proxy.refiltered.connect(self._on_refiltered)  # a new filter's rows, in one layout change
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.selectionModel().currentRowChanged.connect(self._on_current)

        self.copy_json = QAction("Copy row as JSON", self)
        self.copy_json.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_json.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_json.triggered.connect(self.copy_selected_json)
        self.copy_curl = QAction("Copy request as curl", self)
        self.copy_curl.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_curl.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_curl.triggered.connect(self.copy_selected_curl)
        self.addAction(self.copy_json)
        self.addAction(self.copy_curl)

    # ------------------------------------------------------------------ selection

    def default_column_widths(self, width: int | None = None) -> None:
        """Every column at its default width; given the timeline's ``width``, the summary takes what
        the others leave (so the verdict column shows without scrolling sideways)."""
        widths = {COL_SEQ: 44, COL_TIME: 96, COL_DEVICE: 64, COL_TAB: 40, COL_KIND: 84, COL_VERDICT: 170}
        rest = SUMMARY_WIDTH if width is None else width - sum(widths.values()) - 48
        widths[COL_SUMMARY] = max(MIN_SUMMARY_WIDTH, rest)
        for col, col_width in widths.items():
            self.setColumnWidth(col, col_width)

    def selected_source_row(self) -> int:
        index = self.currentIndex()
        if not index.isValid():
            return -1
        return self.proxy.mapToSource(index).row()

    def select_source_row(self, source_row: int) -> bool:
        """Select (and scroll to) a source row; False when the filter hides it."""
        index = self.proxy.mapFromSource(self.timeline.index(source_row, 0))
        if not index.isValid():
            return False
        self.set_follow(False)
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.row_selected.emit(self.proxy.mapToSource(current).row() if current.isValid() else -1)

    def select_next_matching(self, matches: Callable[[Row], bool], forward: bool = True) -> bool:
        """Select the next (or previous) row shown whose ``Row`` matches, from the current row or
        from the top (bottom); the filter is respected, as in Wireshark. False when there is none."""
        current = self.currentIndex()
        count = self.proxy.rowCount()
        if forward:
            rows: range = range(current.row() + 1 if current.isValid() else 0, count)
        else:
            rows = range(current.row() - 1 if current.isValid() else count - 1, -1, -1)
        for proxy_row in rows:
            source_row = self.proxy.mapToSource(self.proxy.index(proxy_row, 0)).row()
            if matches(self.timeline.rows[source_row]):
                return self.select_source_row(source_row)
        return False

    # ------------------------------------------------------------------ follow mode

    def set_follow(self, follow: bool) -> None:
        if follow != self.follow:
            self.follow = follow
            self.follow_changed.emit(follow)
        if follow:
            self.scrollToBottom()

    def _on_inserted(self, _parent: QModelIndex | QPersistentModelIndex, _first: int, _last: int) -> None:
        if self.follow:
            self.scrollToBottom()
        self.viewport().update()

    def _on_refiltered(self) -> None:
        if self.follow:
            self.scrollToBottom()

    def _on_scrolled(self, value: int) -> None:
        # Scrolling up leaves follow mode; scrolling back to the bottom resumes it.
        at_bottom = value >= self.verticalScrollBar().maximum() - 2
        if at_bottom != self.follow:
            self.set_follow(at_bottom)

    # ------------------------------------------------------------------ empty state

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self.proxy.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            if self.timeline.rowCount() == 0:
                text = self.empty_text
            elif self.proxy.narrowed():
                text = FILTERED_TEXT
            else:
                text = IDLE_TEXT
            rect: QRect = self.viewport().rect().adjusted(24, 24, -24, -24)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)
            painter.end()

    # ------------------------------------------------------------------ copy

    def _row(self) -> tuple[Row, int] | None:
        source = self.selected_source_row()
        if source < 0:
            return None
        return self.timeline.rows[source], source

    def row_json(self, source_row: int) -> str:
        row = self.timeline.rows[source_row]
        if row.verdict is not None:
            data = row.verdict.model_dump(mode="json", exclude={"template"})
            data["message"] = row.verdict.text(self.timeline.reveal)
            data["details"] = masked(data["details"], self.timeline.reveal)
            return json.dumps(data, indent=2, ensure_ascii=False)
        env = self.timeline.inspection.envelope_at(row.step).model_dump(mode="json")
        env["event"] = masked_event(env["event"], self.timeline.reveal)
        return json.dumps(env, indent=2, ensure_ascii=False)

    def row_curl(self, source_row: int) -> str | None:
        row = self.timeline.rows[source_row]
        if row.verdict is not None:
            return None
        event = self.timeline.inspection.envelope_at(row.step).event
        request = event.request if isinstance(event, Hit) else event if isinstance(event, Request) else None
        if request is None:
            return None
        if not self.timeline.reveal:
            # The URL and body carry identities and user IDs: copy them only once revealed.
            return None
        parts = ["curl", "-X", request.method, shlex.quote(request.url)]
        for key, value in request.headers:
            parts += ["-H", shlex.quote(f"{key}: {value}")]
        if request.body and request.body_encoding == "text":
            parts += ["--data-raw", shlex.quote(request.body)]
        return " ".join(parts)

    def copy_selected_json(self) -> None:
        got = self._row()
        if got is not None:
            QGuiApplication.clipboard().setText(self.row_json(got[1]))

    def copy_selected_curl(self) -> None:
        got = self._row()
        if got is not None:
            text = self.row_curl(got[1])
            if text:
                QGuiApplication.clipboard().setText(text)

    def _menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.copy_json)
        got = self._row()
        self.copy_curl.setEnabled(got is not None and self.row_curl(got[1]) is not None)
        if got is not None and not self.timeline.reveal:
            self.copy_curl.setToolTip("Reveal personal data first: the request carries it")
        menu.addAction(self.copy_curl)
        menu.popup(self.viewport().mapToGlobal(pos))
