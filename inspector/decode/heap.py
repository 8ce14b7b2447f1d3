"""Product Analytics (Heap) traffic: classic heapanalytics.com and the capture API v2 JSON bodies."""

from __future__ import annotations

from pydantic import JsonValue

from inspector.decode.errors import DecodeError
from inspector.decode.params import first
from inspector.decode.payloads import parse_json
from inspector.wire.events import HitType

# Classic heapanalytics.com query parameters [seen]: a env id, u user id, v pageview id, s session id,
# i identity, k properties (key/value pairs).
CLASSIC_FIELDS = {"a": "env_id", "u": "user_id", "v": "pageview_id", "s": "session_id", "i": "identity"}


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


def heap_body(body: str) -> tuple[JsonValue, list[str]]:
    """A capture API body: JSON, else kept raw with a note (protobuf bodies are possible [guess])."""
    if not body.strip():
        return None, []
    try:
        return parse_json(body), []
    except DecodeError as exc:
        return body, [f"body is not JSON, kept raw ({exc})"]


def identity_and_properties(params: dict[str, str | list[str]], body: JsonValue
                            ) -> tuple[str | None, dict[str, JsonValue] | None, dict[str, JsonValue]]:
    """The identity, user properties and decoded fields carried by a Heap request."""
    fields: dict[str, JsonValue] = {}
    for wire, name in CLASSIC_FIELDS.items():
        value = first(params.get(wire))
        if value is not None:
            fields[wire] = value
            fields.setdefault(name, value)
    identity = first(params.get("i"))
    properties: dict[str, JsonValue] | None = None
    if isinstance(body, list):
        # A batch [guess: SDKs may queue several calls in one request]: the first call that carries
        # an identity or properties speaks for the request; the whole batch stays under "body".
        body = next((item for item in body if isinstance(item, dict)
                     and ("identity" in item or "properties" in item)), None)
    if isinstance(body, dict):
        fields.update({k: v for k, v in body.items() if k not in fields})
        raw_identity = body.get("identity")
        if isinstance(raw_identity, (str, int)) and not isinstance(raw_identity, bool):
            identity = str(raw_identity)
        raw_props = body.get("properties")
        if isinstance(raw_props, dict):
            properties = raw_props
    return identity, properties, fields
