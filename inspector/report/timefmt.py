"""The two ways capture times are printed: dated UTC in reports (they read the same on every machine)
and local time of day in the window (next to the user's own clock)."""

from __future__ import annotations

from datetime import UTC, datetime

NO_TIME = "—"


def clock(time: float) -> str:
    """``2025-11-28 11:40:00.250Z``; times outside what a datetime holds are printed as numbers."""
    try:
        moment = datetime.fromtimestamp(time, UTC)
    except (OverflowError, OSError, ValueError):
        return f"{time:.3f}"
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def time_of_day(time: float | None) -> str:
    """``11:40:00.250`` in local time; a dash for no time, a number for one out of a datetime's range."""
    if time is None:
        return NO_TIME
    try:
        moment = datetime.fromtimestamp(time)
    except (OverflowError, OSError, ValueError):
        return f"{time:.3f}"
    return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
