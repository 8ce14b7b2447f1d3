"""The reference state machine: what the tag *should* do, and where the capture departs from it.

Fed decoded envelopes in capture order (``command``, ``result``, ``hit``, ``cookies``, ``tick``; raw
``request``/``storage`` must be decoded first and are ignored here). Each device's state is a frozen
``DeviceState`` replaced on change, so a ``Snapshot`` per event costs one small dict.

Two kinds of error, kept apart (as in h11): misuse by our own code raises ``ModelUsageError`` before
any state changes; anything the site or the tag did wrong becomes a ``Verdict`` and never an exception.
Our misuse is one thing: sequence numbers must strictly increase *within a device*. Devices may be
numbered independently (several capture children merged), so a verdict's events are seqs of its
device. Time is taken only from envelopes, never from the clock; an envelope older than the newest
one seen does not move time backwards.

Choices where the sources leave room (each made in one place below):

* resetIdentity on an anonymous user: both outcomes accepted, reported (``TRANSITIONS``);
* a command pushed before the tag loaded starts its deadline at the device's next hit (``queued``);
* the old user ID seen again within the deadline after a renewal is a request already in flight, not
  a change back (``_observe_user``);
* cookies update what is shown but sn/pn gaps are judged hit to hit (cookies run ahead of hits);
* identity hits (``heap_identify``, ``heap_user_properties``) stand in for commands only on a device
  where no command was ever observed, e.g. a HAR file (``_complement_from_hit``);
* which hits must carry pid/uu/sn/pn: ``IDS_REQUIRED_HITS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from pydantic import JsonValue

from inspector.model.history import History
from inspector.model.identity_checks import check_identity, check_property, identity_text, is_foreign
from inspector.model.privacy import mask_text, mask_value
from inspector.model.rules import RULES
from inspector.model.state import (
    DeviceState,
    Expectation,
    GraphLink,
    Pageview,
    PropertyChange,
    Reset,
    ResetReason,
    Session,
    Snapshot,
    Verdict,
)
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Cookies, Hit, HitType, PageviewType, Result


class ModelUsageError(ValueError):
    """The model was fed in a way our own code must never do (a bug on our side, not the site's)."""


@dataclass(frozen=True, slots=True)
class ModelConfig:
    # How long the tag has to renew the user ID / send the renewal pageview after an identity change.
    deadline_s: float = 10.0
    # Idle time after which the next hit starts a new session.
    session_timeout_s: float = 30 * 60.0


# Commands the tag documents (contentsquare-wire.md §1); anything else is `command-unknown`.
KNOWN_COMMANDS = frozenset({
    "identify", "resetIdentity", "getIdentity", "addUserProperties", "addEventProperties",
    "removeEventProperty", "clearEventProperties", "trackEvent", "trackPageview", "setPath", "setQuery",
    "setCustomVariable", "trackDynamicVariable", "trackPageEvent", "ec:transaction:create",
    "ec:transaction:items:add", "ec:transaction:send", "ec:cart:add", "afterPageView", "getSessionData",
    "optin", "optout", "extendSession", "session:clear:visitor", "trackError", "trackConsentGranted",
    "trackConsentRejected", "setEncryptionSelectors", "setPIISelectors", "setCapturedElementsSelector",
    "excludeURLforReplay", "setSyncURL", "setCrossDomainURL", "setCookieDomain", "trackDynamicVariableNow",
})

# Hits that count as user activity for the 30-minute session rule.
ACTIVITY_HITS = frozenset({HitType.PAGEVIEW, HitType.EVENTS, HitType.PAGE_EVENT, HitType.DVAR,
                           HitType.TRANSACTION})
# Hits that must carry pid, uu, sn and pn. [guess] Only pageviews are known to always carry all four;
# other collection hits vary by tag version, so they are not judged (widen here once confirmed).
IDS_REQUIRED_HITS = frozenset({HitType.PAGEVIEW})


class Situation(StrEnum):
    FIRST_IDENTIFY = "identify while anonymous"
    SAME_IDENTITY = "identify with the current identity"
    NEW_IDENTITY = "identify with a different identity"
    RESET_IDENTIFIED = "resetIdentity while identified"
    RESET_ANONYMOUS = "resetIdentity while anonymous"


@dataclass(frozen=True, slots=True)
class Transition:
    """What the documented behaviour expects after one identity command."""

    # Rule fired if no new user ID is seen by the deadline.
    expect_new_user: str | None = None
    # Rule fired if no renewal pageview is seen by the deadline.
    expect_renewal: str | None = None
    # Rule fired if the user ID changes or the session restarts before the deadline.
    guard_no_reset: str | None = None
    # Rule reported (info) with whatever happened: neither outcome is judged.
    report_outcome: str | None = None
    detach_properties: bool = False
    identity_after: str = "unchanged"  # "new", "none" or "unchanged"


# The transition table of reference-model.md. The one ambiguity of the sources, resetIdentity on an
# anonymous user (vendor web page: always resets; mobile SDK and Heap: no-op), is decided here: both
# outcomes are accepted and the outcome is reported as `reset-identity-anonymous` (info).
TRANSITIONS: dict[Situation, Transition] = {
    Situation.FIRST_IDENTIFY: Transition(guard_no_reset="unexpected-reset-first-identify",
                                         identity_after="new"),
    Situation.SAME_IDENTITY: Transition(guard_no_reset="unexpected-reset-same-identity"),
    Situation.NEW_IDENTITY: Transition(expect_new_user="identity-change-reset-missing",
                                       expect_renewal="renewal-pageview-missing",
                                       detach_properties=True, identity_after="new"),
    Situation.RESET_IDENTIFIED: Transition(expect_new_user="reset-identity-no-new-user",
                                           detach_properties=True, identity_after="none"),
    Situation.RESET_ANONYMOUS: Transition(report_outcome="reset-identity-anonymous"),
}

_REASON_BY_RULE = {
    "identity-change-reset-missing": ResetReason.IDENTITY_CHANGE,
    "reset-identity-no-new-user": ResetReason.RESET_IDENTITY,
    "reset-identity-anonymous": ResetReason.RESET_IDENTITY,
}


@dataclass(frozen=True, slots=True)
class _Call:
    """A command waiting for its result event (matched by call id)."""

    name: str
    seq: int
    identity: str | None


class ReferenceModel:
    def __init__(self, config: ModelConfig | None = None) -> None:
        self.config = config or ModelConfig()
        self._devices: dict[str, DeviceState] = {}
        self._graph: History[GraphLink] = History()
        self._graph_keys: set[tuple[str, str, str | None]] = set()
        self._verdicts: list[Verdict] = []
        self._calls: dict[tuple[str, str], _Call] = {}
        self._last_seq: dict[str, int] = {}
        self._seq = -1
        # Devices whose page commands are visible: hits then only complement them (see _on_hit).
        self._commands_seen: set[str] = set()
        # Devices that have (or recently had) pending expectations.
        self._waiting: set[str] = set()
        self._shared_devices: dict[str, DeviceState] | None = None
        self._now = 0.0
        self._out: list[Verdict] = []
        self._env: Envelope | None = None
        self._handlers: dict[str, Callable[[DeviceState, Envelope], DeviceState]] = {
            "command": self._on_command,
            "result": self._on_result,
            "hit": self._on_hit,
            "cookies": self._on_cookies,
        }

    # ------------------------------------------------------------------ public API

    @property
    def verdicts(self) -> list[Verdict]:
        return list(self._verdicts)

    def device(self, name: str) -> DeviceState:
        return self._devices.get(name) or DeviceState(device=name)

    def snapshot(self) -> Snapshot:
        # Snapshots share their devices dict until a device changes (most ticks change none).
        if self._shared_devices is None:
            self._shared_devices = dict(self._devices)
        return Snapshot(seq=self._seq, time=self._now, devices=self._shared_devices,
                        graph=self._graph, verdict_count=len(self._verdicts))

    def apply(self, envelope: Envelope) -> list[Verdict]:
        """Apply one event; return the verdicts it (or the time it carries) produced."""
        last = self._last_seq.get(envelope.device, -1)
        if envelope.seq <= last:
            raise ModelUsageError(f"sequence numbers must increase within device {envelope.device!r}: "
                                  f"got {envelope.seq} after {last}")
        self._last_seq[envelope.device] = self._seq = envelope.seq
        self._out = []
        self._env = envelope
        self._now = max(self._now, envelope.time)
        self._expire(self._now)
        if envelope.event.kind == "tick" and envelope.device not in self._devices:
            return self._flush()  # time passing creates no device
        dev = self.device(envelope.device)
        if envelope.tab and envelope.tab not in dev.tabs:
            dev = replace(dev, tabs=(*dev.tabs, envelope.tab))
        handler = self._handlers.get(envelope.event.kind)
        if handler is not None:
            dev = handler(dev, envelope)
        if self._devices.get(envelope.device) is not dev:
            self._devices[envelope.device] = dev
            self._shared_devices = None
        if dev.pending:
            self._waiting.add(envelope.device)
        return self._flush()

    def apply_many(self, envelopes: Iterable[Envelope]) -> list[Verdict]:
        out: list[Verdict] = []
        for envelope in envelopes:
            out.extend(self.apply(envelope))
        return out

    def finish(self, time: float | None = None) -> list[Verdict]:
        """End of capture: judge every open expectation, whatever its deadline."""
        self._out = []
        self._env = None
        if time is not None:
            self._now = max(self._now, time)
        self._expire(float("inf"), final=True)
        return self._flush()

    # ------------------------------------------------------------------ verdicts

    def _fire(self, rule_id: str, device: str, events: Iterable[int], message: str,
              details: dict[str, JsonValue] | None = None, time: float | None = None,
              since: Expectation | None = None) -> None:
        rule = RULES[rule_id]
        env = self._env
        if since is not None:
            tab = since.tab
        else:
            tab = env.tab if env is not None and env.device == device else None
        self._out.append(Verdict(
            rule=rule.id, severity=rule.severity,
            time=self._now if time is None else time, device=device, tab=tab,
            message=_one_line(message), fix=rule.fix, events=tuple(sorted(set(events))),
            details=details or {},
        ))

    def _flush(self) -> list[Verdict]:
        out, self._out = self._out, []
        self._verdicts.extend(out)
        return out

    # ------------------------------------------------------------------ deadlines

    def _start_queued_clocks(self, dev: DeviceState, env: Envelope) -> DeviceState:
        """The tag shows life on this device: start the clock of commands queued before it loaded."""
        if not any(e.queued for e in dev.pending):
            return dev
        deadline = env.time + self.config.deadline_s
        return replace(dev, pending=tuple(replace(e, deadline=deadline, queued=False) if e.queued else e
                                          for e in dev.pending))

    def _expire(self, now: float, final: bool = False) -> None:
        # Only devices with open expectations are looked at: most events have none to judge.
        judged: list[tuple[Expectation, str]] = []
        for name in sorted(self._waiting):
            dev = self._devices[name]
            due = [e for e in dev.pending if final or (e.deadline < now and not e.queued)]
            if len(due) == len(dev.pending):
                self._waiting.discard(name)
            if due:
                judged.extend((e, name) for e in due)
                self._devices[name] = replace(dev, pending=tuple(e for e in dev.pending if e not in due))
                self._shared_devices = None
        # In the order the deadlines passed, whatever the device.
        for exp, name in sorted(judged, key=lambda j: (j[0].deadline, j[1], j[0].since_seq)):
            self._judge_expired(self._devices[name], exp)

    def _at(self, exp: Expectation) -> float:
        """When an expectation failed: its deadline, or the end of the capture if that came first."""
        return self._now if exp.queued else min(exp.deadline, self._now)

    def _judge_expired(self, dev: DeviceState, exp: Expectation) -> None:
        deadline = self.config.deadline_s
        if exp.what == "new-user-id":
            self._fire(exp.rule, dev.device, [exp.since_seq],
                       f"{RULES[exp.rule].title}: user ID still {_short(exp.old_user_id)} "
                       f"{deadline:g} s later", {"user_id": exp.old_user_id}, time=self._at(exp), since=exp)
            if dev.identity is not None:
                self._link(dev.identity, dev.device, dev.user_id, exp.since_seq, self._at(exp))
        elif exp.what == "renewal-pageview":
            self._fire(exp.rule, dev.device, [exp.since_seq],
                       f"{RULES[exp.rule].title} within {deadline:g} s", time=self._at(exp), since=exp)
        elif exp.what == "outcome":
            self._fire(exp.rule, dev.device, [exp.since_seq],
                       f"{RULES[exp.rule].title}; the tag kept user ID {_short(exp.old_user_id)}",
                       {"outcome": "kept", "user_id": exp.old_user_id}, time=self._at(exp), since=exp)
        # A "no-reset" guard that expires quietly is the expected outcome.

    # ------------------------------------------------------------------ commands

    def _on_command(self, dev: DeviceState, env: Envelope) -> DeviceState:
        cmd = env.event
        assert isinstance(cmd, Command)
        name = cmd.name
        self._commands_seen.add(dev.device)
        if name is None:
            self._fire("command-malformed", dev.device, [env.seq],
                       f"{RULES['command-malformed'].title}: got {_describe(cmd.payload)}")
            return dev
        if cmd.call_id:
            self._calls[(dev.device, cmd.call_id)] = _Call(name, env.seq, dev.identity)
        if name not in KNOWN_COMMANDS:
            self._fire("command-unknown", dev.device, [env.seq],
                       f"Unknown command '{name[:60]}'", {"name": name})
            return dev
        if name == "identify":
            return self._identify(dev, env, cmd)
        if name == "resetIdentity":
            situation = Situation.RESET_IDENTIFIED if dev.identity is not None else Situation.RESET_ANONYMOUS
            return self._transition(dev, env, situation, None, hashed=False)
        if name == "addUserProperties":
            return self._add_properties(dev, env, cmd)
        return dev

    def _identify(self, dev: DeviceState, env: Envelope, cmd: Command) -> DeviceState:
        args = cmd.args
        value = args[0] if args else None
        options = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
        return self._identify_value(dev, env, value, hashed=options.get("hash") is True)

    def _identify_value(self, dev: DeviceState, env: Envelope, value: JsonValue, hashed: bool) -> DeviceState:
        identity, findings = check_identity(value, hashed)
        masked = mask_text(identity) if identity is not None else mask_value(value)
        for finding in findings:
            self._fire(finding.rule, dev.device, [env.seq], f"{_capital(finding.reason)}: {masked}",
                       {"identity": identity if identity is not None else value})
        if identity is None:
            return dev  # the tag ignores an unusable identity
        if dev.identity is None:
            situation = Situation.FIRST_IDENTIFY
        elif dev.identity == identity:
            situation = Situation.SAME_IDENTITY
        else:
            situation = Situation.NEW_IDENTITY
        return self._transition(dev, env, situation, identity, hashed)

    def _transition(self, dev: DeviceState, env: Envelope, situation: Situation,
                    identity: str | None, hashed: bool) -> DeviceState:
        rule = TRANSITIONS[situation]
        # A command pushed before the tag loaded runs when it loads: its deadline waits for the tag.
        queued = isinstance(env.event, Command) and not env.event.tag_loaded
        deadline = env.time + self.config.deadline_s  # nominal while queued: not judged before the tag runs
        pending = [e for e in dev.pending if e.what != "no-reset"]  # a new command supersedes guards
        for rule_id, what in ((rule.expect_new_user, "new-user-id"),
                              (rule.expect_renewal, "renewal-pageview"),
                              (rule.guard_no_reset, "no-reset"),
                              (rule.report_outcome, "outcome")):
            if rule_id is not None:
                pending.append(Expectation(rule_id, what, env.seq, deadline, dev.user_id, queued, env.tab))
        dev = replace(dev, pending=tuple(pending))
        if rule.detach_properties:
            dev = self._detach(dev, env)
        if rule.identity_after == "new" and identity is not None:
            dev = replace(dev, identity=identity, identity_hashed=hashed, identified_since=env.time)
            if rule.expect_new_user is None:
                self._link(identity, dev.device, dev.user_id, env.seq, env.time)
            # else: linked to the renewed user ID when it shows up (or to the kept one if it never does)
        elif rule.identity_after == "none":
            dev = replace(dev, identity=None, identity_hashed=False, identified_since=None)
        return dev

    def _detach(self, dev: DeviceState, env: Envelope) -> DeviceState:
        if not dev.properties:
            return dev
        current = tuple(c for c in dev.property_history
                        if c.key in dev.properties and c.user_id == dev.user_id)
        self._fire("properties-detached", dev.device, [env.seq, *(c.seq for c in current)],
                   f"{len(dev.properties)} user propert{'y' if len(dev.properties) == 1 else 'ies'} "
                   f"of user {_short(dev.user_id)} detached: {', '.join(sorted(dev.properties))[:120]}",
                   {"keys": list[JsonValue](sorted(dev.properties)), "user_id": dev.user_id})
        return replace(dev, properties={}, detached=dev.detached.append((dev.user_id, current)))

    def _add_properties(self, dev: DeviceState, env: Envelope, cmd: Command) -> DeviceState:
        return self._set_properties(dev, env, cmd.args[0] if cmd.args else None, cmd.page_url)

    def _set_properties(self, dev: DeviceState, env: Envelope, arg: JsonValue, page_url: str) -> DeviceState:
        if not isinstance(arg, dict) or is_foreign(arg):
            self._fire("property-invalid", dev.device, [env.seq],
                       f"{RULES['property-invalid'].title}: argument is {_describe(arg)}, not an object")
            return dev
        properties = dict(dev.properties)
        history = dev.property_history
        for key, value in arg.items():
            findings = check_property(key, value)
            for finding in findings:
                self._fire(finding.rule, dev.device, [env.seq],
                           f"{RULES[finding.rule].title}: {finding.reason}", {"key": key, "value": value})
            if any(f.rule == "property-invalid" for f in findings):
                continue
            had_old = key in properties
            old = properties.get(key)
            if had_old and old != value:
                # The key's previous write is recent: search from the end, not the whole history.
                last_write = next((c.seq for c in reversed(history)
                                   if c.key == key and c.user_id == dev.user_id), None)
                earlier = [] if last_write is None else [last_write]
                self._fire("property-overwrite", dev.device, [*earlier, env.seq],
                           f"Property '{key}' overwritten: {mask_value(old)} → {mask_value(value)}",
                           {"key": key, "old": old, "new": value})
            properties[key] = value
            history = history.append(PropertyChange(key=key, new=value, old=old, had_old=had_old,
                                                    time=env.time, seq=env.seq, page_url=page_url,
                                                    user_id=dev.user_id))
        return replace(dev, properties=properties, property_history=history)

    def _on_result(self, dev: DeviceState, env: Envelope) -> DeviceState:
        result = env.event
        assert isinstance(result, Result)
        call = self._calls.pop((dev.device, result.call_id), None)
        if call is None or call.name != "getIdentity" or not result.has_return:
            return dev
        returned = result.returned
        if call.identity is not None and identity_text(returned) == call.identity:
            self._fire("getidentity-returned-raw", dev.device, [call.seq, env.seq],
                       f"{RULES['getidentity-returned-raw'].title} ({mask_text(call.identity)})",
                       {"returned": returned})
        return replace(dev, last_get_identity=returned)

    # ------------------------------------------------------------------ observations

    def _on_cookies(self, dev: DeviceState, env: Envelope) -> DeviceState:
        cookies = env.event
        assert isinstance(cookies, Cookies)
        dev = self._observe_user(dev, env, cookies.user_id)
        # Cookies run ahead of hits, so they update what is shown but are not judged for gaps.
        sn, pn = cookies.session_number, cookies.page_number
        if (sn is None or sn == dev.session_number) and (pn is None or pn == dev.page_number):
            return dev
        return replace(dev, session_number=dev.session_number if sn is None else sn,
                       page_number=dev.page_number if pn is None else pn)

    def _on_hit(self, dev: DeviceState, env: Envelope) -> DeviceState:
        hit = env.event
        assert isinstance(hit, Hit)
        if hit.hit_type in IDS_REQUIRED_HITS:
            missing = [n for n in ("pid", "uu", "sn", "pn") if getattr(hit, n) in (None, "")]
            if missing:
                self._fire("hit-missing-ids", dev.device, [env.seq],
                           f"{hit.hit_type.value} hit without {', '.join(missing)}",
                           {"missing": list[JsonValue](missing)})
        dev = self._start_queued_clocks(dev, env)
        dev = self._observe_user(dev, env, hit.uu)
        if dev.device not in self._commands_seen:
            dev = self._complement_from_hit(dev, env, hit)
        if hit.hit_type == HitType.PAGEVIEW:
            dev = self._pageview(dev, env, hit)
        elif hit.hit_type in ACTIVITY_HITS:
            dev = replace(dev, last_activity=env.time)
        return dev

    def _complement_from_hit(self, dev: DeviceState, env: Envelope, hit: Hit) -> DeviceState:
        """Without the page's commands (a HAR file, an unobserved frame), identity hits stand in."""
        if hit.hit_type == HitType.HEAP_IDENTIFY and hit.identity:
            return self._identify_value(dev, env, hit.identity, hashed=False)
        if hit.hit_type == HitType.HEAP_USER_PROPERTIES and hit.properties:
            return self._set_properties(dev, env, dict(hit.properties), hit.page_url or "")
        return dev

    def _observe_user(self, dev: DeviceState, env: Envelope, user_id: str | None) -> DeviceState:
        if not user_id or user_id == dev.user_id:
            return dev
        if dev.user_id is None:  # first sighting: nothing changed
            if dev.identity is not None:
                self._link(dev.identity, dev.device, user_id, env.seq, env.time)
            return replace(dev, user_id=user_id, user_ids=dev.user_ids.append(user_id))
        last = dev.last_reset
        if (last is not None and user_id == last.old_user_id
                and env.time - last.time <= self.config.deadline_s):
            return dev  # a request already in flight (or another tab) still carries the old user ID
        waiting = [e for e in dev.pending if e.what in ("new-user-id", "outcome")]
        # One renewal answers one command: the most recent one. An earlier command still waiting (an
        # identity change the tag ignored, then a logout) keeps waiting and is judged at its deadline.
        latest = max((e.since_seq for e in waiting), default=None)
        explaining = [e for e in waiting if e.since_seq == latest]
        guard = next((e for e in dev.pending if e.what == "no-reset"), None)
        old = dev.user_id
        details: dict[str, JsonValue] = {"old_user_id": old, "new_user_id": user_id}
        if explaining:
            reason = _REASON_BY_RULE.get(explaining[0].rule, ResetReason.IDENTITY_CHANGE)
            for exp in explaining:
                if exp.what == "outcome":
                    self._fire(exp.rule, dev.device, [exp.since_seq, env.seq],
                               f"{RULES[exp.rule].title}; the tag renewed the user ID",
                               {**details, "outcome": "renewed"}, since=exp)
                    dev = self._detach(dev, env)  # the command did not detach: it could not know
            pending = tuple(e for e in dev.pending if e not in explaining)
        else:
            reason = ResetReason.UNEXPLAINED
            if guard is not None:
                self._fire(guard.rule, dev.device, [guard.since_seq, env.seq],
                           f"{RULES[guard.rule].title}: user ID {_short(old)} → {_short(user_id)}", details)
                dev = self._detach(dev, env)
            else:
                self._fire("unexpected-user-id-change", dev.device, [env.seq],
                           f"User ID changed {_short(old)} → {_short(user_id)} with no identify or "
                           f"resetIdentity before it", details)
                dev = self._detach(dev, env)
            pending = tuple(e for e in dev.pending if e is not guard)
        reset = Reset(time=env.time, seq=env.seq, reason=reason, old_user_id=old, new_user_id=user_id)
        if dev.identity is not None:
            self._link(dev.identity, dev.device, user_id, env.seq, env.time)
        return replace(dev, user_id=user_id, user_ids=dev.user_ids.append(user_id), pending=pending,
                       last_reset=reset, resets=dev.resets.append(reset),
                       renewal_explained=reason is not ResetReason.UNEXPLAINED,
                       last_hit_session=None, last_hit_page=None)

    def _pageview(self, dev: DeviceState, env: Envelope, hit: Hit) -> DeviceState:
        timeout = self.config.session_timeout_s
        expired = dev.last_activity is not None and env.time - dev.last_activity > timeout
        guard = next((e for e in dev.pending if e.what == "no-reset"), None)
        pending = dev.pending
        renewal_explained = dev.renewal_explained
        if hit.pvt == PageviewType.RENEWAL:
            wanted = [e for e in pending if e.what == "renewal-pageview"]
            if wanted:
                pending = tuple(e for e in pending if e not in wanted)
            elif guard is not None:
                self._fire(guard.rule, dev.device, [guard.since_seq, env.seq],
                           f"{RULES[guard.rule].title}: a renewal pageview restarted the session")
                pending = tuple(e for e in pending if e is not guard)
            elif any(e.what == "outcome" for e in pending):
                pass  # resetIdentity while anonymous: restarting is one of the accepted outcomes
            elif not (renewal_explained or expired):
                self._fire("renewal-pageview-unexpected", dev.device, [env.seq],
                           RULES["renewal-pageview-unexpected"].title)
            renewal_explained = False
        sn, pn = hit.sn, hit.pn
        prev_sn, prev_pn = dev.last_hit_session, dev.last_hit_page
        if sn is not None and prev_sn is not None:
            if sn == prev_sn and pn is not None and prev_pn is not None and hit.pvt != PageviewType.RENEWAL:
                if pn != prev_pn + 1:
                    what = "repeated" if pn <= prev_pn else "skipped"
                    self._fire("page-number-gap", dev.device, [env.seq],
                               f"Page number {what}: {prev_pn} → {pn} in session {sn}",
                               {"previous": prev_pn, "page_number": pn, "session_number": sn})
            elif sn != prev_sn + 1 and sn != prev_sn:
                self._fire("session-number-jump", dev.device, [env.seq],
                           f"Session number went {prev_sn} → {sn} with no reset or expiry",
                           {"previous": prev_sn, "session_number": sn})
            if sn != prev_sn and guard is not None and guard in pending and not expired:
                self._fire(guard.rule, dev.device, [guard.since_seq, env.seq],
                           f"{RULES[guard.rule].title}: session {prev_sn} → {sn}")
                pending = tuple(e for e in pending if e is not guard)
        # One replace per pageview: it is the hottest path of a capture.
        return replace(dev, pending=pending, renewal_explained=renewal_explained, last_activity=env.time,
                       last_pageview_time=env.time,
                       last_hit_session=sn if sn is not None else prev_sn,
                       last_hit_page=pn if pn is not None else prev_pn,
                       session_number=sn if sn is not None else dev.session_number,
                       page_number=pn if pn is not None else dev.page_number,
                       sessions=self._sessions_after(dev, env, hit, expired))

    def _sessions_after(self, dev: DeviceState, env: Envelope, hit: Hit,
                        expired: bool) -> History[Session]:
        view = Pageview(seq=env.seq, time=env.time, page_number=hit.pn,
                        pvt=hit.pvt.value if hit.pvt else None, url=hit.page_url)
        sessions = dev.sessions
        last = sessions[-1] if sessions else None
        if last is not None and last.user_id == dev.user_id and last.number == hit.sn:
            return sessions.with_last(replace(last, pageviews=last.pageviews.append(view)))
        reset_before = dev.last_reset if (
            dev.last_reset is not None and (last is None or dev.last_reset.seq > last.first_seq)) else None
        if reset_before is None and expired and last is not None:
            reset_before = Reset(env.time, env.seq, ResetReason.SESSION_EXPIRY, dev.user_id, dev.user_id)
        return sessions.append(Session(user_id=dev.user_id, number=hit.sn, started=env.time,
                                       first_seq=env.seq, pageviews=History((view,)),
                                       reset_before=reset_before))

    # ------------------------------------------------------------------ identity graph

    def _link(self, identity: str, device: str, user_id: str | None, seq: int, time: float) -> None:
        key = (identity, device, user_id)
        if key in self._graph_keys:
            return
        self._graph_keys.add(key)
        graph = self._graph
        # An identity first seen before any user ID: the later link with a user ID replaces it.
        if user_id is not None and (identity, device, None) in self._graph_keys:
            self._graph_keys.discard((identity, device, None))
            graph = History(link for link in graph if not (
                link.identity == identity and link.device == device and link.user_id is None))
        self._graph = graph.append(GraphLink(identity, device, user_id, seq, time))


def _short(user_id: str | None) -> str:
    """User IDs are pseudonymous but long: show a prefix, as DevTools does."""
    if user_id is None:
        return "(none)"
    return user_id if len(user_id) <= 10 else f"{user_id[:8]}…"


def _one_line(text: str) -> str:
    """Messages are one line whatever the page sent: control characters are shown escaped."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _describe(value: JsonValue) -> str:
    if isinstance(value, dict) and is_foreign(value):
        return str(value.get("__uxa_type__"))
    if value is None:
        return "nothing"
    return {list: "an array", dict: "an object", str: "a string", bool: "a boolean"}.get(
        type(value), "a number")
