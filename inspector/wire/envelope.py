"""The versioned wire envelope: one JSON object per line, on the live socket and in recording files.

A line is ``{"v": 1, "seq": 12, "time": 1764330000.25, "device": "laptop", "tab": "t1", "event": {...}}``.
The live socket starts with one ``Hello`` line (token and protocol version) before any envelope.
Parsing happens once, through module-level adapters; a bad line raises ``WireError`` (never anything
else), so callers can report it and go on with the next line.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from inspector.wire.events import Event

PROTOCOL_VERSION = 1
# Lines longer than this are refused before parsing: a page cannot make us allocate without bound.
MAX_LINE_BYTES = 8 * 1024 * 1024


class WireError(ValueError):
    """A line that is not a valid envelope (or hello) of our protocol."""


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    seq: int = Field(ge=0)
    time: float
    device: str = "default"
    tab: str | None = None
    event: Event


class Hello(BaseModel):
    """First line a capture child sends on the live socket."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hello: Literal["uxa-inspector"] = "uxa-inspector"
    v: int = PROTOCOL_VERSION
    token: str
    pid: int | None = None


ENVELOPE_ADAPTER: TypeAdapter[Envelope] = TypeAdapter(Envelope)
HELLO_ADAPTER: TypeAdapter[Hello] = TypeAdapter(Hello)


def describe_error(exc: ValidationError) -> str:
    """``where: what`` for the first error, naming the field, never the value: pydantic's messages
    may quote the input ("Input tag 'alice@example.com' ..."), and files and pages carry identities."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "line"
    message = first.get("msg", "invalid")
    value = first.get("input")
    if first.get("type") == "union_tag_invalid":
        message = "unknown kind"
    elif isinstance(value, (str, int, float)) and str(value) and str(value) in message:
        message = f"invalid ({first.get('type', 'value').replace('_', ' ')})"
    return f"{where}: {message}"


def _check_size(line: str | bytes) -> None:
    if len(line) > MAX_LINE_BYTES:
        raise WireError(f"line of {len(line)} bytes exceeds the {MAX_LINE_BYTES}-byte limit")


def parse_envelope(line: str | bytes) -> Envelope:
    """Parse one JSON line into an envelope, or raise ``WireError`` saying why."""
    _check_size(line)
    try:
        return ENVELOPE_ADAPTER.validate_json(line)
    except ValidationError as exc:
        raise WireError(describe_error(exc)) from None
    except ValueError as exc:  # pragma: no cover - pydantic wraps JSON errors, kept as a guard
        raise WireError(str(exc)) from None


def parse_hello(line: str | bytes) -> Hello:
    _check_size(line)
    try:
        return HELLO_ADAPTER.validate_json(line)
    except ValidationError as exc:
        raise WireError(f"bad hello: {describe_error(exc)}") from None


def dump_envelope(envelope: Envelope) -> str:
    """One line of JSON, without the trailing newline. Round-trips through ``parse_envelope``."""
    return envelope.model_dump_json(exclude_defaults=False)


def dump_hello(hello: Hello) -> str:
    return hello.model_dump_json()
