"""The app's end of the live stream, without Qt or mitmproxy: for tests, the CLI and any other listener.

Two layers, as in h11: ``StreamProtocol`` is sans-io (bytes in, outcomes out) and knows every rule of
the protocol; ``StreamServer`` is a small threaded loopback listener around it.

Rules (``inspector.model.wire``): the first non-empty line must be a ``Hello`` with the expected token
and protocol version, otherwise the connection is refused and closed before any event is taken (another
local program cannot inject events); after it, each line is one envelope. A bad line is reported with
its line number and skipped; a line longer than the wire's limit is dropped without being buffered
whole; a connection that ends in the middle of a line reports that last line as truncated.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from inspector.model.wire import (
    MAX_LINE_BYTES,
    PROTOCOL_VERSION,
    Envelope,
    Hello,
    WireError,
    parse_envelope,
    parse_hello,
)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
HELLO_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class Greeted:
    """The peer said hello with the right token and version."""

    hello: Hello


@dataclass(frozen=True, slots=True)
class Refused:
    """The peer's first line was not an acceptable hello: the connection must be closed."""

    reason: str


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that was skipped, and why (the stream goes on)."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


Outcome = Envelope | Greeted | Refused | BadLine


class StreamProtocol:
    """One connection's protocol state. ``feed`` bytes as they arrive, ``end`` when the peer closes."""

    def __init__(self, token: str, max_line: int = MAX_LINE_BYTES) -> None:
        self.token = token
        self.max_line = max_line
        self.greeted = False
        self.refused = False
        self.line = 0  # number of the last line completed (1-based), hello included
        self._buffer = bytearray()
        self._skipping = False  # inside an over-long line: drop bytes up to the next newline

    def feed(self, data: bytes) -> list[Outcome]:
        out: list[Outcome] = []
        start = 0
        while start < len(data) and not self.refused:
            newline = data.find(b"\n", start)
            end = len(data) if newline < 0 else newline
            chunk = data[start:end]
            start = end + 1
            if self._skipping:
                self._skipping = newline < 0
                continue
            self._buffer += chunk
            if len(self._buffer) > self.max_line:
                self.line += 1
                self._buffer.clear()
                self._skipping = newline < 0
                out.append(self._too_long())
                continue
            if newline < 0:
                break
            line = bytes(self._buffer)
            self._buffer.clear()
            self.line += 1
            outcome = self._complete(line)
            if outcome is not None:
                out.append(outcome)
        return out

    def end(self) -> list[Outcome]:
        """The peer closed: a partial last line is reported (never parsed as if it were whole)."""
        if self.refused or not self._buffer.strip():
            return []
        self._buffer.clear()
        self.line += 1
        if not self.greeted:
            self.refused = True
            return [Refused("connection closed before a complete hello")]
        return [BadLine(self.line, "connection closed in the middle of a line (truncated)")]

    def _too_long(self) -> Outcome:
        if not self.greeted:
            self.refused = True
            return Refused(f"first line longer than {self.max_line} bytes")
        return BadLine(self.line, f"longer than {self.max_line} bytes, skipped")

    def _complete(self, line: bytes) -> Outcome | None:
        if not line.strip():
            return None
        if not self.greeted:
            return self._hello(line)
        try:
            return parse_envelope(line)
        except WireError as exc:
            return BadLine(self.line, str(exc))

    def _hello(self, line: bytes) -> Outcome:
        try:
            hello = parse_hello(line)
        except WireError as exc:
            return self._refuse(str(exc))
        # Constant-time comparison: the token is the only thing keeping other local programs out.
        if not secrets.compare_digest(hello.token.encode("utf-8"), self.token.encode("utf-8")):
            return self._refuse("wrong token")
        if hello.v != PROTOCOL_VERSION:
            return self._refuse(f"protocol version {hello.v}, expected {PROTOCOL_VERSION}")
        self.greeted = True
        return Greeted(hello)

    def _refuse(self, reason: str) -> Refused:
        self.refused = True
        return Refused(reason)


