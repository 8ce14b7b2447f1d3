"""The one place values are masked for display (timeline, details, state trees, copies). Qt-free.

Builds on ``model.privacy`` (how one value is masked) and the support bundle's knowledge of which
query parameters and headers carry nothing personal (``report.redact``): a URL keeps its host, its
route words and its query keys; every other value is masked unless the user reveals personal data.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from pydantic import JsonValue

from inspector.model.privacy import MASK, mask_text, show
from inspector.report.redact import SAFE_HEADERS, SAFE_PARAMS

# Keys whose values are the schema of an event, counters or flags, never personal: shown as they are.
SAFE_KEYS = frozenset({
    "kind", "hit_type", "pvt", "sn", "pn", "pid", "method", "status", "sunk", "body_encoding",
    "top_frame", "tag_loaded", "has_return", "source", "trigger", "level", "count", "reason", "final",
    "name", "host", "uu", "user_id", "session_number", "page_number", "time", "seq", "device", "tab",
})
# Maps of what a page or a person sent: their keys are the schema, but every value is personal.
PERSONAL_MAPS = frozenset({"fields", "properties", "unknown", "details", "cookies", "payload", "args"})
URL_KEYS = frozenset({"url", "page_url", "referrer", "dr", "href"})
# A path segment kept in clear is a route word (lowercase letters, dashes, an extension): anything
# with digits, capitals, an @ or other punctuation may be an identity, a name or a token.
_ROUTE_WORD = re.compile(r"[a-z][a-z_-]{0,31}(\.[a-z]{2,5})?")


def masked_url(url: str, reveal: bool) -> str:
    """Scheme, host and route words in clear; other path segments, query values and fragment masked."""
    if reveal or not url:
        return url
    parts = urlsplit(url)
    if not parts.netloc:
        return mask_text(url)
    path = _masked_path(parts.path)
    out = f"{parts.scheme}://{parts.netloc}{path}" if parts.scheme else f"{parts.netloc}{path}"
    if parts.query:
        out += "?" + "&".join(f"{k}={v if k in SAFE_PARAMS else MASK}"
                              for k, v in parse_qsl(parts.query, keep_blank_values=True))
    if parts.fragment:
        out += "#" + MASK
    return out


def _masked_path(path: str) -> str:
    return "/".join(s if not s or _ROUTE_WORD.fullmatch(s) else MASK for s in path.split("/"))


def masked_header(name: str, value: str, reveal: bool) -> str:
    return value if reveal or name.lower() in SAFE_HEADERS else mask_text(value)


def masked(value: JsonValue, reveal: bool, key: str | None = None) -> JsonValue:
    """Any JSON value for display: dict keys and safe fields in clear, URLs by route, the rest masked."""
    if reveal:
        return value
    if isinstance(value, dict):
        if key in PERSONAL_MAPS:
            return {k: masked(v, False, "args" if isinstance(v, (dict, list)) else None)
                    for k, v in value.items()}
        return {k: masked(v, False, k) for k, v in value.items()}
    if isinstance(value, list):
        if key in ("headers", "response_headers"):
            return [[str(h[0]), masked_header(str(h[0]), str(h[1]), False)]
                    if isinstance(h, list) and len(h) == 2 else masked(h, False) for h in value]
        # A pushed command's name stays readable; its arguments do not.
        if key == "payload" and value and isinstance(value[0], str):
            return [value[0], *(masked(v, False) for v in value[1:])]
        return [masked(v, False, key) for v in value]
    if key in SAFE_KEYS or value is None or isinstance(value, bool):
        return value
    if key in URL_KEYS and isinstance(value, str):
        return masked_url(value, False)
    if key == "path" and isinstance(value, str):
        return _masked_path(value)
    if key == "body" and isinstance(value, str) and value:
        return f"({len(value)} chars hidden; View ▸ Reveal personal data)"
    return show(value, False)
