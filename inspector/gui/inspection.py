"""The GUI's adapter over the session store (``session.store.CaptureStore``): the one judged capture
the views, the status bar and the exports read, with Qt signals for what changed.

Live envelopes are queued as they arrive and applied in batches on a timer (about every 75 ms, more
often while behind, at most ``LIVE_BUDGET_S`` of work per tick), so 2,000 events a second never starve
the event loop. Files are read and judged by a worker thread (``loading.LoadWorker``) into its own
store, which becomes this inspection's store once the file is read; the worker hands over each
chunk's steps, and the views hear of them at most every ``LOAD_PUBLISH_S`` (each notice costs a
repaint), in slices of at most ``BUDGET_S``. The current view is replaced only once the new file has
been read: a file that cannot be read leaves it as it was. Views hear about new steps through
``steps_appended`` and append rows; nothing ever resets a view on append. Everything reads only the
events the views were told of (``shown``): a loading store already holds more.
"""

from __future__ import annotations

import sys
import time
from collections import Counter, deque
from collections.abc import Hashable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal

from inspector.decode.compact import CompactEnvelopes, EnvelopeFacts
from inspector.gui import collector
from inspector.gui.live.loading import LoadWorker
from inspector.gui.numbering import SourceNumbering
from inspector.model.reference import ModelConfig
from inspector.model.state import Severity, Snapshot, Verdict
from inspector.report.recording import write_recording
from inspector.session.engine import Engine, Step
from inspector.session.store import CaptureStore, StepView
from inspector.wire.envelope import Envelope

BATCH_INTERVAL_MS = 75
# Behind (more queued than one batch applied): the next batch follows sooner, so a pause stays one
# budget long and the window still catches up.
CATCH_UP_MS = 15
# A loaded file's notice is told this long a turn. Its turns come from a 0 ms timer, which Qt may run
# twice before another timer's (a pause is then two budgets); the timeline paints only after the last.
BUDGET_S = 0.01
# A live batch is shorter: its turn may also hold a repaint, the listener's reading and a panel.
LIVE_BUDGET_S = 0.012
# Views hear of new live steps at most this often: each notice repaints the timeline, and painting
# after every catch-up batch cost more than applying the events.
PUBLISH_S = 0.075
PUBLISH_AT_ONCE = 64  # new steps the views may hear of in the batch's own turn (after a short batch)
LOAD_SWITCH_INTERVAL_S = 0.0002
SLICE = 500  # loaded steps told at once (then the budget is checked: ~4 ms of work)
# While a file loads, the views hear of its steps this often: each notice repaints the timeline,
# and repainting for every chunk cost more than judging it.
LOAD_PUBLISH_S = 0.5
# The loader and the window take turns rather than run together: each of the window's many short
# calls into Python (a paint asks the models for every visible cell) waited for the GIL while the
# loader held it, which turned a 20 ms paint into several hundred on a busy machine. So the loader
# is let go on with an event posted at the low priority of Qt's repaint requests, which comes after
# the repaint the applied rows asked for.
_CREDIT_EVENT = QEvent.Type(QEvent.registerEventType())
# A progress bar that shows its value repaints the window at once on each new value (QProgressBar
# calls repaint(), not update()): one per chunk made the window paint a hundred times per file.
PROGRESS_INTERVAL_S = 0.25


