"""``check --format text``: what a person reads in a terminal or a CI log."""

from __future__ import annotations

from inspector.model.privacy import show
from inspector.model.state import Severity
from inspector.report.check import CheckRun, identities_of
from inspector.report.timefmt import clock

_MARK = {"violation": "✖", "warning": "⚠", "info": "ⓘ"}


def render_text(run: CheckRun, fail_on: Severity = Severity.VIOLATION, reveal: bool = False) -> str:
    lines: list[str] = []
    for item in run.inputs:
        if item.fatal is not None:
            lines.append(f"input {item.path}: cannot be read: {item.fatal}")
            continue
        devices = ", ".join(item.devices) or "no device"
        lines.append(f"input {item.path}: {item.kind}, {len(item.envelopes)} events ({devices})")
        lines.extend(f"  {error}" for error in item.errors)
        lines.extend(f"  note: {note}" for note in item.notes)
    lines.extend(f"refused: {line}" for line in run.refused)
    lines.append("")
    if run.verdicts:
        lines.append("verdicts:")
    for v in run.verdicts:
        where = v.device + (f"/{v.tab}" if v.tab else "")
        lines.append(f"{_MARK[v.severity.value]} {v.severity.value:<9} {v.rule}  {clock(v.time)}  {where}")
        lines.append(f"    {v.message}")
        lines.append(f"    fix: {v.fix}")
        if v.events:
            lines.append(f"    events: {', '.join(str(seq) for seq in v.events)}")
    if run.verdicts:
        lines.append("")
    for dev in run.devices:
        lines.append(f"device {dev.device}:")
        lines.append(f"  user IDs: {', '.join(dev.user_ids) or '(none seen)'}")
        identity = "(anonymous)" if dev.identity is None else show(dev.identity, reveal)
        lines.append(f"  identity now: {identity}" + (" (hashed by the tag)" if dev.identity_hashed else ""))
        seen = identities_of(run, dev.device)
        if seen:
            lines.append(f"  identities seen: {', '.join(show(i, reveal) for i in seen)}")
        sessions = ", ".join(f"{s.number}·{len(s.pageviews)}pv" for s in dev.sessions) or "(none)"
        lines.append(f"  sessions (number·pageviews): {sessions}")
        for reset in dev.resets:
            lines.append(f"  reset at {clock(reset.time)}: {reset.reason.value}, "
                         f"{reset.old_user_id} → {reset.new_user_id}")
        if dev.properties:
            shown = ", ".join(f"{k}={show(v, reveal)}" for k, v in sorted(dev.properties.items()))
            lines.append(f"  properties: {shown}")
    lines.append("")
    lines.append(_summary_line(run, fail_on))
    return "\n".join(lines) + "\n"


def _summary_line(run: CheckRun, fail_on: Severity) -> str:
    counts = {s: sum(1 for v in run.verdicts if v.severity is s) for s in Severity}
    text = (f"{run.events} events, {len(run.snapshot.devices)} device(s): "
            f"{counts[Severity.VIOLATION]} violation(s), {counts[Severity.WARNING]} warning(s), "
            f"{counts[Severity.INFO]} info")
    if run.unreadable:
        return f"{text} — {len(run.unreadable)} input(s) could not be read"
    if run.failed(fail_on):
        return f"{text} — FAILED (--fail-on {fail_on.value})"
    return f"{text} — passed (--fail-on {fail_on.value})"
