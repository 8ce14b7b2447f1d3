"""Replacing a file: the old one stays whole until the new one is complete."""

from __future__ import annotations

import errno
import os
import stat
import threading
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


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_written_files_are_private_to_their_owner(tmp_path: Path) -> None:
    new, old = tmp_path / "new.html", tmp_path / "old.jsonl"
    old.write_text("old")
    old.chmod(0o644)
    write_replacing(new, "report")
    with replacing_text(old) as out:
        out.write("recording")
    assert mode(new) == mode(old) == 0o600


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    target, link = tmp_path / "real.html", tmp_path / "link.html"
    target.write_text("old")
    link.symlink_to(target)
    write_replacing(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_a_fifo_is_written_through_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_replacing(fifo, "through the pipe")
    reader.join(10)
    assert received == [b"through the pipe"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_full_device_reports_the_error_and_stays_a_device(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root could rename over /dev/full itself: use a node of our own
        device = tmp_path / "full"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    else:
        device = Path("/dev/full")
    with pytest.raises(OSError) as info:
        write_replacing(device, "x" * 100_000)
    assert info.value.errno == errno.ENOSPC
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["full"] if os.geteuid() == 0 else [])
