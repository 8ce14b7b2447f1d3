"""One raw ``request`` of the tag to one decoded ``hit``: dispatch by host role and path."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import JsonValue

from inspector.decode import codecs, collection, heap
from inspector.decode.errors import DecodeError
from inspector.decode.hosts import HostRole, host_role
from inspector.decode.params import as_int, first, group, looks_like_form, parse_pairs
from inspector.wire.events import Hit, HitType, Request

_TAG_SCRIPT = re.compile(r"^/uxa/([0-9a-f]+)\.js$", re.IGNORECASE)


def body_text(request: Request) -> tuple[str, list[str]]:
    """The body as text; a base64 body that is not UTF-8 is left as base64 with a note."""
    if request.body_encoding == "text":
        return request.body, []
    try:
        data = codecs.b64decode(request.body)
    except DecodeError:
        return "", ["body is not valid base64"]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return "", [f"binary body of {len(data)} bytes kept raw"]


def header(request: Request, name: str) -> str | None:
    name = name.lower()
    return next((value for key, value in request.headers if key.lower() == name), None)


def decode_request(request: Request) -> Hit:
    """Never raises: what cannot be read becomes notes and raw fields on the hit."""
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
        return _heap_hit(params, body, notes, common)
    if role in (HostRole.COLLECTION, HostRole.RECORDING, HostRole.QUOTA):
        return _collection_hit(params, body, notes, common)
    return Hit(hit_type=HitType.OTHER, unknown=dict(params), notes=tuple(notes), **common)


def _collection_hit(params: dict[str, str | list[str]], body: str, notes: list[str],
                    common: dict[str, object]) -> Hit:
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
        "fields": fields,
        "unknown": unknown,
        "notes": tuple(notes),
    })


def _heap_hit(params: dict[str, str | list[str]], body: str, notes: list[str],
              common: dict[str, object]) -> Hit:
    decoded = heap.decode_heap(str(common["path"]), params, body)
    return Hit.model_validate({
        **common,
        "hit_type": decoded.hit_type,
        "identity": decoded.identity,
        "properties": decoded.properties,
        "fields": decoded.fields,
        "unknown": decoded.unknown,
        "notes": (*notes, *decoded.notes),
    })
