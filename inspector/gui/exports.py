"""Saving the recording and writing the HTML report, off the GUI thread.

At 100,000 events either takes about a second (each line parsed and written again; the report's
rendering), which the GUI thread used to spend in one go. What is to be written is taken on the GUI
thread when asked (the events kept so far, the store's lists and state: a few ms, ``report_job``,
``CompactEnvelopes.copy``), so a live capture that goes on changes neither; the writing runs on Qt's
thread pool, in the Qt-free layers (``report.recording``, ``report.html``, ``report.files``: a file
is replaced whole or not at all). Meanwhile the window says what it is writing, and Save and Report
wait; a failure (an unwritable folder, a full disk) is said in the banner and the log, and the
capture in memory stays as it was. While a file loads they wait too: what is judged so far is only
part of that file, and a recording saved then would silently hold part of it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStatusBar

from inspector.gui import integrations
from inspector.gui.inspection import Inspection
from inspector.gui.widgets.panels import ProblemBanner
from inspector.report.files import write_replacing
from inspector.report.recording import write_recording

Progress = Callable[[int, int], None]

class ExportJob(QObject):
    """One file being written. Its signals come from the pool's thread, queued to the GUI thread."""

    progress = Signal(int, int)  # done, total
    done = Signal(str)  # what was written, said for the log
    failed = Signal(str)  # why not

    def __init__(self, what: str, path: Path, work: Callable[[Progress], str]) -> None:
        super().__init__()  # no parent: the runnable keeps it until its last signal
        self.what = what
        self.path = path
        self.work = work


class _Runner(QRunnable):
    def __init__(self, job: ExportJob) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:
        job = self.job
        try:
            said = job.work(job.progress.emit)
        except OSError as exc:
            job.failed.emit(f"{job.path}: {exc.strerror or exc}")
        except Exception as exc:  # a report bug must not take the capture down
            job.failed.emit(f"{job.path}: {type(exc).__name__}: {exc}")
        else:
            job.done.emit(said)


class Exports(QObject):
    """The window's save and report: one at a time (``busy``), each off the GUI thread."""

    started = Signal(str)  # "Saving capture.jsonl…"
    progress = Signal(str)  # the same with how far it is
    finished = Signal(bool, str)  # succeeded, the line for the log
    refused = Signal(str)  # why nothing is written now (said in the status bar)

    def __init__(self, inspection: Inspection, parent: QObject | None = None,
                 pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.inspection = inspection
        self.pool = pool or QThreadPool.globalInstance()
        self.job: ExportJob | None = None
        self._runner: _Runner | None = None  # kept while the pool runs it

    def busy(self) -> bool:
        return self.job is not None

    def available(self) -> bool:
        """Whether Save and Report can start now: no file being written, none loading."""
        return self.job is None and not self.inspection.loading

    def show_in(self, log: Callable[[str], None], status: QStatusBar, banner: ProblemBanner,
                actions: tuple[QAction, ...]) -> None:
        """Say in the window what is written, how far, and how it ended; ``actions`` (Save, Report)
        are disabled meanwhile."""

        def enable() -> None:
            for action in actions:
                action.setEnabled(self.available())

        def end(ok: bool, said: str) -> None:
            enable()
            log(said if ok else f"could not write {said}")
            status.showMessage(said[:1].upper() + said[1:] if ok else f"Could not write {said}", 8000)
            if not ok:
                banner.show_problem("The file could not be written (the capture is still here: try "
                                    "another place)", [said], can_restart=False)

        def start(what: str) -> None:
            enable()
            status.showMessage(what)

        self.started.connect(start)
        self.refused.connect(lambda why: status.showMessage(why, 8000))
        self.inspection.loading_changed.connect(lambda _loading: enable())
        self.progress.connect(status.showMessage)
        self.finished.connect(end)

    def _refused(self) -> bool:
        """Whether Save or Report must wait (then said with ``refused``)."""
        if self.job is not None:
            self.refused.emit(f"Not written: wait for “{self.job.what}” to finish")
        elif self.inspection.loading:
            self.refused.emit("Not written: the file being opened has not finished loading "
                              "(only part of it is judged yet)")
        return not self.available()

    def save(self, path: Path) -> bool:
        """Start saving the events captured so far as a recording; False (and ``refused``) while
        another file is being written or a file loads."""
        if self._refused():
            return False
        envelopes = self.inspection.raws.copy()

        def work(progress: Progress) -> str:
            count = write_recording(path, envelopes, progress)
            return f"saved {count} events to {path}"

        return self._start(f"Saving {path.name}", path, work)

    def report(self, path: Path, reveal: bool) -> bool:
        """Start writing the HTML report of what the inspection holds now (masked unless revealed);
        False (and ``refused``) as for ``save``."""
        if self._refused():
            return False
        render = integrations.report_job(self.inspection, reveal)

        def work(_progress: Progress) -> str:
            write_replacing(path, render())
            return f"report written to {path}"

        return self._start(f"Writing the report {path.name}", path, work)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool's work is done (closing the window, tests); True when it is."""
        return self.pool.waitForDone(msecs)

    def _start(self, what: str, path: Path, work: Callable[[Progress], str]) -> bool:
        job = self.job = ExportJob(what, path, work)
        # Slots of this object (the GUI thread's): the pool thread's signals are queued to them.
        job.progress.connect(self._on_progress)
        job.done.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self._runner = _Runner(job)
        self.started.emit(f"{what}…")
        self.pool.start(self._runner)
        return True

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self.job is not None:
            self.progress.emit(f"{self.job.what}… {done * 100 // max(total, 1)}%")

    @Slot(str)
    def _on_done(self, said: str) -> None:
        self._end(True, said)

    @Slot(str)
    def _on_failed(self, why: str) -> None:
        self._end(False, why)

    def _end(self, ok: bool, said: str) -> None:
        self.job = self._runner = None
        self.finished.emit(ok, said)
