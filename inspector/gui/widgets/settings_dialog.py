"""The settings window: non-modal, so a running capture is never blocked by it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from inspector.gui.settings import Settings


class SettingsDialog(QDialog):
    applied = Signal(object)  # Settings

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("UXA Inspector settings")
        self.setModal(False)
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.mode = QComboBox()
        self.mode.addItems(["sink (nothing leaves this machine)", "forward (to Contentsquare)"])
        self.deadline = QDoubleSpinBox()
        self.deadline.setRange(1.0, 600.0)
        self.deadline.setSuffix(" s")
        self.deadline.setToolTip("How long the tag may take to renew the user ID and send the renewal "
                                 "pageview after an identity change")
        self.masking = QCheckBox("Mask identities and property values (reveal on demand)")
        self.browser = QLineEdit()
        self.browser.setPlaceholderText("found automatically")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        browser_row = QHBoxLayout()
        browser_row.addWidget(self.browser, 1)
        browser_row.addWidget(browse)
        self.scheme = QComboBox()
        self.scheme.addItems(["system", "light", "dark"])
        form = QFormLayout(self)
        form.addRow("Proxy port", self.port)
        form.addRow("Vendor hosts", self.mode)
        form.addRow("Reset deadline", self.deadline)
        form.addRow("Privacy", self.masking)
        form.addRow("Browser", browser_row)
        form.addRow("Colours", self.scheme)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.load(settings)

    def load(self, settings: Settings) -> None:
        self.base = settings
        self.port.setValue(settings.proxy_port)
        self.mode.setCurrentIndex(0 if settings.sink else 1)
        self.deadline.setValue(settings.deadline_s)
        self.masking.setChecked(settings.mask_personal_data)
        self.browser.setText(settings.browser_path)
        self.scheme.setCurrentText(settings.color_scheme)

    def value(self) -> Settings:
        return self.base.with_(proxy_port=self.port.value(), sink=self.mode.currentIndex() == 0,
                               deadline_s=self.deadline.value(), mask_personal_data=self.masking.isChecked(),
                               browser_path=self.browser.text().strip(),
                               color_scheme=self.scheme.currentText())

    def accept(self) -> None:
        """OK: hand the values over (``applied``), then close."""
        self.applied.emit(self.value())
        super().accept()

    def _browse(self) -> None:
        dialog = QFileDialog(self, "Browser executable")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.browser.setText)
        dialog.show()
