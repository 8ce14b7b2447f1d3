"""``-o`` of every command: a private file, atomically replaced, or written through what is not a file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.report.golden import ROOT

LAPTOP = "tests/data/report_laptop.jsonl"


def run(*argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "inspector.cli", *argv], cwd=ROOT, capture_output=True,
                          timeout=120, check=False)


def test_dash_o_dev_stdout_writes_to_standard_output() -> None:
    result = run("check", LAPTOP, "--format", "json", "-o", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert b'"schema": "uxa-inspector/check/1"' in result.stdout


def test_reports_and_bundles_are_created_private(tmp_path: Path) -> None:
    report, bundle = tmp_path / "r.html", tmp_path / "b.zip"
    assert run("report", LAPTOP, "-o", str(report)).returncode == 0
    assert run("bundle", LAPTOP, "-o", str(bundle)).returncode == 0
    assert stat.S_IMODE(os.stat(report).st_mode) == stat.S_IMODE(os.stat(bundle).st_mode) == 0o600
