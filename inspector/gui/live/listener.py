"""The live socket: a loopback listener the capture child connects back to.

Every rule of the protocol (hello with our token and version first, one envelope per line, bad lines
skipped and reported, over-long lines never buffered whole) lives in the sans-io ``StreamProtocol``;
this class only moves bytes between Qt sockets and it, and turns its outcomes into signals.

Connections are accepted here, from a non-blocking socket watched by a ``QSocketNotifier``, rather
than by ``QTcpServer``: when the process runs out of file descriptors, QTcpServer either stops
accepting for good or keeps retrying without telling anyone, and the real child is locked out. Here
``EMFILE`` drops the oldest connection still silent, pauses a moment and goes on.

Reading is bounded per turn of the event loop: lines that piled up while the window was busy (a
few thousand after a long paint) are parsed ``READ_CHUNK`` bytes at a time for at most
``READ_BUDGET_S``, and the rest waits in the socket's buffer for the next turn, in order.
"""

from __future__ import annotations

import secrets
import socket as sockets
import time

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal
from PySide6.QtNetwork import QTcpSocket

from inspector.wire.envelope import Envelope
from inspector.wire.stream import (
    HELLO_TIMEOUT_S,
    MAX_WAITING_PEERS,
    PASSING_ACCEPT_ERRORS,
    BadLine,
    Greeted,
    Outcome,
    Refused,
    StreamProtocol,
)

_RETRY_ACCEPT_MS = 50
READ_CHUNK = 16 * 1024  # about 30 lines of a capture: the clock is looked at between chunks
READ_BUDGET_S = 0.005


class _Peer:
    """One accepted connection and its protocol state."""

    def __init__(self, socket: QTcpSocket, token: str) -> None:
        self.socket = socket
        self.protocol = StreamProtocol(token)
        self.since = time.monotonic()

    @property
    def hello(self) -> bool:
        return self.protocol.greeted and not self.protocol.refused


