"""Query strings and form bodies, read without ever failing: order and repeats kept."""

from __future__ import annotations

import math
import re
from urllib.parse import unquote_plus

from pydantic import JsonValue


def parse_pairs(query: str) -> list[tuple[str, str]]:
    """``a=1&b=%20x&a=2`` -> [("a", "1"), ("b", " x"), ("a", "2")].

    Broken percent-escapes stay as written; bytes that are not UTF-8 become U+FFFD (the raw URL is
    kept on the request, so nothing is lost).
    """
    pairs: list[tuple[str, str]] = []
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote_plus(key, errors="replace"), unquote_plus(value, errors="replace")))
    return pairs


def group(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Pairs to a dict; a repeated key keeps every value, in order, as a list."""
    out: dict[str, str | list[str]] = {}
    for key, value in pairs:
        if key not in out:
            out[key] = value
            continue
        earlier = out[key]
        out[key] = [*earlier, value] if isinstance(earlier, list) else [earlier, value]
    return out


def first(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        return value[0] if value else None
    return value


# Plain ASCII decimals only: Python's int() also takes "1_000" and other scripts' digits, which no
# tag writes and which would hide a malformed value.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*|[0-9]+)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def as_number(text: str) -> int | float | None:
    """A decimal number, or None when the text is not one (kept as a string by the caller)."""
    text = text.strip()
    if not text or len(text) > 40 or not _NUMBER.fullmatch(text):
        return None
    if text.lstrip("-").isdigit():
        return int(text)
    number = float(text)
    return number if math.isfinite(number) else None


def as_int(value: JsonValue) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        number = as_number(value)
        return as_int(number) if number is not None else None
    return None


_FORM_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\[\]-]{0,39}")


def looks_like_form(body: str, known: frozenset[str]) -> bool:
    """Whether a body without a form content type is still ``k=v&k=v`` parameters: beacons send
    strings as text/plain. Every part must be a short ``name=value`` and one name a known parameter,
    so lz-string or base64 text (which may end in ``=``) is not mistaken for a form."""
    text = body.strip()
    if not text or text[0] in "{[" or "\n" in text:
        return False
    names = [part.partition("=")[0] for part in text.split("&") if part]
    return (all("=" in part for part in text.split("&") if part)
            and all(_FORM_KEY.fullmatch(name) for name in names)
            and any(name in known for name in names))
