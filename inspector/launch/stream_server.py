"""The app's end of the live stream for the CLI and tests: a small threaded loopback listener around the
sans-io ``StreamProtocol`` of ``inspector.wire.stream`` (no Qt, no mitmproxy)."""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
from collections.abc import Callable

from inspector.wire.endpoints import LOOPBACK, LOOPBACK_HOSTS
from inspector.wire.envelope import MAX_LINE_BYTES, Envelope, Hello
from inspector.wire.stream import Greeted, Outcome, Refused, StreamProtocol

HELLO_TIMEOUT_S = 10.0


class StreamServer:
    """A loopback listener for capture children: ``with StreamServer() as server: ...``.

    Envelopes of every accepted connection land in ``envelopes`` (in arrival order) and go to
    ``on_envelope`` if given (called on the connection's thread; its exceptions are recorded in
    ``errors``, never raised into the reader). ``refusals`` and ``errors`` keep what was turned away.
    """

    def __init__(self, token: str | None = None, host: str = LOOPBACK, port: int = 0,
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
