"""The live capture as one object: the proxy child process and the authenticated socket it streams
into, with a single health made from both (the connection object of architecture.md).

Health: ``idle`` → ``starting`` (child started, no hello yet) → ``healthy`` (hello accepted) →
``stopped`` (ended as asked) or ``crashed`` (ended on its own) or ``stream lost`` (the child runs but
its socket closed). Signals from the process and the socket may arrive in either order on a busy
machine; the health never goes back from ``healthy`` to ``starting``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from inspector.gui.live.listener import Listener
from inspector.gui.live.proxy_child import ProxyChild
from inspector.launch import locations


@dataclass(frozen=True, slots=True)
class CaptureCommand:
    program: str
    args: list[str]
    proxy_address: str
    # Secrets go to the child in its environment, not on its command line (visible in ps).
    env: dict[str, str] = field(default_factory=dict)


# (stream port, token, journal) -> the child's command: the caller decides what the child is.
CommandFor = Callable[[int, str, Path], CaptureCommand]


class CaptureConnection(QObject):
    envelope = Signal(object)  # Envelope
    bad_line = Signal(str)  # a line of the stream that was skipped, and why
    health_changed = Signal(str)
    stopped = Signal()  # the child ended as asked
    crashed = Signal(str, list)  # why, the child's last output lines
    message = Signal(str)  # for the capture log: what started, connected, was refused, printed

    def __init__(self, parent: QObject | None = None, token: str | None = None) -> None:
        super().__init__(parent)
        self.listener = Listener(self, token)
        self.process = ProxyChild(self)
        self.health = "idle"
        self.proxy_address = ""
        self.journal: Path | None = None
        self._stopping = False  # asked to stop: the stream closing first is expected, not "lost"
        self.listener.envelope.connect(self.envelope)
        self.listener.bad_line.connect(self.bad_line)
        self.listener.refused.connect(self.message)
        self.listener.connected.connect(self._on_connected)
        self.listener.disconnected.connect(self._on_disconnected)
        self.process.started.connect(self._on_started)
        self.process.stopped.connect(self._on_stopped)
        self.process.crashed.connect(self._on_crashed)
        self.process.output.connect(lambda line: self.message.emit(f"proxy: {line}"))

    def is_running(self) -> bool:
        return self.process.is_running()

    def start(self, command_for: CommandFor) -> None:
        """Listen, then start the child ``command_for`` makes for this socket, token and a new journal.
        Raises what ``command_for`` raises, or ``OSError`` (one line each), when it cannot."""
        if self.is_running():
            return
        port = self.listener.listen()
        journal = locations.private_dir(locations.journals_dir()) / dt.datetime.now().strftime(
            "capture-%Y%m%d-%H%M%S.jsonl")
        command = command_for(port, self.listener.token, journal)
        self.journal, self.proxy_address = journal, command.proxy_address
        self.message.emit(f"starting capture: {command.program} {' '.join(command.args)}")
        self.message.emit(f"journal: {journal}")
        self._stopping = False
        self.process.start(command.program, command.args, command.env)
        self._set_health("starting")

    def stop(self) -> None:
        """Ask the child to end cleanly (``stopped`` follows; it is killed if it does not)."""
        self._stopping = True
        self.process.stop()

    def close(self) -> None:
        """For the app's shutdown: end the child, waiting for it, and stop listening."""
        self._stopping = True
        self.process.stop_and_wait()
        self.listener.close()

    # ------------------------------------------------------------------ health

    def _on_started(self) -> None:
        if not self.listener.is_connected():
            self._set_health("starting")

    def _on_connected(self, pid: int) -> None:
        self.message.emit(f"capture connected (pid {pid})")
        # A child that sent its hello and died at once may be seen ending before its hello is read:
        # its end stands, a late hello must not make a crashed capture look healthy.
        if self.is_running():
            self._set_health("healthy")

    def _on_disconnected(self) -> None:
        if self.is_running() and not self._stopping:
            self._set_health("stream lost")
        self.message.emit("capture stream closed")

    def _on_stopped(self) -> None:
        self.proxy_address = ""
        self._set_health("stopped")
        self.stopped.emit()

    def _on_crashed(self, reason: str, lines: list[str]) -> None:
        self.proxy_address = ""
        self._set_health("crashed")
        self.crashed.emit(reason, lines)

    def _set_health(self, health: str) -> None:
        if health != self.health:
            self.health = health
            self.health_changed.emit(health)
