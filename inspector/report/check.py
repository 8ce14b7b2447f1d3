"""Run a capture through the engine and describe the outcome: the ``check`` JSON contract.

``run_check`` feeds the merged capture to the real engine and keeps what every rendering needs (the
verdicts, the final state, an identity timeline). ``check_document`` turns that into the stable JSON
document (``schema: uxa-inspector/check/1``) that the other formats mirror.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import JsonValue

from inspector.model.privacy import show
from inspector.model.reference import ModelConfig, ModelUsageError
from inspector.model.rules import RULES
from inspector.model.state import DeviceState, Severity, Snapshot, Verdict
from inspector.report.capture import InputFile, keep_devices_apart, merged
from inspector.report.grouping import group_by_rule
from inspector.session.engine import Engine
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Hit, PageviewType, Result

SCHEMA = "uxa-inspector/check/1"
# Verdict details that carry what the page sent (identities, property values): masked unless revealed.
PERSONAL_DETAILS = frozenset({"identity", "value", "old", "new", "returned"})
PROGRESS_EVERY = 500
IDENTITY_COMMANDS = frozenset({"identify", "resetIdentity", "getIdentity", "addUserProperties"})


@dataclass(frozen=True, slots=True)
class Moment:
    """One point of a device's identity story (a command, a user ID change, a session, a renewal)."""

    device: str
    seq: int
    time: float
    tab: str | None
    what: str  # identify | resetIdentity | getIdentity | addUserProperties | user-id | session | renewal
    text: str  # what happened, without personal data
    value: JsonValue = None  # the personal part (identity, properties, returned hash), masked when shown
    has_value: bool = False
    # The user IDs involved (old then new for a change) and why, for comparisons that ignore the text.
    users: tuple[str | None, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CheckRun:
    inputs: tuple[InputFile, ...]
    verdicts: tuple[Verdict, ...]
    snapshot: Snapshot
    timeline: tuple[Moment, ...]
    events: int
    # Events the model refused (a recording whose sequence numbers go backwards), one line each.
    refused: tuple[str, ...]
    deadline_s: float

    @property
    def devices(self) -> list[DeviceState]:
        return [self.snapshot.devices[name] for name in sorted(self.snapshot.devices)]

    @property
    def unreadable(self) -> list[InputFile]:
        return [item for item in self.inputs if item.fatal is not None]

    def failed(self, fail_on: Severity) -> bool:
        return any(v.severity.rank >= fail_on.rank for v in self.verdicts)

    def exit_code(self, fail_on: Severity) -> int:
        """2 when an input could not be read, else 1 when a verdict reaches ``fail_on``, else 0."""
        if self.unreadable:
            return 2
        return 1 if self.failed(fail_on) else 0


def run_check(inputs: Sequence[InputFile], deadline_s: float = 10.0,
              on_events: Callable[[int], None] | None = None) -> CheckRun:
    """Feed every readable input, merged in time order, to one engine and judge what stays open.

    ``on_events`` is told how many events have been judged, every ``PROGRESS_EVERY`` events."""
    inputs = keep_devices_apart(inputs)
    engine = Engine(ModelConfig(deadline_s=deadline_s))
    timeline: list[Moment] = []
    refused: list[str] = []
    before: dict[str, DeviceState] = {}
    count = 0
    for raw in merged(inputs):
        try:
            step = engine.feed(raw)
        except ModelUsageError as exc:
            refused.append(f"event {raw.seq} of device {raw.device}: {exc}")
            continue
        count += 1
        if on_events is not None and count % PROGRESS_EVERY == 0:
            on_events(count)
        after = step.snapshot.devices.get(raw.device)
        if after is not None:
            timeline.extend(_moments(step.envelope, before.get(raw.device), after))
            before[raw.device] = after
    end = max((env.time for item in inputs for env in item.envelopes[-1:]), default=None)
    engine.finish(end)
    return CheckRun(tuple(inputs), tuple(engine.verdicts), engine.snapshot(), tuple(timeline), count,
                    tuple(refused), deadline_s)


def _moments(env: Envelope, old: DeviceState | None, new: DeviceState) -> list[Moment]:
    out: list[Moment] = []

    def add(what: str, text: str, value: JsonValue = None, has_value: bool = False,
            users: tuple[str | None, ...] = (), reason: str = "") -> None:
        out.append(Moment(env.device, env.seq, env.time, env.tab, what, text, value, has_value,
                          users, reason))

    event = env.event
    if isinstance(event, Command) and event.name in IDENTITY_COMMANDS:
        args = event.args
        if event.name == "identify":
            hashed = len(args) > 1 and isinstance(args[1], dict) and args[1].get("hash") is True
            add("identify", "identify" + (" {hash: true}" if hashed else ""), args[0] if args else None,
                bool(args))
        elif event.name == "addUserProperties":
            add("addUserProperties", "addUserProperties", args[0] if args else None, bool(args))
        else:
            add(event.name, event.name)
    elif isinstance(event, Result) and event.name == "getIdentity" and event.has_return:
        add("getIdentity", "getIdentity returned", event.returned, True)
    elif (isinstance(event, Hit) and new.identity is not None
          and (old is None or old.identity != new.identity)):
        # HAR files have no commands: identity hits stand in, so the change shows here.
        add("identify", f"identity from a {event.hit_type.value} hit", new.identity, True)
    previous_user = old.user_id if old is not None else None
    if new.user_id != previous_user and new.user_id is not None:
        grew = old is None or len(new.resets) > len(old.resets)
        if previous_user is None:
            add("user-id", f"user ID {new.user_id} first seen", users=(new.user_id,), reason="first seen")
        elif grew and new.last_reset is not None:
            reason = new.last_reset.reason.value
            add("user-id", f"user ID {previous_user} → {new.user_id} ({reason})",
                users=(previous_user, new.user_id), reason=reason)
    old_sessions = len(old.sessions) if old is not None else 0
    if len(new.sessions) > old_sessions:
        session = new.sessions[-1]
        reason = session.reset_before.reason.value if session.reset_before else "first seen"
        add("session", f"session {session.number if session.number is not None else '?'} "
                       f"of user {session.user_id} ({reason})", users=(session.user_id,), reason=reason)
    if isinstance(event, Hit) and event.pvt == PageviewType.RENEWAL:
        add("renewal", f"renewal pageview (uu {event.uu}, sn {event.sn}, pn {event.pn})", users=(event.uu,))
    return out


# --------------------------------------------------------------------------- the JSON contract


def verdict_document(verdict: Verdict, reveal: bool) -> dict[str, JsonValue]:
    rule = RULES.get(verdict.rule)
    details: dict[str, JsonValue] = {
        key: (value if reveal or key not in PERSONAL_DETAILS else show(value, False))
        for key, value in verdict.details.items()
    }
    return {
        "rule": verdict.rule,
        "title": rule.title if rule else verdict.rule,
        "severity": verdict.severity.value,
        "time": verdict.time,
        "device": verdict.device,
        "tab": verdict.tab,
        "message": verdict.message,
        "fix": verdict.fix,
        "events": list(verdict.events),
        "basis": verdict.basis.value,
        "details": details,
    }


def identities_of(run: CheckRun, device: str) -> list[str]:
    """Identities a device was identified with, in the order first seen."""
    links = sorted((link for link in run.snapshot.graph if link.device == device),
                   key=lambda link: link.first_seq)
    return list(dict.fromkeys(link.identity for link in links))


def device_document(run: CheckRun, dev: DeviceState, reveal: bool) -> dict[str, JsonValue]:
    return {
        "device": dev.device,
        "user_id": dev.user_id,
        "user_ids": list(dev.user_ids),
        "identity": None if dev.identity is None else show(dev.identity, reveal),
        "identity_hashed": dev.identity_hashed,
        "identities": [show(i, reveal) for i in identities_of(run, dev.device)],
        "session_number": dev.session_number,
        "page_number": dev.page_number,
        "sessions": [
            {
                "user_id": s.user_id,
                "number": s.number,
                "started": s.started,
                "pageviews": len(s.pageviews),
                "renewal": any(p.pvt == PageviewType.RENEWAL.value for p in s.pageviews),
                "after": s.reset_before.reason.value if s.reset_before else None,
            }
            for s in dev.sessions
        ],
        "resets": [
            {"time": r.time, "reason": r.reason.value, "old_user_id": r.old_user_id,
             "new_user_id": r.new_user_id}
            for r in dev.resets
        ],
        "properties": {key: show(value, reveal) for key, value in sorted(dev.properties.items())},
        "tabs": list(dev.tabs),
    }


@dataclass(frozen=True, slots=True)
class IdentityGroup:
    identity: str
    devices: tuple[str, ...]
    user_ids: tuple[str, ...]


def identity_groups(run: CheckRun) -> list[IdentityGroup]:
    """Each identity with the devices and user IDs it was seen with: the cross-device view."""
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for link in run.snapshot.graph:
        groups.setdefault(link.identity, []).append((link.device, link.user_id))
    return [IdentityGroup(identity, tuple(sorted({d for d, _ in pairs})),
                          tuple(dict.fromkeys(u for _, u in pairs if u is not None)))
            for identity, pairs in groups.items()]


def graph_document(run: CheckRun, reveal: bool) -> list[JsonValue]:
    return [{"identity": show(g.identity, reveal), "devices": list(g.devices), "user_ids": list(g.user_ids)}
            for g in identity_groups(run)]


def groups_document(run: CheckRun) -> list[JsonValue]:
    index = {id(v): i for i, v in enumerate(run.verdicts)}
    return [{"rule": g.rule, "severity": g.severity, "title": g.title, "count": g.count,
             "devices": list(g.devices), "verdicts": [index[id(v)] for v in g.verdicts]}
            for g in group_by_rule(run.verdicts)]


def summary_document(run: CheckRun, fail_on: Severity) -> dict[str, JsonValue]:
    counts = Counter(v.severity.value for v in run.verdicts)
    return {
        "events": run.events,
        "devices": len(run.snapshot.devices),
        "verdicts": len(run.verdicts),
        "violation": counts.get("violation", 0),
        "warning": counts.get("warning", 0),
        "info": counts.get("info", 0),
        "skipped_lines": sum(len(item.errors) for item in run.inputs) + len(run.refused),
        "unreadable_inputs": len(run.unreadable),
        "fail_on": fail_on.value,
        "failed": run.failed(fail_on),
        "exit_code": run.exit_code(fail_on),
    }


def check_document(run: CheckRun, fail_on: Severity = Severity.VIOLATION,
                   reveal: bool = False) -> dict[str, JsonValue]:
    """The ``check --format json`` document. Its keys are a public contract: add, never rename."""
    return {
        "schema": SCHEMA,
        "inputs": [
            {"path": item.path, "kind": item.kind, "events": len(item.envelopes),
             "devices": list(item.devices), "errors": list(item.errors), "error": item.fatal,
             "notes": list(item.notes)}
            for item in run.inputs
        ],
        "config": {"deadline_s": run.deadline_s, "fail_on": fail_on.value},
        "summary": summary_document(run, fail_on),
        "verdicts": [verdict_document(v, reveal) for v in run.verdicts],
        # Added in 0.2: the same verdicts by rule, most severe first (``verdicts`` indexes).
        "verdict_groups": groups_document(run),
        "devices": [device_document(run, dev, reveal) for dev in run.devices],
        "identity_graph": graph_document(run, reveal),
        "refused_events": list(run.refused),
    }
