"""One place for paths: every location follows platformdirs (XDG here), folders are owner-only,
the log rotates and says what ran without personal data, settings live beside the others."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from inspector.cli.main import main
from inspector.launch import locations, logs, profiles
from inspector.launch.proxy import default_confdir


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    yield tmp_path
    logs.configure(0)  # leave no handler on a removed file for later tests


def test_every_location_is_under_its_xdg_folder(home: Path) -> None:
    assert locations.settings_file() == home / "config" / "uxa-inspector" / "settings.ini"
    assert locations.journals_dir() == home / "data" / "uxa-inspector" / "journals"
    assert profiles.profiles_root() == locations.profiles_dir() == home / "data" / "uxa-inspector" / "profiles"
    assert default_confdir() == locations.ca_dir() == home / "data" / "uxa-inspector" / "mitmproxy"
    assert locations.log_file().is_relative_to(home / "state" / "uxa-inspector")
    assert set(locations.all_locations()) == {"settings", "journals", "profiles", "ca", "log"}


def test_private_folders_are_owner_only_even_under_a_loose_umask(home: Path) -> None:
    old = os.umask(0)
    try:
        made = locations.private_dir(home / "data" / "a" / "b")
    finally:
        os.umask(old)
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    loose = home / "loose"
    loose.mkdir(mode=0o755)
    assert stat.S_IMODE(locations.private_dir(loose).stat().st_mode) == 0o700


def test_a_command_is_logged_to_a_private_rotating_file(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "https://c.contentsquare.net/pageview?pid=1&uu=u&sn=1&pn=1"]) == 0
    text = locations.log_file().read_text(encoding="utf-8")
    assert ": decode" in text and "exit status 0" in text
    assert stat.S_IMODE(locations.log_file().stat().st_mode) == 0o600
    assert stat.S_IMODE(locations.log_file().parent.stat().st_mode) == 0o700
    handler = next(h for h in logging.getLogger(logs.LOGGER_NAME).handlers
                   if isinstance(h, logging.handlers.RotatingFileHandler))
    assert handler.maxBytes == logs.MAX_BYTES and handler.backupCount == logs.BACKUPS
    assert "exit status" not in capsys.readouterr().err  # quiet on stderr by default


def test_verbose_shows_info_on_stderr(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-v", "schema", "diff"]) == 0
    assert "INFO: exit status 0" in capsys.readouterr().err


def test_an_unwritable_log_folder_never_fails_a_command(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "state").write_text("a file where the folder should be")
    assert main(["schema", "check"]) == 0
    assert "no log file" in capsys.readouterr().err
