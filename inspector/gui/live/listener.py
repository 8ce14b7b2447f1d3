"""The live socket: a loopback ``QTcpServer`` the capture child connects back to.

Every rule of the protocol (hello with our token and version first, one envelope per line, bad lines
skipped and reported, over-long lines never buffered whole) lives in the sans-io ``StreamProtocol``;
this class only moves bytes between Qt sockets and it, and turns its outcomes into signals.
"""

from __future__ import annotations

import secrets
import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QTcpServer, QTcpSocket

from inspector.wire.envelope import Envelope
from inspector.wire.stream import (
    HELLO_TIMEOUT_S,
    MAX_WAITING_PEERS,
    BadLine,
    Greeted,
    Outcome,
    Refused,
    StreamProtocol,
)

_RETRY_ACCEPT_MS = 50


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
        self.server = QTcpServer(self)
        self.server.newConnection.connect(self._accept)
        # Qt stops accepting for good after a resource error (EMFILE): free a descriptor, go on.
        self.server.acceptError.connect(self._on_accept_error)
        self.peers: list[_Peer] = []
        self.lines = 0
        self._deadlines = QTimer(self)
        self._deadlines.setInterval(max(50, int(hello_timeout * 250)))
        self._deadlines.timeout.connect(self._expire_silent)

    def listen(self) -> int:
        """Listen on 127.0.0.1 on a free port; returns the port."""
        if not self.server.isListening() and not self.server.listen(QHostAddress.SpecialAddress.LocalHost, 0):
            raise OSError(f"cannot listen on 127.0.0.1: {self.server.errorString()}")
        return self.server.serverPort()

    @property
    def port(self) -> int:
        return self.server.serverPort()

    def is_connected(self) -> bool:
        return any(p.hello for p in self.peers)

    def close(self) -> None:
        for peer in list(self.peers):
            peer.socket.disconnect(self)  # closing is not a lost stream: no signals
            peer.socket.abort()
            peer.socket.deleteLater()
        self.peers.clear()
        self._deadlines.stop()
        self.server.close()

    # ------------------------------------------------------------------ socket handling

    def _waiting(self) -> list[_Peer]:
        return [p for p in self.peers if not p.protocol.greeted]

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
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

    def _on_accept_error(self, error: QAbstractSocket.SocketError) -> None:
        waiting = self._waiting()
        if waiting:
            self._refuse(waiting[0], "no file descriptor left for a new connection")
        QTimer.singleShot(_RETRY_ACCEPT_MS, self._resume_accepting)

    def _resume_accepting(self) -> None:
        if self.server.isListening():
            self.server.resumeAccepting()

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
            # Bytes that arrived with the close are still the peer's: read them before ending.
            self._read(peer)
            self._handle(peer, peer.protocol.end())
            if was_greeted:
                self.disconnected.emit()
        peer.socket.deleteLater()

    def _read(self, peer: _Peer) -> None:
        self._handle(peer, peer.protocol.feed(bytes(peer.socket.readAll().data())))

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
