"""The one place that opens (and closes again) base64, gzip/deflate and lz-string blobs, always bounded.

Everything the inspector reads may come from a hostile page or file, and compressed data can expand a
thousandfold or more (1 MB of gzip is 1 GB of zeros; 5 KB of lz-string is 4 MB of text): whatever
opens a blob goes through here, and nothing here ever produces more than a limit, however small the
input. ``lint-imports`` forbids ``gzip``, ``zlib``, ``lzstring``, ``brotli`` and ``zstandard``
anywhere else.

lz-string is read by our own reader (``_lz.py`` beside this file, private to codecs), not by the
``lzstring`` package: the package has no output limit (it builds the whole expansion in memory
before returning). The package is still used to *compress*, where the output never outgrows the
input.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib

import lzstring

from inspector.decode.codecs import _lz as lz
from inspector.decode.codecs._lz import SURROGATE as SURROGATE  # JavaScript's lone UTF-16 halves
from inspector.decode.errors import DecodeError

# Bytes (gzip) or characters (lz-string) one payload may expand to. Beyond it a payload is refused
# with DecodeError and kept raw: a page cannot make us allocate without bound.
MAX_INFLATED = 16 * 1024 * 1024

LZ_URI = lz.URI_ALPHABET
LZ_BASE64 = lz.BASE64_ALPHABET
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_LZ = lzstring.LZString()
_B64_CLEAN = str.maketrans({"\r": None, "\n": None, "\t": None, " ": "+", "-": "+", "_": "/"})


def b64decode(text: str) -> bytes:
    """Standard or URL-safe base64, padding optional, line breaks ignored, a space read as the '+' a
    query string turned into one; any other stray character is an error."""
    cleaned = text.strip().translate(_B64_CLEAN)
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DecodeError(f"not base64: {exc}") from None


def is_gzip(data: bytes) -> bool:
    return data[:2] == _GZIP_MAGIC


def gunzip(data: bytes, limit: int | None = None) -> bytes:
    """Whole gzip data, at most ``limit`` bytes (``MAX_INFLATED``), else ``DecodeError``."""
    limit = MAX_INFLATED if limit is None else limit
    if not data:
        raise DecodeError("not gzip: empty")
    try:
        out, complete = _inflate_zlib(data, _GZIP_WBITS, limit, members=True)
    except DecodeError as exc:
        raise DecodeError(f"not gzip: {exc}") from None
    if not complete:
        raise DecodeError(f"gzip payload expands beyond {limit} bytes")
    return out


def gzip_bytes(data: bytes) -> bytes:
    """gzip without a timestamp, so the same input closes to the same bytes."""
    return gzip.compress(data, mtime=0)


def lz_fits(text: str, alphabet: str) -> bool:
    return lz.fits(text, alphabet)


def lz_decompress(text: str, alphabet: str, limit: int | None = None) -> str:
    """lz-string written in ``alphabet`` (``LZ_URI`` or ``LZ_BASE64``), at most ``limit`` characters
    (``MAX_INFLATED``), else ``DecodeError``."""
    return lz.decompress(text, alphabet, MAX_INFLATED if limit is None else limit)


def lz_compress(text: str, alphabet: str) -> str:
    if alphabet == LZ_URI:
        return str(_LZ.compressToEncodedURIComponent(text))
    return str(_LZ.compressToBase64(text))


def inflate(data: bytes, coding: str, limit: int) -> tuple[bytes, bool]:
    """``data`` with its HTTP content coding (gzip, deflate, br, zstd, identity) undone, cut at ``limit``
    bytes; the flag says whether that is all of it. ``DecodeError`` for an unknown or broken coding.
    Never holds much more than ``limit`` (brotli: one input byte's output beyond it, see below)."""
    coding = coding.strip().lower()
    if coding in ("", "identity", "none"):
        return data[:limit], len(data) <= limit
    if coding in ("gzip", "x-gzip"):
        return _inflate_zlib(data, _GZIP_WBITS, limit, members=True)
    if coding == "deflate":
        try:
            return _inflate_zlib(data, zlib.MAX_WBITS, limit, members=False)
        except DecodeError:  # some servers send raw deflate, without zlib's header (browsers accept it)
            return _inflate_zlib(data, -zlib.MAX_WBITS, limit, members=False)
    if coding == "br":
        return _inflate_brotli(data, limit)
    if coding == "zstd":
        return _inflate_zstd(data, limit)
    raise DecodeError(f"unknown content coding {coding[:40]!r}")


def _inflate_zlib(data: bytes, wbits: int, limit: int, *, members: bool) -> tuple[bytes, bool]:
    out = bytearray()
    rest = data
    try:
        while rest:
            decompressor = zlib.decompressobj(wbits)
            out += decompressor.decompress(rest, limit + 1 - len(out))
            if len(out) > limit:
                return bytes(out[:limit]), False
            if not decompressor.eof:
                raise DecodeError("compressed body is truncated")
            rest = decompressor.unused_data
            if not (members and is_gzip(rest)):  # a later gzip member goes on; other trailing bytes end it
                break
    except zlib.error as exc:
        raise DecodeError(f"broken compressed body: {exc}") from None
    return bytes(out), True


def _inflate_brotli(data: bytes, limit: int) -> tuple[bytes, bool]:
    # The brotli binding mitmproxy pins has no output limit: fed one byte at a time, one call yields at
    # most what one byte encodes (a few MB), so we stop soon after the limit.
    import brotli

    decompressor = brotli.Decompressor()
    out = bytearray()
    try:
        for index in range(len(data)):
            out += decompressor.process(data[index:index + 1])
            if len(out) > limit:
                return bytes(out[:limit]), False
        finished = decompressor.is_finished()
    except brotli.error as exc:
        raise DecodeError(f"broken brotli body: {exc}") from None
    if not finished:
        raise DecodeError("compressed body is truncated")
    return bytes(out), True


def _inflate_zstd(data: bytes, limit: int) -> tuple[bytes, bool]:
    import io

    import zstandard

    try:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True) as reader:
            out = reader.read(limit + 1)
    except zstandard.ZstdError as exc:
        raise DecodeError(f"broken zstd body: {exc}") from None
    return out[:limit], len(out) <= limit
