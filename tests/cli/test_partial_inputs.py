"""An input read only in part is never "passed": every format says partial and check exits 2 with
the verdicts still reported. Errors name the line and the field, never the value that was there."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Command, Page
from tests.cli.conftest import Outcome

Cli = Callable[..., Outcome]
SECRET = "alice@example.com"


def recording_with_broken_lines(path: Path) -> Path:
    """15 lines; 12 of them (the identify among them) carry invalid UTF-8, as a damaged copy would."""
    lines = [dump_envelope(Envelope(seq=i, time=1.0 + i, event=Page(url=f"https://shop.example/{i}"))).encode()
             for i in range(15)]
    lines[5] = dump_envelope(Envelope(seq=5, time=6.0, event=Command(payload=["identify", "x"]))).encode()
    for i in range(3, 15):
        lines[i] = lines[i].replace(b"https", b"\xff\xfe").replace(b"identify", b"identi\xff")
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "html"])
def test_skipped_lines_make_the_check_partial_in_every_format(cli: Cli, tmp_path: Path, fmt: str) -> None:
    result = cli("check", str(recording_with_broken_lines(tmp_path / "r.jsonl")), "--format", fmt)
    assert result.code == 2
    assert "passed" not in result.out.lower().replace("not passed", "")
    if fmt == "json":
        summary = json.loads(result.out)["summary"]
        assert summary["partial"] is True and summary["skipped_lines"] == 12 and summary["exit_code"] == 2
    elif fmt == "junit":
        assert 'message="partial: 12 line(s) skipped"' in result.out
    else:
        assert "PARTIAL" in result.out


def test_errors_name_the_line_and_field_never_the_value(cli: Cli, tmp_path: Path) -> None:
    good = dump_envelope(Envelope(seq=0, time=1.0, event=Page(url="https://shop.example/")))
    bad = [
        {"seq": 1, "time": 2.0, "event": {"kind": SECRET}},
        {"seq": SECRET, "time": 3.0, "event": {"kind": "tick"}},
        {"seq": 3, "time": 4.0, "event": {"kind": "command", "tag_loaded": SECRET}},
        {"seq": 4, "time": 5.0, "device": {"name": SECRET}, "event": {"kind": "tick"}},
    ]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join([good, *(json.dumps(b) for b in bad)]) + "\n")
    result = cli("check", str(path), "--format", "json")
    errors = json.loads(result.out)["inputs"][0]["errors"]
    assert SECRET not in result.out + result.err
    assert errors[0] == "line 2: event: unknown kind, skipped"
    assert [e.split(":")[:2] for e in errors] == [["line 2", " event"], ["line 3", " seq"],
                                                 ["line 4", " event.command.tag_loaded"], ["line 5", " device"]]
