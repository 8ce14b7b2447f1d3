"""The events a capture is made of.

Two layers, one discriminated union (`kind`):

* raw facts, exactly as the capture saw them and as recordings keep them: ``command``, ``request``,
  ``storage``, ``page``, ``callback``, ``tick``, ``dropped``, ``notice``;
* decoded observations, made from raw facts by ``inspector.decode`` and fed to the reference model:
  ``hit`` (from a ``request``) and ``cookies`` (from a ``storage`` snapshot). Each keeps the raw fact
  it came from, so nothing is ever lost and old recordings improve when the decoders do.

Our own formats are strict (``extra="forbid"``); third-party payloads live in ``JsonValue`` fields.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

# The observer encodes values JSON cannot carry as {"__uxa_type__": "<type>", "repr": "<short text>"},
# so nothing the page pushes is lost silently. Types: function, undefined, symbol, bigint, number
# (NaN/Infinity), date, node (DOM), cycle, deep (nested too deep), truncated (too many items),
# unreadable (a getter threw).
FOREIGN_VALUE_KEY = "__uxa_type__"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------- raw facts


class _FromPage(_Frozen):
    """Where an observer report stands in its page's own order (all optional: older recordings and
    events the capture makes itself have none). The capture delivers one document's events in
    ``page_seq`` order and places tag requests among them by ``page_time``."""

    # The document that reported it (one per page load / frame), its sequence number there (from 0),
    # and the page's clock when it happened (performance.timeOrigin + now(), ms since the epoch).
    document: str | None = None
    page_seq: int | None = Field(default=None, ge=0)
    page_time: float | None = None


class Command(_FromPage):
    """One ``_uxa.push(...)`` the page made, as the injected observer saw it."""

    kind: Literal["command"] = "command"
    # What was pushed, JSON-safe. Normally ``["identify", "abc", {"hash": true}]``; anything else is
    # kept as it came so the model can call it malformed.
    payload: JsonValue = None
    # Whether the tag had already replaced the queue (then push runs at once and may return a value).
    tag_loaded: bool = False
    page_url: str = ""
    top_frame: bool = True
    # The observer's id for this call; a later ``result`` event with the same id carries what push
    # returned (reported after the call, while the command itself is reported before it runs, so the
    # command always precedes the requests it causes).
    call_id: str | None = None

    @property
    def name(self) -> str | None:
        """The command name, or None when the payload is not ``[name, ...]``."""
        if isinstance(self.payload, list) and self.payload and isinstance(self.payload[0], str):
            return self.payload[0]
        return None

    @property
    def args(self) -> tuple[JsonValue, ...]:
        if isinstance(self.payload, list) and self.name is not None:
            return tuple(self.payload[1:])
        return ()


class Result(_FromPage):
    """What a ``_uxa.push`` call returned (or threw), reported right after it ran."""

    kind: Literal["result"] = "result"
    call_id: str
    name: str | None = None
    # ``has_return`` tells "returned null" from "returned nothing" (JSON has no undefined).
    returned: JsonValue = None
    has_return: bool = False
    # Text of an exception push threw in the page (re-thrown to the page unchanged), if any.
    error: str | None = None


class Request(_Frozen):
    """A request to one of the tag's hosts, lossless (decoded later)."""

    kind: Literal["request"] = "request"
    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    # The body as text when it is valid UTF-8, else base64 (``body_encoding``).
    body: str = ""
    body_encoding: Literal["text", "base64"] = "text"
    # Only the body's first bytes are kept: the capture's limit (uxa_max_body) cut the rest.
    body_truncated: bool = False
    status: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    duration_ms: float | None = None
    # Answered by the addon itself (sink mode) rather than by the vendor.
    sunk: bool = False
    flow_id: str | None = None


class Storage(_FromPage):
    """A snapshot of the tag's first-party cookies (``_cs_*``), raw."""

    kind: Literal["storage"] = "storage"
    cookies: dict[str, str] = Field(default_factory=dict)
    # observer: document.cookie read in the page; request-header: a page request's Cookie header;
    # response-header: a Set-Cookie the site or tag sent (HAR files).
    source: Literal["observer", "request-header", "response-header"] = "observer"
    # Why the snapshot was taken: "load", "change", "command:identify", ...
    trigger: str = ""
    page_url: str = ""


class Page(_FromPage):
    """The observer started in a document (a navigation, a reload, an iframe)."""

    kind: Literal["page"] = "page"
    url: str
    top_frame: bool = True
    referrer: str = ""
    title: str = ""


class Callback(_FromPage):
    """A callback the observer registered with the tag fired (``afterPageView``)."""

    kind: Literal["callback"] = "callback"
    name: str
    payload: JsonValue = None
    page_url: str = ""


class Tick(_Frozen):
    """Time passes (the envelope's time); lets deadlines expire live and at the end of a file."""

    kind: Literal["tick"] = "tick"
    final: bool = False


class Dropped(_Frozen):
    """The capture had to drop events (its queue was full); says how many, never silently."""

    kind: Literal["dropped"] = "dropped"
    count: int = Field(ge=1)
    reason: str = ""


class Notice(_FromPage):
    """Something the user should know about the capture itself (CSP adjusted, service worker...)."""

    kind: Literal["notice"] = "notice"
    level: Literal["info", "warning", "error"] = "info"
    code: str
    message: str


# --------------------------------------------------------------------------- decoded observations


class PageviewType(StrEnum):
    NATURAL = "natural"
    ARTIFICIAL = "artificial"
    RENEWAL = "renewal"


class HitType(StrEnum):
    PAGEVIEW = "pageview"
    EVENTS = "events"
    DVAR = "dvar"
    PAGE_EVENT = "page_event"
    TRANSACTION = "transaction"
    ERRORS = "errors"
    DISPLAY = "display"
    RECORDING = "recording"
    QUOTA = "quota"
    TAG = "tag"  # the tag script itself
    HEAP_TRACK = "heap_track"
    HEAP_PAGEVIEW = "heap_pageview"
    HEAP_IDENTIFY = "heap_identify"
    HEAP_USER_PROPERTIES = "heap_user_properties"
    OTHER = "other"


class Hit(_Frozen):
    """A decoded request of the tag."""

    kind: Literal["hit"] = "hit"
    hit_type: HitType
    host: str
    path: str
    method: str = "GET"
    pid: int | str | None = None
    uu: str | None = None
    sn: int | None = None
    pn: int | None = None
    pvt: PageviewType | None = None
    page_url: str | None = None
    tag_version: str | None = None
    # Product Analytics identity traffic.
    identity: str | None = None
    properties: dict[str, JsonValue] | None = None
    # Every known wire parameter by its wire name, decoded (numbers as numbers, JSON parsed, ...).
    fields: dict[str, JsonValue] = Field(default_factory=dict)
    # Parameters the decoder does not know, kept raw.
    unknown: dict[str, JsonValue] = Field(default_factory=dict)
    notes: tuple[str, ...] = ()
    request: Request


class Cookies(_Frozen):
    """The tag's cookies, decoded from a storage snapshot."""

    kind: Literal["cookies"] = "cookies"
    user_id: str | None = None
    session_number: int | None = None
    page_number: int | None = None
    # Each known cookie by name, decoded field by field (unknown tails kept as raw strings).
    fields: dict[str, JsonValue] = Field(default_factory=dict)
    notes: tuple[str, ...] = ()
    storage: Storage


Event = Annotated[
    Command | Result | Request | Storage | Page | Callback | Tick | Dropped | Notice | Hit | Cookies,
    Field(discriminator="kind"),
]
