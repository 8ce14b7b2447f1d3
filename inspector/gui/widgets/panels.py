"""Small panels around a tree or table: sessions, properties, identity graph, verdicts, log, banner."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from inspector.gui.models.tree_models import (
    DEVICE_ROLE,
    SEQ_ROLE,
    GraphModel,
    PropertiesModel,
    SessionsModel,
    SnapshotTreeModel,
)
from inspector.gui.models.verdicts_model import VERDICT_ROLE, VerdictsModel
from inspector.model.state import Snapshot, Verdict
from inspector.report.rule_docs import rule_page

LOG_LINES = 2000
EXPAND_ROWS = 200  # a tree panel opens expanded as far as this many rows show


class EvidenceTree(QTreeView):
    """A tree whose items can point at a timeline event: double-click or Enter jumps there."""

    jump = Signal(str, int)  # device, seq

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.activated.connect(self._activated)

    def _activated(self, index: QModelIndex) -> None:
        first = index.siblingAtColumn(0)
        seq = first.data(SEQ_ROLE)
        device = first.data(DEVICE_ROLE)
        if seq is not None and device is not None:
            self.jump.emit(str(device), int(seq))


class SnapshotTree(EvidenceTree):
    """A tree panel showing one snapshot; rebuilt only when the snapshot or masking changes."""

    def __init__(self, model: SnapshotTreeModel, depth: int = -1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree_model = model
        self.setModel(model)
        self.header().resizeSection(0, self.header().sectionSizeHint(0))  # its title whole while empty
        self.expand_depth = depth  # how deep to expand after a rebuild (-1: everything)
        self.reveal = False
        self._shown: Snapshot | None = None

    def show_snapshot(self, snapshot: Snapshot | None, force: bool = False) -> None:
        if snapshot is self._shown and not force:
            return
        self._shown = snapshot
        self.tree_model.rebuild(snapshot, self.reveal)
        # Expanding everything would lay out (and build) every row of a long capture.
        for index in self.tree_model.to_expand(self.expand_depth + 1 if self.expand_depth >= 0 else -1,
                                               EXPAND_ROWS):
            self.expand(index)
        header = self.header()
        header.setStretchLastSection(False)
        # Sized from the rows in view: by default Qt asks the model about its first 1,000 rows on
        # every layout, which was half of the window's time during a live capture.
        header.setResizeContentsPrecision(0)
        for col in range(self.tree_model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

    def set_reveal(self, reveal: bool) -> None:
        self.reveal = reveal
        self.show_snapshot(self._shown, force=True)


def sessions_panel() -> SnapshotTree:
    return SnapshotTree(SessionsModel())


def properties_panel() -> SnapshotTree:
    return SnapshotTree(PropertiesModel(), depth=1)


def graph_panel() -> SnapshotTree:
    return SnapshotTree(GraphModel())


FIX_HINT = "Select a verdict to read how to fix it; double-click to see its evidence."


class VerdictsPanel(QWidget):
    """The verdicts list with the selected verdict's fix underneath; activating one shows its evidence."""

    jump = Signal(str, int)

    def __init__(self, model: VerdictsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verdicts_model = model
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((100, 220, 460, 70, 90)):
            self.table.setColumnWidth(col, width)
        self.fix = QLabel(FIX_HINT)
        self.fix.setWordWrap(True)
        self.fix.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fix.setContentsMargins(6, 4, 6, 4)
        self.about = QPushButton("About this rule")
        self.about.setToolTip("What the selected verdict's rule means, its evidence, usual causes and fixes")
        self.about.setEnabled(False)
        self.about.clicked.connect(self.show_rule_page)
        # The rule reference, shown in place (the same pages as docs/rules/ and `uxa-inspector rules`).
        self.rule_view = QTextBrowser()
        self.rule_view.setOpenExternalLinks(False)
        self.rule_view.setVisible(False)
        below = QHBoxLayout()
        below.addWidget(self.fix, 1)
        below.addWidget(self.about, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(below)
        layout.addWidget(self.rule_view, 1)
        self._rule: str | None = None
        self._verdict: Verdict | None = None
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        # Clear and Open empty the list: the last verdict's fix must not stay on screen.
        model.modelReset.connect(self._forget_selection)
        self.table.activated.connect(self._on_activated)

    def verdict_at(self, row: int) -> Verdict | None:
        if 0 <= row < len(self.verdicts_model.verdicts):
            return self.verdicts_model.verdicts[row]
        return None

    def set_reveal(self, reveal: bool) -> None:
        self.verdicts_model.set_reveal(reveal)
        if self._verdict is not None:
            self._show_fix(self._verdict)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        v = current.data(VERDICT_ROLE) if current.isValid() else None
        if v is None:
            return
        self._show_fix(v)
        self._rule = v.rule
        self.about.setEnabled(True)
        if self.rule_view.isVisible():
            self.show_rule_page()

    def _show_fix(self, v: Verdict) -> None:
        self._verdict = v
        message = html.escape(v.text(self.verdicts_model.reveal))  # what a page sent is never markup
        self.fix.setText(f"<b>{v.rule}</b> — {message}<br><b>Fix:</b> {html.escape(v.fix)}")

    def _forget_selection(self) -> None:
        self.fix.setText(FIX_HINT)
        self._verdict = None
        self._rule = None
        self.about.setEnabled(False)
        self.rule_view.clear()
        self.rule_view.setVisible(False)

    def show_rule_page(self) -> None:
        if self._rule is not None:
            self.rule_view.setMarkdown(rule_page(self._rule))
            self.rule_view.setVisible(True)

    def _on_activated(self, index: QModelIndex) -> None:
        v = self.verdict_at(index.row())
        if v is not None and v.events:
            self.jump.emit(v.device, v.events[0])


class LogPanel(QPlainTextEdit):
    """The capture's own messages: proxy output, refused connections, skipped lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(LOG_LINES)
        self.setPlaceholderText("Messages from the capture proxy and the file loader appear here.")

    def log(self, line: str) -> None:
        self.appendPlainText(line)


def text_beside_buttons(owner: QWidget, texts: Sequence[QWidget], buttons: Sequence[QWidget]) -> QHBoxLayout:
    """A banner's layout: its text on the left, taking the width, its buttons stacked on the right."""
    text = QVBoxLayout()
    for widget in texts:
        text.addWidget(widget)
    column = QVBoxLayout()
    for button in buttons:
        column.addWidget(button)
    column.addStretch(1)
    layout = QHBoxLayout(owner)
    layout.addLayout(text, 1)
    layout.addLayout(column)
    return layout


class ProblemBanner(QFrame):
    """A non-modal banner over the timeline: the proxy crashed, here is why, restart it."""

    restart = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemBanner")
        self.setStyleSheet("#problemBanner { background: #fdecea; border: 1px solid #e0a19b; "
                           "border-radius: 4px; } #problemBanner QLabel { color: #5f2120; }")
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.lines = QLabel()
        self.lines.setWordWrap(True)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lines.setStyleSheet("font-family: monospace;")
        self.restart_button = QPushButton("Restart capture")
        self.restart_button.clicked.connect(self.restart)
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.setFlat(True)
        self.dismiss.clicked.connect(self.hide)
        text_beside_buttons(self, [self.title, self.lines], [self.restart_button, self.dismiss])
        self.hide()

    def show_problem(self, title: str, lines: list[str], can_restart: bool = True) -> None:
        self.title.setText(f"<b>{title}</b>")
        tail = lines[-8:]
        self.lines.setText("\n".join(tail) if tail else "(the proxy printed nothing)")
        self.restart_button.setVisible(can_restart)
        self.show()
