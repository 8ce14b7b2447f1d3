"""The one place that opens (and closes again) base64, gzip/deflate and lz-string blobs, always bounded.

Everything the inspector reads may come from a hostile page or file, and compressed data can expand a
thousandfold or more (1 MB of gzip is 1 GB of zeros; 5 KB of lz-string is 4 MB of text): whatever
opens a blob goes through here, and nothing here ever produces more than a limit, however small the
input. ``lint-imports`` forbids ``gzip``, ``zlib``, ``lzstring`` and the lz-string reader anywhere
else.

lz-string is read by our own ``decode/lz.py``, not the ``lzstring`` package: the package has no
output limit (it builds the whole expansion in memory before returning). The package is still used
to *compress*, where the output is never larger than the input.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib

import lzstring

from inspector.decode import lz
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
    """A whole gzip member, at most ``limit`` bytes (``MAX_INFLATED``), else ``DecodeError``."""
    limit = MAX_INFLATED if limit is None else limit
    try:
        decompressor = zlib.decompressobj(_GZIP_WBITS)
        out = decompressor.decompress(data, limit)
        if decompressor.unconsumed_tail:
            raise DecodeError(f"gzip payload expands beyond {limit} bytes")
        if not decompressor.eof:
            raise DecodeError("gzip payload is truncated")
    except zlib.error as exc:
        raise DecodeError(f"not gzip: {exc}") from None
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
