"""The live socket: a loopback ``QTcpServer`` the capture child connects back to.

Protocol (``inspector.model.wire``): the first line is a ``Hello`` with our random token and the
protocol version; every later line is one envelope. A connection with a wrong or missing hello is
closed at once (another local program cannot inject events); a bad envelope line is reported and
skipped, never fatal. Lines longer than the wire's limit are refused without being buffered whole.
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QHostAddress, QTcpServer, QTcpSocket

from inspector.model.wire import MAX_LINE_BYTES, PROTOCOL_VERSION, WireError, parse_envelope, parse_hello


class _Peer:
    """One accepted connection's state: authenticated yet, and the partial line so far."""

    def __init__(self, socket: QTcpSocket) -> None:
        self.socket = socket
        self.hello = False
        self.buffer = bytearray()
        self.skipping = False  # inside an over-long line: drop bytes up to the next newline
        self.line = 0


class Listener(QObject):
    envelope = Signal(object)  # Envelope
    bad_line = Signal(str)  # a line that was skipped, and why
    connected = Signal(int)  # the child's pid (or 0) after a valid hello
    disconnected = Signal()
    refused = Signal(str)  # a connection closed for a bad hello

    def __init__(self, parent: QObject | None = None, token: str | None = None) -> None:
        super().__init__(parent)
        self.token = token or secrets.token_urlsafe(24)
        self.server = QTcpServer(self)
        self.server.newConnection.connect(self._accept)
        self.peers: list[_Peer] = []
        self.lines = 0

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
        self.server.close()

    # ------------------------------------------------------------------ socket handling

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self.peers.append(_Peer(socket))
            # Bound slots (not lambdas): Qt drops them when this listener is destroyed, so a socket
            # dying later cannot call into a deleted object.
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(self._on_disconnected)

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
            if peer.buffer and peer.hello:
                self.bad_line.emit(f"line {peer.line + 1}: connection closed in the middle of a line")
            if peer.hello:
                self.disconnected.emit()
        peer.socket.deleteLater()

    def _read(self, peer: _Peer) -> None:
        data = bytes(peer.socket.readAll().data())
        while data:
            newline = data.find(b"\n")
            chunk, data = (data, b"") if newline < 0 else (data[:newline], data[newline + 1:])
            if peer.skipping:
                if newline >= 0:
                    peer.skipping = False
                continue
            peer.buffer += chunk
            if len(peer.buffer) > MAX_LINE_BYTES:
                peer.line += 1
                self.bad_line.emit(f"line {peer.line}: longer than {MAX_LINE_BYTES} bytes, skipped")
                peer.buffer.clear()
                peer.skipping = newline < 0
                continue
            if newline < 0:
                break
            line = bytes(peer.buffer)
            peer.buffer.clear()
            if not self._line(peer, line):
                return

    def _line(self, peer: _Peer, line: bytes) -> bool:
        """Handle one complete line; False when the connection was closed."""
        peer.line += 1
        if not line.strip():
            return True
        if not peer.hello:
            try:
                hello = parse_hello(line)
            except WireError as exc:
                return self._refuse(peer, str(exc))
            if not secrets.compare_digest(hello.token, self.token):
                return self._refuse(peer, "wrong token")
            if hello.v != PROTOCOL_VERSION:
                return self._refuse(peer, f"protocol version {hello.v}, expected {PROTOCOL_VERSION}")
            peer.hello = True
            self.connected.emit(hello.pid or 0)
            return True
        try:
            env = parse_envelope(line)
        except WireError as exc:
            self.bad_line.emit(f"line {peer.line}: {exc}")
            return True
        self.lines += 1
        self.envelope.emit(env)
        return True

    def _refuse(self, peer: _Peer, why: str) -> bool:
        self.refused.emit(f"refused a connection: {why}")
        if peer in self.peers:
            self.peers.remove(peer)
        peer.socket.disconnect(self)
        peer.socket.abort()
        peer.socket.deleteLater()
        return False
