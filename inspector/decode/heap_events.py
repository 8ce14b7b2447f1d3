"""A heap.js batch of autocaptured events, sent as indexed parameters of ``/h``: ``id0``, ``t0``,
``n0``, ... for the first event, ``id1``, ``t1``, ... for the next (read from public captures [seen]).

Each event becomes ``{"index", "type", "event_id", "time_ms", "target": {...}}`` in the model's terms
(a click, change or submit on a target element). A batch cut short (an index missing, an event
without its type, a hierarchy that stops mid-element) says so in a note and keeps what arrived.
"""

from __future__ import annotations

import re

from pydantic import JsonValue

from inspector.decode.params import as_number, first

# Per-event keys [seen]. The target's are Heap's own autocaptured properties (target tag, id, class,
# href, text, hierarchy); an indexed key not listed here stays raw under the event's "unknown".
EVENT_KEYS = {"t": "type", "id": "event_id", "ts": "time_ms"}
TARGET_KEYS = {"n": "tag", "i": "id", "c": "class", "h": "href", "x": "text", "y": "hierarchy"}
# What heap.js autocaptures on the web [seen: click and change in captures, submit in Heap's docs].
AUTOCAPTURE_TYPES = ("click", "change", "submit")
# Up to four digits: a batch is bounded by the URL's length, and wider "indexes" are not events.
_INDEXED = re.compile(r"([a-z]{1,2})([0-9]{1,4})")
_MAX_LISTED = 10
# Pages nest a few dozen elements deep; beyond this the text is shown as sent, not as objects.
MAX_ELEMENTS = 500


def split_event_keys(params: dict[str, str | list[str]]
                     ) -> tuple[dict[int, dict[str, str | list[str]]], dict[str, str | list[str]]]:
    """(events by index, every other parameter). An index counts as an event once it carries an id or
    a type, so an unrelated parameter that merely ends in a digit is left alone."""
    groups: dict[int, dict[str, str | list[str]]] = {}
    for wire, value in params.items():
        match = _INDEXED.fullmatch(wire)
        if match is not None:
            groups.setdefault(int(match.group(2)), {})[match.group(1)] = value
    events = {index: keys for index, keys in groups.items() if "id" in keys or "t" in keys}
    taken = {f"{key}{index}" for index, keys in events.items() for key in keys}
    rest = {wire: value for wire, value in params.items() if wire not in taken}
    return dict(sorted(events.items())), rest


def decode_events(events: dict[int, dict[str, str | list[str]]]) -> tuple[list[JsonValue], list[str]]:
    notes: list[str] = []
    out: list[JsonValue] = []
    for index, keys in events.items():
        event: dict[str, JsonValue] = {"index": index}
        target: dict[str, JsonValue] = {}
        unknown: dict[str, JsonValue] = {}
        for key, raw in keys.items():
            value = first(raw) or ""
            if isinstance(raw, list):
                notes.append(f"event {index}: {key}{index} repeated {len(raw)} times, the first is used")
            if key in EVENT_KEYS:
                number = as_number(value) if key == "ts" else None
                event[EVENT_KEYS[key]] = number if number is not None else value
            elif key == "y":
                hierarchy, hierarchy_notes = parse_hierarchy(value)
                target["hierarchy"] = hierarchy
                notes += [f"event {index}: {note}" for note in hierarchy_notes]
            elif key in TARGET_KEYS:
                target[TARGET_KEYS[key]] = value
            else:
                unknown[f"{key}{index}"] = raw if isinstance(raw, str) else list[JsonValue](raw)
        notes += _event_notes(index, event)
        event = {name: event[name] for name in ("index", *EVENT_KEYS.values()) if name in event}
        if target:
            # In a fixed order, the long hierarchy last, whatever order the keys came in.
            event["target"] = {name: target[name] for name in TARGET_KEYS.values() if name in target}
        if unknown:
            event["unknown"] = unknown
        out.append(event)
    missing = sorted(set(range(max(events) + 1)) - set(events)) if events else []
    if missing:
        shown = ", ".join(map(str, missing[:_MAX_LISTED])) + (", ..." if len(missing) > _MAX_LISTED else "")
        notes.append(f"events missing from the batch (indexes {shown}): a batch cut short or pieced together")
    return out, notes


def _event_notes(index: int, event: dict[str, JsonValue]) -> list[str]:
    kind = event.get("type")
    if kind is None:
        return [f"event {index} has no type (t{index}): the batch may have been cut short"]
    if kind not in AUTOCAPTURE_TYPES:
        return [f"event {index}: type {str(kind)[:40]!r} is not one heap.js autocaptures "
                f"({', '.join(AUTOCAPTURE_TYPES)}): kept as sent"]
    if "event_id" not in event:
        return [f"event {index} has no id (id{index})"]
    return []


def parse_hierarchy(text: str) -> tuple[JsonValue, list[str]]:
    """``@div;#root;|@a;.btn;.primary;[href=/x];|`` (outermost element first) -> one object per element:
    {"tag", "id", "classes", "attributes"}. Text not in that shape is kept whole, with a note."""
    if not text:
        return [], []
    notes: list[str] = []
    segments = text.split("|", MAX_ELEMENTS + 1)
    if len(segments) > MAX_ELEMENTS + 1 or (len(segments) == MAX_ELEMENTS + 1 and segments[-1]):
        return text, [f"hierarchy deeper than {MAX_ELEMENTS} elements, kept as sent"]
    if segments[-1]:
        notes.append("the hierarchy does not end with '|': its last element may be cut short")
    elements: list[JsonValue] = []
    for segment in (s for s in segments if s):
        element = _element(segment)
        if element is None:
            return text, ["hierarchy not in heap.js's '@tag;#id;.class;[attr=value];|' form, kept as sent"]
        elements.append(element)
    return elements, notes


def _element(segment: str) -> dict[str, JsonValue] | None:
    tokens = _tokens(segment)
    if not tokens or not tokens[0].startswith("@"):
        return None
    element: dict[str, JsonValue] = {"tag": tokens[0][1:]}
    classes: list[JsonValue] = []
    attributes: dict[str, JsonValue] = {}
    for token in tokens[1:]:
        if token.startswith("#") and "id" not in element:
            element["id"] = token[1:]
        elif token.startswith("."):
            classes.append(token[1:])
        elif token.startswith("["):
            name, _, value = token[1:].removesuffix("]").partition("=")
            attributes[name] = value
        else:
            return None
    if classes:
        element["classes"] = classes
    if attributes:
        element["attributes"] = attributes
    return element


def _tokens(segment: str) -> list[str]:
    """Split on ';', except inside ``[attr=value]``, whose value may hold one (a style, a script)."""
    tokens: list[str] = []
    open_attribute: list[str] = []  # the pieces of an attribute still open (joined once: linear time)
    for part in segment.split(";"):
        if open_attribute:
            open_attribute.append(part)
            if part.endswith("]"):
                tokens.append(";".join(open_attribute))
                open_attribute = []
        elif part.startswith("[") and not part.endswith("]"):
            open_attribute = [part]
        elif part:
            tokens.append(part)
    if open_attribute:
        tokens.append(";".join(open_attribute).rstrip(";"))
    return tokens
