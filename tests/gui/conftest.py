"""GUI tests: real Qt widgets on the offscreen platform (a Qt warning fails any test: pyproject.toml).

The platform must be chosen before Qt is imported, hence at the top of this conftest. Settings and
data directories point into each test's tmp dir so tests never touch the user's own.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from inspector.gui import collector
from inspector.gui.inspection import Inspection
from inspector.gui.settings import Settings
from inspector.wire.envelope import Envelope, dump_envelope
from tests.gui.scenario import demo_envelopes


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _private_dirs(qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every GUI test has a QApplication (timers need one) with the app's GUI-thread garbage
    collector, and its own data and config dirs."""
    collector.install(qapp)  # type: ignore[arg-type]
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def store(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def demo() -> list[Envelope]:
    return demo_envelopes()


@pytest.fixture
def recording(tmp_path: Path, demo: list[Envelope]) -> Path:
    path = tmp_path / "demo.jsonl"
    path.write_text("".join(dump_envelope(e) + "\n" for e in demo), encoding="utf-8")
    return path


@pytest.fixture
def fed(qtbot: object, demo: list[Envelope]) -> Inspection:
    """An inspection that has applied the demo capture, as if it had arrived live."""
    inspection = Inspection()
    for env in demo:
        inspection.enqueue(env)
    inspection.flush()
    return inspection
