"""Capture files on disk: our recordings (JSON lines of envelopes) and HAR files.

The kind is told by content, not by extension: a file whose first line is an envelope is a
recording (read line by line, never whole); otherwise a JSON document with a ``log`` is a HAR;
anything else is read as a recording, so a journal with a damaged first line still loads. A bad line
or entry is reported with its number and skipped; the rest of the file is kept. Only a file that
cannot be read at all raises ``CaptureFileError``, with one line saying which file and why.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from typing_extensions import Buffer

from inspector.decode.collection_pace import bulk_allocation
from inspector.decode.compact import CompactEnvelopes
from inspector.decode.errors import DecodeError
from inspector.decode.har import parse_har
from inspector.wire.envelope import (
    MAX_LINE_BYTES,
    Envelope,
    WireError,
    dump_envelope,
    parse_envelope,
    parse_hello,
)

_BOM = b"\xef\xbb\xbf"


class CaptureFileError(Exception):
    """A capture file that cannot be read at all."""


@dataclass
class LoadedCapture:
    kind: Literal["recording", "har"]
    # A list, or for a recording loaded ``compact`` its lines (``decode.compact``).
    envelopes: Sequence[Envelope] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: int = 0  # lines or entries left out because they could not be read: the capture is partial
    # Every envelope kept went to ``on_envelope``, in file order (never for a HAR file, nor for a
    # recording that had to be renumbered: those calls stopped where its numbers went wrong).
    streamed: bool = False


def load_capture(path: Path | str, device: str | None = None,
                 on_read: Callable[[int], None] | None = None, compact: bool = False,
                 on_envelope: Callable[[Envelope], None] | None = None) -> LoadedCapture:
    """Read a recording or a HAR file. ``device`` names the device of a HAR file (default: its stem);
    ``on_read`` is told how many bytes of the file have been read so far, as reading goes on.
    ``compact`` keeps a recording's events as their lines (``decode.compact``: a headless run that
    reads each event once). ``on_envelope`` is given a recording's envelopes as they are parsed, so
    a caller can judge them without parsing the lines again (``LoadedCapture.streamed`` says
    whether it saw them all)."""
    path = Path(path)
    try:
        raw = io.FileIO(path, "rb") if on_read is None else _ReportingFile(path, on_read)
        with io.BufferedReader(raw) as handle, bulk_allocation():
            loaded = _load(handle, device or path.stem, compact, on_envelope)
    except OSError as exc:
        raise CaptureFileError(f"{path}: {exc.strerror or exc}") from None
    except _NotACaptureError as exc:
        raise CaptureFileError(f"{path}: {exc}") from None
    return loaded


class _ReportingFile(io.FileIO):
    """A file that reports its position after each read (for a progress bar)."""

    def __init__(self, path: Path, report: Callable[[int], None]) -> None:
        super().__init__(path, "rb")
        self._report = report

    def readinto(self, buffer: Buffer) -> int | None:
        count = super().readinto(buffer)
        self._report(self.tell())
        return count


class _NotACaptureError(Exception):
    """Internal: the file is readable bytes but not a capture at all."""


def _load(handle: BinaryIO, device: str, compact: bool,
          on_envelope: Callable[[Envelope], None] | None) -> LoadedCapture:
    first = _first_line(handle)
    if first is None:
        raise _NotACaptureError("the file is empty")
    handle.seek(0)
    if _is_envelope(first):
        return _checked_recording(read_recording(handle, compact, on_envelope))
    data = handle.read()
    har = _as_har(data)
    if har is not None:
        try:
            result = parse_har(har, device)
        except DecodeError as exc:
            raise _NotACaptureError(str(exc)) from None
        return LoadedCapture("har", result.envelopes, result.errors, result.skipped)
    return _checked_recording(read_recording(data.splitlines(keepends=True), compact, on_envelope))


def _first_line(handle: BinaryIO) -> bytes | None:
    """The first line that is not blank (at most a line's size limit), or None for an empty file."""
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return None
        line = line.removeprefix(_BOM).strip()
        if line:
            return line


def _is_envelope(line: bytes) -> bool:
    if b'"log"' in line[:200]:
        return False  # a one-line HAR: not worth validating whole (a wrong guess still falls back)
    try:
        parse_envelope(line)
    except WireError:
        return False
    return True


def _as_har(data: bytes) -> object | None:
    """The parsed document when the file is one JSON object with a ``log`` (a HAR), else None."""
    if not data.removeprefix(_BOM).lstrip().startswith(b"{"):
        return None
    try:
        document = json.loads(data.removeprefix(_BOM).decode("utf-8", errors="replace"))
    except (ValueError, RecursionError) as exc:
        if b'"log"' in data[:4096] and b'"entries"' in data:
            # One document that a HAR export left unfinished (or broke): say so plainly.
            raise _NotACaptureError(f"a HAR file that is not valid JSON ({str(exc)[:120]})") from None
        return None  # JSON lines, or damaged: read line by line
    if isinstance(document, dict) and "log" in document:
        return document
    if isinstance(document, dict):
        return None  # a one-line recording, judged line by line
    raise _NotACaptureError(f"not a recording or HAR file (a JSON {type(document).__name__})")


def _checked_recording(loaded: LoadedCapture) -> LoadedCapture:
    if not loaded.envelopes:
        first = loaded.errors[0] if loaded.errors else "no events"
        raise _NotACaptureError(f"not a recording or HAR file ({first})")
    return loaded


def read_recording(lines: Iterable[str | bytes] | str, compact: bool = False,
                   on_envelope: Callable[[Envelope], None] | None = None) -> LoadedCapture:
    """JSON lines of envelopes, from an open binary file, a list of lines or one text; ``compact``
    keeps the lines rather than the envelopes, ``on_envelope`` sees each as it is parsed, for as long
    as the sequence numbers increase (see ``load_capture``).

    A truncated last line (a capture still being written, or cut short) is reported as such; a
    ``Hello`` line (a saved live stream) is not data and is passed over.
    """
    out = LoadedCapture("recording")
    kept = CompactEnvelopes() if compact else None
    envelopes: list[Envelope] = []
    # The model needs each device's sequence numbers to increase: checked as the lines are read.
    last: dict[str, int] = {}
    ordered = True
    source: Iterable[str | bytes] = lines.splitlines(keepends=True) if isinstance(lines, str) else lines
    for number, line in enumerate(source, start=1):
        text, complete = _line_body(line)
        if not text.strip():
            continue
        try:
            env = parse_envelope(text)
        except WireError as exc:
            if _is_hello(text):
                continue
            what = str(exc) if complete else "truncated last line"
            out.errors.append(f"line {number}: {what}, skipped")
            out.skipped += 1
            continue
        if ordered:
            ordered = env.seq > last.get(env.device, -1)
            last[env.device] = env.seq
            if ordered and on_envelope is not None:
                on_envelope(env)
        if kept is not None:
            kept.append(env, text)
        else:
            envelopes.append(env)
    out.envelopes = envelopes if kept is None else kept
    out.streamed = ordered and on_envelope is not None
    if not ordered:
        _renumber(out, kept is not None)
    return out


def _line_body(line: str | bytes) -> tuple[str | bytes, bool]:
    """The line without a byte-order mark, and whether it ended with a newline (only the last line
    of a file can lack one)."""
    if isinstance(line, bytes):
        return line.removeprefix(_BOM), line.endswith(b"\n")
    return line.removeprefix("\ufeff"), line.endswith("\n")


def _is_hello(line: str | bytes) -> bool:
    try:
        parse_hello(line)
    except WireError:
        return False
    return True


def _renumber(loaded: LoadedCapture, compact: bool) -> None:
    """A journal appended to twice may repeat sequence numbers: then the file is renumbered in its own
    order (and says so)."""
    renumbered = [env.model_copy(update={"seq": i}) for i, env in enumerate(loaded.envelopes)]
    if compact:
        kept = CompactEnvelopes()
        for env in renumbered:
            kept.append(env, dump_envelope(env))
        loaded.envelopes = kept
    else:
        loaded.envelopes = renumbered
    loaded.errors.append("sequence numbers were not increasing: events renumbered in file order")
