"""The one place values are masked for display (timeline, details, state trees, copies). Qt-free.

Builds on ``model.privacy`` (how one value is masked) and the support bundle's knowledge of which
query parameters and headers carry nothing personal (``report.redact``): a URL keeps its host, its
route words and its query keys; every other value is masked unless the user reveals personal data.

A path segment stays in clear only when it is a route word (``ROUTE_WORD``) that no rule below
claims: it is masked when it follows a word that introduces a person (``/users/alice``,
``/u/jdoe``), or when the capture itself knows it is personal: an identity given to ``identify`` or
a user property value, as it is, as an e-mail's local part or as a slug (``Alice Martin`` →
``alice-martin``), once the capture has shown that value (``PERSONAL``); a known value of at least
``MIN_SWEEP`` characters also as whole words of a segment (``welcome-alice``). Such values are also
masked inside the values shown in clear (safe query parameters and headers, event names, other
commands' arguments: ``clear_value``), as the support bundle sweeps them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import JsonValue

from inspector.model.identity_checks import identify_args, identity_text
from inspector.model.privacy import MASK, mask_text, show
from inspector.report.redact import MIN_SWEEP, SAFE_HEADERS, SAFE_PARAMS
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Hit

# Keys whose values are the schema of an event, counters or flags, never personal: shown as they are.
SAFE_KEYS = frozenset({
    "kind", "hit_type", "pvt", "sn", "pn", "pid", "method", "status", "sunk", "body_encoding",
    "top_frame", "tag_loaded", "has_return", "source", "trigger", "level", "count", "reason", "final",
    "name", "host", "uu", "user_id", "session_number", "page_number", "time", "seq", "device", "tab",
})
# Maps of what a page or a person sent: their keys are the schema, but every value is personal.
PERSONAL_MAPS = frozenset({"fields", "properties", "unknown", "details", "cookies", "payload", "args"})
URL_KEYS = frozenset({"url", "page_url", "referrer", "dr", "href"})
# Pseudonymous IDs the views show in clear (their hex may hold any short word).
USER_ID_KEYS = frozenset({"uu", "user_id"})
# A path segment kept in clear is a route word (lowercase letters and dashes, perhaps a file's
# extension): anything with digits, capitals, an @, a dot elsewhere (first.last) or other
# punctuation may be an identity, a name or a token.
ROUTE_WORD = re.compile(r"[a-z][a-z_-]{0,31}(\.(html?|php|aspx?|jsp|m?js|css|json|xml|txt|pdf|png|jpe?g|gif"
                        r"|svg|webp|ico|woff2?|map|csv))?")
# Path words after which a segment names a person, whatever it looks like.
PERSON_WORDS = frozenset({
    "u", "user", "users", "profile", "profiles", "member", "members", "customer", "customers", "people",
    "person", "author", "authors", "client", "clients", "contact", "contacts", "employee", "employees",
    "patient", "patients", "student", "students", "seller", "sellers",
})
_SLUG_BREAK = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    return _SLUG_BREAK.sub("-", text).strip("-")


def _forms(value: str) -> set[str]:
    """How a personal value may show in a URL path: as it is, an e-mail's local part, as slugs."""
    lower = value.strip().lower()
    forms = {lower, lower.partition("@")[0]} if "@" in lower else {lower}
    forms |= {_slug(f) for f in forms}
    # Only a form with a letter can pass for a route word or hide in a clear value (digits are masked).
    return {f for f in forms if any(ch.isalpha() for ch in f)}


class PersonalValues:
    """The identities and user property values a capture has shown so far (in memory only)."""

    def __init__(self) -> None:
        self._forms: set[str] = set()
        self._long: tuple[str, ...] = ()  # forms long enough to look for inside other text
        self._values: set[str] = set()  # the values whose forms are known (most repeat, event after event)
        self.version = 0  # grows when a value is learnt: summaries made before are stale

    def clear(self) -> None:
        self._values.clear()
        if self._forms:
            self._forms.clear()
            self._long = ()
            self.version += 1

    def learn(self, envelopes: Iterable[Envelope]) -> bool:
        """Remember the personal values of these events; True when one was new."""
        values = {value for env in envelopes for value in _personal_values(env)} - self._values
        if not values:
            return False
        self._values |= values
        new = {f for value in values for f in _forms(value)} - self._forms
        if not new:
            return False
        self._forms |= new
        self._long = tuple(sorted((f for f in self._forms if len(f) >= MIN_SWEEP), key=len, reverse=True))
        self.version += 1
        return True

    def is_known(self, segment: str) -> bool:
        """A path segment that is a known value, or holds a long one as whole words (``hello-alice``
        for ``Alice``, but not ``homepage`` for ``home``)."""
        if not self._forms:
            return False
        text = unquote(segment).lower()
        slug = _slug(text)
        if text in self._forms or slug in self._forms:
            return True
        words = f"-{slug}-"
        return any(f"-{form}-" in words for form in self._long)

    def occurs_in(self, text: str) -> bool:
        if not self._long:
            return False
        lower = unquote(text).lower()
        return any(form in lower for form in self._long)


def _personal_values(env: Envelope) -> list[str]:
    event = env.event
    values: list[JsonValue] = []
    if isinstance(event, Hit):
        if event.identity is not None:
            values.append(event.identity)
        if event.properties:
            values.extend(event.properties.values())
    elif isinstance(event, Command):
        if event.name == "identify":
            values.append(identify_args(event.args).value)
        elif event.name == "addUserProperties" and event.args and isinstance(event.args[0], dict):
            values.extend(event.args[0].values())
    if not values:
        return []  # most events: no personal value
    return [text for v in values if (text := identity_text(v)) is not None]


# What the app's views have learnt from the capture on screen (cleared with it).
PERSONAL = PersonalValues()


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
        out += "?" + "&".join(f"{k}={v if k in SAFE_PARAMS and not PERSONAL.occurs_in(v) else MASK}"
                              for k, v in parse_qsl(parts.query, keep_blank_values=True))
    if parts.fragment:
        out += "#" + MASK
    return out


def _masked_path(path: str) -> str:
    out: list[str] = []
    previous = ""
    for segment in path.split("/"):
        clear = not segment or (ROUTE_WORD.fullmatch(segment) is not None and previous not in PERSON_WORDS
                                and not PERSONAL.is_known(segment))
        out.append(segment if clear else MASK)
        previous = segment.lower() if segment else previous
    return "/".join(out)


def masked_header(name: str, value: str, reveal: bool) -> str:
    clear = reveal or (name.lower() in SAFE_HEADERS and not PERSONAL.occurs_in(value))
    return value if clear else mask_text(value)


def clear_value(value: JsonValue, reveal: bool) -> str:
    """A value of a field that carries nothing personal (an event's name, a non-identity command's
    argument): shown as it is, unless it holds a value the capture knows to be personal."""
    text = show(value, True)
    return text if reveal or not PERSONAL.occurs_in(text) else mask_text(text)


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
    if key in SAFE_KEYS and isinstance(value, str) and key not in USER_ID_KEYS:
        return clear_value(value, False)
    if key in SAFE_KEYS or value is None or isinstance(value, bool):
        return value
    if key in URL_KEYS and isinstance(value, str):
        return masked_url(value, False)
    if key == "path" and isinstance(value, str):
        return _masked_path(value)
    if key == "body" and isinstance(value, str) and value:
        return f"({len(value)} chars hidden; View ▸ Reveal personal data)"
    return show(value, False)
