"""Every command's --help: a description, real examples that the parser accepts, and its exit codes."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.cli.main import COMMANDS, build_parser
from tests.report.golden import ROOT

SHELL_BREAKS = ("|", "<", ">", "&", ";")


def _help(*argv: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args([*argv, "--help"])
    assert stopped.value.code == 0
    return capsys.readouterr().out


def _section(text: str, title: str) -> list[str]:
    lines = text.split(f"\n{title}:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    return [line.strip() for line in lines if line.strip()]


def _argv(example: str) -> list[str]:
    words = shlex.split(example, comments=True)
    for i, word in enumerate(words):
        if word in SHELL_BREAKS:
            words = words[:i]
            break
    assert words[0] == "uxa-inspector", example
    return words[1:]


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_examples_the_parser_accepts_and_states_its_exit_codes(
        command: str, capsys: pytest.CaptureFixture[str]) -> None:
    command = command.replace("_", "-")  # the module addon_path is the command addon-path
    text = _help(command, capsys=capsys)
    examples = _section(text, "examples")
    assert len(examples) >= 2, text
    for example in examples:
        argv = _argv(example)
        assert argv[:1] in ([command], []), example  # each example shows this command (or the default)
        build_parser().parse_args(argv)  # a usage error would exit 2 and fail the test
    codes = _section(text, "exit status")
    assert codes and codes[0].startswith("0 "), text
    assert any(line.startswith("2 ") for line in codes), text


def test_the_top_level_help_lists_each_command_on_one_line_with_examples(
        capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys=capsys)
    for command in (name.replace("_", "-") for name in COMMANDS):
        assert any(line.split()[:1] == [command] for line in text.splitlines()), command
    assert "register-python-argcomplete uxa-inspector" in text
    assert [line[0] for line in _section(text, "exit status")] == ["0", "1", "2"]


def test_tab_completion_offers_the_commands(tmp_path: Path) -> None:
    out = tmp_path / "completions"
    env = {**os.environ, "_ARGCOMPLETE": "1", "COMP_LINE": "uxa-inspector ch", "COMP_POINT": "16",
           "_ARGCOMPLETE_STDOUT_FILENAME": str(out)}
    done = subprocess.run([sys.executable, "-m", "inspector.cli"], env=env, cwd=ROOT, capture_output=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").split() == ["check"]
