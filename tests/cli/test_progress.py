"""Progress on stderr: shown on a terminal (a real pseudo-terminal here), quiet otherwise, forced or
silenced by --progress / --quiet; standard output stays exactly the result."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.report.golden import ROOT
from tests.report.make_fixtures import UU_A, Capture


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few thousand pageviews of one visitor: enough for several progress updates."""
    c = Capture("laptop")
    for page in range(1, 3001):
        c.pageview(UU_A, 1, page, r=page).wait(0.5)
    path = tmp_path_factory.mktemp("progress") / "large.jsonl"
    path.write_text("\n".join(c.lines) + "\n", encoding="utf-8")
    return path


def _run_on_terminal(*argv: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal; stdout is a pipe, as in ``check | jq``."""
    primary, secondary = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(primary, 65536)
            except OSError:  # the terminal closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    done = subprocess.run([sys.executable, "-m", "inspector.cli", *argv], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=secondary, timeout=240, check=False)
    os.close(secondary)
    reader.join(10)
    os.close(primary)
    return done.returncode, done.stdout.decode(), b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_shows_reading_and_judging_bars_and_stdout_stays_clean(large: Path) -> None:
    code, out, err = _run_on_terminal("check", str(large), "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["events"] == 3000  # the result alone on stdout
    assert "reading large.jsonl" in err and "decoding and judging" in err
    assert "%" in err


def test_quiet_silences_the_terminal(large: Path) -> None:
    code, _out, err = _run_on_terminal("check", str(large), "--quiet")
    assert code == 0 and "judging" not in err


def test_not_a_terminal_means_no_progress_unless_forced(large: Path) -> None:
    quiet = subprocess.run([sys.executable, "-m", "inspector.cli", "check", str(large)], cwd=ROOT,
                           capture_output=True, text=True, timeout=240, check=False)
    assert quiet.returncode == 0 and quiet.stderr == ""
    forced = subprocess.run([sys.executable, "-m", "inspector.cli", "report", str(large), "-o",
                             str(large.with_suffix(".html")), "--progress"], cwd=ROOT,
                            capture_output=True, text=True, timeout=240, check=False)
    assert forced.returncode == 0 and "decoding and judging" in forced.stderr
