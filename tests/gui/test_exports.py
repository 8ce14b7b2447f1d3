"""Save and Report from the real window: written off the GUI thread, byte for byte what the window
wrote on its own thread before, the window busy meanwhile, and a failure said without losing the
capture."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from pytestqt.qtbot import QtBot

from inspector.gui import exports
from inspector.gui.main_window import MainWindow
from inspector.report.capture import InputFile
from inspector.report.check import CheckRun
from inspector.report.html import render_html
from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Page
from tests.gui.reading_gate import hold_whole_readings
from tests.gui.test_main_window import new_window, open_and_wait


@pytest.fixture
def window(qtbot: QtBot, store: QSettings, recording: Path) -> Iterator[MainWindow]:
    win = new_window(qtbot, store)
    open_and_wait(qtbot, win, recording)
    yield win
    win.controller.close()


def _report_on_the_gui_thread(win: MainWindow, reveal: bool) -> str:
    """The report as the window rendered it before, from its live store, in one go."""
    ins = win.inspection
    item = InputFile(path=ins.source, kind="recording", envelopes=ins.raws)
    run = CheckRun((item,), ins.store, ins.config.deadline_s)
    return render_html(run, reveal=reveal, title=f"UXA Inspector report — {Path(ins.source).name}")


def _written(qtbot: QtBot, win: MainWindow, start: bool) -> tuple[bool, str]:
    with qtbot.waitSignal(win.exports.finished, timeout=20000) as ended:
        assert start
    ok, said = ended.args  # type: ignore[misc]
    return ok, said


def test_save_and_report_write_what_the_window_wrote_before(qtbot: QtBot, window: MainWindow,
                                                           tmp_path: Path) -> None:
    saved = tmp_path / "saved.jsonl"
    assert _written(qtbot, window, window.save_file(saved)) == (True, f"saved {len(window.inspection.raws)} "
                                                                      f"events to {saved}")
    assert saved.read_bytes() == "".join(dump_envelope(raw) + "\n" for raw in window.inspection.raws).encode()
    assert saved.read_bytes() == Path(window.inspection.source).read_bytes()  # a recording saved again
    for reveal in (False, True):
        window.set_reveal(reveal)
        report = tmp_path / f"report-{reveal}.html"
        assert _written(qtbot, window, window.write_report(report))[0]
        assert report.read_bytes() == _report_on_the_gui_thread(window, reveal).encode()
        assert ("customer-0001" in report.read_text()) == reveal
    assert "Report written to" in window.statusBar().currentMessage()
    assert f"report written to {report}" in window.log_panel.toPlainText()


def test_the_window_turns_while_a_file_is_written_and_says_so(qtbot: QtBot, window: MainWindow,
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    turned = threading.Event()  # set by a zero-timer of the GUI thread
    threads: list[int] = []
    write = exports.write_recording

    def slow_write(*args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        assert turned.wait(10), "the GUI thread did not turn while the file was written"
        return write(*args, **kwargs)

    monkeypatch.setattr(exports, "write_recording", slow_write)
    out = tmp_path / "saved.jsonl"
    with qtbot.waitSignal(window.exports.finished, timeout=20000) as ended:
        assert window.save_file(out)
        assert window.exports.busy() and not window.save_action.isEnabled()
        assert not window.report_action.isEnabled()
        assert window.statusBar().currentMessage() == "Saving saved.jsonl…"
        assert not window.write_report(tmp_path / "report.html")  # one file at a time
        QTimer.singleShot(0, turned.set)
    assert ended.args[0] and threads and threads[0] != threading.get_ident()  # type: ignore[index]
    assert window.save_action.isEnabled() and window.report_action.isEnabled() and not window.exports.busy()
    assert out.exists() and not (tmp_path / "report.html").exists()


def test_events_that_come_while_saving_wait_for_the_next_save(qtbot: QtBot, window: MainWindow,
                                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    go = threading.Event()
    write = exports.write_recording
    monkeypatch.setattr(exports, "write_recording", lambda *a, **k: go.wait(10) and write(*a, **k))
    before = "".join(dump_envelope(raw) + "\n" for raw in window.inspection.raws).encode()
    last = window.inspection.raws[-1]
    out = tmp_path / "saved.jsonl"
    with qtbot.waitSignal(window.exports.finished, timeout=20000):
        window.save_file(out)
        window.inspection.enqueue(Envelope(seq=last.seq + 1, time=last.time + 1, device=last.device,
                                           event=Page(url="https://shop.test/later")))
        window.inspection.drain()
        assert window.inspection.raws[-1].seq == last.seq + 1
        go.set()
    assert out.read_bytes() == before


def _unwritable_dir(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    # Root writes into any folder whatever its mode: sysfs refuses new files even to root.
    if not Path("/sys/kernel").is_dir():
        pytest.skip("no folder that root cannot write into")
    return Path("/sys/kernel")


@pytest.mark.parametrize("kind", ["read-only folder", "full disk"])
def test_a_file_that_cannot_be_written_is_said_and_the_capture_stays(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, kind: str) -> None:
    if kind == "full disk" and os.geteuid() == 0:  # root's own /dev/full: root could rename over that one
        target = tmp_path / "full"
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # every write fails with ENOSPC
    elif kind == "full disk":
        target = Path("/dev/full")
    else:
        target = _unwritable_dir(tmp_path) / "capture.jsonl"
    events, rows = window.inspection.events, len(window.timeline_model.rows)
    for start in (lambda: window.save_file(target), lambda: window.write_report(target)):
        window.banner.hide()
        ok, said = _written(qtbot, window, start())
        assert not ok and said.startswith(f"{target}: ")
        assert window.banner.isVisible() and "could not be written" in window.banner.title.text()
        assert str(target) in window.banner.lines.text()
        assert f"could not write {said}" in window.log_panel.toPlainText()
        assert window.statusBar().currentMessage().startswith("Could not write")
        assert window.save_action.isEnabled()
    assert window.inspection.events == events and len(window.timeline_model.rows) == rows
    assert not target.is_file()  # nothing half-written where the file was asked for
    saved = tmp_path / "after.jsonl"  # and it can still be saved elsewhere
    assert _written(qtbot, window, window.save_file(saved))[0]
    assert saved.read_bytes() == Path(window.inspection.source).read_bytes()


def test_save_and_report_wait_while_a_file_loads(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                 recording: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A recording with a damaged first line is read whole; that reading waits here, so the load lasts.
    gate = hold_whole_readings(monkeypatch)
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_bytes(b"{not json\n" + recording.read_bytes())
    saved, report = tmp_path / "saved.jsonl", tmp_path / "report.html"
    with qtbot.waitSignal(window.inspection.load_finished, timeout=20000):
        window.open_file(damaged)
        assert gate.begun.wait(20)
        assert not window.save_action.isEnabled() and not window.report_action.isEnabled()
        assert not window.save_file(saved)
        assert "has not finished loading" in window.statusBar().currentMessage()
        assert not window.write_report(report)
        gate.go_on.set()
    assert window.save_action.isEnabled() and window.report_action.isEnabled()
    assert not saved.exists() and not report.exists()
    assert _written(qtbot, window, window.save_file(saved))[0]
    assert saved.read_bytes() == recording.read_bytes()  # every event of the file, none of its damage
