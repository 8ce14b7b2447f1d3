"""The capture child (mitmdump with our addon) as a ``QProcess`` on the GUI's event loop: start,
stop, its last output lines, crash reports. (``launch.proxy.BlockingProxy`` is the blocking twin the
CLI and the demo use.)

The proxy is never embedded in the Qt process. A crash (or a start failure) is reported with the
child's last output lines and the app offers a restart; the window never goes down with it. Stop
asks politely (terminate), then kills after ``STOP_GRACE_MS``.
"""

from __future__ import annotations

import os
import signal
from collections import deque

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

STOP_GRACE_MS = 3000
TAIL_LINES = 40


class ProxyChild(QObject):
    started = Signal()
    stopped = Signal()  # a stop the user asked for
    crashed = Signal(str, object)  # one-line reason, last output lines: list[str]
    output = Signal(str)  # each line the child prints

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.process: QProcess | None = None
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self.program = ""
        self._stopping = False
        self._partial = b""
        # Owned by this object, so it dies with it: a bare QTimer.singleShot to a bound method can
        # fire after the object is gone and crash the app.
        self._kill_timer = QTimer(self)
        self._kill_timer.setSingleShot(True)
        self._kill_timer.setInterval(STOP_GRACE_MS)
        self._kill_timer.timeout.connect(self._kill_if_running)

    def is_running(self) -> bool:
        return self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning

    def start(self, program: str, args: list[str], env: dict[str, str] | None = None) -> None:
        if self.is_running():
            raise RuntimeError("the capture is already running")
        self.program = program
        self.tail.clear()
        self._stopping = False
        self._partial = b""
        proc = QProcess(self)
        proc.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        if env:
            qenv = QProcessEnvironment.systemEnvironment()
            for key, value in env.items():
                qenv.insert(key, value)
            proc.setProcessEnvironment(qenv)
        proc.readyReadStandardOutput.connect(self._read)
        proc.errorOccurred.connect(self._error)
        proc.finished.connect(self._finished)
        proc.started.connect(self.started)
        self.process = proc
        proc.start(program, args)

    def stop(self) -> None:
        proc = self.process
        if proc is None or proc.state() == QProcess.ProcessState.NotRunning:
            return
        self._stopping = True
        self._interrupt(proc)
        self._kill_timer.start()

    def stop_and_wait(self, msecs: int = STOP_GRACE_MS + 2000) -> None:
        """For app shutdown: stop and block until the child is gone."""
        proc = self.process
        if proc is None or proc.state() == QProcess.ProcessState.NotRunning:
            return
        self._stopping = True
        self._interrupt(proc)
        if not proc.waitForFinished(STOP_GRACE_MS):
            proc.kill()
            proc.waitForFinished(msecs - STOP_GRACE_MS)

    @staticmethod
    def _interrupt(proc: QProcess) -> None:
        """SIGINT, like Ctrl+C: mitmdump then finishes its journal; elsewhere Qt's terminate()."""
        pid = int(proc.processId())
        if pid and hasattr(signal, "SIGINT") and os.name == "posix":
            try:
                os.kill(pid, signal.SIGINT)
                return
            except OSError:
                pass
        proc.terminate()

    def _kill_if_running(self) -> None:
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()

    def _read(self) -> None:
        if self.process is None:
            return
        data = self._partial + bytes(self.process.readAllStandardOutput().data())
        *lines, self._partial = data.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", errors="replace").rstrip()
            if line:
                self.tail.append(line)
                self.output.emit(line)

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            reason = f"could not start {self.program}: " + (
                self.process.errorString() if self.process else "unknown error")
            self.tail.append(reason)
            self.crashed.emit(reason, list(self.tail))

    def _finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._kill_timer.stop()
        self._read()
        if self._partial:
            self.tail.append(self._partial.decode("utf-8", errors="replace"))
            self._partial = b""
        if self._stopping:
            self._stopping = False
            self.stopped.emit()
            return
        how = "crashed" if status == QProcess.ExitStatus.CrashExit else f"exited with code {code}"
        self.crashed.emit(f"the capture proxy {how}", list(self.tail))
