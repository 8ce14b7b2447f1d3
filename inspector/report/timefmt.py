"""One way to print capture times everywhere (UTC, so reports read the same on every machine)."""

from __future__ import annotations

from datetime import UTC, datetime


def clock(time: float) -> str:
    """``2025-11-28 11:40:00.250Z``; times outside what a datetime holds are printed as numbers."""
    try:
        moment = datetime.fromtimestamp(time, UTC)
    except (OverflowError, OSError, ValueError):
        return f"{time:.3f}"
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
