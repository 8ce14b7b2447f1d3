"""The few headers the addon reads on every request, taken in one pass over the fields.

mitmproxy's ``headers.get`` walks and lower-cases every field on each call; four such calls were
most of what a request that is not the tag's cost the addon. Values are what ``headers.get`` gives:
decoded the same way, repeated fields joined with ", ".
"""

from __future__ import annotations

from dataclasses import dataclass

from mitmproxy import http

_WANTED = frozenset({b"host", b"sec-fetch-dest", b"service-worker", b"accept"})


@dataclass(frozen=True, slots=True)
class Marks:
    host: str | None  # the Host header
    dest: str | None  # Sec-Fetch-Dest
    service_worker: str | None  # Service-Worker
    accept: str | None


def request_marks(headers: http.Headers) -> Marks:
    found: dict[bytes, bytes] = {}
    for name, value in headers.fields:
        low = name.lower()
        if low in _WANTED:
            found[low] = found[low] + b", " + value if low in found else value
    host, dest, worker, accept = (found.get(name) for name in (b"host", b"sec-fetch-dest", b"service-worker",
                                                                b"accept"))
    return Marks(_text(host), _text(dest), _text(worker), _text(accept))


def header(headers: http.Headers, name: bytes) -> str | None:
    """``headers.get(name)`` for a lower-case ``name``, in one pass without lower-casing ``name``."""
    found: bytes | None = None
    for field, value in headers.fields:
        if field.lower() == name:
            found = value if found is None else found + b", " + value
    return _text(found)


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("utf-8", "surrogateescape")
