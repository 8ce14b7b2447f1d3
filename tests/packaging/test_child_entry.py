"""The capture child is started through our own entry point, the way a frozen app must start it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from inspector.launch.proxy import CHILD_VERB, build_command, child_prefix


def test_source_runs_start_this_python_on_our_entry_point() -> None:
    assert child_prefix() == [sys.executable, "-m", "inspector", CHILD_VERB]


def test_a_frozen_app_starts_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    argv = build_command(listen_port=8123, confdir="/tmp/x")
    assert argv[:2] == [sys.executable, CHILD_VERB] and argv[2] == "-s"


def test_the_hidden_verb_is_mitmdump_and_anything_else_is_the_cli() -> None:
    child = subprocess.run([*child_prefix(), "--version"], capture_output=True, text=True, timeout=60, check=False)
    assert child.returncode == 0 and "Mitmproxy:" in child.stdout, child.stderr
    cli = subprocess.run([sys.executable, "-m", "inspector", "--version"], capture_output=True, text=True,
                         timeout=60, check=False)
    assert cli.returncode == 0 and cli.stdout.startswith("uxa-inspector "), cli.stderr
