"""Contentsquare collection hits: /pageview, /events, /dvar, /pageEvent, /transaction, /errors, ...

Each known wire parameter is decoded by its kind (numbers, percent-decoded text, JSON, compressed
payloads) and kept under its wire name; unknown ones are kept raw. A field that cannot be decoded is
kept raw too, with a note, and never stops the rest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from urllib.parse import unquote

from pydantic import JsonValue

from inspector.decode.errors import DecodeError
from inspector.decode.params import as_number, first
from inspector.decode.payloads import expand, expand_json, parse_json
from inspector.wire.events import HitType, PageviewType

PATH_TYPES: dict[str, HitType] = {
    "/pageview": HitType.PAGEVIEW,
    "/events": HitType.EVENTS,
    "/v2/events": HitType.EVENTS,
    "/dvar": HitType.DVAR,
    "/pageevent": HitType.PAGE_EVENT,
    "/transaction": HitType.TRANSACTION,
    "/errors": HitType.ERRORS,
    "/display": HitType.DISPLAY,
    "/v2/recording": HitType.RECORDING,
    "/quota": HitType.QUOTA,
}

# pvt codes: "a" seen; "n" and "r" from a third-party decoder. [guess] for n and r.
PVT_CODES: dict[str, PageviewType] = {
    "a": PageviewType.ARTIFICIAL,
    "n": PageviewType.NATURAL,
    "r": PageviewType.RENEWAL,
}

NUMBER_PARAMS = frozenset({
    "pid", "sn", "pn", "hd", "lv", "lhd", "dw", "dh", "ww", "wh", "sw", "sh", "r", "uc", "re", "ct",
    "isETR", "rt", "ri", "ts", "mdh",
})
TEXT_PARAMS = frozenset({"uu", "url", "dr", "la", "v", "pvt", "id", "currency", "rev", "cur"})
JSON_PARAMS = frozenset({"cvars", "cvarp", "eu"})
PAYLOAD_PARAMS = frozenset({"dv", "value"})
# Parameters known on one kind of hit only. Older tags send /events as a GET whose ``e`` is the
# events array, lz-string compressed like an ``eu`` body [seen]; elsewhere ``e`` stays unknown.
HIT_JSON_PARAMS: dict[HitType, frozenset[str]] = {HitType.EVENTS: frozenset({"e"})}
KNOWN_PARAMS = NUMBER_PARAMS | TEXT_PARAMS | JSON_PARAMS | PAYLOAD_PARAMS | frozenset().union(
    *HIT_JSON_PARAMS.values())
# Identifiers a POST pageview may carry in a JSON body rather than the query [guess: recent Product
# Analytics projects post pageviews with custom properties; the body's shape is not documented].
BODY_ID_PARAMS = ("pid", "uu", "sn", "pn", "url", "dr", "pvt", "v")


def hit_type_for(path: str) -> HitType:
    return PATH_TYPES.get(path.rstrip("/").lower() or "/", HitType.OTHER)


def decode_params(params: dict[str, str | list[str]], hit_type: HitType | None = None
                  ) -> tuple[dict[str, JsonValue], dict[str, JsonValue], list[str]]:
    """Split parameters into decoded known fields and raw unknown ones, with notes on failures."""
    json_params = JSON_PARAMS | HIT_JSON_PARAMS.get(hit_type or HitType.OTHER, frozenset())
    fields: dict[str, JsonValue] = {}
    unknown: dict[str, JsonValue] = {}
    notes: list[str] = []
    compression = first(params.get("ct"))
    decoders: dict[str, Callable[[str], JsonValue]] = {
        "dv": lambda text: expand_json_or_text(text, compression),
        "value": lambda text: expand(text, compression),
    }
    for name, raw in params.items():
        value = first(raw)
        if isinstance(raw, list):
            notes.append(f"parameter {name!r} repeated {len(raw)} times: the first value is used")
        assert value is not None
        try:
            if name in NUMBER_PARAMS:
                number = as_number(value)
                fields[name] = number if number is not None else value
                if number is None and value:
                    notes.append(f"{name}={value[:40]!r} is not a number")
            elif name in TEXT_PARAMS:
                fields[name] = value
            elif name in json_params:
                fields[name] = json_param(value, compression) if value else None
            elif name in decoders:
                fields[name] = decoders[name](value)
            else:
                unknown[name] = raw if isinstance(raw, str) else list[JsonValue](raw)
        except DecodeError as exc:
            fields[name] = value
            notes.append(f"{name}: {exc}")
    return fields, unknown, notes


def expand_json_or_text(text: str, compression: str | None) -> JsonValue:
    """A compressed payload that should be JSON; expanded text that is not JSON is still shown,
    since what it says matters more than its shape."""
    try:
        return expand_json(text, compression)
    except DecodeError:
        return expand(text, compression)


def json_param(value: str, compression: str | None) -> JsonValue:
    """JSON as the query carried it; failing that, JSON percent-encoded once more, then compressed
    JSON [guess: not seen, but costs nothing to try and keeps older or odder tags readable]."""
    try:
        return parse_json(value)
    except DecodeError as first_error:
        if "%" in value:
            with contextlib.suppress(DecodeError):
                return parse_json(unquote(value, errors="replace"))
        try:
            return expand_json(value, compression)
        except DecodeError as expand_error:
            raise DecodeError(f"{first_error}; nor compressed JSON ({expand_error})") from None


def decode_body(body: str, compression: str | None) -> tuple[JsonValue, list[str]]:
    """A POST body of /events, /pageview, /dvar: JSON, compressed JSON, or kept as text."""
    text = body.strip()
    if not text:
        return None, []
    try:
        return expand_json(text, compression), []
    except DecodeError as exc:
        return text, [f"body kept raw: {exc}"]


def lift_ids_from_body(fields: dict[str, JsonValue], body: JsonValue) -> list[str]:
    """Copy identifiers missing from the query out of a JSON-object body, decoded like parameters."""
    if not isinstance(body, dict):
        return []
    found = {name: body[name] for name in BODY_ID_PARAMS
             if name not in fields and isinstance(body.get(name), (str, int))
             and not isinstance(body.get(name), bool)}
    if not found:
        return []
    lifted, _, notes = decode_params({name: str(value) for name, value in found.items()})
    fields.update(lifted)
    return [*notes, f"taken from the JSON body: {', '.join(found)}"]


def pageview_type(fields: dict[str, JsonValue]) -> PageviewType | None:
    """The pageview's type from its ``pvt`` (a wire code, or already its name); None when unknown."""
    code = fields.get("pvt")
    if isinstance(code, str):
        known = PVT_CODES.get(code.lower())
        return known if known is not None else _PVT_NAMES.get(code)
    # No pvt: an ordinary (natural) pageview. [guess] based on older tags omitting it.
    return PageviewType.NATURAL


_PVT_NAMES = {kind.value: kind for kind in PageviewType}


def name_pageview_type(fields: dict[str, JsonValue]) -> list[str]:
    """``pvt``'s decoded value is what its code means (artificial / natural / renewal); a code we do
    not know stays as sent, with a note."""
    code = fields.get("pvt")
    if not isinstance(code, str) or code in _PVT_NAMES:
        return []
    known = PVT_CODES.get(code.lower())
    if known is None:
        return [f"pvt={code[:20]!r} is not a known pageview type ({', '.join(PVT_CODES)}): kept as sent"]
    fields["pvt"] = known.value
    return []
