"""Colours and palette: one colour per category and per severity, the same in every panel.

Light and dark variants follow the system colour scheme (Qt 6.5+ reports it; ``Unknown`` is light).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from inspector.model.state import Severity

# Foreground per row category: (light, dark).
_CATEGORY = {
    "command": ("#1f5fbf", "#7fb2ff"),
    "hit": ("#2c7a3f", "#7fd18f"),
    "storage": ("#8a5a00", "#e0b060"),
    "page": ("#5b4aa8", "#b3a6ff"),
    "verdict": ("#202020", "#f0f0f0"),
    "capture": ("#6b6b6b", "#9a9a9a"),
}
# Row tint per severity: (light, dark).
_SEVERITY_TINT = {
    Severity.VIOLATION: ("#fbe3e3", "#4a2326"),
    Severity.WARNING: ("#fdf1d6", "#4a3d1c"),
    Severity.INFO: ("#e4eefb", "#1f3147"),
}
# Badge colour per severity (same in both schemes: they sit on their own background).
SEVERITY_BADGE = {
    Severity.VIOLATION: "#c62828",
    Severity.WARNING: "#b7791f",
    Severity.INFO: "#2b6cb0",
}
# The info mark is U+2139 (a boxed i), a glyph DejaVu Sans has.
SEVERITY_MARK = {Severity.VIOLATION: "✖", Severity.WARNING: "⚠", Severity.INFO: "\u2139"}


def is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    # Unknown: judge by the palette's window colour.
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def category_color(category: str, dark: bool) -> QColor:
    light_c, dark_c = _CATEGORY.get(category, _CATEGORY["capture"])
    return QColor(dark_c if dark else light_c)


def severity_tint(severity: Severity | None, dark: bool) -> QColor | None:
    if severity is None:
        return None
    light_c, dark_c = _SEVERITY_TINT[severity]
    return QColor(dark_c if dark else light_c)


def dark_palette() -> QPalette:
    pal = QPalette()
    base, window, text = QColor("#1e1f22"), QColor("#2b2d30"), QColor("#dfe1e5")
    pal.setColor(QPalette.ColorRole.Window, window)
    pal.setColor(QPalette.ColorRole.WindowText, text)
    pal.setColor(QPalette.ColorRole.Base, base)
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#25272a"))
    pal.setColor(QPalette.ColorRole.Text, text)
    pal.setColor(QPalette.ColorRole.Button, window)
    pal.setColor(QPalette.ColorRole.ButtonText, text)
    pal.setColor(QPalette.ColorRole.ToolTipBase, QColor("#3c3f41"))
    pal.setColor(QPalette.ColorRole.ToolTipText, text)
    pal.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8c8f94"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor("#2f65ca"))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.Link, QColor("#7fb2ff"))
    _disabled(pal, "#6f737a")
    return pal


def _disabled(pal: QPalette, color: str) -> None:
    """Greyed text for disabled actions (a partner not built yet must look unavailable)."""
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(color))


def light_palette() -> QPalette:
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor("#f3f3f3"))
    pal.setColor(QPalette.ColorRole.WindowText, QColor("#1f1f1f"))
    pal.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f8fa"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#1f1f1f"))
    pal.setColor(QPalette.ColorRole.Button, QColor("#f3f3f3"))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor("#1f1f1f"))
    pal.setColor(QPalette.ColorRole.Highlight, QColor("#cfe0fc"))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor("#1f1f1f"))
    pal.setColor(QPalette.ColorRole.PlaceholderText, QColor("#8a8a8a"))
    pal.setColor(QPalette.ColorRole.Link, QColor("#1f5fbf"))
    _disabled(pal, "#a0a0a0")
    return pal


def apply_palette(app: QGuiApplication, scheme: str = "system") -> bool:
    """Use the Fusion palette matching ``scheme`` ("system", "light" or "dark"); returns dark-ness."""
    dark = is_dark() if scheme == "system" else scheme == "dark"
    app.setPalette(dark_palette() if dark else light_palette())
    return dark
