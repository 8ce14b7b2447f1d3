"""Replacing a file: the old one stays whole until the new one is complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.report.files import replacing_text, write_replacing


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path: Path) -> None:
    target = tmp_path / "capture.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), replacing_text(target) as out:
        out.write("half of the new")
        raise RuntimeError("disk full, say")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["capture.jsonl"]


def test_a_complete_write_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    with replacing_text(target) as out:
        out.write("new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    write_replacing(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_an_unwritable_place_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_replacing(tmp_path / "no" / "dir" / "x.html", "x")
