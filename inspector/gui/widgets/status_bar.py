"""The status bar: proxy address, event and verdict counts, drops, capture health, file progress."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from inspector.gui import theme
from inspector.model.state import Severity

HEALTH_TEXT = {
    "idle": "no capture",
    "starting": "capture starting…",
    "healthy": "capture healthy",
    "stream lost": "⚠ capture stream lost",
    "stopped": "capture stopped",
    "crashed": "✖ capture crashed",
}


class StatusBar(QStatusBar):
    restart = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy_label = QLabel("proxy off")
        self.events_label = QLabel()
        self.verdicts_label = QLabel()
        self.dropped_label = QLabel()
        self.health_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("loading %v / %m")
        self.progress.hide()
        self.restart_button = QToolButton()
        self.restart_button.setText("Restart capture")
        self.restart_button.clicked.connect(self.restart)
        self.restart_button.hide()
        for widget in (self.proxy_label, self.events_label, self.verdicts_label, self.dropped_label,
                       self.health_label, self.restart_button):
            self.addPermanentWidget(widget)
        self.addWidget(self.progress)

    def show_capture(self, proxies: Sequence[str], health: str) -> None:
        """``proxies``: each proxy running now as it is named ("proxy 127.0.0.1:8080", "demo proxy …")."""
        self.proxy_label.setText(" · ".join(proxies) or "proxy off")
        self.health_label.setText(HEALTH_TEXT.get(health, health))

    def show_counts(self, events: int, verdicts: Mapping[Severity, int], dropped: int,
                    bad_lines: int, refused: int = 0) -> None:
        self.events_label.setText(f"{events:,} events")
        self.verdicts_label.setText(" ".join(
            f"<span style='color:{theme.SEVERITY_BADGE[s]}'>{theme.SEVERITY_MARK[s]} "
            f"{verdicts.get(s, 0)}</span>" for s in sorted(Severity, key=lambda s: -s.rank)))
        lost = [f"{dropped} dropped"] + ([f"{bad_lines} bad lines"] if bad_lines else []) + (
            [f"{refused} refused"] if refused else [])
        self.dropped_label.setText(" · ".join(lost))

    def show_loading(self, done: int | None = None, total: int = 0) -> None:
        """Progress of a file being opened; ``done`` None while it is still being read."""
        if done is None:
            self.progress.setRange(0, 0)  # busy: the size is not known yet
        else:
            # QProgressBar.setValue repaints at once (the whole window, offscreen): with updates off
            # it only takes the value, and update() paints it with the rest, at the next frame.
            bar = self.progress
            bar.setUpdatesEnabled(False)
            bar.setRange(0, max(total, 1))
            bar.setValue(done)
            bar.setUpdatesEnabled(True)
            bar.update()
        self.progress.show()

    def hide_loading(self) -> None:
        self.progress.hide()
