"""Message bodies in the proxy, read without ever holding more than a limit.

mitmproxy's ``message.content`` and ``.text`` undo the content coding in full: 1 MB of gzip from a
website is 1 GB in memory. Here a body is read from ``raw_content`` and inflated through
``decode.codecs`` up to ``uxa_max_body`` bytes; what lies beyond is not read, and the record says the
body was cut. mitmproxy itself is told (``stream_large_bodies``) to stream rather than buffer any body
larger than the same limit, so no flow holds more than that on the wire side either.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Literal

from mitmproxy import http
from mitmproxy.net.http.http1.read import expected_http_body_size

from inspector.decode import codecs
from inspector.decode.errors import DecodeError
from inspector.wire.envelope import MAX_LINE_BYTES

# A recorded body takes at most this share of a recording line (URL and headers need the rest).
RECORD_BUDGET = MAX_LINE_BYTES // 2
_UTF8_MAX_CHAR = 4
_JSON_MAX_CHAR = 6  # bytes of one character in a JSON string at most (``\u001f``; UTF-8 takes 4)
_CONTROL = re.compile("[\x00-\x1f]+")


@dataclass(frozen=True, slots=True)
class Body:
    data: bytes  # content coding undone (unless ``problem`` says it could not be), at most the limit
    complete: bool  # False: only the first bytes were read, or mitmproxy streamed the body past us
    problem: str | None = None  # why ``data`` is still in its content coding


def read(message: http.Message, limit: int) -> Body:
    raw = message.raw_content
    if raw is None:
        return Body(b"", complete=not message.stream)  # streamed (larger than the limit), or no body
    coding = message.headers.get("content-encoding", "")
    try:
        data, complete = codecs.inflate(raw, coding, limit)
    except DecodeError as exc:
        return Body(raw[:limit], len(raw) <= limit, f"content coding not undone: {exc}")
    return Body(data, complete)


def larger_than(message: http.Message, request: http.Request, limit: int) -> bool:
    """Whether the headers announce a body over ``limit`` bytes, or one of unknown length (chunked)."""
    try:
        size = expected_http_body_size(request, message if isinstance(message, http.Response) else None)
    except ValueError:
        return True  # a broken Content-Length: not worth the risk
    return size is None or size > limit


def for_record(body: Body, budget: int = RECORD_BUDGET) -> tuple[str, Literal["text", "base64"], bool]:
    """(text, encoding, truncated) for a ``request`` event: UTF-8 text when it is, else base64, cut so
    that its JSON form stays within ``budget`` bytes."""
    data, truncated = body.data, not body.complete
    text = _utf8(data, cut=truncated)
    if text is None:
        keep = (budget - 2) // 4 * 3  # base64 is 4 characters for 3 bytes, plus the quotes
        if len(data) > keep:
            data, truncated = data[:keep], True
        return base64.b64encode(data).decode("ascii"), "base64", truncated
    if len(text) * _JSON_MAX_CHAR + 2 <= budget:  # fits even if every character were escaped: no count
        return text, "text", truncated
    if len(text) > budget:  # never shorter in JSON than in characters
        text, truncated = text[:budget], True
    size = _json_size(text)
    while size > budget:  # escapes make JSON up to 6 times longer than the text: shrink until it fits
        text, truncated = text[: max(0, len(text) * budget // size - _UTF8_MAX_CHAR)], True
        size = _json_size(text)
    return text, "text", truncated


def _utf8(data: bytes, *, cut: bool) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A body cut at the limit may end in the middle of a character: drop that partial character.
        if cut and exc.start >= len(data) - _UTF8_MAX_CHAR and exc.reason == "unexpected end of data":
            return data[: exc.start].decode("utf-8")
        return None


def _json_size(text: str) -> int:
    """An upper bound of the text's size as a JSON string (counted, not built: it can be 6 times the
    text): UTF-8 bytes, plus 5 for each control character (``\\u0000``), 1 for each quote or backslash."""
    controls = len(text) - len(_CONTROL.sub("", text))  # rare in bodies: a fast scan
    quoted = text.count('"') + text.count("\\")  # common in JSON bodies: counted without a copy
    return len(text.encode("utf-8")) + 5 * controls + quoted + 2
