"""What one timeline row says: its category, one-line summary and severity. Qt-free.

A row is either an event (one engine ``Step``) or a verdict (placed right after the step that
produced it). Summaries mask personal data unless the caller reveals it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from pydantic import JsonValue

from inspector.gui.models.masking import PERSONAL, clear_value, masked_url
from inspector.model.privacy import show
from inspector.model.state import Severity, Verdict
from inspector.session.engine import Step
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Cookies, Hit, Request

# The categories the filter bar toggles, in toolbar order, with the event kinds each one covers.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "command": ("command", "result", "callback"),
    "hit": ("hit", "request"),
    "storage": ("cookies", "storage"),
    "page": ("page",),
    "verdict": (),
    "capture": ("notice", "dropped", "tick"),
}
_CATEGORY_OF_KIND = {kind: cat for cat, kinds in CATEGORIES.items() for kind in kinds}

# Commands whose arguments are personal data (identities, property values).
_PERSONAL_COMMANDS = {"identify", "addUserProperties", "setUserProperties"}


def category_of(kind: str) -> str:
    return _CATEGORY_OF_KIND.get(kind, "capture")


@dataclass(slots=True)
class Row:
    """One line of the timeline. ``step`` is the index of the step whose state applies."""

    step: int
    seq: int
    time: float
    device: str
    tab: str | None
    category: str
    kind: str
    severity: Severity | None = None
    rules: tuple[str, ...] = ()
    verdict: Verdict | None = None
    # Summaries are made on first use, once masked and once revealed, and again once the capture has
    # shown a new personal value (``PERSONAL.version``: a URL made before may hold it). None until then:
    # most of 100,000 rows are never shown.
    _summary: dict[tuple[bool, int], str] | None = None

    def summary(self, envelope: Callable[[], Envelope | None], reveal: bool) -> str:
        """``envelope`` gives the row's event, decoded (asked only when the summary is made, never for a
        verdict row)."""
        key = (reveal, PERSONAL.version)
        made = self._summary
        text = made.get(key) if made is not None else None
        if text is None:
            if self.verdict is not None:
                text = verdict_summary(self.verdict, reveal)
            else:
                env = envelope()
                if env is None:
                    return ""
                text = event_summary(env, reveal)
            if made is None or next(iter(made))[1] != key[1]:
                made = self._summary = {}
            made[key] = text
        return text


def rows_for_step(index: int, step: Step) -> list[Row]:
    """The event row of a step, then one row per verdict it produced."""
    rows: list[Row] = []
    add_rows(rows, index, step)
    return rows


def add_rows(rows: list[Row], index: int, step: Step) -> None:
    """Append the rows of a step to ``rows`` (the timeline makes them by the thousand)."""
    env = step.envelope
    kind = env.event.kind
    verdicts = step.verdicts
    if not verdicts:
        rows.append(Row(index, env.seq, env.time, env.device, env.tab, _CATEGORY_OF_KIND.get(kind, "capture"),
                        kind))
        return
    worst = max(verdicts, key=lambda v: v.severity.rank).severity
    rows.append(Row(index, env.seq, env.time, env.device, env.tab, category_of(kind), kind, worst,
                    tuple(v.rule for v in verdicts)))
    rows.extend(verdict_row(index, v) for v in verdicts)


def verdict_row(step_index: int, verdict: Verdict) -> Row:
    seq = verdict.events[-1] if verdict.events else -1
    return Row(step=step_index, seq=seq, time=verdict.time, device=verdict.device, tab=verdict.tab,
               category="verdict", kind="verdict", severity=verdict.severity, rules=(verdict.rule,),
               verdict=verdict)


def verdict_summary(verdict: Verdict, reveal: bool) -> str:
    return f"{verdict.rule}: {verdict.text(reveal)}"


def short_id(value: str | None, keep: int = 8) -> str:
    """User IDs are long random strings; the head is enough to tell them apart at a glance."""
    if not value:
        return "—"
    return value if len(value) <= keep else value[:keep] + "…"


def _args_text(name: str, args: tuple[JsonValue, ...], reveal: bool) -> str:
    if name in _PERSONAL_COMMANDS:
        return ", ".join(_personal_arg(a, reveal) for a in args)
    return ", ".join(clear_value(a, reveal) for a in args)


def _personal_arg(arg: JsonValue, reveal: bool) -> str:
    if isinstance(arg, dict):
        # Keys are the schema, not personal data; values are.
        inner = ", ".join(f"{k}: {show(v, reveal)}" for k, v in arg.items())
        return "{" + inner + "}"
    return show(arg, reveal)


def event_summary(env: Envelope, reveal: bool) -> str:
    event = env.event
    match event:
        case Command():
            name = event.name
            if name is None:
                return f"push {show(event.payload, reveal)}  (not a [name, …] command)"
            queued = "" if event.tag_loaded else "  (queued before the tag)"
            return f"{name}({_args_text(name, event.args, reveal)}){queued}"
        case Hit():
            return _hit_summary(event, reveal)
        case Cookies():
            parts = [f"uu {short_id(event.user_id)}"]
            if event.session_number is not None:
                parts.append(f"sn {event.session_number}")
            if event.page_number is not None:
                parts.append(f"pn {event.page_number}")
            trigger = f"  ({event.storage.trigger})" if event.storage.trigger else ""
            return "cookies " + " ".join(parts) + trigger
        case Request():
            return f"{event.method} {_short_url(event.url, reveal)}  (not decoded)"
        case _:
            return _other_summary(env, reveal)


def _hit_summary(hit: Hit, reveal: bool) -> str:
    parts = [hit.hit_type.value]
    if hit.pvt is not None:
        parts.append(f"pvt={hit.pvt.value[0]}")
    if hit.uu is not None:
        parts.append(f"uu {short_id(hit.uu)}")
    if hit.sn is not None:
        parts.append(f"sn {hit.sn}")
    if hit.pn is not None:
        parts.append(f"pn {hit.pn}")
    if hit.identity is not None:
        parts.append(f"identity {show(hit.identity, reveal)}")
    if hit.properties:
        parts.append(_personal_arg(hit.properties, reveal))
    if hit.request.status is not None:
        parts.append(f"→ {hit.request.status}")
    return "  ".join(parts)


def _other_summary(env: Envelope, reveal: bool) -> str:
    event = env.event
    kind = event.kind
    if kind == "result":
        name = getattr(event, "name", None) or "push"
        error = getattr(event, "error", None)
        if error:
            return f"{name} threw: {error}"
        if not getattr(event, "has_return", False):
            return f"{name} returned nothing"
        returned = getattr(event, "returned", None)
        # Return values are mostly getIdentity's hash: derived from the identity, so masked too.
        return f"{name} returned {show(returned, reveal)}"
    if kind == "page":
        frame = "" if getattr(event, "top_frame", True) else "  (iframe)"
        return f"page {_short_url(getattr(event, 'url', ''), reveal)}{frame}"
    if kind == "storage":
        return "storage " + ", ".join(sorted(getattr(event, "cookies", {}))) + "  (not decoded)"
    if kind == "callback":
        return f"callback {getattr(event, 'name', '')}"
    if kind == "tick":
        return "end of capture" if getattr(event, "final", False) else "tick"
    if kind == "dropped":
        return f"capture dropped {getattr(event, 'count', 0)} events: {getattr(event, 'reason', '')}"
    if kind == "notice":
        return f"{getattr(event, 'level', 'info')}: {getattr(event, 'message', '')}"
    return kind


def _short_url(url: str, reveal: bool) -> str:
    """Host and path (masked unless revealed: a path can hold an identity or an e-mail)."""
    parts = urlsplit(masked_url(url, reveal))
    return f"{parts.netloc}{parts.path}" if parts.netloc else url if reveal else masked_url(url, False)
