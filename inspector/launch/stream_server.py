"""The app's end of the live stream for the CLI and tests: a small threaded loopback listener around the
sans-io ``StreamProtocol`` of ``inspector.wire.stream`` (no Qt, no mitmproxy)."""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
import time
from collections.abc import Callable

from inspector.wire.endpoints import LOOPBACK, LOOPBACK_HOSTS
from inspector.wire.envelope import MAX_LINE_BYTES, Envelope, Hello
from inspector.wire.stream import (
    HELLO_TIMEOUT_S,
    MAX_WAITING_PEERS,
    PASSING_ACCEPT_ERRORS,
    Greeted,
    Outcome,
    Refused,
    StreamProtocol,
)


class StreamServer:
    """A loopback listener for capture children: ``with StreamServer() as server: ...``.

    Envelopes of every accepted connection land in ``envelopes`` (in arrival order) and go to
    ``on_envelope`` if given (called on the connection's thread; its exceptions are recorded in
    ``errors``, never raised into the reader). ``refusals`` and ``errors`` keep what was turned away.
    """

    def __init__(self, token: str | None = None, host: str = LOOPBACK, port: int = 0,
                 on_envelope: Callable[[Envelope], None] | None = None,
                 max_line: int = MAX_LINE_BYTES, hello_timeout: float = HELLO_TIMEOUT_S,
                 max_waiting: int = MAX_WAITING_PEERS) -> None:
        if host not in LOOPBACK_HOSTS:
            raise ValueError(f"the event stream listens on a loopback address only, not {host!r}")
        self.token = token or secrets.token_urlsafe(24)
        self.on_envelope = on_envelope
        self.max_line = max_line
        self.hello_timeout = hello_timeout
        self.max_waiting = max_waiting
        self.envelopes: list[Envelope] = []
        self.hellos: list[Hello] = []
        self.refusals: list[str] = []
        self.errors: list[str] = []
        self._changed = threading.Condition()
        self._open_peers = 0
        self._closing = False
        self._peers: set[socket.socket] = set()
        self._waiting: list[socket.socket] = []  # accepted, no hello yet; oldest first
        self._accept_error: int | None = None
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
            except OSError as exc:
                if self._closing or exc.errno not in PASSING_ACCEPT_ERRORS:
                    return  # closed
                self._accept_failed(exc)
                continue
            self._accept_error = None
            with self._changed:
                if self._closing:
                    conn.close()
                    return
                if len(self._waiting) >= self.max_waiting:
                    self._drop_oldest_waiting(f"more than {self.max_waiting} connections waiting for hello")
                self._peers.add(conn)
                self._waiting.append(conn)
                self._open_peers += 1
            threading.Thread(target=self._serve, args=(conn,), name="uxa-stream-peer", daemon=True).start()

    def _accept_failed(self, exc: OSError) -> None:
        """Out of descriptors (or buffers): free one by dropping the oldest silent connection, wait a
        moment and go on accepting; the next connection may be the real child."""
        if self._accept_error != exc.errno:  # said once per spell, not once per attempt
            self._accept_error = exc.errno
            with self._changed:
                self.errors.append(f"cannot accept connections: {exc.strerror or exc}; still listening")
        with self._changed:
            self._drop_oldest_waiting("no file descriptor left for a new connection")
        time.sleep(0.05)

    def _drop_oldest_waiting(self, why: str) -> None:
        """Called with the lock held. Shutting the socket down wakes its reader, which closes it."""
        if self._waiting:
            oldest = self._waiting.pop(0)
            self.refusals.append(f"dropped a connection that had not said hello: {why}")
            with contextlib.suppress(OSError):
                oldest.shutdown(socket.SHUT_RDWR)

    def _serve(self, conn: socket.socket) -> None:
        protocol = StreamProtocol(self.token, self.max_line)
        deadline = time.monotonic() + self.hello_timeout  # a silent or slow peer may not hold on forever
        try:
            while not protocol.refused:
                if not protocol.greeted:
                    conn.settimeout(max(0.001, deadline - time.monotonic()))
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
                if protocol.greeted and conn.gettimeout() is not None:
                    conn.settimeout(None)
                    with self._changed, contextlib.suppress(ValueError):
                        self._waiting.remove(conn)
                if not data:
                    break
        finally:
            with contextlib.suppress(OSError):
                conn.close()
            with self._changed:
                self._peers.discard(conn)
                with contextlib.suppress(ValueError):
                    self._waiting.remove(conn)
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
