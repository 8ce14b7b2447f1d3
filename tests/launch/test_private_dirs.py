"""Recordings the proxy child writes and the folders it, the browser profiles and the CA live in are
private to their owner (0600 and 0700)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from inspector.capture.stream import EventStream
from inspector.launch.profiles import named_profile
from inspector.launch.proxy import default_confdir
from inspector.wire.events import Command


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_journal_and_the_folder_made_for_it_are_private(tmp_path: Path) -> None:
    journal = tmp_path / "new" / "capture.jsonl"
    stream = EventStream(journal)
    stream.emit(Command(payload=["identify", "someone@example.org"]))
    stream.close()
    assert journal.read_text().count("\n") == 1
    assert mode(journal) == 0o600 and mode(journal.parent) == 0o700


def test_the_ca_folder_and_browser_profiles_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    ca = tmp_path / "data" / "uxa-inspector" / "mitmproxy"
    ca.mkdir(parents=True, mode=0o755)  # as mitmproxy itself, or an earlier version, left it
    assert default_confdir() == ca and mode(ca) == 0o700
    profile = named_profile("laptop", tmp_path / "profiles")
    assert mode(profile.path) == mode(tmp_path / "profiles") == 0o700
