"""Screenshots of the main window on the demo capture, for README.

    python -m tests.gui.screenshots docs/screenshots

Runs on the offscreen platform (no display needed) and grabs the window with ``QWidget.grab()``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QSettings

from inspector.gui import theme
from inspector.gui.app import make_app
from inspector.gui.main_window import MainWindow
from inspector.gui.settings import Settings
from tests.gui.scenario import demo_envelopes

SIZE = (1500, 900)


def settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def demo_window(scheme: str, store_dir: Path) -> MainWindow:
    app = make_app()
    dark = theme.apply_palette(app, scheme)
    store = QSettings(str(store_dir / f"{scheme}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Settings(color_scheme=scheme), store, dark=dark)
    window.resize(*SIZE)
    window.show()
    for env in demo_envelopes():
        window.inspection.enqueue(env)
    window.inspection.finish()
    settle()
    window.default_dock_sizes()
    settle()
    return window


def take(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        for scheme, name in (("light", "main-window.png"), ("dark", "main-window-dark.png")):
            window = demo_window(scheme, Path(tmp))
            # The second customer logs in on the laptop: the identity changes, the properties of
            # the first are detached, the model now expects a new user ID and a renewal pageview.
            window.show_event("laptop", 10)
            settle()
            path = out_dir / name
            window.grab().save(str(path))
            written.append(path)
            if scheme == "light":
                window.show_event("phone", 17)
                window.verdicts_dock.raise_()
                window.verdicts_panel.table.selectRow(2)
                settle()
                path = out_dir / "verdicts.png"
                window.grab().save(str(path))
                written.append(path)
            window.close()
    return written


if __name__ == "__main__":
    for written in take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(written)
