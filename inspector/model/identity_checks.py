"""Static checks of what a page passes to identify and addUserProperties (no state involved)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import JsonValue

from inspector.wire.events import FOREIGN_VALUE_KEY

IDENTITY_MAX = 255
# Some vendor pages say 100, others 255: above 100 warns, above 255 is invalid.
IDENTITY_WARN = 100
PROPERTY_VALUE_MAX = 255
RESERVED_PROPERTY_KEYS = frozenset({"user_id", "id"})
GENERIC_IDENTITIES = frozenset(
    {"guest", "anonymous", "anon", "unauthenticated", "unknown", "null", "undefined", "none", "nil",
     "0", "-1", "[object object]", "user", "test", "nan", "false", "true", "n/a", "na"}
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
# A phone number: optional +, 8 to 15 digits once separators are removed.
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-]{8,22}$")


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    reason: str


def identity_text(value: JsonValue) -> str | None:
    """The identity as the tag keeps it (numbers stringified), or None if it is not usable at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return None


def check_identity(value: JsonValue, hashed: bool) -> tuple[str | None, list[Finding]]:
    """Return the usable identity (or None) and what is wrong or notable about it."""
    text = identity_text(value)
    if text is None:
        kind = "missing" if value is None else type(value).__name__
        return None, [Finding("identity-invalid", f"identity is {kind}, not a string or number")]
    stripped = text.strip()
    if not stripped:
        return None, [Finding("identity-invalid", "identity is empty")]
    if len(text) > IDENTITY_MAX:
        reason = f"identity has {len(text)} characters (max {IDENTITY_MAX})"
        return None, [Finding("identity-invalid", reason)]
    findings: list[Finding] = []
    if len(text) > IDENTITY_WARN:
        findings.append(Finding("identity-long", f"identity has {len(text)} characters"))
    if stripped.lower() in GENERIC_IDENTITIES:
        findings.append(Finding("identity-generic", "identity is a generic placeholder"))
    if hashed:
        findings.append(Finding("identity-hashed-client-side", "identify used {hash: true}"))
    elif looks_like_email(stripped):
        findings.append(Finding("identity-pii-unhashed", "identity looks like an email address"))
    elif looks_like_phone(stripped):
        findings.append(Finding("identity-pii-unhashed", "identity looks like a phone number"))
    return text, findings


def looks_like_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


def looks_like_phone(text: str) -> bool:
    if not _PHONE_CHARS.match(text):
        return False
    digits = sum(ch.isdigit() for ch in text)
    # Plain digit runs are usually customer numbers: only call it a phone with a + or separators.
    return 8 <= digits <= 15 and (text.startswith("+") or not text.isdigit())


def is_foreign(value: JsonValue) -> bool:
    """A value the observer could not carry as JSON (function, undefined, cycle...)."""
    return isinstance(value, dict) and FOREIGN_VALUE_KEY in value


def check_property(key: str, value: JsonValue) -> list[Finding]:
    """Problems with one user property; an invalid one (rule property-invalid) is not stored."""
    if not key.strip():
        return [Finding("property-invalid", "property key is empty")]
    if key.strip().lower() in RESERVED_PROPERTY_KEYS:
        return [Finding("property-invalid", f"property key '{key}' is reserved")]
    if value is None or is_foreign(value) or isinstance(value, (dict, list)):
        kind = "null" if value is None else (
            str(value.get(FOREIGN_VALUE_KEY)) if isinstance(value, dict) and is_foreign(value)
            else type(value).__name__)
        return [Finding("property-invalid", f"value of '{key}' is {kind}, not a string, number or boolean")]
    if isinstance(value, str) and not value.strip():
        return [Finding("property-invalid", f"value of '{key}' is empty")]
    if isinstance(value, str) and len(value) > PROPERTY_VALUE_MAX:
        return [Finding("property-value-long", f"value of '{key}' has {len(value)} characters")]
    return []


@dataclass(frozen=True, slots=True)
class IdentifyArgs:
    """What an ``identify`` push says: the identity as passed, and whether ``{hash: true}`` was asked."""

    value: JsonValue
    given: bool  # False for ``["identify"]`` with no identity at all
    hashed: bool


def identify_args(args: tuple[JsonValue, ...] | list[JsonValue]) -> IdentifyArgs:
    """Read ``identify``'s arguments (``[identity, {hash: true}]``) in the one place they are read."""
    options = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    return IdentifyArgs(args[0] if args else None, bool(args), options.get("hash") is True)
