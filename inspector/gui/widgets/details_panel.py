"""The details pane of the selected timeline row: decoded fields, raw request, and the model's state
right after that event with what changed since the event before (time travel)."""

from __future__ import annotations

import json

from pydantic import JsonValue
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.gui.models.masking import masked, masked_header, masked_url
from inspector.gui.models.rows import Row
from inspector.gui.models.state_view import diff_lines
from inspector.model.state import DeviceState, Verdict
from inspector.session.engine import Step
from inspector.wire.events import Hit, Request

CHANGE_COLORS = {"changed": "#d68910", "added": "#27ae60", "removed": "#c0392b"}


def masked_event(event_json: dict[str, JsonValue], reveal: bool) -> dict[str, JsonValue]:
    """The event as JSON with personal values masked (the one display masking, ``masking.masked``)."""
    shown = masked(event_json, reveal)
    assert isinstance(shown, dict)
    return shown


def raw_request_text(step: Step, reveal: bool) -> str:
    event = step.envelope.event
    request: Request | None = event.request if isinstance(event, Hit) else (
        event if isinstance(event, Request) else None)
    if request is None:
        return ""
    if not reveal:
        lines = [f"{request.method} {masked_url(request.url, False)}"]
        lines += [f"{k}: {masked_header(k, v, False)}" for k, v in request.headers]
        if request.body:
            lines += ["", str(masked(request.body, False, "body"))]
        lines += ["", "(personal values hidden: View ▸ Reveal personal data to show them.)"]
        return "\n".join(lines)
    lines = [f"{request.method} {request.url}"]
    lines += [f"{k}: {v}" for k, v in request.headers]
    if request.body:
        lines += ["", request.body if request.body_encoding == "text" else f"(base64) {request.body}"]
    if request.status is not None:
        lines += ["", f"→ {request.status}" + (" (answered by the inspector)" if request.sunk else "")]
    return "\n".join(lines)


class DetailsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reveal = False
        self._current: tuple[Row, Step | None, DeviceState | None, DeviceState | None] | None = None
        mono = QFont("Monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)

        self.title = QLabel("Select a row in the timeline to see its details.")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = QTreeWidget()
        self.fields.setHeaderLabels(["Field", "Value"])
        self.fields.setAlternatingRowColors(True)
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setFont(mono)
        self.raw.setPlaceholderText("No raw request for this row.")
        self.state = QTreeWidget()
        self.state.setHeaderLabels(["State after this event", "Value", "Before"])
        self.state.setAlternatingRowColors(True)
        self.state.setRootIsDecorated(False)
        self._fit_state_header()

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.fields)
        left.addWidget(self.raw)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.state)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)

    def set_reveal(self, reveal: bool) -> None:
        self.reveal = reveal
        if self._current is not None:
            self.show_row(*self._current)

    def clear(self) -> None:
        self._current = None
        self.title.setText("Select a row in the timeline to see its details.")
        self.fields.clear()
        self.raw.setPlainText("")
        self.state.clear()
        self._fit_state_header()

    def _fit_state_header(self) -> None:
        """The state tree's first column at least as wide as its title ("State after this e…" was cut)."""
        header = self.state.header()
        header.resizeSection(0, max(header.sectionSize(0), header.sectionSizeHint(0)))

    def show_row(self, row: Row, step: Step | None, before: DeviceState | None,
                 after: DeviceState | None) -> None:
        self._current = (row, step, before, after)
        self.fields.clear()
        if row.verdict is not None:
            self._show_verdict(row.verdict)
            self.raw.setPlainText("")
        elif step is not None:
            env = step.envelope
            self.title.setText(f"<b>#{env.seq}</b> {env.event.kind} on {env.device}"
                               + (f" / {env.tab}" if env.tab else ""))
            data = masked_event(env.event.model_dump(mode="json"), self.reveal)
            data.pop("kind", None)
            self._fill(self.fields.invisibleRootItem(), data)
            for verdict in step.verdicts:
                item = QTreeWidgetItem([f"verdict {verdict.rule}", verdict.text(self.reveal)])
                item.setForeground(0, QColor(CHANGE_COLORS["removed"]))
                self.fields.addTopLevelItem(item)
            self.raw.setPlainText(raw_request_text(step, self.reveal))
        self.fields.expandToDepth(0)
        self.fields.resizeColumnToContents(0)
        self._show_state(before, after)

    def _show_verdict(self, verdict: Verdict) -> None:
        self.title.setText(f"<b>{verdict.severity.value}</b> · {verdict.rule}")
        message = verdict.text(self.reveal)
        for key, value in (("message", message), ("fix", verdict.fix), ("device", verdict.device),
                           ("evidence", ", ".join(f"#{s}" for s in verdict.events))):
            self.fields.addTopLevelItem(QTreeWidgetItem([key, value]))
        if verdict.details:
            details = QTreeWidgetItem(["details", ""])
            self.fields.addTopLevelItem(details)
            self._fill(details, masked(verdict.details, self.reveal))

    def _fill(self, parent: QTreeWidgetItem, data: JsonValue) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                self._add(parent, str(key), value)
        elif isinstance(data, list):
            for i, value in enumerate(data):
                self._add(parent, f"[{i}]", value)

    def _add(self, parent: QTreeWidgetItem, key: str, value: JsonValue) -> None:
        if isinstance(value, (dict, list)) and value:
            item = QTreeWidgetItem([key, ""])
            parent.addChild(item)
            self._fill(item, value)
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            parent.addChild(QTreeWidgetItem([key, text]))

    def _show_state(self, before: DeviceState | None, after: DeviceState | None) -> None:
        self.state.clear()
        for line in diff_lines(before, after, self.reveal):
            item = QTreeWidgetItem([line.key, line.value, line.before])
            color = CHANGE_COLORS.get(line.change)
            if color:
                for col in range(3):
                    item.setForeground(col, QColor(color))
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                item.setToolTip(0, line.change)
            self.state.addTopLevelItem(item)
        self.state.resizeColumnToContents(0)
        self._fit_state_header()
        # The values whole when they fit in half of what is left; "Before" (the diff) keeps the rest.
        self.state.resizeColumnToContents(1)
        header = self.state.header()
        half = max(120, (self.state.viewport().width() - header.sectionSize(0)) // 2)
        header.resizeSection(1, min(header.sectionSize(1), half))

