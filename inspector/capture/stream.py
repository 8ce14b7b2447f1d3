"""Envelopes out of the proxy: numbered on the proxy's thread, written by one background thread.

Hooks call ``emit`` and return at once: it stamps the sequence number and time, and puts the line on a
bounded queue (a full queue drops the line and counts it; a ``dropped`` event says how many as soon
as there is room). The writer thread is woken once per burst, not per line: it waits ``LINGER_S``
after the first line for the rest of the burst, then appends them all to the journal file (flushed
per batch) and sends them to the app's loopback socket, after a ``Hello`` carrying the token. If the
socket is down, lines still reach the journal, from which the app can catch up; ``on_disconnect``
lets the addon stop the proxy when the app goes away.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from inspector.private_files import open_private_append
from inspector.wire.envelope import MAX_LINE_BYTES, Envelope, Hello, dump_envelope, dump_hello
from inspector.wire.events import Dropped, Event, Notice

log = logging.getLogger(__name__)
# How long the writer waits after the first line of a burst for the rest. Under load a wake-up per
# line cost the proxy more than the writing itself (each one takes the GIL from the proxy's loop);
# this bounds the wake-ups to 1 / LINGER_S a second for a few milliseconds of latency.
LINGER_S = 0.01
BATCH_LINES = 2000  # lines per write and send, so the app starts reading a long backlog early


def quiet_log(level: int, message: str, *args: object) -> None:
    """Log from a background thread without dying of it: mitmproxy's terminal log calls ``sys.exit``
    when stdout is gone (its issue 4669), as happens when the app that read our output has died;
    that would end the writer thread and every later journal line with it."""
    with contextlib.suppress(SystemExit, Exception):  # nothing may stop the writer
        log.log(level, message, *args)


def too_long(line: str) -> bool:
    # A character is at most 4 bytes of UTF-8: most lines are told short without encoding them.
    return len(line) * 4 > MAX_LINE_BYTES and len(line.encode("utf-8")) > MAX_LINE_BYTES


class EventStream:
    def __init__(self, journal: Path | None = None, stream: tuple[str, int] | None = None, token: str = "",
                 max_queue: int = 10_000, on_disconnect: Callable[[], None] | None = None,
                 start: bool = True) -> None:
        self.journal_path = journal
        self.stream = stream
        self.token = token
        self.on_disconnect = on_disconnect
        self.seq = 0
        self.dropped = 0
        self.sent = 0
        self._pending_drops = 0
        self.max_queue = max_queue
        # Appended by the proxy's thread, taken by the writer's: deque's append and popleft are
        # thread-safe, and ``_wake`` is set only when the writer may be asleep.
        self._lines: deque[str] = deque()
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="uxa-event-writer", daemon=True)
        self._sock: socket.socket | None = None
        self._journal: TextIO | None = None
        self._was_connected = False
        self._closing = False
        self._lost_told = False
        self._lost_lock = threading.Lock()
        if start:
            self.start()

    def start(self) -> None:
        """Start the writer (done at construction unless ``start=False``, which tests use)."""
        self._thread.start()
        # The writer is a daemon thread: if the process exits without ``close`` (mitmproxy exits
        # abruptly when its stdout breaks), still write out what is queued.
        atexit.register(self.close, 2.0)

    # ----------------------------------------------------------------- proxy thread

    def emit(self, event: Event, device: str = "default", tab: str | None = None,
             at: float | None = None) -> None:
        """Never blocks and never raises. ``at``: when it happened (proxy clock), if not now."""
        stamp = time.time() if at is None else at
        if self._pending_drops and self._put(Dropped(count=self._pending_drops, reason="event queue full"),
                                             device, None, stamp):
            self._pending_drops = 0
        if not self._put(event, device, tab, stamp):
            self.dropped += 1
            self._pending_drops += 1

    def _put(self, event: Event, device: str, tab: str | None, stamp: float) -> bool:
        try:
            envelope = Envelope(seq=self.seq, time=stamp, device=device, tab=tab, event=event)
            line = dump_envelope(envelope)
            if too_long(line):  # readers refuse such a line: keep its place and say what it was
                line = dump_envelope(envelope.model_copy(update={"event": Notice(
                    level="warning", code="event-too-large",
                    message=f"a {event.kind} event of {len(line.encode())} bytes was left out of the "
                            f"recording (the limit is {MAX_LINE_BYTES} bytes a line)")}))
        except Exception:  # pragma: no cover - our own models always dump
            log.exception("could not serialise an event")
            return True
        if len(self._lines) >= self.max_queue:
            return False
        self._lines.append(line)
        self.seq += 1
        if not self._wake.is_set():  # a plain read: the lock inside set() is paid once per burst
            self._wake.set()
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Write out everything queued, then stop the writer."""
        self._closing = True  # our own close is not the app going away
        atexit.unregister(self.close)
        if not self._thread.is_alive():
            return
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout)

    # ----------------------------------------------------------------- writer thread

    def _run(self) -> None:
        if self.journal_path is not None:
            try:
                # A folder made for the journal is owner-only, as launch.locations makes its own.
                self.journal_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                self._journal = open(open_private_append(self.journal_path), "a", encoding="utf-8")  # noqa: SIM115
            except OSError as exc:
                quiet_log(logging.ERROR, "cannot open the journal %s: %s", self.journal_path, exc)
        self._connect()
        if self.stream is not None and self._sock is None:
            # The app listens before it starts us: nobody there means it is already gone.
            self._lost()
        while not self._stopping:
            self._wake.wait()
            if not self._stopping:
                time.sleep(LINGER_S)  # let the rest of the burst arrive
            self._wake.clear()  # before taking: a line appended from now on wakes us again
            self._write_queued()
        self._write_queued()  # whatever came with the stop
        if self._journal is not None:
            self._journal.close()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)  # wakes the watcher's recv
            with contextlib.suppress(OSError):
                self._sock.close()

    def _write_queued(self) -> None:
        while self._lines:
            count = min(len(self._lines), BATCH_LINES)
            self._write([self._lines.popleft() for _ in range(count)])

    def _write(self, lines: list[str]) -> None:
        data = "".join(line + "\n" for line in lines)
        if self._journal is not None:
            try:
                self._journal.write(data)
                self._journal.flush()
            except OSError as exc:
                quiet_log(logging.ERROR, "journal write failed: %s", exc)
        if self._sock is None and self.stream is not None and not self._was_connected:
            self._connect()
        if self._sock is not None:
            try:
                self._sock.sendall(data.encode("utf-8"))
                self.sent += len(lines)
            except OSError as exc:
                quiet_log(logging.WARNING, "the app's socket closed: %s", exc)
                self._sock = None
                self._lost()

    def _lost(self) -> None:
        """The app went away: tell the owner once (from whichever thread noticed first)."""
        with self._lost_lock:
            if self._closing or self._lost_told:
                return
            self._lost_told = True
        if self.on_disconnect is not None:
            self.on_disconnect()

    def _watch(self, sock: socket.socket) -> None:
        """Notice at once when the app closes its end, even while no event is being sent."""
        try:
            while sock.recv(4096):
                pass  # the app has nothing to say on this socket; ignore whatever it sends
        except OSError:
            pass
        self._lost()

    def _connect(self) -> None:
        if self.stream is None:
            return
        try:
            sock = socket.create_connection(self.stream, timeout=5)
            sock.settimeout(None)
            sock.sendall((dump_hello(Hello(token=self.token, pid=os.getpid())) + "\n").encode("utf-8"))
        except OSError as exc:
            quiet_log(logging.WARNING, "cannot reach the app at %s:%s: %s", *self.stream, exc)
            return
        self._sock = sock
        self._was_connected = True
        threading.Thread(target=self._watch, args=(sock,), name="uxa-stream-watch", daemon=True).start()
