"""Open a recording or HAR file off the GUI thread: read, decode and judge it in chunks.

The worker owns its own ``Engine`` while it runs and hands over immutable ``Step`` chunks by queued
signals, so the window keeps painting and shows progress while a 100,000-event file loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from inspector.engine import Engine, Step
from inspector.model.reference import ModelConfig
from inspector.model.state import Verdict
from inspector.model.wire import Envelope, WireError, parse_envelope

CHUNK = 1000


class CaptureFileError(Exception):
    """The file cannot be read at all (one clear line)."""


@dataclass
class Loaded:
    envelopes: list[Envelope]
    errors: list[str] = field(default_factory=list)
    kind: str = "recording"


def load_capture(path: Path) -> Loaded:
    """``inspector.sources.load_capture`` when present (recordings and HAR), else recordings only."""
    try:
        from inspector import sources  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return _load_recording(path)
    try:
        got = sources.load_capture(path)
    except sources.CaptureFileError as exc:
        raise CaptureFileError(str(exc)) from None
    return Loaded(list(got.envelopes), list(got.errors), str(got.kind))


def _load_recording(path: Path) -> Loaded:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CaptureFileError(f"{path}: {exc.strerror or exc}") from None
    loaded = Loaded([])
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            loaded.envelopes.append(parse_envelope(line))
        except WireError as exc:
            loaded.errors.append(f"line {number}: {exc}")
    return loaded


class LoadWorker(QThread):
    """Reads ``path`` and feeds a fresh engine; emits steps in chunks, then the end verdicts."""

    progress = Signal(int, int)  # done, total
    chunk = Signal(object, object)  # raw envelopes, their steps
    done = Signal(object, object, str)  # final verdicts: list[Verdict], errors: list[str], kind
    failed = Signal(str)

    def __init__(self, path: Path, config: ModelConfig | None = None,
                 loader: Callable[[Path], Loaded] = load_capture) -> None:
        super().__init__()
        self.path = path
        self.config = config
        self.loader = loader
        self.engine: Engine | None = None
        self._stop = False

    def cancel(self) -> None:
        self._stop = True

    def run(self) -> None:
        try:
            loaded = self.loader(self.path)
        except CaptureFileError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # a loader bug must not take the app down
            self.failed.emit(f"{self.path}: {type(exc).__name__}: {exc}")
            return
        engine = Engine(self.config)
        self.engine = engine
        total = len(loaded.envelopes)
        self.progress.emit(0, total)
        for start in range(0, total, CHUNK):
            if self._stop:
                return
            raws: list[Envelope] = []
            steps: list[Step] = []
            for env in loaded.envelopes[start:start + CHUNK]:
                try:
                    steps.append(engine.feed(env))
                    raws.append(env)
                except Exception as exc:  # one bad event must not lose the rest of the file
                    loaded.errors.append(f"event #{env.seq}: engine error {type(exc).__name__}: {exc}")
            self.chunk.emit(raws, steps)
            self.progress.emit(min(start + CHUNK, total), total)
        final: list[Verdict] = engine.finish()
        self.done.emit(final, loaded.errors, loaded.kind)
