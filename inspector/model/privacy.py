"""Masking of personal data (identities, property values) for messages, views, logs and exports.

The one rule: a personal value is shown as it is only when the reader reveals personal data, else
``mask_value``. Verdict messages keep their personal values apart (a template naming fields of the
verdict's details), so each rendering fills them in by this rule at display time (``fill``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from pydantic import JsonValue

MASK = "•••"
# Verdict details that carry what the page sent (identities, property values); a message template
# names only these.
PERSONAL_DETAILS = frozenset({"identity", "value", "old", "new", "returned"})


def mask_text(text: str) -> str:
    """Keep just enough to tell values apart: first and last character and the length."""
    if len(text) <= 2:
        return f"{MASK} ({len(text)} chars)"
    return f"{text[0]}{MASK}{text[-1]} ({len(text)} chars)"


def mask_value(value: JsonValue) -> str:
    """A masked rendering of any JSON value: booleans and null stay readable, the rest is masked."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, (int, float)):
        return mask_text(str(value))
    return f"{MASK} ({type(value).__name__})"


def show(value: JsonValue, reveal: bool) -> str:
    """The value for display: as JSON when revealed, masked otherwise."""
    if reveal:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return mask_value(value)


def one_line(text: str) -> str:
    """Text shown on one line whatever the page sent: control characters are shown escaped."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def literal(text: str) -> str:
    """Text that is not personal, made safe to be part of a message template."""
    return one_line(text).replace("{", "{{").replace("}", "}}")


def fill(template: str, values: Mapping[str, JsonValue], reveal: bool) -> str:
    """A message template with each personal field it names shown (revealed) or masked."""
    return template.format_map({key: one_line(show(values[key], reveal)) for key in PERSONAL_DETAILS
                                if key in values})
