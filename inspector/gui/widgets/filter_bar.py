"""The timeline's filter bar: category toggles, severity, device, tab, rule, and a text filter.

Too narrow for one row (1280x720 with the side panels), the combo boxes move to a second row rather
than being squeezed until their labels are cut.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

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


# Keys a text box cannot do without: never taken from it, whatever the window binds to them. Others
# (Ctrl+E "end of line" on Linux, where End does the same) go to the window's actions.
EDITING_KEYS = tuple(getattr(QKeySequence.StandardKey, name) for name in (
    "Copy", "Cut", "Paste", "Undo", "Redo", "SelectAll", "Delete", "Backspace"))
# Below this the text filter is too short to read what was typed: the combo boxes take a row of their own.
TEXT_MIN_ONE_ROW = 220


class FilterLine(QLineEdit):
    """Esc clears the text (and so the filter). The window's shortcuts that a line edit would take for
    itself (on Linux Ctrl+E is "end of line", Ctrl+B "back", Ctrl+D "delete") stay the window's."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_keys: set[str] = set()

    def pass_shortcuts(self, keys: Iterable[QKeySequence]) -> None:
        editing = {key.toString() for standard in EDITING_KEYS for key in QKeySequence.keyBindings(standard)}
        self.window_keys = {key.toString() for key in keys if not key.isEmpty()} - editing

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                QKeySequence(event.keyCombination()).toString() in self.window_keys):
            event.ignore()  # not overridden: the shortcut goes to the window's action
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class FilterBar(QWidget):
    def __init__(self, proxy: TimelineFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = proxy
        self.rows = rows = QVBoxLayout(self)
        # The bar's minimum is that of two rows (``minimumSizeHint``), whichever it shows now: a window
        # laid out while it was one row must still be allowed to shrink until it becomes two.
        rows.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        rows.setContentsMargins(4, 2, 4, 2)
        rows.setSpacing(2)
        self.first_row = layout = QHBoxLayout()
        self.second_row = QHBoxLayout()
        layout.setSpacing(4)
        self.second_row.setSpacing(4)
        rows.addLayout(self.first_row)
        rows.addLayout(self.second_row)
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
        self.combos = (self.severity, self.device, self.tab, self.rule)
        for combo in self.combos:
            # Wide enough for the longest choice of its own (the rule ids only in the open list).
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self.apply)
            layout.addWidget(combo)
        self.rule.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.rule.setMinimumContentsLength(len("all rules") + 2)
        self.rule.view().setMinimumWidth(self.rule.view().sizeHintForColumn(0) + 24)
        self.two_rows = False
        self.text = FilterLine()
        self.text.setPlaceholderText("Filter (Ctrl+F): text in summaries, rule ids, #seq…")
        self.text.setClearButtonEnabled(True)
        # Typing re-filters after a short pause, not on every key (100k rows).
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.apply)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        proxy.refiltered.connect(lambda: self._wait(False))
        self.text.setMinimumWidth(120)
        layout.addWidget(self.text, 1)
        self.second_row.addStretch(1)

    def _width_of(self, widgets: list[QWidget], text: int = 0) -> int:
        margins = self.rows.contentsMargins()
        return (sum(w.sizeHint().width() for w in widgets) + self.first_row.spacing() * len(widgets) + text
                + margins.left() + margins.right())

    def one_row_width(self) -> int:
        """The width the bar needs to show everything on one row, the text filter readable."""
        return self._width_of([*self.toggles.values(), *self.combos], TEXT_MIN_ONE_ROW)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        toggles = self._width_of(list(self.toggles.values()), self.text.minimumWidth())
        combos = self._width_of(list(self.combos))
        row = max(w.sizeHint().height() for w in (*self.toggles.values(), *self.combos, self.text))
        margins = self.rows.contentsMargins()
        rows = 2 if self.two_rows else 1
        height = row * rows + self.rows.spacing() * (rows - 1) + margins.top() + margins.bottom()
        return QSize(max(toggles, combos), height)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.one_row_width(), self.minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.arrange(event.size().width() < self.one_row_width())

    def arrange(self, two_rows: bool) -> None:
        """The combo boxes after the toggles, or on a row of their own."""
        if two_rows == self.two_rows:
            return
        self.two_rows = two_rows
        self.updateGeometry()  # one row's height or two
        source, target = (self.first_row, self.second_row) if two_rows else (self.second_row, self.first_row)
        for i, combo in enumerate(self.combos):
            source.removeWidget(combo)
            target.insertWidget(i if two_rows else len(self.toggles) + i, combo)

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
        """Clear every filter: all rows shown before this returns (the caller selects one of them; with
        no text to look for the pass only reads the rows' fields, ~20 ms at 100,000 rows)."""
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
        self.proxy.finish()

    def searching(self) -> bool:
        """Whether the filter last applied is still being worked out (a pass over the rows, a slice
        per turn of the event loop: the window stays responsive; the rows shown are those before)."""
        return self.proxy.filtering()

    def apply(self) -> None:
        """Filter the timeline by what the bar shows now (typing applies it after a short pause); a
        pass still under way for what the bar showed before is dropped."""
        self._debounce.stop()
        self._apply_now()
        self._wait(self.proxy.filtering())

    def _wait(self, waiting: bool) -> None:
        self.text.setToolTip("Searching…" if waiting else "")

    def _apply_now(self) -> None:
        self.proxy.set_filter(
            categories=frozenset(c for c, b in self.toggles.items() if b.isChecked()),
            severities=SEVERITY_CHOICES[self.severity.currentText()],
            device=self.device.currentText() if self.device.currentIndex() > 0 else None,
            tab=self.tab.currentText() if self.tab.currentIndex() > 0 else None,
            rule=self.rule.currentText() if self.rule.currentIndex() > 0 else None,
            text=self.text.text(),
        )
