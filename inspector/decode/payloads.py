"""The tag's compressed and encoded payloads: lz-string, base64 of gzip, JSON.

Decode by what the data is, not by the tag version (contentsquare-wire.md §4): v15 tags send
``ct=2`` base64-gzip, older ones lz-string in its base64 or URI-component alphabet.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import zlib

from lzstring import LZString
from pydantic import JsonValue

from inspector.decode.errors import DecodeError

# Beyond this a payload is not expanded (a page cannot make us allocate without bound).
MAX_EXPANDED = 16 * 1024 * 1024
_LZ = LZString()


def parse_json(text: str) -> JsonValue:
    try:
        value: JsonValue = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DecodeError(f"not JSON: {exc}") from None
    return value


def b64decode(text: str) -> bytes:
    cleaned = text.strip().replace("-", "+").replace("_", "/").replace(" ", "+")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DecodeError(f"not base64: {exc}") from None


def gunzip(data: bytes) -> bytes:
    try:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = decompressor.decompress(data, MAX_EXPANDED)
        if decompressor.unconsumed_tail:
            raise DecodeError(f"gzip payload expands beyond {MAX_EXPANDED} bytes")
        if not decompressor.eof:
            raise DecodeError("gzip payload is truncated")
    except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
        raise DecodeError(f"not gzip: {exc}") from None
    return out


def utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not UTF-8: {exc}") from None


def base64_gzip_text(text: str) -> str:
    return utf8(gunzip(b64decode(text)))


def lz_text(text: str) -> str:
    """lz-string, trying the URI-component alphabet, then base64 (the two the tag uses)."""
    for method in (_LZ.decompressFromEncodedURIComponent, _LZ.decompressFromBase64):
        try:
            out = method(text)
        except Exception:  # the library raises anything on garbage
            continue
        if isinstance(out, str) and out and "\x00" not in out and _mostly_text(out):
            return out
    raise DecodeError("not lz-string")


def _mostly_text(text: str) -> bool:
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
    return printable >= 0.95 * len(text)


def expand(text: str, compression: str | None = None) -> str:
    """A compressed field's text: base64-gzip when ``ct=2`` or when it looks like gzip, else lz-string."""
    if compression == "2" or text.startswith("H4sI"):  # H4sI: base64 of gzip's magic bytes
        try:
            return base64_gzip_text(text)
        except DecodeError:
            if compression == "2":
                raise
    return lz_text(text)


def expand_json(text: str, compression: str | None = None) -> JsonValue:
    """Expand then parse; plain JSON passes straight through."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return parse_json(stripped)
        except DecodeError:
            pass
    return parse_json(expand(text, compression))
