"""Open a recording or HAR file off the GUI thread: read, decode and judge it in chunks.

The worker judges into its own ``CaptureStore`` (a recording's events kept as their lines), which the
window takes as its store once the file is read; the window reads only the events it has been told
of. Each chunk's ``Step`` values (not kept by the store) go to the window by a queued signal for its
views, so the window keeps painting and shows progress while a 100,000-event file loads. It stays
at most ``AHEAD`` chunks ahead of the window (the window calls ``taken`` for each chunk it took):
an unbounded stream of posted chunks would starve Qt's timers and input, freezing the window exactly
when the reading is fast; and it stops while the window asks it to (``hold``: telling the views,
painting), so the two take turns rather than wait for each other's interpreter lock: between events
as it judges them, and between reads of a file it reads whole.

A plain recording (every line an event, in order) is judged as it is read, each line parsed once;
any other file is read whole by ``load_capture`` first. A recording found not to be plain part way
through is read again that way, into a store of its own, and ``read`` comes a second time: the window
drops the first steps. Each ``read`` hands over the store of its reading: the window may take the
first one only after the second reading began (CI: the window then read the first reading's rows
from the second's empty store, an IndexError inside Qt's paint that shiboken turned into a segfault).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from inspector.decode.compact import CompactEnvelopes, EnvelopeFacts
from inspector.decode.sources import CaptureFileError, LoadedCapture, load_capture
from inspector.model.reference import ModelConfig
from inspector.model.state import Verdict
from inspector.session.engine import Engine, Step
from inspector.session.store import CaptureStore
from inspector.wire.envelope import Envelope, WireError, parse_envelope

_BOM = b"\xef\xbb\xbf"

CHUNK = 1000
# Chunks the worker may send before the window has taken the first: a chunk the window only keeps
# for its next notice costs it a list append, so the worker need not wait for each turn of its loop.
AHEAD = 4
HOLD_EVERY = 50  # events between two looks at whether the window asked the worker to wait


class LoadWorker(QThread):
    """Reads ``path`` and feeds a fresh store; emits steps in chunks, then the end verdicts."""

    # The file was read (this many lines or events): the window takes the store given, the one this
    # reading judges into (not ``self.store`` when it comes: the signal is queued, and by then a
    # second reading may have started a store of its own).
    read = Signal(int, object)
    progress = Signal(int, int)  # done, total
    chunk = Signal(object)  # the steps just judged: list[Step]
    done = Signal(object, object, str)  # final verdicts: list[Verdict], errors: list[str], kind
    failed = Signal(str)

    def __init__(self, path: Path, config: ModelConfig | None = None,
                 loader: Callable[[Path], LoadedCapture] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.config = config
        self.loader = loader
        self.store = CaptureStore(config)
        self.skipped = 0  # lines or entries of the file that could not be read (a partial capture)
        # What kinds of evidence the judged events hold, noted here rather than over all of them on
        # the GUI thread once the load is done (a 55 ms pause at 100,000 events).
        self.facts = EnvelopeFacts()
        self._stop = False
        self._credits = threading.Semaphore(AHEAD)
        self._go = threading.Event()  # cleared while the window works: the worker then waits
        self._go.set()

    def cancel(self) -> None:
        self._stop = True
        self._credits.release()  # wake a worker waiting for the window
        self._go.set()

    def hold(self) -> None:
        """The window has work of its own (telling its views, painting): the worker stops at its
        next ``HOLD_EVERY`` events rather than compete for the interpreter, until ``taken``."""
        self._go.clear()

    def taken(self, chunks: int = 1) -> None:
        """The window has taken ``chunks`` chunks: the worker may go on and send as many more."""
        self._go.set()
        if chunks:
            self._credits.release(chunks)

    def _wait_for_window(self) -> bool:
        """Block until the window has room for a chunk; False when cancelled meanwhile."""
        while not self._credits.acquire(timeout=0.1):
            if self._stop:
                return False
        return not self._stop

    def run(self) -> None:
        if self.loader is None:
            try:
                if self._judge_plain_recording():
                    return
            except OSError as exc:
                self.failed.emit(f"{self.path}: {exc.strerror or exc}")
                return
            # Not a plain recording (a HAR file, a damaged line, a journal appended to twice): read
            # it whole, then judge it; not while the window paints what was judged so far.
            self._wait_while_held()
            if self._stop:
                return
            self.store, self.facts = CaptureStore(self.config), EnvelopeFacts()
        try:
            loaded = self.loader(self.path) if self.loader else self._read_whole()
        except CaptureFileError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a reader bug must not take the app down
            self.failed.emit(f"{self.path}: {type(exc).__name__}: {exc}")
            return
        self.skipped = loaded.skipped
        pairs = ((item, None) if isinstance(item, Envelope) else (parse_envelope(item), item)
                 for item in _items(loaded.envelopes))
        if self._judge(pairs, len(loaded.envelopes), loaded.errors):
            self._finish(loaded.errors, loaded.kind)

    def _wait_while_held(self) -> None:
        if not self._go.is_set():
            self._go.wait()

    def _read_whole(self) -> LoadedCapture:
        # Between two reads of the file the worker waits while the window works (``hold``), as it
        # does between events when it judges them.
        return load_capture(self.path, compact=True, on_read=lambda _done: self._wait_while_held())

    def _judge_plain_recording(self) -> bool:
        """Read and judge a recording whose every line is an event in order, parsing each line once;
        False (nothing judged, or the window told to wait for a second ``read``) for any other file."""
        with self.path.open("rb") as handle:
            data = handle.read()
        lines = data.removeprefix(_BOM).splitlines(keepends=True)
        first = next((line for line in lines if line.strip()), b"")
        try:
            parse_envelope(first)
        except WireError:
            return False
        plain = [True]
        if self._judge(_in_order(lines, plain), len(lines), []) and plain[0]:
            self._finish([], "recording")
        return plain[0] or self._stop

    def _judge(self, pairs: Iterable[tuple[Envelope, bytes | str | None]], total: int,
               errors: list[str]) -> bool:
        """Tell the window the file was read, then judge ``pairs`` (``total`` of them), sending each
        ``CHUNK`` of steps once the window has room; False when cancelled."""
        store = self.store
        self.read.emit(total, store)
        self.progress.emit(0, total)
        steps: list[Step] = []
        done = 0
        for env, line in pairs:
            done += 1
            try:
                step = store.judge(env, line)
            except Exception as exc:  # one bad event must not lose the rest of the file
                errors.append(f"event #{env.seq}: engine error {type(exc).__name__}: {exc}")
            else:
                assert step is not None  # the store keeps time travel
                self.facts.note(step.envelope)
                steps.append(step)
            if done % HOLD_EVERY == 0:
                self._wait_while_held()
            if done % CHUNK == 0 and not self._send(steps, done, total):
                return False
            if done % CHUNK == 0:
                steps = []
        return (done % CHUNK == 0 or self._send(steps, done, total)) and not self._stop

    def _send(self, steps: list[Step], done: int, total: int) -> bool:
        if self._stop or not self._wait_for_window():
            return False
        self.chunk.emit(steps)
        self.progress.emit(min(done, total), total)
        return True

    def _finish(self, errors: list[str], kind: str) -> None:
        final: list[Verdict] = self.store.finish()
        self.done.emit(final, errors, kind)

    @property
    def engine(self) -> Engine:
        return self.store.engine


def _in_order(lines: list[bytes], plain: list[bool]) -> Iterator[tuple[Envelope, bytes]]:
    """Each line's event, with the line, while every line is an event (blank lines aside) and each
    device's sequence numbers increase; at the first line that is not, ``plain[0]`` becomes False and
    the events end (``load_capture`` then reads the file: it skips, reports or renumbers)."""
    last: dict[str, int] = {}
    for line in lines:
        if not line.strip():
            continue
        try:
            env = parse_envelope(line)
        except WireError:
            plain[0] = False
            return
        if env.seq <= last.get(env.device, -1):
            plain[0] = False
            return
        last[env.device] = env.seq
        yield env, line


def _items(envelopes: Sequence[Envelope]) -> Iterable[Envelope | bytes | str]:
    """A capture's events, each as the line it was read from when it was kept as one (the store then
    keeps that line rather than an envelope), else as the envelope."""
    return envelopes.kept() if isinstance(envelopes, CompactEnvelopes) else envelopes
