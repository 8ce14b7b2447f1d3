"""Screenshots of the main window on the recorded demo session, at 1280x720 and 1920x1080, for README.

    python -m tests.gui.screenshots docs/screenshots

Runs on the offscreen platform (no display needed) and grabs the window with ``QWidget.grab()``. Each
window starts from a first launch (fresh settings), so what is shown is the default layout.
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

SMALL, LARGE = (1280, 720), (1920, 1080)
SIZES = (SMALL, LARGE)


def settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def demo_window(scheme: str, size: tuple[int, int], store_dir: Path, guide: bool = False) -> MainWindow:
    """A window of ``size`` on a first launch: with ``guide``, as it opens (the first-run guide over
    an empty timeline); otherwise the guide dismissed (as after a first look) and the demo loaded."""
    app = make_app()
    dark = theme.apply_palette(app, scheme)
    store = QSettings(str(store_dir / f"{scheme}-{size[0]}-{guide}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Settings(color_scheme=scheme), store, dark=dark)
    window.resize(*size)
    window.show()
    settle()
    if guide:
        return window
    window.guide.dismiss()
    for env in demo_envelopes():
        window.inspection.enqueue(env)
    window.inspection.finish()
    settle()
    window.default_dock_sizes()
    settle()
    return window


def name(kind: str, size: tuple[int, int]) -> str:
    return f"{kind}-{size[0]}x{size[1]}.png"


def take(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def grab(window: MainWindow, file_name: str) -> None:
        settle()
        path = out_dir / file_name
        window.grab().save(str(path))
        written.append(path)

    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            window = demo_window("light", size, Path(tmp))
            # The second customer logs in on the laptop: the identity changes, the properties of
            # the first are detached, the model now expects a new user ID and a renewal pageview.
            window.show_event("laptop", 10)
            grab(window, name("main-window", size))
            window.show_event("phone", 17)
            window.verdicts_dock.raise_()
            window.verdicts_panel.table.selectRow(2)
            grab(window, name("verdicts", size))
            window.close()
        window = demo_window("dark", LARGE, Path(tmp))
        window.show_event("laptop", 10)
        grab(window, name("main-window-dark", LARGE))
        window.close()
        window = demo_window("light", SMALL, Path(tmp), guide=True)
        grab(window, name("first-run", SMALL))
        window.close()
    return written


if __name__ == "__main__":
    for written in take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(written)