class StreamServer:
    """A loopback listener for capture children: ``with StreamServer() as server: ...``.

    Envelopes of every accepted connection land in ``envelopes`` (in arrival order) and go to
    ``on_envelope`` if given (called on the connection's thread; its exceptions are recorded in
    ``errors``, never raised into the reader). ``refusals`` and ``errors`` keep what was turned away.
    """

    def __init__(self, token: str | None = None, host: str = "127.0.0.1", port: int = 0,
                 on_envelope: Callable[[Envelope], None] | None = None,
                 max_line: int = MAX_LINE_BYTES, hello_timeout: float = HELLO_TIMEOUT_S) -> None:
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"the event stream listens on a loopback address only, not {host!r}")
        self.token = token or secrets.token_urlsafe(24)
        self.on_envelope = on_envelope
        self.max_line = max_line
        self.hello_timeout = hello_timeout
        self.envelopes: list[Envelope] = []
        self.hellos: list[Hello] = []
        self.refusals: list[str] = []
        self.errors: list[str] = []
        self._changed = threading.Condition()
        self._open_peers = 0
        self._closing = False
        self._peers: set[socket.socket] = set()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._server = socket.create_server((host, port), family=family)
        # Closing a socket does not wake a thread blocked in accept() everywhere: poll instead.
        self._server.settimeout(0.1)
        self.host = host
        self.port: int = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_forever, name="uxa-stream-server", daemon=True)

    def __enter__(self) -> StreamServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def endpoint(self) -> str:
        """``HOST:PORT`` as the addon's ``uxa_stream`` option takes it."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def start(self) -> StreamServer:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop accepting and drop open connections (the child sees its stream close)."""
        with self._changed:
            self._closing = True
            peers = list(self._peers)
        if self._thread.is_alive():
            self._thread.join(5)
        with contextlib.suppress(OSError):
            self._server.close()
        for peer in peers:
            with contextlib.suppress(OSError):
                peer.shutdown(socket.SHUT_RDWR)

    # ------------------------------------------------------------------ waiting (tests, CLI)

    def wait_for(self, predicate: Callable[[list[Envelope]], bool], timeout: float = 10.0) -> bool:
        """Block until ``predicate(envelopes so far)`` holds; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self.envelopes), timeout)

    def wait_connected(self, timeout: float = 10.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: bool(self.hellos), timeout)

    def wait_disconnected(self, timeout: float = 10.0) -> bool:
        """Block until a child that said hello has gone and no connection is open."""
        with self._changed:
            return self._changed.wait_for(lambda: bool(self.hellos) and self._open_peers == 0, timeout)

    # ------------------------------------------------------------------ threads

    def _accept_forever(self) -> None:
        while not self._closing:
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            with self._changed:
                if self._closing:
                    conn.close()
                    return
                self._peers.add(conn)
                self._open_peers += 1
            threading.Thread(target=self._serve, args=(conn,), name="uxa-stream-peer", daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        protocol = StreamProtocol(self.token, self.max_line)
        conn.settimeout(self.hello_timeout)  # a silent peer may not hold a connection forever
        try:
            while not protocol.refused:
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    self._record(Refused(f"no hello within {self.hello_timeout:g} s"))
                    break
                except OSError:
                    data = b""
                outcomes = protocol.feed(data) if data else protocol.end()
                for outcome in outcomes:
                    self._record(outcome)
                if protocol.greeted:
                    conn.settimeout(None)
                if not data:
                    break
        finally:
            with contextlib.suppress(OSError):
                conn.close()
            with self._changed:
                self._peers.discard(conn)
                self._open_peers -= 1
                self._changed.notify_all()

    def _record(self, outcome: Outcome) -> None:
        with self._changed:
            if isinstance(outcome, Envelope):
                self.envelopes.append(outcome)
            elif isinstance(outcome, Greeted):
                self.hellos.append(outcome.hello)
            elif isinstance(outcome, Refused):
                self.refusals.append(outcome.reason)
            else:
                self.errors.append(str(outcome))
            self._changed.notify_all()
        if isinstance(outcome, Envelope) and self.on_envelope is not None:
            try:
                self.on_envelope(outcome)
            except Exception as exc:  # the consumer's bug must not stop the stream
                with self._changed:
                    self.errors.append(f"seq {outcome.seq}: consumer failed: {type(exc).__name__}: {exc}")
