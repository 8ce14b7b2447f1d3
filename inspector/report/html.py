"""``report``: one self-contained HTML page (inline CSS, no script, no external asset).

Readable by someone who never installed the tool: a summary, the verdicts grouped by rule (most
severe first, collapsible, with their fix), then per device the identity timeline, sessions and
property history, and the cross-device identity graph. The page comes from a Jinja2 template with
autoescape on, so nothing a capture holds can become markup; this module only prepares plain values
(masked unless ``reveal`` is set).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import jinja2
from pydantic import JsonValue

from inspector.model.privacy import show
from inspector.model.rule_reference import PAGES
from inspector.model.rules import RULES
from inspector.model.state import DeviceState, Severity, Verdict
from inspector.report.capture import InputFile
from inspector.report.check import CheckRun, identities_of, identity_groups
from inspector.report.evidence import input_evidence
from inspector.report.grouping import FIRST_OCCURRENCES, group_by_rule, plural, severity_counts
from inspector.report.timefmt import clock
from inspector.session.moments import Moment

_WHAT = {"identify": "identify", "resetIdentity": "resetIdentity", "getIdentity": "getIdentity",
         "addUserProperties": "properties", "user-id": "user ID", "session": "session",
         "renewal": "renewal pageview"}
Context = dict[str, object]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("inspector.report", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_html(run: CheckRun, reveal: bool = False, title: str = "UXA Inspector report",
                fail_on: Severity = Severity.VIOLATION) -> str:
    env = _environment()
    css = env.loader.get_source(env, "report.css")[0] if env.loader else ""
    return env.get_template("report.html.j2").render(
        title=title, css=css, reveal=reveal, summary=_summary(run, fail_on),
        inputs=[_input(item, run.verdicts) for item in run.inputs], groups=_groups(run, reveal),
        devices=[_device(run, dev, reveal) for dev in run.devices],
        graph=[{"identity": show(g.identity, reveal), "devices": ", ".join(g.devices),
                "user_ids": ", ".join(g.user_ids)} for g in identity_groups(run)])


def _summary(run: CheckRun, fail_on: Severity) -> Context:
    counts = severity_counts(run.verdicts)
    return {"events": plural(run.events, "event"), "devices": plural(len(run.snapshot.devices), "device"),
            "severities": [{"severity": s, "label": plural(counts[s], s, "infos" if s == "info" else None)}
                           for s in ("violation", "warning", "info")],
            "failed": run.failed(fail_on), "fail_on": fail_on.value, "deadline_s": run.deadline_s,
            "partial": run.partial, "skipped": plural(run.skipped, "line")}


def _input(item: InputFile, verdicts: Sequence[Verdict]) -> Context:
    fatal = [f"cannot be read: {item.fatal}"] if item.fatal else []
    problems = [*fatal, *item.errors, *item.notes]
    found = input_evidence(item, verdicts)
    return {"path": item.path, "kind": item.kind or "unreadable", "events": len(item.envelopes),
            "devices": ", ".join(item.devices), "problems": problems,
            "evidence": found.describe() if found else "",
            "network_only": found is not None and found.kind == "network-only"}


def _groups(run: CheckRun, reveal: bool) -> list[Context]:
    out: list[Context] = []
    for group in group_by_rule(run.verdicts):
        rows = [_occurrence(v, reveal) for v in group.verdicts]
        more = rows[FIRST_OCCURRENCES:]
        out.append({"rule": group.rule, "severity": group.severity, "title": group.title,
                    "count": plural(group.count, "time"), "devices": ", ".join(group.devices),
                    "fix": RULES[group.rule].fix if group.rule in RULES else group.verdicts[0].fix,
                    "shown": rows[:FIRST_OCCURRENCES], "more": more,
                    "more_label": f"{plural(len(more), 'more occurrence')}",
                    "about": PAGES.get(group.rule)})
    return out


def _occurrence(v: Verdict, reveal: bool) -> Context:
    return {"time": clock(v.time), "where": v.device + (f" / {v.tab}" if v.tab else ""),
            "message": v.text(reveal), "events": ", ".join(map(str, v.events))}


def _device(run: CheckRun, dev: DeviceState, reveal: bool) -> Context:
    flagged = {seq for v in run.verdicts_of(dev.device) for seq in v.events}
    return {
        "name": dev.device,
        "identity": "anonymous" if dev.identity is None else show(dev.identity, reveal),
        "hashed": dev.identity_hashed,
        "seen": ", ".join(show(i, reveal) for i in identities_of(run, dev.device)) or "none",
        "user_id": dev.user_id or "none seen", "user_ids": ", ".join(dev.user_ids) or "none",
        "session_number": dev.session_number, "page_number": dev.page_number,
        "tabs": ", ".join(dev.tabs) or "none",
        "timeline": [_moment(m, reveal, m.seq in flagged) for m in run.timeline_of(dev.device)],
        "sessions": [{"number": s.number, "user_id": s.user_id, "started": clock(s.started),
                      "pageviews": len(s.pageviews),
                      "renewal": "yes" if any(p.pvt == "renewal" for p in s.pageviews) else "",
                      "after": s.reset_before.reason.value if s.reset_before else ""}
                     for s in dev.sessions],
        "history": [{"time": clock(c.time), "key": c.key, "old": show(c.old, reveal) if c.had_old else "",
                     "new": show(c.new, reveal), "user_id": c.user_id}
                    for c in dev.property_history],
    }


def _moment(m: Moment, reveal: bool, flagged: bool) -> Context:
    return {"time": clock(m.time), "what": _WHAT.get(m.what, m.what), "text": m.text,
            "value": _value(m.value, reveal) if m.has_value else "", "tab": m.tab or "", "flagged": flagged}


def _value(value: JsonValue, reveal: bool) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {show(v, reveal)}" for k, v in value.items())
    return show(value, reveal)