class Inspection(QObject):
    steps_appended = Signal(int, object)  # index of the first new step, list[Step]
    final_verdicts = Signal(object)  # list[Verdict] judged at the end of a file or capture
    cleared = Signal()
    counts_changed = Signal()
    load_progress = Signal(int, int)
    load_finished = Signal(object, str)  # errors: list[str], kind
    load_failed = Signal(str)
    # A loaded file's notice is told to the views over several turns (True) until its last (False):
    # a view may paint once, after the last, rather than after each turn.
    telling = Signal(bool)
    problem = Signal(str)  # a non-fatal problem worth a line in the log/status bar
    loading_changed = Signal(bool)  # a file began (True) or ended (False) loading

    def __init__(self, config: ModelConfig | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The loader thread allocates a lot: Python's GC must not run there and destroy Qt objects.
        app = QCoreApplication.instance()
        if app is not None:
            collector.install(app)
        self.config = config or ModelConfig()
        self.store = CaptureStore(self.config)
        self.bad_lines = 0
        # Capture runs and the demo's child each number from 0: merged per device here.
        self._numbering = SourceNumbering()
        self.source: str = ""
        self.loading = False
        self._switch_interval = sys.getswitchinterval()
        self._queue: deque[Envelope] = deque()
        self._unpublished: list[Step] = []  # applied live steps the views have not heard of yet
        self.shown = 0  # events the views have been told of (the store may hold more: a file loading)
        self._published_at = 0.0
        self._worker: LoadWorker | None = None
        self._progress_at = 0.0
        self.skipped = 0  # lines of the opened file that could not be read (a partial load)
        self.loaded_facts = EnvelopeFacts()  # what the opened file's judged events hold (its loader's)
        # A loaded file's steps waiting to be told to the views, and the load's end once they are.
        self._chunks: deque[list[Step]] = deque()
        self._loaded_at = 0.0  # when the views last heard of loaded steps
        self._owed = 0  # chunks kept for a notice whose room the worker gets back after the repaint
        self._telling = False  # a notice is being told over several turns (``telling``)
        self._done: tuple[list[Verdict], list[str], str] | None = None
        # Owned here, so it can never fire into a deleted inspection (a bare singleShot could).
        self._apply_timer = QTimer(self)
        self._apply_timer.setInterval(0)
        self._apply_timer.timeout.connect(self._apply_loaded)
        self._release_timer = QTimer(self)  # the worker goes on after a panel's turn (``hold_loader``)
        self._release_timer.setSingleShot(True)
        self._release_timer.setInterval(0)
        self._release_timer.timeout.connect(self._release_after_paint)
        self._finish_timer = QTimer(self)
        self._finish_timer.setSingleShot(True)
        self._finish_timer.setInterval(0)
        self._finish_timer.timeout.connect(self._finish_when_told)
        self._publish_timer = QTimer(self)
        self._publish_timer.setSingleShot(True)
        self._publish_timer.setInterval(0)
        self._publish_timer.timeout.connect(self.publish)
        self._timer = QTimer(self)
        self._timer.setInterval(BATCH_INTERVAL_MS)
        self._timer.timeout.connect(self.drain)
        self._timer.start()

    # ------------------------------------------------------------------ live input

    def enqueue(self, envelope: Envelope, source: Hashable = "") -> None:
        """Take one live envelope from ``source`` (a capture run, the demo's child); it is applied at
        the next batch."""
        self._queue.append(self._numbering.renumber(envelope, source))

    def note_bad_line(self, message: str) -> None:
        self.bad_lines += 1
        self.problem.emit(message)
        self.counts_changed.emit()

    def pending(self) -> int:
        return len(self._queue)

    def drain(self) -> int:
        """Apply queued envelopes for at most ``LIVE_BUDGET_S``; returns how many were applied. While a
        file loads, its worker feeds the store: live envelopes wait, and follow the file's."""
        if self._worker is not None:
            return 0
        if not self._queue:
            if self._unpublished:
                self.publish()
            return 0
        deadline = time.perf_counter() + LIVE_BUDGET_S
        steps = self._unpublished
        applied = len(steps)
        while self._queue:
            raw = self._queue.popleft()
            refused = len(self.store.refused)
            try:
                step = self.store.feed(raw)
            except Exception as exc:  # a model bug on one event must not stop the capture
                self.problem.emit(f"event #{raw.seq} could not be applied: {type(exc).__name__}: {exc}")
                continue
            if step is None:  # refused by the model: counted and said, never silent
                if refused == 0:
                    self.problem.emit(f"events refused: {self.store.refused[-1]}")
                continue
            steps.append(step)
            if len(steps) % 8 == 0 and time.perf_counter() > deadline:
                break
        applied = len(steps) - applied
        now = time.perf_counter()
        if not self._queue or now - self._published_at >= PUBLISH_S:
            if now > deadline - LIVE_BUDGET_S / 2 or len(self._unpublished) > PUBLISH_AT_ONCE:
                # A long batch, or many rows: their insertion and the repaint they ask for make a
                # turn of their own at the next one (together they made pauses over 50 ms).
                self._publish_timer.start()
            else:
                self.publish()
        behind = self._queue or (self._unpublished and not self._publish_timer.isActive())
        interval = CATCH_UP_MS if behind else BATCH_INTERVAL_MS
        if self._timer.interval() != interval:
            self._timer.setInterval(interval)
        return applied

    def publish(self) -> None:
        """Tell the views about the live steps applied since they last heard."""
        self._publish_timer.stop()
        steps, self._unpublished = self._unpublished, []
        self._published_at = time.perf_counter()
        if steps:
            self._tell(steps)
        self.counts_changed.emit()

    def flush(self) -> None:
        """Apply everything queued now (tests, end of capture)."""
        while self._queue and self._worker is None:
            self.drain()
        if self._unpublished:
            self.publish()

    def finish(self) -> list[Verdict]:
        """End of a live capture: judge the open expectations."""
        self.flush()
        final = self.store.finish()
        self._announce_final(final)
        return final

    # ------------------------------------------------------------------ files

    def open_file(self, path: Path) -> LoadWorker | None:
        """Replace the current data by the file's, loaded in a worker thread. A file that cannot be
        read at all fails (``load_failed``: at once when it cannot be opened, from the worker when its
        content is not a capture or reading breaks) and leaves the current data as it is."""
        try:
            with path.open("rb") as probe:
                probe.read(1)
        except OSError as exc:
            self.load_failed.emit(f"{path}: {exc.strerror or exc}")
            return None
        self.cancel_load()
        self._set_loading(True)
        # Its last signals arrive while the thread is still winding down: owned by this object (not
        # by a Python reference dropped on "done"), it lives until it has finished (a QThread
        # destroyed while running aborts the process).
        worker = LoadWorker(path, self.config, parent=self)
        worker.finished.connect(worker.deleteLater)
        worker.read.connect(self._on_read)
        worker.chunk.connect(self._on_chunk)
        worker.progress.connect(self._on_progress)
        worker.done.connect(self._on_loaded)
        worker.failed.connect(self._on_failed)
        self._worker = worker
        worker.start()
        return worker

    def _on_read(self, _events: int, store: CaptureStore) -> None:
        """The new file was read: now, not before, its data replaces the current data."""
        worker = self._worker
        if self.sender() is worker and worker is not None:
            # Again when a recording turned out not to be plain: its first steps are dropped.
            self._chunks.clear()
            self.clear()
            self.store = store  # judged by the worker; read here up to ``shown``
            self.source = str(worker.path)

    def cancel_load(self) -> None:
        self._apply_timer.stop()
        self._finish_timer.stop()
        self._told()
        self._chunks.clear()
        self._owed = 0
        self._done = None
        worker = self._worker
        if worker is not None:
            worker.cancel()
            worker.wait()
            self._worker = None
            self._set_loading(False)
            if self.store is worker.store and self.shown < len(self.store.steps):
                # What it judged stays, as far as it got: the views hear of the rest, so that later
                # events are numbered after it.
                self._tell(self.store.steps[self.shown:])

    def _set_loading(self, loading: bool) -> None:
        """While a file loads, keep the window turning: hand the GIL over more often, and hold the
        cyclic GC, whose full passes over 100,000 steps would stall both threads for a second."""
        if loading and not self.loading:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(LOAD_SWITCH_INTERVAL_S)
            collector.hold()
        elif not loading and self.loading:
            sys.setswitchinterval(self._switch_interval)
            collector.release(freeze=True)  # the loaded steps stay: later passes skip them
        changed = loading != self.loading
        self.loading = loading
        if changed:
            self.loading_changed.emit(loading)

    def _on_chunk(self, steps: list[Step]) -> None:
        worker = self._worker
        if self.sender() is not worker or worker is None:
            return  # a cancelled load's late chunk
        self._chunks.append(steps)
        if time.perf_counter() - self._loaded_at >= LOAD_PUBLISH_S:
            worker.hold()  # until the views are told and painted: they wait for no interpreter
            self._owed += 1  # given back once painted
            self._apply_timer.start()
        else:
            worker.taken()  # kept for the next notice: the worker goes on at once

    def _apply_loaded(self) -> None:
        """Tell the views of loaded steps for at most ``BUDGET_S`` in this turn of the event loop; the
        worker goes on once they are all told and the window has painted them."""
        worker = self._worker
        if worker is None:
            self._apply_timer.stop()
            return
        deadline = time.perf_counter() + BUDGET_S
        applied = False
        if not self._telling and self._chunks:
            self._telling = True
            self.telling.emit(True)
        while self._chunks and (not applied or time.perf_counter() < deadline):  # a slice at least
            steps = self._chunks[0]
            if len(steps) > SLICE:
                self._chunks[0] = steps[SLICE:]
                steps = steps[:SLICE]
            else:
                self._chunks.popleft()
            self._append(steps)
            applied = True
        if applied:
            self.counts_changed.emit()
        if not self._chunks:
            self._apply_timer.stop()
            self._loaded_at = time.perf_counter()
            self._told()  # the views paint what they were told, before the worker's credit below
            if self._done is not None:
                # In a turn of its own: the panels' refresh and the window's end of the load come
                # after this turn's rows (together they made the longest pause of an open).
                self._finish_timer.start()
            else:
                # The worker's next chunk once the window has painted this one.
                low = Qt.EventPriority.LowEventPriority.value
                QCoreApplication.postEvent(self, QEvent(_CREDIT_EVENT), low)

    def _told(self) -> None:
        if self._telling:
            self._telling = False
            self.telling.emit(False)

    def hold_loader(self) -> None:
        """The window has work of its own in this turn while a file loads (a panel's refresh): the
        worker waits until it is done and painted, as it does for a notice of steps. Run together,
        the panel's many calls into Python each waited for the worker's interpreter lock: a 30 ms
        refresh made pauses of 90-160 ms."""
        worker = self._worker
        if worker is not None:
            worker.hold()
            # Item views lay out on their own 0 ms timers, then paint: the credit follows both.
            self._release_timer.start()

    def _release_after_paint(self) -> None:
        low = Qt.EventPriority.LowEventPriority.value
        QCoreApplication.postEvent(self, QEvent(_CREDIT_EVENT), low)

    def customEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        # While a notice is told, its own credit comes once it is painted (a panel's comes earlier).
        if event.type() == _CREDIT_EVENT and self._worker is not None and not self._apply_timer.isActive():
            self._worker.taken(self._owed)
            self._owed = 0

    def _on_progress(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if self.sender() is self._worker and (now - self._progress_at >= PROGRESS_INTERVAL_S or done == 0):
            self._progress_at = now
            self.load_progress.emit(done, total)

    def _on_loaded(self, final: list[Verdict], errors: list[str], kind: str) -> None:
        worker = self._worker
        if self.sender() is not worker or worker is None:
            return
        self._done = (final, errors, kind)
        if self._chunks:
            self._apply_timer.start()  # what was kept for the next notice, now
        else:
            self._finish_load(worker, final, errors, kind)

    def _finish_when_told(self) -> None:
        worker = self._worker
        if worker is not None and self._done is not None and not self._chunks:
            self._finish_load(worker, *self._done)

    def _finish_load(self, worker: LoadWorker, final: list[Verdict], errors: list[str], kind: str) -> None:
        self._done = None
        self.skipped = worker.skipped
        self.loaded_facts = worker.facts  # its store is this one: later live events continue it
        self._worker = None
        self._set_loading(False)
        self.bad_lines += len(errors)
        self._announce_final(final)  # the worker's store has them already
        self.counts_changed.emit()
        self.load_finished.emit(errors, kind)

    def _on_failed(self, message: str) -> None:
        if self.sender() is not self._worker:
            return  # a cancelled load's late news
        self._apply_timer.stop()
        self._told()
        self._worker = None
        self._set_loading(False)
        self.load_failed.emit(message)

    def save(self, path: Path) -> int:
        """Write what was captured as a recording (JSON lines); returns the number of lines."""
        return write_recording(path, self.raws)

    # ------------------------------------------------------------------ state

    def clear(self) -> None:
        self.store = CaptureStore(self.config)
        self._queue.clear()
        self._numbering.clear()
        self._unpublished = []
        self._publish_timer.stop()
        self.shown = 0
        self.bad_lines = 0
        self.skipped = 0
        self.loaded_facts = EnvelopeFacts()
        self.source = ""
        self.cleared.emit()
        self.counts_changed.emit()

    def set_config(self, config: ModelConfig) -> None:
        """Takes effect for the next capture or file (a running model keeps its deadline)."""
        self.config = config

    # What the store holds, read by views and exports (the store is the only copy).
    @property
    def engine(self) -> Engine:
        return self.store.engine

    @property
    def raws(self) -> CompactEnvelopes:
        return self.store.raws

    @property
    def steps(self) -> StepView:
        """Every event as a ``Step``, rebuilt when read (``envelope_at`` and ``snapshot_at`` are
        cheaper when only one part is needed)."""
        return self.store.steps

    @property
    def verdicts(self) -> list[Verdict]:
        return self.store.verdicts

    @property
    def verdict_counts(self) -> Counter[Severity]:
        return self.store.severity_counts

    @property
    def events(self) -> int:
        return self.store.events

    @property
    def dropped(self) -> int:
        return self.store.dropped

    @property
    def refused(self) -> int:
        return len(self.store.refused)

    def snapshot_at(self, index: int) -> Snapshot | None:
        return self.store.snapshot_at(index)

    def envelope_at(self, index: int) -> Envelope:
        """Event ``index`` decoded, as the model saw it."""
        return self.store.envelope_at(index)

    def latest(self) -> Snapshot | None:
        """The state after the newest step the views have been told about (live steps are told in
        batches, ``PUBLISH_S`` apart; a loading file's every ``LOAD_PUBLISH_S``)."""
        return self.store.snapshot_at(self.shown - 1)

    def devices(self) -> list[str]:
        snap = self.latest()
        return list(snap.devices) if snap else []

    def _append(self, steps: list[Step]) -> None:
        if steps:
            self._tell(steps)

    def _tell(self, steps: list[Step]) -> None:
        """The views hear of the next ``steps`` (already in the store)."""
        first = self.shown
        self.shown += len(steps)
        self.steps_appended.emit(first, steps)

    def _announce_final(self, final: list[Verdict]) -> None:
        if final:
            self.final_verdicts.emit(final)
            self.counts_changed.emit()
