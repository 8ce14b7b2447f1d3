"""``uxa-inspector gui [FILE]`` and ``uxa-inspector`` alone both open the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.cli import main as cli
from inspector.gui import app


def test_no_command_and_gui_open_the_app_on_the_file(monkeypatch: pytest.MonkeyPatch, recording: Path) -> None:
    opened: list[tuple[Path | None, bool]] = []
    monkeypatch.setattr(app, "run", lambda path=None, demo=False: opened.append((path, demo)) or 0)
    assert cli.main([]) == 0
    assert cli.main(["gui", str(recording)]) == 0
    assert cli.main(["gui", "--demo"]) == 0
    assert opened == [(None, False), (recording, False), (None, True)]


def test_a_missing_file_is_one_clear_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert cli.main(["gui", str(tmp_path / "nope.jsonl")]) == 2
    assert capsys.readouterr().err.strip() == f"uxa-inspector: {tmp_path / 'nope.jsonl'}: no such file"


def test_without_a_display_the_app_says_what_to_do_instead_of_aborting() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "inspector.cli"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2
    assert "no display" in done.stderr and "demo --headless" in done.stderr
