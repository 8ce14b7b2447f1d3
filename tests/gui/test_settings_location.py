"""The app's settings live with every other path (launch.locations), owner-only; old ones are adopted."""

from __future__ import annotations

import stat
from pathlib import Path

from PySide6.QtCore import QSettings

from inspector.gui import settings as settings_store
from inspector.launch import locations


def test_settings_are_kept_in_the_settings_file_of_locations() -> None:
    store = settings_store.qsettings()
    assert Path(store.fileName()) == locations.settings_file()
    settings_store.save(settings_store.Settings(proxy_port=8123))
    assert settings_store.load().proxy_port == 8123
    assert "proxy_port=8123" in locations.settings_file().read_text(encoding="utf-8")
    assert stat.S_IMODE(locations.settings_file().parent.stat().st_mode) == 0o700


def test_settings_where_qt_kept_them_before_are_taken_over_once() -> None:
    old = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_store.ORGANIZATION,
                    settings_store.APPLICATION)
    old.setValue("settings/proxy_port", 8321)
    old.sync()
    assert not locations.settings_file().exists()
    assert settings_store.load().proxy_port == 8321
    assert stat.S_IMODE(locations.settings_file().stat().st_mode) == 0o600
