"""The timeline's filter bar: category toggles, severity, device, tab, rule, and a text filter."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QToolButton, QWidget

from inspector.gui.models.rows import CATEGORIES
from inspector.gui.models.timeline_filter import TimelineFilter
from inspector.model.rules import RULES
from inspector.model.state import Severity

SEVERITY_CHOICES: dict[str, frozenset[Severity] | None] = {
    "any severity": None,
    "violations": frozenset({Severity.VIOLATION}),
    "warnings and worse": frozenset({Severity.WARNING, Severity.VIOLATION}),
    "with a verdict": frozenset(Severity),
}


class FilterLine(QLineEdit):
    """Esc clears the text (and so the filter)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class FilterBar(QWidget):
    def __init__(self, proxy: TimelineFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = proxy
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(4)
        self.toggles: dict[str, QToolButton] = {}
        for category in CATEGORIES:
            button = QToolButton()
            button.setText(category)
            button.setCheckable(True)
            button.setChecked(True)
            button.setToolTip(f"Show {category} rows")
            button.setAutoRaise(True)
            button.toggled.connect(self.apply)
            self.toggles[category] = button
            layout.addWidget(button)
        self.severity = QComboBox()
        self.severity.addItems(list(SEVERITY_CHOICES))
        self.severity.setToolTip("Show only rows with verdicts of this severity")
        self.device = QComboBox()
        self.device.addItem("all devices")
        self.tab = QComboBox()
        self.tab.addItem("all tabs")
        self.rule = QComboBox()
        self.rule.addItem("all rules")
        self.rule.addItems(sorted(RULES))
        self.rule.setToolTip("Show only rows of this verdict rule")
        for combo in (self.severity, self.device, self.tab, self.rule):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
            combo.currentIndexChanged.connect(self.apply)
            layout.addWidget(combo)
        self.text = FilterLine()
        self.text.setPlaceholderText("Filter (Ctrl+F): text in summaries, rule ids, #seq…")
        self.text.setClearButtonEnabled(True)
        # Typing re-filters after a short pause, not on every key (100k rows).
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.apply)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        self.text.setMinimumWidth(120)
        layout.addWidget(self.text, 1)

    def set_choices(self, devices: list[str], tabs: list[str]) -> None:
        """Keep the device and tab lists in step with what has been seen."""
        for combo, values, first in ((self.device, devices, "all devices"), (self.tab, tabs, "all tabs")):
            have = [combo.itemText(i) for i in range(1, combo.count())]
            missing = [v for v in values if v not in have]
            if missing:
                combo.blockSignals(True)
                combo.addItems(missing)
                combo.blockSignals(False)
            if combo.count() == 0:
                combo.addItem(first)

    def reset_choices(self) -> None:
        for combo in (self.device, self.tab):
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.apply()

    def show_all(self) -> None:
        """Clear every filter: all rows shown."""
        for widget in (self.text, *self.toggles.values(), self.severity, self.device, self.tab, self.rule):
            widget.blockSignals(True)
        self.text.clear()
        for button in self.toggles.values():
            button.setChecked(True)
        for combo in (self.severity, self.device, self.tab, self.rule):
            combo.setCurrentIndex(0)
        for widget in (self.text, *self.toggles.values(), self.severity, self.device, self.tab, self.rule):
            widget.blockSignals(False)
        self.apply()

    def apply(self) -> None:
        """Filter the timeline by what the bar shows now (typing applies it after a short pause)."""
        self._debounce.stop()
        self.proxy.set_filter(
            categories=frozenset(c for c, b in self.toggles.items() if b.isChecked()),
            severities=SEVERITY_CHOICES[self.severity.currentText()],
            device=self.device.currentText() if self.device.currentIndex() > 0 else None,
            tab=self.tab.currentText() if self.tab.currentIndex() > 0 else None,
            rule=self.rule.currentText() if self.rule.currentIndex() > 0 else None,
            text=self.text.text(),
        )
