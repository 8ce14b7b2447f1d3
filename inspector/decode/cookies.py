"""The tag's first-party cookies (contentsquare-wire.md §3), decoded field by field.

``_cs_id``: userId.created.visitCount.lastPageviewTs.lastVisitTs.drawTs.expiryMs[.sameSite.secure]...
``_cs_s``: pageNumber.replayState[.more].expiryMs (letter fields seen in 2026, meaning unknown)
``_cs_s_ctx``: URL-encoded JSON, or ``c:`` + base64 of gzipped JSON (itself URL-encoded, ``c%3AH4sI...``)
``_cs_cvars``: URL-encoded JSON of custom variables ``{"<slot>": ["name", "value"], ...}``
``_cs_i``: format unknown: kept raw
Unknown tails and fields are kept as strings, never dropped.
"""

from __future__ import annotations

from urllib.parse import unquote

from pydantic import JsonValue

from inspector.decode.errors import DecodeError
from inspector.decode.params import as_int
from inspector.decode.payloads import base64_gzip_text, parse_json

DECODED_COOKIES = frozenset({"_cs_id", "_cs_s", "_cs_s_ctx", "_cs_cvars"})
CS_ID_FIELDS = ("user_id", "created", "visit_count", "last_pageview_ts", "last_visit_ts", "draw_ts",
                "expiry_ms")


def cookie_pairs(header: str) -> list[tuple[str, str | None]]:
    """``a=1; b; c=2`` -> [("a", "1"), ("b", None), ("c", "2")]: every part in order, names and values
    trimmed, values as sent (quotes kept); a part without ``=`` has no value."""
    pairs: list[tuple[str, str | None]] = []
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep or name:
            pairs.append((name.strip(), value.strip() if sep else None))
    return pairs


def parse_cookie_header(header: str) -> dict[str, str]:
    """``a=1; b=2`` -> {"a": "1", "b": "2"}; the last of a repeated name wins, as in browsers' jars."""
    return {name: value.strip('"') for name, value in cookie_pairs(header) if name and value is not None}


def tag_cookies(cookies: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in cookies.items() if name.startswith("_cs_")}


def decode_cs_id(value: str) -> dict[str, JsonValue]:
    parts = value.split(".")
    out: dict[str, JsonValue] = {}
    for index, name in enumerate(CS_ID_FIELDS):
        if index < len(parts):
            number = as_int(parts[index]) if index else None
            out[name] = parts[index] if index == 0 or number is None else number
    if len(parts) > len(CS_ID_FIELDS):
        # Recent tags end in `.1.x` (meaning unknown): kept opaque.
        out["tail"] = ".".join(parts[len(CS_ID_FIELDS):])
    return out


def decode_cs_s(value: str) -> dict[str, JsonValue]:
    parts = value.split(".")
    out: dict[str, JsonValue] = {"page_number": as_int(parts[0]) if parts else None}
    if len(parts) > 1:
        out["replay_state"] = as_int(parts[1]) if as_int(parts[1]) is not None else parts[1]
    if len(parts) > 2:
        expiry = as_int(parts[-1])
        out["expiry_ms"] = expiry if expiry is not None else parts[-1]
        if len(parts) > 3:
            # Extra fields (letters such as U or 9 in 2026 values): meaning unknown, kept as they are.
            out["extra"] = list[JsonValue](parts[2:-1])
    return out


def decode_cs_s_ctx(value: str) -> JsonValue:
    # Browsers' jars hold the value URL-encoded; a copy from DevTools' cookie table may be decoded
    # already. Decoding twice is harmless: base64 has no '%', and '+' survives unquote().
    text = unquote(value)
    if text.startswith("c:"):
        return parse_json(base64_gzip_text(text[2:]))
    return parse_json(text)


def decode_cs_cvars(value: str) -> tuple[dict[str, JsonValue], list[str]]:
    """``{"1": ["Page Type", "Cart"]}`` -> {"1": {"name": "Page Type", "value": "Cart"}}; an entry in
    another shape is kept as it is, with a note."""
    data = parse_json(unquote(value))
    if not isinstance(data, dict):
        raise DecodeError(f"not an object of custom variables but {type(data).__name__}")
    named: dict[str, JsonValue] = {}
    odd: list[str] = []
    for slot, entry in data.items():
        if isinstance(entry, list) and len(entry) == 2 and all(isinstance(v, str) for v in entry):
            named[slot] = {"name": entry[0], "value": entry[1]}
        else:
            named[slot] = entry
            odd.append(slot)
    notes = [f"_cs_cvars: slots not [name, value], kept as sent: {', '.join(odd[:10])}"] if odd else []
    return named, notes


def decode_tag_cookies(cookies: dict[str, str]) -> tuple[dict[str, JsonValue], list[str]]:
    """Every ``_cs_*`` cookie decoded where its format is known, raw otherwise; notes on failures."""
    fields: dict[str, JsonValue] = {}
    notes: list[str] = []
    for name, value in cookies.items():
        try:
            if not value.strip() and name in DECODED_COOKIES:
                fields[name] = value
                notes.append(f"{name} is empty (a cookie being cleared?), kept as sent")
            elif name == "_cs_id":
                fields[name] = decode_cs_id(value)
            elif name == "_cs_s":
                fields[name] = decode_cs_s(value)
            elif name == "_cs_s_ctx":
                fields[name] = decode_cs_s_ctx(value)
            elif name == "_cs_cvars":
                fields[name], cvars_notes = decode_cs_cvars(value)
                notes += cvars_notes
            else:
                fields[name] = value
        except DecodeError as exc:
            fields[name] = value
            notes.append(f"{name} kept raw: {exc}")
    return fields, notes


def ids_from_cookies(fields: dict[str, JsonValue]) -> tuple[str | None, int | None, int | None]:
    """(user ID, session number, page number) from decoded cookies."""
    cs_id = fields.get("_cs_id")
    cs_s = fields.get("_cs_s")
    user_id = session = page = None
    if isinstance(cs_id, dict):
        raw_user = cs_id.get("user_id")
        user_id = raw_user if isinstance(raw_user, str) and raw_user else None
        session = as_int(cs_id.get("visit_count"))
    if isinstance(cs_s, dict):
        page = as_int(cs_s.get("page_number"))
    return user_id, session, page
