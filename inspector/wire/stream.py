"""The stream protocol both ends of the live socket share, sans-io (bytes in, outcomes out), as in h11.

Rules (``inspector.wire.envelope``): the first non-empty line must be a ``Hello`` with the expected token
and protocol version, otherwise the connection is refused and closed before any event is taken (another
local program cannot inject events); after it, each line is one envelope. A bad line is reported with
its line number and skipped; a line longer than the wire's limit is dropped without being buffered
whole; a connection that ends in the middle of a line reports that last line as truncated.
"""

from __future__ import annotations

import errno
import secrets
from dataclasses import dataclass

from inspector.wire.envelope import (
    MAX_LINE_BYTES,
    PROTOCOL_VERSION,
    Envelope,
    Hello,
    WireError,
    parse_envelope,
    parse_hello,
)

# Both listeners hold a connection that has not said hello for at most this long, and at most this
# many such connections at once (the oldest is dropped for a new one): a local program that opens
# sockets and says nothing cannot use up the app's file descriptors or shut the real child out.
HELLO_TIMEOUT_S = 10.0
MAX_WAITING_PEERS = 16
# accept() errors that pass once a descriptor or buffer is free again, or that concern one connection
# only: a listener goes on after them (the others mean its socket is closed).
PASSING_ACCEPT_ERRORS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM,
                                   errno.ECONNABORTED, errno.EPROTO, errno.EPERM})


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

    @property
    def buffered(self) -> int:
        """Bytes of an unfinished line held until its newline (never more than ``max_line``)."""
        return len(self._buffer)

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
