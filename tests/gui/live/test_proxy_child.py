"""The capture child owner, with real child processes: output, crashes, stops."""

from __future__ import annotations

import sys

from pytestqt.qtbot import QtBot

from inspector.gui.live.proxy_child import ProxyChild

PRINT_AND_DIE = "import sys\nfor i in range(50): print('line', i)\nprint('Error: port 8080 in use', file=sys.stderr)\nsys.exit(3)"
SLEEP = "import time\nprint('proxy listening', flush=True)\ntime.sleep(60)"


def test_a_crash_reports_the_last_lines(qtbot: QtBot) -> None:
    proc = ProxyChild()
    with qtbot.waitSignal(proc.crashed, timeout=10000) as crashed:
        proc.start(sys.executable, ["-c", PRINT_AND_DIE])
    reason, lines = crashed.args
    assert reason == "the capture proxy exited with code 3"
    assert lines[-1] == "Error: port 8080 in use"
    assert len(lines) == 40 and lines[0] == "line 11"  # a bounded tail
    assert not proc.is_running()


def test_a_missing_program_is_a_crash_not_an_exception(qtbot: QtBot) -> None:
    proc = ProxyChild()
    with qtbot.waitSignal(proc.crashed, timeout=10000) as crashed:
        proc.start("/nonexistent/mitmdump", [])
    assert crashed.args[0].startswith("could not start /nonexistent/mitmdump")


def test_stop_is_a_stop_not_a_crash_and_a_new_start_runs_it_again(qtbot: QtBot) -> None:
    proc = ProxyChild()
    crashes = []
    proc.crashed.connect(lambda *a: crashes.append(a))
    with qtbot.waitSignal(proc.output, timeout=10000) as out:
        proc.start(sys.executable, ["-c", SLEEP])
    assert out.args == ["proxy listening"]
    with qtbot.waitSignal(proc.stopped, timeout=10000):
        proc.stop()
    assert not proc.is_running()
    with qtbot.waitSignal(proc.output, timeout=10000):
        proc.start(sys.executable, ["-c", SLEEP])
    assert proc.is_running()
    proc.stop_and_wait()
    assert not proc.is_running()
    assert crashes == []
