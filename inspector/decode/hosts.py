"""Which hosts belong to the Contentsquare tag, and what each one is for (contentsquare-wire.md §4).

One place for the host list: the capture addon imports ``is_tag_host`` from here too.
"""

from __future__ import annotations

import re
from enum import StrEnum


class HostRole(StrEnum):
    TAG = "tag"  # the tag script
    COLLECTION = "collection"  # pageview, events, dvar, ...
    RECORDING = "recording"  # session replay (k-*.contentsquare.net)
    QUOTA = "quota"
    HEAP = "heap"  # Product Analytics ingestion
    OTHER = "other"  # another contentsquare.net host: kept, not decoded


_EXACT: dict[str, HostRole] = {
    "t.contentsquare.net": HostRole.TAG,
    "c.contentsquare.net": HostRole.COLLECTION,
    "c.ba.contentsquare.net": HostRole.COLLECTION,
    "c.az.contentsquare.net": HostRole.COLLECTION,
    "ca.contentsquare.net": HostRole.COLLECTION,
    "ca.az.contentsquare.net": HostRole.COLLECTION,
    "c.clicktale.net": HostRole.COLLECTION,
    "mh.bf.contentsquare.net": HostRole.HEAP,
    "c.us.heap-api.com": HostRole.HEAP,
    "c.eu.heap-api.com": HostRole.HEAP,
    "heapanalytics.com": HostRole.HEAP,
    "cdn.heapanalytics.com": HostRole.HEAP,
}
# Patterns after the exact names. k-<region>.contentsquare.net serves both replay and quota.
_PATTERNS: tuple[tuple[re.Pattern[str], HostRole], ...] = (
    (re.compile(r"^k-[a-z0-9-]+\.contentsquare\.net$"), HostRole.RECORDING),
    (re.compile(r"^q-[a-z0-9-]+\.contentsquare\.net$"), HostRole.QUOTA),
    (re.compile(r"^c\.[a-z0-9-]+\.contentsquare\.net$"), HostRole.COLLECTION),
    (re.compile(r"^[a-z0-9.-]+\.heap-api\.com$"), HostRole.HEAP),
    (re.compile(r"^([a-z0-9-]+\.)*contentsquare\.net$"), HostRole.OTHER),
    (re.compile(r"^([a-z0-9-]+\.)*clicktale\.net$"), HostRole.OTHER),
)

def host_role(host: str) -> HostRole | None:
    """The role of a tag host, or None for any other host."""
    host = host.lower().rstrip(".")
    if ":" in host and not host.startswith("["):
        host = host.split(":", 1)[0]
    role = _EXACT.get(host)
    if role is not None:
        return role
    for pattern, pattern_role in _PATTERNS:
        if pattern.match(host):
            return pattern_role
    return None


def is_tag_host(host: str, extra: tuple[str, ...] = ()) -> bool:
    """True for every host the tag talks to; ``extra`` adds exact names or ``*.suffix`` wildcards."""
    if host_role(host) is not None:
        return True
    host = host.lower().rstrip(".")
    for entry in extra:
        item = entry.lower().strip()
        if item.startswith("*.") and (host.endswith(item[1:]) or host == item[2:]):
            return True
        if item and host == item:
            return True
    return False
