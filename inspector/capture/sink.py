"""Local answers for the vendor's hosts in sink mode: nothing leaves the machine.

Collection hits get what a tracking endpoint usually answers (a 1x1 GIF for image GETs, an empty 200
otherwise), with CORS headers so the tag's cross-origin requests succeed; the tag script itself is not
available offline, so its host answers 404 with a body that says why.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspector.decode.hosts import HostRole, host_role

# The smallest transparent GIF.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f904010000000"
                      "02c00000000010001000002024401003b")


@dataclass(frozen=True, slots=True)
class SinkAnswer:
    status: int
    body: bytes
    headers: dict[str, str]


def sink_answer(host: str, method: str, origin: str | None) -> SinkAnswer:
    cors = {
        "Access-Control-Allow-Origin": origin or "*",
        "Access-Control-Allow-Credentials": "true" if origin else "false",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type",
        "Cache-Control": "no-store",
        "X-UXA-Inspector": "sink",
    }
    if method.upper() == "OPTIONS":
        return SinkAnswer(204, b"", cors)
    role = host_role(host)
    if role == HostRole.TAG:
        return SinkAnswer(404, b"UXA Inspector sink mode: the vendor's tag script is not served offline.\n",
                          {**cors, "Content-Type": "text/plain; charset=utf-8"})
    if role in (HostRole.QUOTA, HostRole.HEAP):
        return SinkAnswer(200, b"{}", {**cors, "Content-Type": "application/json"})
    if method.upper() == "GET":
        return SinkAnswer(200, PIXEL, {**cors, "Content-Type": "image/gif"})
    return SinkAnswer(200, b"", {**cors, "Content-Type": "text/plain"})
