"""Capture files on disk: our recordings (JSON lines of envelopes) and HAR files.

The kind is told by content, not by extension. A bad line or entry is reported with its number and
skipped; the rest of the file is kept. Only a file that cannot be read at all raises
``CaptureFileError``, with one line saying which file and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from inspector.decode.errors import DecodeError
from inspector.decode.har import parse_har
from inspector.model.wire import Envelope, WireError, parse_envelope


class CaptureFileError(Exception):
    """A capture file that cannot be read at all."""


@dataclass
class LoadedCapture:
    kind: Literal["recording", "har"]
    envelopes: list[Envelope] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def load_capture(path: Path | str, device: str | None = None) -> LoadedCapture:
    """Read a recording or a HAR file. ``device`` names the device of a HAR file (default: its stem)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CaptureFileError(f"{path}: {exc.strerror or exc}") from None
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise CaptureFileError(f"{path}: the file is empty")
    if _looks_like_har(text):
        try:
            har = parse_har(text, device or path.stem)
        except DecodeError as exc:
            raise CaptureFileError(f"{path}: {exc}") from None
        return LoadedCapture("har", har.envelopes, har.errors)
    loaded = read_recording(text)
    if not loaded.envelopes:
        first = loaded.errors[0] if loaded.errors else "no events"
        raise CaptureFileError(f"{path}: not a recording or HAR file ({first})")
    return loaded


def _looks_like_har(text: str) -> bool:
    head = text.lstrip()[:4096]
    return head.startswith("{") and '"log"' in head and '"seq"' not in head.split("\n", 1)[0]


def read_recording(text: str) -> LoadedCapture:
    """JSON lines of envelopes; a truncated last line (a capture still being written) is reported."""
    out = LoadedCapture("recording")
    lines = text.split("\n")
    last_index = len(lines) - 1
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.envelopes.append(parse_envelope(line))
        except WireError as exc:
            truncated = number - 1 == last_index and not text.endswith("\n")
            what = "truncated last line" if truncated else str(exc)
            out.errors.append(f"line {number}: {what}, skipped")
    _check_order(out)
    return out


def _check_order(loaded: LoadedCapture) -> None:
    """The model needs each device's sequence numbers to increase; a journal appended to twice may
    repeat them. Then the file is renumbered in its own order (and says so)."""
    last: dict[str, int] = {}
    for env in loaded.envelopes:
        if env.seq <= last.get(env.device, -1):
            break
        last[env.device] = env.seq
    else:
        return
    loaded.envelopes = [env.model_copy(update={"seq": i}) for i, env in enumerate(loaded.envelopes)]
    loaded.errors.append("sequence numbers were not increasing: events renumbered in file order")
