"""``report``: one self-contained HTML page (inline CSS, no script, no external asset).

Readable by someone who never installed the tool: a summary, the verdicts with their fixes, then per
device the identity timeline, sessions and property history, and the cross-device identity graph.
Identities and property values are masked unless ``reveal`` is set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from pydantic import JsonValue

from inspector.model.privacy import show
from inspector.model.state import DeviceState, Severity
from inspector.report.capture import InputFile
from inspector.report.check import CheckRun, Moment, identities_of, identity_groups
from inspector.report.timefmt import clock

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.sub{color:#5b6577}
table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0 12px}
th,td{border-bottom:1px solid #e3e6eb;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff}
.violation{background:#c62828}.warning{background:#b26a00}.info{background:#1565c0}
.pass{background:#2e7d32}.fail{background:#c62828}
.card{background:#fff;border:1px solid #e3e6eb;border-radius:6px;padding:10px 14px;margin:8px 0}
.card dt{float:left;width:150px;color:#5b6577}.card dd{margin:0 0 3px 160px}
.note{color:#5b6577;font-size:12.5px}
.row-v td{background:#fff4f4}
"""

_WHAT = {"identify": "identify", "resetIdentity": "resetIdentity", "getIdentity": "getIdentity",
         "addUserProperties": "properties", "user-id": "user ID", "session": "session",
         "renewal": "renewal pageview"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], row_class: Sequence[str] = ()) -> str:
    """A table; cells are HTML already escaped by the caller."""
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_class[i]}"' if i < len(row_class) and row_class[i] else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    if not body:
        return '<p class="note">None.</p>'
    return ("<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(body) + "</tbody></table>")


def _value(value: JsonValue, reveal: bool) -> str:
    if isinstance(value, dict):
        return ", ".join(f"<code>{_e(k)}</code>: {_e(show(v, reveal))}" for k, v in value.items())
    return _e(show(value, reveal))


def render_html(run: CheckRun, reveal: bool = False, title: str = "UXA Inspector report",
                fail_on: Severity = Severity.VIOLATION) -> str:
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        _summary(run, fail_on, reveal),
        "<h2>Verdicts</h2>", _verdicts(run),
    ]
    for dev in run.devices:
        parts.append(_device(run, dev, reveal))
    parts += ["<h2>Identity graph</h2>",
              '<p class="note">Each identity with the devices and user IDs it was seen on: the same '
              "identity on several devices is what links them into one person.</p>",
              _table(["identity", "devices", "user IDs"],
                     [[_e(show(g.identity, reveal)), _e(", ".join(g.devices)),
                       f'<span class="mono">{_e(", ".join(g.user_ids))}</span>']
                      for g in identity_groups(run)]),
              _footer(reveal), "</main></body></html>"]
    return "\n".join(parts) + "\n"


def _summary(run: CheckRun, fail_on: Severity, reveal: bool) -> str:
    counts = {s: sum(1 for v in run.verdicts if v.severity is s) for s in Severity}
    failed = run.failed(fail_on)
    verdict = (f'<span class="badge {"fail" if failed else "pass"}">'
               f'{"FAILED" if failed else "PASSED"}</span> at level {_e(fail_on.value)}')
    inputs = _table(["file", "kind", "events", "devices", "problems"], [
        [f"<code>{_e(i.path)}</code>", _e(i.kind or "unreadable"), _e(len(i.envelopes)),
         _e(", ".join(i.devices)), "<br>".join(_e(p) for p in _problems(i))]
        for i in run.inputs])
    return (f'<p class="sub">{_e(run.events)} events on {_e(len(run.snapshot.devices))} device(s) · '
            f'<span class="badge violation">{counts[Severity.VIOLATION]} violation</span> '
            f'<span class="badge warning">{counts[Severity.WARNING]} warning</span> '
            f'<span class="badge info">{counts[Severity.INFO]} info</span> · {verdict} · '
            f"deadline {_e(run.deadline_s)} s</p>"
            f"<h3>Inputs</h3>{inputs}"
            + ("" if reveal else '<p class="note">Identities and property values are masked '
               "(first and last character and the length).</p>"))


