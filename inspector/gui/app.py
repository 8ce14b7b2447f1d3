"""Start the desktop app: one ``QApplication``, the palette, the main window, an optional file."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from inspector import __version__
from inspector.gui import collector, theme
from inspector.gui import settings as settings_store
from inspector.gui.main_window import MainWindow
from inspector.package_files import resource


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(settings_store.ORGANIZATION)
    app.setApplicationName(settings_store.APPLICATION)
    app.setApplicationDisplayName("UXA Inspector")
    app.setApplicationVersion(__version__)
    # The freedesktop entry we ship (resources/linux) is named so: desktops match the window to it.
    app.setDesktopFileName("uxa-inspector")
    app.setWindowIcon(QIcon(str(resource("icons", "uxa-inspector.png"))))
    app.setStyle("Fusion")
    collector.install(app)  # Python's GC runs on this thread only (see collector.py)
    return app


def run(path: Path | None = None, demo: bool = False) -> int:
    app = make_app()
    settings = settings_store.load()
    dark = theme.apply_palette(app, settings.color_scheme)
    window = MainWindow(settings, dark=dark)
    window.show()
    if path is not None:
        window.open_file(path)
    elif demo:
        QTimer.singleShot(0, window.controller.run_demo)  # once the window is on screen
    _close_on_signals(window)
    return int(app.exec())


def _close_on_signals(window: MainWindow) -> None:
    """Ctrl+C or SIGTERM closes the window the normal way: layout saved, capture child stopped."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_args: window.close())
    # Python runs signal handlers only between bytecodes: wake the interpreter now and then.
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)
