"""Masking of personal data (identities, property values) for messages, views, logs and exports."""

from __future__ import annotations

import json

from pydantic import JsonValue

MASK = "•••"


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