def _problems(item: InputFile) -> list[str]:
    return ([f"cannot be read: {item.fatal}"] if item.fatal else []) + list(item.errors) + list(item.notes)


def _verdicts(run: CheckRun) -> str:
    rows = [[f'<span class="badge {v.severity.value}">{_e(v.severity.value)}</span>',
             f"<code>{_e(v.rule)}</code>", _e(clock(v.time)), _e(v.device + (f" / {v.tab}" if v.tab else "")),
             f"{_e(v.message)}<br><span class='note'>Fix: {_e(v.fix)}</span>",
             _e(", ".join(map(str, v.events)))]
            for v in run.verdicts]
    return _table(["severity", "rule", "time (UTC)", "device", "what and how to fix", "events"], rows)


def _device(run: CheckRun, dev: DeviceState, reveal: bool) -> str:
    identity = "anonymous" if dev.identity is None else show(dev.identity, reveal)
    seen = ", ".join(show(i, reveal) for i in identities_of(run, dev.device)) or "none"
    card = (f'<dl class="card"><dt>identity now</dt><dd>{_e(identity)}'
            f'{" (hashed by the tag)" if dev.identity_hashed else ""}</dd>'
            f"<dt>identities seen</dt><dd>{_e(seen)}</dd>"
            f'<dt>user ID now</dt><dd class="mono">{_e(dev.user_id or "none seen")}</dd>'
            f'<dt>all user IDs</dt><dd class="mono">{_e(", ".join(dev.user_ids) or "none")}</dd>'
            f"<dt>session · page</dt><dd>{_e(dev.session_number)} · {_e(dev.page_number)}</dd>"
            f"<dt>tabs</dt><dd>{_e(', '.join(dev.tabs) or 'none')}</dd></dl>")
    flagged = {seq for v in run.verdicts if v.device == dev.device for seq in v.events}
    moments = [m for m in run.timeline if m.device == dev.device]
    timeline = _table(["time (UTC)", "event", "what", "value", "tab"],
                      [_moment_row(m, reveal) for m in moments],
                      ["row-v" if m.seq in flagged else "" for m in moments])
    sessions = _table(["session", "user ID", "started (UTC)", "pageviews", "renewal", "after"], [
        [_e(s.number), f'<span class="mono">{_e(s.user_id)}</span>', _e(clock(s.started)),
         _e(len(s.pageviews)), "yes" if any(p.pvt == "renewal" for p in s.pageviews) else "",
         _e(s.reset_before.reason.value if s.reset_before else "")]
        for s in dev.sessions])
    history = _table(["time (UTC)", "key", "old", "new", "user ID"], [
        [_e(clock(c.time)), f"<code>{_e(c.key)}</code>", _e(show(c.old, reveal)) if c.had_old else "",
         _e(show(c.new, reveal)), f'<span class="mono">{_e(c.user_id)}</span>']
        for c in dev.property_history])
    return (f"<h2>Device {_e(dev.device)}</h2>{card}"
            f'<h3>Identity timeline</h3><p class="note">Identity commands, user ID changes, sessions '
            f"and renewal pageviews; rows with a verdict are tinted.</p>{timeline}"
            f"<h3>Sessions</h3>{sessions}<h3>Property history</h3>{history}")


def _moment_row(m: Moment, reveal: bool) -> list[str]:
    return [_e(clock(m.time)), _e(_WHAT.get(m.what, m.what)), f'<span class="mono">{_e(m.text)}</span>',
            _value(m.value, reveal) if m.has_value else "", _e(m.tab or "")]


def _footer(reveal: bool) -> str:
    masked = ("Values were revealed when this report was made: it contains personal data."
              if reveal else "Personal data is masked; run the report with --reveal to show it.")
    return (f'<p class="note">Made by uxa-inspector. Times are UTC. {masked} Rule ids and fixes follow '
            "the Contentsquare identify documentation (Track Users - Web).</p>")
