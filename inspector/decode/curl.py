"""A request copied from a browser's DevTools as a curl command ("Copy as cURL").

Support staff get requests this way from customers. The POSIX shell forms that Chrome, Edge and
Firefox write are understood: single, double and ``$'...'`` quotes, backslash line continuations,
``-X``, ``-H``, ``-b`` and the ``--data*`` options. Windows ``cmd`` copies (``^`` escapes) are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from inspector.decode.errors import DecodeError

_DATA = {"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--data-urlencode"}
# Options of curl that take a value we do not need: skipped with it, so the value is not taken for the URL.
_IGNORED_WITH_VALUE = {"-A", "--user-agent", "-e", "--referer", "-u", "--user", "-o", "--output",
                       "--connect-timeout", "-m", "--max-time", "--proxy", "-x", "-w", "--write-out",
                       "--resolve", "--cacert", "--cert", "--key", "-F", "--form"}
_ANSI_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b",
                 "e": "\x1b", "E": "\x1b", "f": "\f", "v": "\v", "?": "?"}
_ANSI_NUMERIC = re.compile(r"x([0-9a-fA-F]{1,2})|u([0-9a-fA-F]{1,4})|U([0-9a-fA-F]{1,8})|([0-7]{1,3})")


class CurlError(DecodeError):
    """The text is not a curl command this reader understands (one line, says why)."""


@dataclass
class CurlRequest:
    url: str
    method: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return "; ".join(values) if values else None


def is_curl(text: str) -> bool:
    return text.lstrip().startswith("curl ")


def parse_curl(text: str) -> CurlRequest:
    words = _split(text)
    if not words or words[0] != "curl":
        raise CurlError("not a curl command (it must start with 'curl')")
    url: str | None = None
    method: str | None = None
    headers: list[tuple[str, str]] = []
    bodies: list[str] = []
    i = 1
    while i < len(words):
        word = words[i]
        value = words[i + 1] if i + 1 < len(words) else None
        takes_value = word in {"-X", "--request", "-H", "--header", "-b", "--cookie", "--url",
                               *_DATA, *_IGNORED_WITH_VALUE}
        if takes_value and value is None:
            raise CurlError(f"option {word} has no value")
        if word in ("-X", "--request"):
            method = value
        elif word in ("-H", "--header"):
            name, sep, content = (value or "").partition(":")
            if not sep or not name.strip():
                raise CurlError(f"header {(value or '')[:60]!r} is not 'Name: value'")
            headers.append((name.strip(), content.strip()))
        elif word in ("-b", "--cookie"):
            headers.append(("Cookie", value or ""))
        elif word == "--url":
            url = value
        elif not word.startswith("-"):
            url = url or word  # later bare words (a second URL) are not ours to decode
            i += 1
            continue
        elif word in _DATA:
            bodies.append(value or "")
        elif not takes_value:
            i += 1  # a flag we do not need (--compressed, -k, -s, ...)
            continue
        i += 2
    if not url:
        raise CurlError("the curl command has no URL")
    body = "&".join(bodies)  # curl joins several --data values with '&'
    return CurlRequest(url=url, method=(method or ("POST" if bodies else "GET")).upper(), headers=headers,
                       body=body)


def _split(text: str) -> list[str]:
    """Shell words, as a POSIX shell would split them (no expansions: a copied command has none)."""
    words: list[str] = []
    current: list[str] = []
    in_word = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
            i += 1
        elif c == "\\":
            if i + 1 < n and text[i + 1] == "\n":
                i += 2  # a line continuation
                continue
            if i + 1 < n:
                current.append(text[i + 1])
            in_word, i = True, i + 2
        elif c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise CurlError("a single quote is not closed")
            current.append(text[i + 1:end])
            in_word, i = True, end + 1
        elif c == '"':
            i = _double_quoted(text, i + 1, current)
            in_word = True
        elif c == "$" and i + 1 < n and text[i + 1] == "'":
            i = _ansi_quoted(text, i + 2, current)
            in_word = True
        else:
            current.append(c)
            in_word, i = True, i + 1
    if in_word:
        words.append("".join(current))
    return words


def _double_quoted(text: str, i: int, out: list[str]) -> int:
    while i < len(text):
        c = text[i]
        if c == '"':
            return i + 1
        if c == "\\" and i + 1 < len(text) and text[i + 1] in '\\"$`\n':
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    raise CurlError("a double quote is not closed")


def _ansi_quoted(text: str, i: int, out: list[str]) -> int:
    while i < len(text):
        c = text[i]
        if c == "'":
            return i + 1
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in _ANSI_ESCAPES:
            out.append(_ANSI_ESCAPES[nxt])
            i += 2
            continue
        number = _ANSI_NUMERIC.match(text, i + 1)
        if number is None:
            out.append("\\" + nxt)
            i += 2
            continue
        hex_digits = number.group(1) or number.group(2) or number.group(3)
        code = int(hex_digits, 16) if hex_digits else int(number.group(4), 8)
        # Lone surrogates and out-of-range codes cannot be printed or encoded: shown as U+FFFD.
        out.append("\ufffd" if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF else chr(code))
        i = number.end()
    raise CurlError("a $'...' quote is not closed")
