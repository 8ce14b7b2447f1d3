"""One raw ``request`` of the tag to one decoded ``hit``: dispatch by host role and path."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import JsonValue

from inspector.decode import codecs, collection, heap
from inspector.decode.errors import DecodeError
from inspector.decode.hosts import HostRole, host_role
from inspector.decode.params import as_int, first, group, looks_like_form, parse_pairs
from inspector.wire.events import FOREIGN_VALUE_KEY, Hit, HitType, Request

# Bytes of JSON a decoded field may take on a hit before a stand-in replaces it (see decode_request).
MAX_KEPT_DECODED = 256 * 1024
_STAND_IN: JsonValue = {FOREIGN_VALUE_KEY: "truncated",
                        "repr": "a decoded value too large to keep in memory: "
                        "decode the raw request again to see it"}
_TAG_SCRIPT = re.compile(r"^/uxa/([0-9a-f]+)\.js$", re.IGNORECASE)


def body_text(request: Request) -> tuple[str, list[str]]:
    """The body as text; a base64 body that is not UTF-8 is left as base64 with a note."""
    notes: list[str] = []
    if request.body_truncated:
        notes.append("only the body's first bytes were recorded (the capture's size limit)")
    if request.body_encoding == "text":
        return request.body, notes
    try:
        data = codecs.b64decode(request.body)
    except DecodeError:
        return "", [*notes, "body is not valid base64"]
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError:
        return "", [*notes, f"binary body of {len(data)} bytes kept raw"]


def header(request: Request, name: str) -> str | None:
    name = name.lower()
    return next((value for key, value in request.headers if key.lower() == name), None)


def decode_request(request: Request, max_kept: int | None = MAX_KEPT_DECODED) -> Hit:
    """Never raises: what cannot be read becomes notes and raw fields on the hit.

    A decoded field larger than about ``max_kept`` bytes is replaced by a short stand-in: a capture
    holds thousands of hits, and one payload may inflate to 16 MB. The hit keeps its raw request, so
    a view that shows the whole value decodes it again with ``max_kept=None``.
    """
    return _decode(request, max_kept)


def kept(fields: dict[str, JsonValue], max_kept: int | None) -> dict[str, JsonValue]:
    if max_kept is None:
        return fields
    return {name: _STAND_IN if _larger_than(value, max_kept) else value for name, value in fields.items()}


def _larger_than(value: JsonValue, limit: int) -> bool:
    """Whether ``value`` takes more than about ``limit`` bytes as JSON; walks no further than that."""
    size, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            size += 2 + sum(len(key) + 4 for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            size += 2 + len(item)
            stack.extend(item)
        else:
            size += len(item) + 2 if isinstance(item, str) else 8
        if size > limit:
            return True
    return False


def _decode(request: Request, max_kept: int | None) -> Hit:
    try:
        parts = urlsplit(request.url)
        host, path, query = (parts.hostname or ""), (parts.path or "/"), parts.query
    except ValueError as exc:
        return Hit(hit_type=HitType.OTHER, host="", path="", method=request.method,
                   notes=(f"unreadable URL: {exc}",), request=request)
    params = group(parse_pairs(query))
    body, notes = body_text(request)
    content_type = (header(request, "content-type") or "").lower()
    role = host_role(host)
    known = collection.KNOWN_PARAMS | heap.KNOWN_PARAMS
    if body and ("application/x-www-form-urlencoded" in content_type or looks_like_form(body, known)):
        for key, value in group(parse_pairs(body)).items():
            params.setdefault(key, value)
        body = ""
    common = {"host": host, "path": path, "method": request.method.upper(), "request": request}
    if role == HostRole.TAG:
        match = _TAG_SCRIPT.match(path)
        fields: dict[str, JsonValue] = {"tag_id": match.group(1)} if match else {}
        return Hit(hit_type=HitType.TAG, fields=fields, unknown=dict(params), notes=tuple(notes), **common)
    if role == HostRole.HEAP:
        return _heap_hit(params, body, notes, common, max_kept)
    if role in (HostRole.COLLECTION, HostRole.RECORDING, HostRole.QUOTA):
        return _collection_hit(params, body, notes, common, max_kept)
    return Hit(hit_type=HitType.OTHER, unknown=dict(params), notes=tuple(notes), **common)


def _collection_hit(params: dict[str, str | list[str]], body: str, notes: list[str],
                    common: dict[str, object], max_kept: int | None) -> Hit:
    hit_type = collection.hit_type_for(str(common["path"]))
    fields, unknown, field_notes = collection.decode_params(params, hit_type)
    notes = notes + field_notes
    if body and hit_type != HitType.RECORDING:
        decoded_body, body_notes = collection.decode_body(body, first(params.get("ct")))
        fields["body"] = decoded_body
        notes += body_notes
        if hit_type == HitType.PAGEVIEW:
            notes += collection.lift_ids_from_body(fields, decoded_body)
    elif body:
        fields["body_size"] = len(body)
    pid = fields.get("pid")
    uu = fields.get("uu")
    pvt = collection.pageview_type(fields) if hit_type == HitType.PAGEVIEW else None
    notes += collection.name_pageview_type(fields)
    return Hit.model_validate({
        **common,
        "hit_type": hit_type,
        "pid": pid if isinstance(pid, (int, str)) and not isinstance(pid, bool) else None,
        "uu": uu if isinstance(uu, str) and uu else None,
        "sn": as_int(fields.get("sn")),
        "pn": as_int(fields.get("pn")),
        "pvt": pvt,
        "page_url": fields.get("url") if isinstance(fields.get("url"), str) else None,
        "tag_version": fields.get("v") if isinstance(fields.get("v"), str) else None,
        "fields": kept(fields, max_kept),
        "unknown": unknown,
        "notes": tuple(notes),
    })


def _heap_hit(params: dict[str, str | list[str]], body: str, notes: list[str],
              common: dict[str, object], max_kept: int | None) -> Hit:
    decoded = heap.decode_heap(str(common["path"]), params, body)
    return Hit.model_validate({
        **common,
        "hit_type": decoded.hit_type,
        "identity": decoded.identity,
        "properties": decoded.properties,
        "fields": kept(decoded.fields, max_kept),
        "unknown": decoded.unknown,
        "notes": (*notes, *decoded.notes),
    })
