"""A recording judged as it is read (each line parsed once) reports exactly what judging it after
reading reports, and only a run that judges that file alone, once, with its deadline takes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.bench_model import synthetic_traffic
from inspector.cli.check import alone, load_inputs
from inspector.model.state import Severity
from inspector.report.capture import InputFile
from inspector.report.check import CheckRun, check_document, run_check
from inspector.report.text import render_text
from inspector.wire.envelope import dump_envelope


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """Two devices' mixed traffic, with a broken line and a truncated last line (a partial load)."""
    lines = [dump_envelope(env) for env in synthetic_traffic(1200, devices=3)]
    lines.insert(40, '{"v": 1, "seq": "x"}')
    path = tmp_path / "capture.jsonl"
    path.write_text("\n".join(lines) + "\n" + lines[-1][:30], encoding="utf-8")
    return path


def _rendered(run: CheckRun) -> tuple[str, str, int]:
    return (json.dumps(check_document(run, reveal=True)), render_text(run, every=True),
            run.exit_code(Severity.WARNING))


def _read(path: Path, deadline_s: float | None) -> list[InputFile]:
    return load_inputs([path], [], "check", judge_alone=deadline_s)


def test_judged_while_read_reports_the_same_as_judged_after(recording: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    early, late = _read(recording, 10.0), _read(recording, None)
    assert early[0].judged is not None and late[0].judged is None
    assert capsys.readouterr().err.count("skipped") == 4  # each load says the same, as it reads
    first = run_check(early, 10.0)
    assert early[0].judged.take(early[0].envelopes, 10.0) is None  # taken by the run, once
    assert _rendered(first) == _rendered(run_check(late, 10.0))
    assert first.skipped == 2 and first.exit_code(Severity.VIOLATION) == 2


def test_a_second_run_or_another_deadline_judges_afresh(recording: Path) -> None:
    early, late = _read(recording, 10.0), _read(recording, None)
    assert _rendered(run_check(early, 3.0)) == _rendered(run_check(late, 3.0))
    assert _rendered(run_check(early, 10.0)) == _rendered(run_check(late, 10.0))  # still there
    assert _rendered(run_check(early, 10.0)) == _rendered(run_check(late, 10.0))  # taken: afresh


def test_a_renumbered_recording_or_several_files_are_judged_after_reading(tmp_path: Path) -> None:
    lines = [dump_envelope(env) for env in synthetic_traffic(300, devices=2)]
    twice = tmp_path / "twice.jsonl"
    twice.write_text("\n".join(lines + lines) + "\n", encoding="utf-8")
    early = _read(twice, 10.0)
    assert early[0].judged is None  # its numbers went back: judged once renumbered
    assert _rendered(run_check(early, 10.0)) == _rendered(run_check(_read(twice, None), 10.0))
    other = tmp_path / "other.jsonl"
    other.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert alone([twice, other], 10.0) is None and alone([other], 10.0) == 10.0
