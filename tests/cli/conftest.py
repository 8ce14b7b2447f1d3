"""Run the real CLI in-process on the real files of ``tests/data`` (paths relative to the repo root,
so outputs and golden files do not depend on where the checkout lives)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from inspector.cli.main import main
from tests.report.golden import ROOT


@dataclass
class Outcome:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Outcome]:
    monkeypatch.chdir(ROOT)

    def run(*argv: str) -> Outcome:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run