class Listener(QObject):
    envelope = Signal(object)  # Envelope
    bad_line = Signal(str)  # a line that was skipped, and why
    connected = Signal(int)  # the child's pid (or 0) after a valid hello
    disconnected = Signal()
    refused = Signal(str)  # a connection closed for a bad hello

    def __init__(self, parent: QObject | None = None, token: str | None = None,
                 hello_timeout: float = HELLO_TIMEOUT_S, max_waiting: int = MAX_WAITING_PEERS) -> None:
        super().__init__(parent)
        self.token = token or secrets.token_urlsafe(24)
        self.hello_timeout = hello_timeout
        self.max_waiting = max_waiting
        self._server: sockets.socket | None = None
        self._notifier: QSocketNotifier | None = None
        self.peers: list[_Peer] = []
        self.lines = 0
        self._deadlines = QTimer(self)
        self._deadlines.setInterval(max(50, int(hello_timeout * 250)))
        self._deadlines.timeout.connect(self._expire_silent)
        self._more = QTimer(self)  # the next turn's reading, when one turn's budget ran out
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(self._read_waiting)

    def listen(self) -> int:
        """Listen on 127.0.0.1 on a free port; returns the port."""
        if self._server is None:
            try:
                server = sockets.create_server(("127.0.0.1", 0))
            except OSError as exc:
                raise OSError(f"cannot listen on 127.0.0.1: {exc.strerror or exc}") from None
            server.setblocking(False)
            self._server = server
            self._notifier = QSocketNotifier(server.fileno(), QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._accept)
        return self.port

    @property
    def port(self) -> int:
        return int(self._server.getsockname()[1]) if self._server is not None else 0

    def is_connected(self) -> bool:
        return any(p.hello for p in self.peers)

    def close(self) -> None:
        for peer in list(self.peers):
            peer.socket.disconnect(self)  # closing is not a lost stream: no signals
            peer.socket.abort()
            peer.socket.deleteLater()
        self.peers.clear()
        self._deadlines.stop()
        self._more.stop()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._server is not None:
            self._server.close()
            self._server = None

    # ------------------------------------------------------------------ socket handling

    def _waiting(self) -> list[_Peer]:
        return [p for p in self.peers if not p.protocol.greeted]

    def _accept(self) -> None:
        while self._server is not None:
            try:
                conn, _ = self._server.accept()
            except BlockingIOError:
                return
            except OSError as exc:
                if exc.errno in PASSING_ACCEPT_ERRORS:
                    self._accept_failed()
                return
            socket = QTcpSocket(self)
            conn.setblocking(False)
            if not socket.setSocketDescriptor(conn.detach()):
                socket.deleteLater()
                continue
            waiting = self._waiting()
            if len(waiting) >= self.max_waiting:
                self._refuse(waiting[0], f"more than {self.max_waiting} connections waiting for hello")
            self.peers.append(_Peer(socket, self.token))
            self._deadlines.start()
            # Bound slots (not lambdas): Qt drops them when this listener is destroyed, so a socket
            # dying later cannot call into a deleted object.
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(self._on_disconnected)

    def _expire_silent(self) -> None:
        """A connection that has not said hello within ``hello_timeout`` is closed."""
        now = time.monotonic()
        waiting = self._waiting()
        for peer in waiting:
            if now - peer.since >= self.hello_timeout:
                self._refuse(peer, f"no hello within {self.hello_timeout:g} s")
        if not self._waiting():
            self._deadlines.stop()

    def _accept_failed(self) -> None:
        """Out of descriptors: free one (the oldest silent connection), and stop watching for a moment
        (the waiting connection keeps the socket readable, which would spin)."""
        waiting = self._waiting()
        if waiting:
            self._refuse(waiting[0], "no file descriptor left for a new connection")
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            QTimer.singleShot(_RETRY_ACCEPT_MS, self._resume_accepting)

    def _resume_accepting(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(True)
            self._accept()

    def _peer_of(self, socket: object) -> _Peer | None:
        return next((p for p in self.peers if p.socket is socket), None)

    def _on_ready_read(self) -> None:
        peer = self._peer_of(self.sender())
        if peer is not None:
            self._read(peer)

    def _on_disconnected(self) -> None:
        socket = self.sender()
        peer = self._peer_of(socket)
        if peer is not None:
            self._gone(peer)
        elif isinstance(socket, QTcpSocket):
            socket.deleteLater()

    def _gone(self, peer: _Peer) -> None:
        if peer in self.peers:
            self.peers.remove(peer)
            was_greeted = peer.hello
            # Bytes that arrived with the close are still the peer's: read them all before ending.
            self._read(peer, budget_s=float("inf"))
            self._handle(peer, peer.protocol.end())
            if was_greeted:
                self.disconnected.emit()
        peer.socket.deleteLater()

    def _read(self, peer: _Peer, budget_s: float | None = None) -> None:
        deadline = time.perf_counter() + (READ_BUDGET_S if budget_s is None else budget_s)
        socket = peer.socket
        while socket.bytesAvailable() > 0 and not peer.protocol.refused:
            self._handle(peer, peer.protocol.feed(bytes(socket.read(READ_CHUNK).data())))
            if time.perf_counter() > deadline and socket.bytesAvailable() > 0:
                self._more.start()
                return

    def _read_waiting(self) -> None:
        for peer in list(self.peers):
            if peer in self.peers and peer.socket.bytesAvailable() > 0:
                self._read(peer)

    def _handle(self, peer: _Peer, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if isinstance(outcome, Envelope):
                self.lines += 1
                self.envelope.emit(outcome)
            elif isinstance(outcome, BadLine):
                self.bad_line.emit(str(outcome))
            elif isinstance(outcome, Greeted):
                self.connected.emit(outcome.hello.pid or 0)
            elif isinstance(outcome, Refused):
                self._refuse(peer, outcome.reason)
                return

    def _refuse(self, peer: _Peer, why: str) -> None:
        self.refused.emit(f"refused a connection: {why}")
        if peer in self.peers:
            self.peers.remove(peer)
        peer.socket.disconnect(self)
        peer.socket.abort()
        peer.socket.deleteLater()
