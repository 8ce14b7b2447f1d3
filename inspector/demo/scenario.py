"""The scripted demo scenario (``resources/demo/scenario.html``): its URL, its faults, and its log.

A headless browser plays the scenario on its own (``--virtual-time-budget`` runs its timers, then
``--dump-dom`` prints the page with the JSON log the page wrote). Normally the capture records the
run and the log is only a cross-check; without a capture the log can be turned into raw envelopes
for the engine (``log_to_envelopes``), as the observer would have reported them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

from pydantic import JsonValue

from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Event, Page, Request, Result, Storage

# Each demo fault and the rule id of reference-model.md that should catch it.
FAULT_RULES: dict[str, str] = {
    "no-reset": "identity-change-reset-missing",
    "no-renewal": "renewal-pageview-missing",
    "reset-first-identify": "unexpected-reset-first-identify",
    "reset-same-identity": "unexpected-reset-same-identity",
    "raw-identity": "getidentity-returned-raw",
    "no-reset-on-logout": "reset-identity-no-new-user",
    "lose-user-id": "unexpected-user-id-change",
    "page-gap": "page-number-gap",
    "properties-string": "property-invalid",
    "generic-identity": "identity-generic",
    "email-identity": "identity-pii-unhashed",
}

# Anonymous browsing (another page, a single-page view), identify A, A again, getIdentity, properties
# then an overwrite, identify B (then time passes beyond the inspector's deadline, so a missing reset
# or renewal shows), a single-page view, resetIdentity, getSessionData. Same as scenario.js's default.
DEFAULT_STEPS: tuple[str, ...] = (
    "page:/index.html", "pv:/guide/green", "login:C-1001", "login:C-1001", "getid",
    "props:plan=gold;newsletter=yes", "props:plan=platinum", "login:C-2002", "wait:12", "pv:/guide/black",
    "logout", "session",
)
STEP_MS = 500
# Faults judged by a deadline after identify B. Their runs stop before resetIdentity: on the capture's
# wall clock the whole scenario takes a second or two (the browser fast-forwards its own clock), so
# the user ID that resetIdentity renews would arrive within the deadline and hide the missing reset.
DEADLINE_FAULTS = frozenset({"no-reset", "no-renewal"})


def steps_for(faults: Iterable[str]) -> tuple[str, ...]:
    """The scenario steps that show these faults best (the default steps, shortened if need be)."""
    if DEADLINE_FAULTS & set(faults):
        return DEFAULT_STEPS[:DEFAULT_STEPS.index("logout")]
    return DEFAULT_STEPS


def virtual_time_budget_ms(steps: Sequence[str]) -> int:
    """Virtual time the browser is given: every step, frame loads, the tag, and a margin."""
    waits = sum(float(s.partition(":")[2] or 1) for s in steps if s.startswith("wait"))
    return int((len(steps) + 4) * STEP_MS * 2 + waits * 1000)


_LOG = re.compile(r'<pre id="uxa-scenario-log">(.*?)</pre>', re.S)


class ScenarioError(RuntimeError):
    """The scenario page did not finish (no log in the dumped page)."""


def scenario_url(site_url: str, faults: Sequence[str] = (), steps: Sequence[str] | None = None) -> str:
    """The scenario page playing ``steps`` (default: ``steps_for(faults)``) with ``faults`` on."""
    steps = steps_for(faults) if steps is None else steps
    unknown = [f for f in faults if f not in FAULT_RULES]
    if unknown:
        raise ValueError(f"unknown demo fault(s) {', '.join(unknown)}; known: {', '.join(FAULT_RULES)}")
    query = {"steps": ",".join(steps)}
    if faults:
        query["fault"] = ",".join(faults)
    return f"{site_url.rstrip('/')}/scenario.html?{urlencode(query)}"


def parse_dumped_dom(dom: str) -> list[dict[str, JsonValue]]:
    """The scenario's log entries from the page the browser dumped; ``ScenarioError`` saying how far
    it got when it did not finish, or which steps failed."""
    match = _LOG.search(dom)
    if not match or not match.group(1).strip():
        raise ScenarioError(f"the scenario page did not finish (no log in the page; {_progress(dom)}); "
                            "is the browser able to reach the demo site?")
    try:
        data = json.loads(html.unescape(match.group(1)))
    except ValueError as exc:
        raise ScenarioError(f"the scenario log is not JSON: {exc}") from None
    entries = data.get("log") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ScenarioError("the scenario log is not a list of entries")
    kept = [e for e in entries if isinstance(e, dict)]
    errors = [f"{masked_step(str(e.get('step', '?')))}: {e.get('message', '?')}"
              for e in kept if e.get("kind") == "error"]
    if errors:
        raise ScenarioError(f"the scenario failed: {'; '.join(errors)[:500]}")
    return kept


_STEP_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _progress(dom: str) -> str:
    """How far the dumped page got, for the error message (steps are listed as they start)."""
    if not dom.strip():
        return "the browser printed no page"
    steps = _STEP_ITEM.findall(dom)
    title = _TITLE.search(dom)
    where = f"page {html.unescape(title.group(1)).strip()[:80]!r}" if title else "a page without a title"
    if not steps:
        return f"{where}, no step started"
    return f"{where}, {len(steps)} step(s) started, the last {masked_step(html.unescape(steps[-1]))!r}"


def masked_step(step: str) -> str:
    """A step as it may be printed: identities and property values are personal data, even here."""
    verb, colon, arg = step.partition(":")
    if verb in ("login", "hashid") and colon:
        return f"{verb}:•••"
    if verb == "props" and colon:
        return "props:" + ";".join(f"{kv.partition('=')[0]}=•••" for kv in arg.split(";") if kv)
    return step


def _event(entry: dict[str, JsonValue], call_id: str) -> Event | None:
    kind = entry.get("kind")
    if kind == "command":
        return Command(payload=entry.get("payload"), tag_loaded=bool(entry.get("tag_loaded")),
                       call_id=call_id)
    if kind == "result":
        name = entry.get("name")
        return Result(call_id=call_id, name=name if isinstance(name, str) else None,
                      returned=entry.get("returned"), has_return=bool(entry.get("has_return")))
    if kind == "request" and isinstance(entry.get("url"), str):
        return Request(method="GET", url=str(entry["url"]), sunk=True)
    if kind == "storage" and isinstance(entry.get("cookies"), dict):
        cookies = entry["cookies"]
        assert isinstance(cookies, dict)
        return Storage(cookies={str(k): str(v) for k, v in cookies.items()}, trigger="scenario")
    if kind == "page" and isinstance(entry.get("url"), str):
        return Page(url=str(entry["url"]))
    return None


def log_to_envelopes(entries: Iterable[dict[str, JsonValue]], device: str = "demo") -> list[Envelope]:
    """Raw envelopes (as a capture would record them) from the scenario's log, in order."""
    out: list[Envelope] = []
    calls = 0
    for entry in entries:
        if entry.get("kind") == "command":
            calls += 1
        event = _event(entry, f"c{calls}")
        time = entry.get("time")
        if event is None or not isinstance(time, int | float):
            continue
        out.append(Envelope(seq=len(out), time=float(time), device=device, tab="t1", event=event))
    return out
