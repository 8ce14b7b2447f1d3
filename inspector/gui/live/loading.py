"""Open a recording or HAR file off the GUI thread: read, decode and judge it in chunks.

The worker judges into its own ``CaptureStore`` (a recording's events kept as their lines), which the
window takes as its store once the file is read; the window reads only the events it has been told
of. Each chunk's ``Step`` values (not kept by the store) go to the window by a queued signal for its
views, so the window keeps painting and shows progress while a 100,000-event file loads. It stays
at most ``AHEAD`` chunks ahead of the window (the window calls ``taken`` for each chunk it applied):
an unbounded stream of posted chunks would starve Qt's timers and input, freezing the window exactly
when the reading is fast.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from inspector.decode.compact import CompactEnvelopes, EnvelopeFacts
from inspector.decode.sources import CaptureFileError, LoadedCapture, load_capture
from inspector.model.reference import ModelConfig
from inspector.model.state import Verdict
from inspector.session.engine import Engine, Step
from inspector.session.store import CaptureStore
from inspector.wire.envelope import Envelope, parse_envelope

CHUNK = 1000
AHEAD = 1


class LoadWorker(QThread):
    """Reads ``path`` and feeds a fresh store; emits steps in chunks, then the end verdicts."""

    read = Signal(int)  # the file was read (this many events): the window may now take ``store``
    progress = Signal(int, int)  # done, total
    chunk = Signal(object)  # the steps just judged: list[Step]
    done = Signal(object, object, str)  # final verdicts: list[Verdict], errors: list[str], kind
    failed = Signal(str)

    def __init__(self, path: Path, config: ModelConfig | None = None,
                 loader: Callable[[Path], LoadedCapture] = lambda path: load_capture(path, compact=True),
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

    def cancel(self) -> None:
        self._stop = True
        self._credits.release()  # wake a worker waiting for the window

    def taken(self) -> None:
        """The window has applied a chunk: the worker may send another."""
        self._credits.release()

    def _wait_for_window(self) -> bool:
        """Block until the window has room for a chunk; False when cancelled meanwhile."""
        while not self._credits.acquire(timeout=0.1):
            if self._stop:
                return False
        return not self._stop

    def run(self) -> None:
        try:
            loaded = self.loader(self.path)
        except CaptureFileError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a reader bug must not take the app down
            self.failed.emit(f"{self.path}: {type(exc).__name__}: {exc}")
            return
        store = self.store
        self.skipped = loaded.skipped
        items = _items(loaded.envelopes)
        total = len(items)
        self.read.emit(total)
        self.progress.emit(0, total)
        for start in range(0, total, CHUNK):
            if self._stop:
                return
            steps: list[Step] = []
            for item in items[start:start + CHUNK]:
                env, line = (item, None) if isinstance(item, Envelope) else (parse_envelope(item), item)
                try:
                    step = store.judge(env, line)
                except Exception as exc:  # one bad event must not lose the rest of the file
                    loaded.errors.append(f"event #{env.seq}: engine error {type(exc).__name__}: {exc}")
                    continue
                assert step is not None  # the store keeps time travel
                self.facts.note(step.envelope)
                steps.append(step)
            if not self._wait_for_window():
                return
            self.chunk.emit(steps)
            self.progress.emit(min(start + CHUNK, total), total)
        final: list[Verdict] = store.finish()
        self.done.emit(final, loaded.errors, loaded.kind)

    @property
    def engine(self) -> Engine:
        return self.store.engine


def _items(envelopes: Sequence[Envelope]) -> Sequence[Envelope | bytes | str]:
    """A capture's events, each as the line it was read from when it was kept as one (the store then
    keeps that line rather than an envelope), else as the envelope."""
    if isinstance(envelopes, CompactEnvelopes):
        # decode.compact gives no public access to its lines yet (asked); they are read, not changed.
        return envelopes._items
    return envelopes
