"""The tag's compressed and encoded payloads: lz-string, base64 of gzip, JSON.

Decode by what the data is, not by the tag version (contentsquare-wire.md §4): v15 tags send
``ct=2`` base64-gzip, older ones lz-string in its base64 or URI-component alphabet.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

from pydantic import JsonValue

from inspector.decode import codecs
from inspector.decode.errors import DecodeError

# Deeper JSON is kept as text: the tag's payloads nest a few levels, and the event models (pydantic)
# refuse values nested a few hundred deep, which would break "never raises" further down.
MAX_JSON_DEPTH = 64


def _no_constant(name: str) -> JsonValue:
    raise DecodeError(f"not JSON: {name} is not a JSON value")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise DecodeError(f"not JSON: number {text[:20]} is out of range")
    return number


def parse_json(text: str) -> JsonValue:
    """Strict JSON (no NaN/Infinity, finite numbers, bounded depth), else ``DecodeError``."""
    try:
        value: JsonValue = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, DecodeError):
            raise
        raise DecodeError(f"not JSON: {exc}") from None
    # Only text with that many brackets can nest that deep: most payloads skip the walk.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and nested_deeper_than(value, MAX_JSON_DEPTH):
        raise DecodeError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels, kept as text")
    return value


def nested_deeper_than(value: JsonValue, limit: int) -> bool:
    """Whether containers nest more than ``limit`` levels (walked without recursion, scalars skipped)."""
    stack: list[tuple[JsonValue, int]] = [(value, 1)] if isinstance(value, (list, dict)) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children: Iterable[JsonValue] = (item.values() if isinstance(item, dict)
                                         else item if isinstance(item, list) else ())
        stack.extend((child, depth + 1) for child in children if isinstance(child, (list, dict)))
    return False


def utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not UTF-8: {exc}") from None


def base64_gzip_text(text: str) -> str:
    return utf8(codecs.gunzip(codecs.b64decode(text)))


def lz_text(text: str) -> str:
    """lz-string, trying the URI-component alphabet, then base64 (the two the tag uses).

    A space is a '+' that a query string turned into a space. Output that is not text is refused:
    garbage in the right alphabet can decompress to garbage.
    """
    text = text.strip("\r\n\t").replace(" ", "+")
    alphabets = [a for a in (codecs.LZ_URI, codecs.LZ_BASE64) if codecs.lz_fits(text, a)]
    if not alphabets:
        raise DecodeError("not lz-string (characters outside its alphabets)")
    problems: list[str] = []
    for alphabet in alphabets:
        try:
            out = codecs.lz_decompress(text, alphabet)
        except DecodeError as exc:
            problems.append(str(exc))
            continue
        if out and "\x00" not in out and _mostly_text(out):
            return out
        problems.append("not lz-string: decompresses to binary data")
    raise DecodeError("; ".join(dict.fromkeys(problems)))


def _mostly_text(text: str) -> bool:
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
    return printable >= 0.95 * len(text)


def looks_like_gzip(text: str) -> bool:
    """Base64 of gzip's magic bytes (1f 8b 08) starts with ``H4sI``."""
    return text.lstrip().startswith("H4sI")


def expand(text: str, compression: str | None = None) -> str:
    """A compressed field's text, decoded by what the data is: base64-gzip when it looks like gzip
    (or ``ct=2`` says so), else lz-string; the other reading is tried before giving up, since the
    ``ct`` parameter and the tag version are only hints."""
    attempts = ("gzip", "lz") if compression == "2" or looks_like_gzip(text) else ("lz", "gzip")
    problems: list[str] = []
    for attempt in attempts:
        try:
            return base64_gzip_text(text) if attempt == "gzip" else lz_text(text)
        except DecodeError as exc:
            problems.append(str(exc))
    raise DecodeError(" / ".join(problems))


def expand_json(text: str, compression: str | None = None) -> JsonValue:
    """Expand then parse; plain JSON passes straight through."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return parse_json(stripped)
        except DecodeError:
            pass
    return parse_json(expand(text, compression))
