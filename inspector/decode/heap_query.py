"""Heap's classic query-string protocol: heap.js (``b=web``, ``tv=4.0``) and the iOS SDK (``b=ios``,
``tv=3.0``) send ``GET heapanalytics.com/h`` (a pageview or screen, or a batch of events) and
``/api/identify_v3`` with single-letter parameters.

The meanings below were read from public captures of real traffic; the ones we inferred are marked
``guess`` in the table, in that one place, and every hit that carries one says so in a note.
``sp`` and ``pp`` repeat to form key/value pairs (session and page properties, whose keys are the
page parameters' letters). Per-event keys (``id0``, ``t0``, ...) are read by ``heap_events``.
Anything not in these tables is kept raw, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import JsonValue

from inspector.decode import heap_events
from inspector.decode.params import as_number, first


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    number: bool = False
    # Said in a note whenever the field is present: the name is our inference (why: a comment beside
    # the entry). None when the meaning is seen in captures.
    guess: str | None = None


# Every library [seen on web and iOS]; ids stay text (16-digit numbers overflow JavaScript's doubles).
COMMON: dict[str, Param] = {
    "a": Param("env_id"),
    "u": Param("user_id"),
    "v": Param("pageview_id"),
    "s": Param("session_id"),
    "i": Param("identity"),
    "b": Param("library"),
    # [guess] 4.0 from heap.js and 3.0 from the iOS SDK, whatever the library's own version (lv).
    "tv": Param("protocol_version", guess="read as the protocol's version"),
    # [guess] 0 on identify calls, 1 on an app's first screen, 2 on later pageviews and screens.
    "z": Param("state", number=True, guess="meaning unknown"),
    "ts": Param("time_ms", number=True),
    # [guess] a client time a moment after ts and after every event's time, always the last parameter.
    "st": Param("sent_ms", number=True, guess="read as when the request was sent"),
}
# A heap.js page: top-level on a pageview, and the keys of the sp / pp pairs [seen].
WEB_PAGE: dict[str, Param] = {
    "h": Param("path"),
    "d": Param("domain"),
    "t": Param("title"),
    "r": Param("referrer"),
    "q": Param("query"),
    "g": Param("hash"),
    "ts": Param("time_ms", number=True),
    # [guess] equals the path of the pageview before it in captures.
    "pr": Param("previous_path", guess="read as the previous page's path"),
}
# An iOS SDK screen [seen: the values match the app, library and device fields of the SDK's JSON events].
IOS: dict[str, Param] = {
    "h": Param("screen"),
    "t": Param("title"),
    "lv": Param("library_version"),
    "m": Param("app_name"),
    "p": Param("app_version"),
    "o": Param("device_model"),
    "f": Param("os"),
    "vid": Param("vendor_id"),
    # [guess] empty in captures; the SDK's JSON events carry a carrier beside the app and device
    # fields that the neighbouring parameters match.
    "g": Param("carrier", guess="read as the mobile carrier"),
}
LIBRARY_TABLES: dict[str, dict[str, Param]] = {"web": {**COMMON, **WEB_PAGE}, "ios": {**COMMON, **IOS}}
PAIR_PARAMS = {"sp": "session_properties", "pp": "page_properties"}
KNOWN_PARAMS = frozenset({*COMMON, *WEB_PAGE, *IOS, *PAIR_PARAMS})
# Fields that make a /h request a pageview (or a screen) rather than a batch of events only.
PAGE_FIELDS = frozenset({"path", "domain", "title", "screen"})


@dataclass
class Decoded:
    fields: dict[str, JsonValue] = field(default_factory=dict)
    unknown: dict[str, JsonValue] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    guesses: dict[str, str] = field(default_factory=dict)  # "name (wire)" -> why

    def named(self, wire: str, param: Param, value: str, into: dict[str, JsonValue]) -> None:
        """Store ``value`` under ``param``'s name, as a number where the parameter is one."""
        if param.guess is not None:
            self.guesses.setdefault(f"{param.name} ({wire})", param.guess)
        if not param.number:
            into.setdefault(param.name, value)
            return
        number = as_number(value)
        into.setdefault(param.name, number if number is not None else value)
        if number is None and value:
            self.notes.append(f"{wire}={value[:40]!r} is not a number")


def decode_query(params: dict[str, str | list[str]]) -> Decoded:
    """Name every known parameter of a classic Heap request; events, pairs and the rest as above."""
    out = Decoded()
    library = first(params.get("b"))
    table = LIBRARY_TABLES.get(library or "web", COMMON)
    if library is None:
        out.guesses["library (b)"] = "not sent, read as heap.js (web)"
    elif library not in LIBRARY_TABLES:
        out.notes.append(f"library {library[:20]!r}: only the parameters every library sends are named")
    events, rest = heap_events.split_event_keys(params)
    for wire, raw in rest.items():
        if wire in PAIR_PARAMS:
            out.fields[PAIR_PARAMS[wire]] = _pairs(wire, raw, table, out)
        elif wire in table:
            if isinstance(raw, list):
                out.notes.append(f"parameter {wire!r} repeated {len(raw)} times: the first value is used")
            out.named(wire, table[wire], first(raw) or "", out.fields)
        else:
            out.unknown[wire] = raw if isinstance(raw, str) else list[JsonValue](raw)
    if events:
        decoded_events, event_notes = heap_events.decode_events(events)
        out.fields["events"] = decoded_events
        out.notes += event_notes
    if library in (None, "web") and "st" not in params and (events or len(params) > 1):
        out.notes.append("no st (sent_ms), which heap.js sends last: the request may have been cut short")
    if out.guesses:
        out.notes.append("named by guess: " + "; ".join(f"{name} {why}" for name, why in out.guesses.items()))
    out.notes = list(dict.fromkeys(out.notes))
    return out


def is_page(fields: dict[str, JsonValue]) -> bool:
    """Whether the decoded request describes a pageview (web) or a screen (mobile)."""
    return any(name in fields for name in PAGE_FIELDS)


def _pairs(wire: str, raw: str | list[str], table: dict[str, Param], out: Decoded) -> dict[str, JsonValue]:
    """``sp=r&sp=<url>&sp=ts&sp=<ms>`` -> {"referrer": <url>, "time_ms": <ms>}; a key repeated keeps every
    value in order, an unknown key stays under its letter, a key without a value is kept as null."""
    values = [raw] if isinstance(raw, str) else raw
    pairs: dict[str, JsonValue] = {}
    unknown: list[str] = []
    for index in range(0, len(values), 2):
        key = values[index]
        param = table.get(key)
        if index + 1 == len(values):
            out.notes.append(f"{wire}: an odd number of values, the last key {key[:40]!r} has no value")
            pairs.setdefault(key if param is None else param.name, None)
            break
        one: dict[str, JsonValue] = {}
        if param is None:
            unknown.append(key)
            one[key] = values[index + 1]
        else:
            out.named(key, param, values[index + 1], one)
        (name, value), = one.items()
        if name in pairs:
            earlier = pairs[name]
            pairs[name] = [*earlier, value] if isinstance(earlier, list) else [earlier, value]
            out.notes.append(f"{wire}: key {key[:40]!r} sent more than once, every value kept")
        else:
            pairs[name] = value
    if unknown:
        out.notes.append(f"{wire}: keys not known, kept as sent: {', '.join(repr(k[:40]) for k in unknown)}")
    return pairs
