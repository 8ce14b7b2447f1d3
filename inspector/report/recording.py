"""Writing a capture as a recording: one JSON line per raw envelope, as captured (``wire.envelope``).

Each envelope is written as ``dump_envelope`` gives it, so a recording read and saved again keeps its
bytes. The app saves on a worker thread (``gui/exports.py``), which ``progress`` lets wait for the
GUI thread's turns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from inspector.report.files import replacing_text
from inspector.wire.envelope import Envelope, dump_envelope

PROGRESS_EVERY = 5000
# Lines written at once (~500 KB): each write lets go of the interpreter lock for the system call and
# takes it again, and a thread that does so often starves another that waits for the lock (Python's
# lock hands itself over on request only after 5 ms without a switch: a switch each 8 KB resets the
# wait). The GUI thread, beside a save writing line by line, waited 100-500 ms at a time.
WRITE_EVERY = 1000


def write_recording(path: Path, envelopes: Sequence[Envelope],
                    progress: Callable[[int, int], None] | None = None, every: int = PROGRESS_EVERY) -> int:
    """Write ``envelopes`` to ``path`` (whole or not at all: ``report.files``); the number of lines.
    ``progress`` is told (lines written, all lines) every ``every`` lines."""
    total = len(envelopes)
    lines: list[str] = []
    with replacing_text(path) as out:
        for done, raw in enumerate(envelopes, 1):
            lines.append(dump_envelope(raw))
            if done % WRITE_EVERY == 0:
                _write(out, lines)
            if progress is not None and done % every == 0:
                progress(done, total)
        _write(out, lines)
    return total


def _write(out: IO[str], lines: list[str]) -> None:
    if lines:
        lines.append("")  # the last line's end
        out.write("\n".join(lines))
        lines.clear()
