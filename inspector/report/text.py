"""``check --format text``: what a person reads in a terminal or a CI log.

A one-screen summary first (the outcome, the counts, each input, the rules that fired), then one
block per rule, most severe first, with its first few occurrences in full (``every`` for all of
them), then each device's identity story, and the outcome again on the last line, where CI logs are
read from.
"""

from __future__ import annotations

from inspector.model.privacy import one_line, show
from inspector.model.state import Severity
from inspector.report.check import CheckRun, identities_of
from inspector.report.evidence import input_evidence
from inspector.report.grouping import group_by_rule, plural, severity_counts
from inspector.report.timefmt import clock

_MARK = {"violation": "✖", "warning": "⚠", "info": "ⓘ"}


def render_text(run: CheckRun, fail_on: Severity = Severity.VIOLATION, reveal: bool = False,
                every: bool = False) -> str:
    groups = group_by_rule(run.verdicts)
    lines = [_outcome_line(run, fail_on), ""]
    for item in run.inputs:
        if item.fatal is not None:
            lines.append(f"input {item.path}: cannot be read: {item.fatal}")
            continue
        devices = ", ".join(item.devices) or "no device"
        lines.append(f"input {item.path}: {item.kind}, {plural(len(item.envelopes), 'event')} ({devices})")
        found = input_evidence(item, run.verdicts)
        if found is not None:
            lines.append(f"  evidence: {found.describe()}")
        lines.extend(f"  {error}" for error in item.errors)
        lines.extend(f"  note: {note}" for note in item.notes)
    lines.extend(f"refused: {line}" for line in run.refused)
    if groups:
        lines += ["", "rules that fired (most severe first), with their counts:"]
        width = max(len(g.rule) for g in groups)
        lines.extend(f"  {_MARK[g.severity]} {g.severity:<9} {g.rule:<{width}} {g.count:>6}  {g.title}"
                     for g in groups)
    for group in groups:
        lines += ["", f"{_MARK[group.severity]} {group.rule} ({group.severity}, {plural(group.count, 'time')}"
                      f" on {', '.join(group.devices)}): {group.title}"]
        for v in group.shown(every):
            where = v.device + (f"/{v.tab}" if v.tab else "")
            lines.append(f"  {clock(v.time)}  {where}" + (f"  events {', '.join(map(str, v.events))}"
                                                           if v.events else ""))
            lines.append(f"    {v.text(reveal)}")
        hidden = group.hidden(every)
        if hidden:
            lines.append(f"  … and {hidden} more (--all lists every one)")
        lines.append(f"  fix: {group.verdicts[0].fix}")
        lines.append(f"  about this rule: uxa-inspector rules {group.rule}")
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
    lines.append(_outcome_line(run, fail_on))
    # Paths, device names, tabs, notes and values come from files and pages: never raw to a terminal.
    return "\n".join(one_line(line) for line in lines) + "\n"


def _outcome_line(run: CheckRun, fail_on: Severity) -> str:
    counts = severity_counts(run.verdicts)
    text = (f"{plural(run.events, 'event')}, {plural(len(run.snapshot.devices), 'device')}: "
            f"{plural(counts['violation'], 'violation')}, {plural(counts['warning'], 'warning')}, "
            f"{plural(counts['info'], 'info', 'infos')}")
    if run.unreadable:
        return f"{text} — {plural(len(run.unreadable), 'input')} could not be read"
    if run.partial:
        outcome = f"FAILED (--fail-on {fail_on.value}) and " if run.failed(fail_on) else ""
        return f"{text} — {outcome}PARTIAL: {plural(run.skipped, 'line')} skipped, so not passed"
    if run.failed(fail_on):
        return f"{text} — FAILED (--fail-on {fail_on.value})"
    return f"{text} — passed (--fail-on {fail_on.value})"
