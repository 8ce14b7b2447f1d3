"""Product Analytics (Heap) traffic: the classic query-string protocol of heapanalytics.com (named in
``heap_query``) and the capture API v2 JSON bodies.

In the model's terms: ``/api/identify_v3`` and ``.../identify`` are identify hits (with the identity),
``add_user_properties`` carries user properties, a ``/h`` request describing a page or a screen is a
pageview, and one carrying only a batch of events (click, change, submit) is a track hit. Heap's own
user, session and pageview ids stay named in the fields: they are not the tag's ``uu`` / ``sn``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import JsonValue

from inspector.decode import heap_query
from inspector.decode.errors import DecodeError
from inspector.decode.payloads import parse_json
from inspector.wire.events import HitType

KNOWN_PARAMS = heap_query.KNOWN_PARAMS
_PERSONAL = frozenset({"identity", "properties"})


@dataclass(frozen=True, slots=True)
class HeapDecoded:
    hit_type: HitType
    identity: str | None
    properties: dict[str, JsonValue] | None
    fields: dict[str, JsonValue]
    unknown: dict[str, JsonValue]
    notes: tuple[str, ...]


def heap_hit_type(path: str) -> HitType:
    path = path.rstrip("/").lower()
    if path.endswith(("/identify", "/identify_v3", "/api/identify")):
        return HitType.HEAP_IDENTIFY
    if path.endswith(("/add_user_properties", "/add_user_properties_v3", "/api/add_user_properties")):
        return HitType.HEAP_USER_PROPERTIES
    if path in ("/h", "/api/track", "/api/capture/v2/track") or path.endswith("/track"):
        return HitType.HEAP_TRACK
    if path.endswith("/pageview") or path.endswith("/pageviews"):
        return HitType.HEAP_PAGEVIEW
    return HitType.OTHER


def decode_heap(path: str, params: dict[str, str | list[str]], body: str) -> HeapDecoded:
    """Never raises: a body that is not JSON is kept raw with a note."""
    query = heap_query.decode_query(params)
    decoded_body, body_notes = heap_body(body)
    identity, properties, fields = identity_and_properties(query.fields, decoded_body)
    if decoded_body is not None and not isinstance(decoded_body, dict):
        fields["body"] = decoded_body
    hit_type = heap_hit_type(path)
    if path.rstrip("/").lower() == "/h" and heap_query.is_page(query.fields):
        hit_type = HitType.HEAP_PAGEVIEW  # a pageview or screen, maybe with events of its page
    return HeapDecoded(hit_type=hit_type, identity=identity, properties=properties, fields=fields,
                       unknown=query.unknown, notes=(*query.notes, *body_notes))


def heap_body(body: str) -> tuple[JsonValue, list[str]]:
    """A capture API body: JSON, else kept raw with a note (protobuf bodies are possible [guess])."""
    if not body.strip():
        return None, []
    try:
        return parse_json(body), []
    except DecodeError as exc:
        return body, [f"body is not JSON, kept raw ({exc})"]


def identity_and_properties(named: dict[str, JsonValue], body: JsonValue
                            ) -> tuple[str | None, dict[str, JsonValue] | None, dict[str, JsonValue]]:
    """The identity, user properties and decoded fields carried by a Heap request: the named query
    parameters, then a JSON body's own fields (whose names are the same: env_id, user_id, identity).

    The identity and the properties are the hit's own (masked where the hit is shown), not fields.
    """
    fields = {k: v for k, v in named.items() if k not in _PERSONAL}
    raw_identity = named.get("identity")
    identity = raw_identity if isinstance(raw_identity, str) and raw_identity else None
    properties: dict[str, JsonValue] | None = None
    if isinstance(body, list):
        # A batch [guess: SDKs may queue several calls in one request]: the first call that carries
        # an identity or properties speaks for the request; the whole batch stays under "body".
        body = next((item for item in body if isinstance(item, dict)
                     and ("identity" in item or "properties" in item)), None)
    if isinstance(body, dict):
        fields.update({k: v for k, v in body.items() if k not in fields and k not in _PERSONAL})
        body_identity = body.get("identity")
        if isinstance(body_identity, (str, int)) and not isinstance(body_identity, bool):
            identity = str(body_identity)
        raw_props = body.get("properties")
        if isinstance(raw_props, dict):
            properties = raw_props
    return identity, properties, fields
