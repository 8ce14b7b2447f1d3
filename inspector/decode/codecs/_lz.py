"""lz-string decompression (base64 and URI-component alphabets) with a bound on the output.

The ``lzstring`` package decodes correctly but without a limit, and lz-string output can grow with
the square of its input (about 5 KB of text expands to 4 MB of "aaa..."): a page could make the
inspector allocate gigabytes from one request. This reader follows the same public format, one code
at a time, and stops with ``DecodeError`` once the output passes ``limit`` characters. Tests check
it against the ``lzstring`` package's compressors. Private to ``decode.codecs``: everything else
opens lz-string through codecs, with its limit.
"""

from __future__ import annotations

import re

from inspector.decode.errors import DecodeError

# A UTF-16 surrogate code unit, paired or lone.
SURROGATE = re.compile("[\ud800-\udfff]")

BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
URI_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$"
_VALUES = {
    alphabet: {ch: index for index, ch in enumerate(alphabet)}
    for alphabet in (BASE64_ALPHABET, URI_ALPHABET)
}
BITS_PER_CHAR = 6  # both alphabets carry 6 bits a character


def fits(text: str, alphabet: str) -> bool:
    """Whether every character of ``text`` belongs to ``alphabet``."""
    return bool(text) and set(text) <= _VALUES[alphabet].keys()


class _Bits:
    """Reads the code stream: each character carries 6 bits, most significant first; values are
    assembled least significant bit first (the format's order)."""

    def __init__(self, text: str, alphabet: str) -> None:
        values = _VALUES[alphabet]
        try:
            self._values = [values[ch] for ch in text]
        except KeyError as exc:
            raise DecodeError(f"not lz-string: character {exc.args[0]!r} is outside the alphabet") from None
        self._index = 0
        self._mask = 1 << (BITS_PER_CHAR - 1)

    def read(self, count: int) -> int:
        out = 0
        for bit in range(count):
            if self._index >= len(self._values):
                raise DecodeError("not lz-string: the data ends in the middle of a code")
            if self._values[self._index] & self._mask:
                out |= 1 << bit
            self._mask >>= 1
            if not self._mask:
                self._mask = 1 << (BITS_PER_CHAR - 1)
                self._index += 1
        return out


def decompress(text: str, alphabet: str, limit: int) -> str:
    """Expand lz-string ``text`` written in ``alphabet``; ``DecodeError`` on bad or oversized data."""
    if not text:
        raise DecodeError("not lz-string: empty")
    bits = _Bits(text, alphabet)
    # Codes 0, 1 and 2 mean: an 8-bit character follows, a 16-bit character follows, the end.
    dictionary: list[str] = ["", "", ""]
    width = 2
    room = 4  # codes left before the code width grows by one bit
    first = bits.read(width)
    if first == 2:
        return ""
    if first > 1:
        raise DecodeError("not lz-string: bad first code")
    previous = chr(bits.read(8 if first == 0 else 16))
    dictionary.append(previous)
    width = 3
    pieces = [previous]
    size = len(previous)
    while True:
        code = bits.read(width)
        if code in (0, 1):
            dictionary.append(chr(bits.read(8 if code == 0 else 16)))
            code = len(dictionary) - 1
            room -= 1
            if room == 0:
                room, width = 1 << width, width + 1
        elif code == 2:
            return _from_utf16_units("".join(pieces))
        if code < len(dictionary) and code > 2:
            entry = dictionary[code]
        elif code == len(dictionary):
            entry = previous + previous[0]
        else:
            raise DecodeError("not lz-string: a code points outside the dictionary")
        size += len(entry)
        if size > limit:
            raise DecodeError(f"lz-string payload expands beyond {limit} characters")
        pieces.append(entry)
        dictionary.append(previous + entry[0])
        room -= 1
        previous = entry
        if room == 0:
            room, width = 1 << width, width + 1


def _from_utf16_units(text: str) -> str:
    """The format carries JavaScript's UTF-16 code units: pair surrogates back into characters, and
    replace lone ones (which no UTF-8 writer accepts) with U+FFFD."""
    if not SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
