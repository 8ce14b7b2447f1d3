"""A device's model state as labelled lines, and what changed between two states. Qt-free.

This is what the "state after this event" pane shows (Redux DevTools style time travel): the
state right after the selected event, each line marked when it differs from the state before.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspector.gui.models.rows import short_id
from inspector.model.privacy import show
from inspector.model.state import DeviceState, Reset
from inspector.report.timefmt import time_of_day


@dataclass(frozen=True, slots=True)
class StateLine:
    key: str
    value: str
    # Present in both states but different ("changed"), only after ("added"), or the same ("").
    change: str = ""
    before: str = ""


def reset_text(reset: Reset | None) -> str:
    if reset is None:
        return "—"
    return f"{reset.reason.value} at {time_of_day(reset.time)} (#{reset.seq})"


def state_lines(state: DeviceState | None, reveal: bool) -> dict[str, str]:
    """Ordered key -> display text for one device's state (personal values masked unless revealed)."""
    if state is None:
        return {}
    lines: dict[str, str] = {
        "identity": "— (anonymous)" if state.identity is None else show(state.identity, reveal),
        "user ID": state.user_id or "—",
        "session": "—" if state.session_number is None else str(state.session_number),
        "page": "—" if state.page_number is None else str(state.page_number),
        "identified since": time_of_day(state.identified_since),
        "getIdentity": "—" if state.last_get_identity is None else show(state.last_get_identity, reveal),
        "last reset": reset_text(state.last_reset),
        "user IDs seen": ", ".join(short_id(u) for u in state.user_ids) or "—",
        "sessions": str(len(state.sessions)),
        "resets": str(len(state.resets)),
        "tabs": ", ".join(state.tabs) or "—",
    }
    for key, value in state.properties.items():
        lines[f"property {key}"] = show(value, reveal)
    for exp in state.pending:
        lines[f"expects {exp.kind.value} (#{exp.since_seq})"] = (
            f"by {time_of_day(exp.deadline)} or {exp.rule}")
    return lines


def diff_lines(before: DeviceState | None, after: DeviceState | None, reveal: bool) -> list[StateLine]:
    """The state after, line by line, each marked against the state before; removed lines last."""
    old = state_lines(before, reveal)
    new = state_lines(after, reveal)
    out: list[StateLine] = []
    for key, value in new.items():
        if key not in old:
            out.append(StateLine(key, value, "added" if before is not None else ""))
        elif old[key] != value:
            out.append(StateLine(key, value, "changed", old[key]))
        else:
            out.append(StateLine(key, value))
    out.extend(StateLine(key, "—", "removed", value) for key, value in old.items() if key not in new)
    return out
