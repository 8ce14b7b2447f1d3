"""The capture connection on its own: one health from the child process and its socket."""

from __future__ import annotations

import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from inspector.gui.live.connection import CaptureCommand, CaptureConnection
from inspector.wire.envelope import Envelope
from tests.gui.fake_child import FakeChild


def test_health_follows_the_child_and_its_stream(qtbot: QtBot, recording: Path, demo: list[Envelope]) -> None:
    child = FakeChild(recording, "wait").command_for
    connection = CaptureConnection()
    healths: list[str] = []
    got: list[Envelope] = []
    connection.health_changed.connect(healths.append)
    connection.envelope.connect(got.append)
    try:
        connection.start(child)
        qtbot.waitUntil(lambda: len(got) == len(demo), timeout=15000)
        assert got == demo and connection.proxy_address == "127.0.0.1:8080"
        connection.start(child)  # already running: nothing new starts
        with qtbot.waitSignal(connection.stopped, timeout=10000):
            connection.stop()
        assert healths == ["starting", "healthy", "stopped"] and connection.proxy_address == ""
    finally:
        connection.close()


def test_a_child_that_dies_is_a_crash_with_its_last_words(qtbot: QtBot, recording: Path) -> None:
    child = FakeChild(recording, "crash").command_for
    connection = CaptureConnection()
    try:
        with qtbot.waitSignal(connection.crashed, timeout=15000) as crashed:
            connection.start(child)
        reason, lines = crashed.args
        assert "70" in reason and any("proxy exploded" in line for line in lines)
        assert connection.health == "crashed" and not connection.is_running()
    finally:
        connection.close()


HANGS_UP = """
import json, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall((json.dumps({"hello": "uxa-inspector", "v": 1, "token": sys.argv[2], "pid": 5}) + "\\n").encode())
time.sleep(0.3)
s.close()
time.sleep(60)
"""


def test_a_child_that_hangs_up_but_runs_on_is_a_lost_stream(qtbot: QtBot) -> None:
    def child(port: int, token: str, journal: Path) -> CaptureCommand:
        return CaptureCommand(sys.executable, ["-c", HANGS_UP, str(port), token], "127.0.0.1:8080")

    connection = CaptureConnection()
    try:
        connection.start(child)
        qtbot.waitUntil(lambda: connection.health == "stream lost", timeout=15000)
        assert connection.is_running()
    finally:
        connection.close()
    assert connection.health == "stopped"
