"""The reference state machine: what the tag *should* do, and where the capture departs from it.

It applies the tables of ``transitions.py`` (what each identity command expects, how observations
meet expectations); verdicts are worded by ``messages.py``.

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

* resetIdentity on an anonymous user: both outcomes accepted, reported (``transitions.TRANSITIONS``);
* which open expectation an observation answers (``transitions.PRECEDENCE`` and ``ANSWERS``);
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

from pydantic import JsonValue

from inspector.model import messages
from inspector.model.history import History
from inspector.model.identity_checks import Finding, check_identity, check_property, identity_text, is_foreign
from inspector.model.rules import RULES
from inspector.model.state import (
    DeviceState,
    Expectation,
    ExpectKind,
    GraphLink,
    IdentityCall,
    Pageview,
    PropertyChange,
    Reset,
    ResetReason,
    Session,
    Snapshot,
    Verdict,
)
from inspector.model.transitions import (
    ANSWERS,
    DETACHES_ON_USER_CHANGE,
    MEETS,
    PRECEDENCE,
    RESET_REASON,
    TRANSITIONS,
    UNEXPLAINED,
    Answers,
    IdentityAfter,
    Observation,
    Outcome,
    Transition,
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


@dataclass(frozen=True, slots=True)
class _Call:
    """A command waiting for its result event (matched by call id)."""

    name: str
    seq: int
    identity: str | None


@dataclass(frozen=True, slots=True)
class _IdentityPlan:
    """An identity command (or an identity hit standing in for one), classified before anything changes."""

    call: IdentityCall
    row: Transition | None  # None: the tag ignores the call (an unusable identity)
    identity: str | None
    hashed: bool
    findings: tuple[Finding, ...] = ()
    value: JsonValue = None


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
        self._plan: _IdentityPlan | None = None
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
        # Classified before anything changes: a row missing from the table is our bug, raised here.
        self._plan = self._identity_plan(self.device(envelope.device), envelope)
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
            message=messages.one_line(message), fix=rule.fix, events=tuple(sorted(set(events))),
            details=details or {},
        ))

    def _flush(self) -> list[Verdict]:
        out, self._out = self._out, []
        self._verdicts.extend(out)
        return out

    # ------------------------------------------------------------------ expectations

    def _take(self, dev: DeviceState, observation: Observation) -> list[tuple[Expectation, Outcome]]:
        """The open expectations an observation goes to, with how each meets it (``transitions``)."""
        for group in PRECEDENCE:
            taken = [(e, outcome) for e in dev.pending
                     if (outcome := MEETS.get((e.kind, observation))) is not None and outcome in group]
            if taken and ANSWERS[observation] is Answers.LATEST_CALL:
                latest = max(e.since_seq for e, _ in taken)
                taken = [(e, o) for e, o in taken if e.since_seq == latest]
            if taken:
                return taken
        return []

    @staticmethod
    def _close(pending: tuple[Expectation, ...],
               taken: list[tuple[Expectation, Outcome]]) -> tuple[Expectation, ...]:
        closed = [e for e, outcome in taken if outcome is not Outcome.TOLERATED]
        return tuple(e for e in pending if e not in closed) if closed else pending

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
        outcome = MEETS[(exp.kind, Observation.DEADLINE)]
        if outcome is Outcome.MET:
            return  # e.g. a guard that expires quietly: the expected outcome
        details: dict[str, JsonValue] = {}
        if exp.kind is not ExpectKind.RENEWAL_PAGEVIEW:
            details["user_id"] = exp.old_user_id
        if outcome is Outcome.REPORTED:
            details = {"outcome": messages.OUTCOME_WORDS[Observation.DEADLINE], **details}
        message = messages.expectation_message(exp.rule, exp.kind, Observation.DEADLINE,
                                               old=exp.old_user_id, deadline=self.config.deadline_s)
        self._fire(exp.rule, dev.device, [exp.since_seq], message, details, time=self._at(exp), since=exp)
        if exp.kind is ExpectKind.NEW_USER_ID and dev.identity is not None:
            self._link(dev.identity, dev.device, dev.user_id, exp.since_seq, self._at(exp))

    # ------------------------------------------------------------------ commands

    def _identity_plan(self, dev: DeviceState, env: Envelope) -> _IdentityPlan | None:
        """Classify an identity command (pure); raises ``ModelUsageError`` if the table lacks its row."""
        event = env.event
        if isinstance(event, Command):
            if event.name == "identify":
                args = event.args
                options = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
                return self._plan_identify(dev, args[0] if args else None, options.get("hash") is True)
            if event.name == "resetIdentity":
                return self._plan_call(dev, IdentityCall.RESET, None, False, (), None)
        elif (isinstance(event, Hit) and event.hit_type == HitType.HEAP_IDENTIFY and event.identity
              and dev.device not in self._commands_seen):
            return self._plan_identify(dev, event.identity, hashed=False)
        return None

    def _plan_identify(self, dev: DeviceState, value: JsonValue, hashed: bool) -> _IdentityPlan | None:
        identity, findings = check_identity(value, hashed)
        if identity is None:  # the tag ignores an unusable identity: only its findings are reported
            return _IdentityPlan(IdentityCall.IDENTIFY_OTHER, None, None, hashed, tuple(findings), value)
        call = IdentityCall.IDENTIFY_SAME if dev.identity == identity else IdentityCall.IDENTIFY_OTHER
        return self._plan_call(dev, call, identity, hashed, tuple(findings), value)

    @staticmethod
    def _plan_call(dev: DeviceState, call: IdentityCall, identity: str | None, hashed: bool,
                   findings: tuple[Finding, ...], value: JsonValue) -> _IdentityPlan:
        row = TRANSITIONS.get((dev.identity_state, call))
        if row is None:
            raise ModelUsageError(f"no transition for {call.value} while {dev.identity_state.value}")
        return _IdentityPlan(call, row, identity, hashed, findings, value)

    def _on_command(self, dev: DeviceState, env: Envelope) -> DeviceState:
        cmd = env.event
        assert isinstance(cmd, Command)
        name = cmd.name
        self._commands_seen.add(dev.device)
        if name is None:
            self._fire("command-malformed", dev.device, [env.seq], messages.command_malformed(cmd.payload))
            return dev
        if cmd.call_id:
            self._calls[(dev.device, cmd.call_id)] = _Call(name, env.seq, dev.identity)
        if name not in KNOWN_COMMANDS:
            self._fire("command-unknown", dev.device, [env.seq], messages.command_unknown(name),
                       {"name": name})
            return dev
        if self._plan is not None:
            return self._identity_command(dev, env, self._plan)
        if name == "addUserProperties":
            return self._set_properties(dev, env, cmd.args[0] if cmd.args else None, cmd.page_url)
        return dev

    def _identity_command(self, dev: DeviceState, env: Envelope, plan: _IdentityPlan) -> DeviceState:
        for finding in plan.findings:
            self._fire(finding.rule, dev.device, [env.seq],
                       messages.identity_finding(finding.reason, plan.identity, plan.value),
                       {"identity": plan.identity if plan.identity is not None else plan.value})
        row = plan.row
        if row is None:
            return dev
        # A command pushed before the tag loaded runs when it loads: its deadline waits for the tag.
        queued = isinstance(env.event, Command) and not env.event.tag_loaded
        deadline = env.time + self.config.deadline_s  # nominal while queued: not judged before the tag runs
        # A new command supersedes guards.
        pending = [e for e in dev.pending if e.kind is not ExpectKind.NO_RESET]
        pending.extend(Expectation(x.rule, x.kind, plan.call, env.seq, deadline, dev.user_id, queued, env.tab)
                       for x in row.expects)
        dev = replace(dev, pending=tuple(pending))
        if row.detach_properties:
            dev = self._detach(dev, env)
        if row.identity is IdentityAfter.SET and plan.identity is not None:
            dev = replace(dev, identity=plan.identity, identity_hashed=plan.hashed, identified_since=env.time)
            if not row.expects_new_user():
                self._link(plan.identity, dev.device, dev.user_id, env.seq, env.time)
            # else: linked to the renewed user ID when it shows up (or to the kept one if it never does)
        elif row.identity is IdentityAfter.CLEARED:
            dev = replace(dev, identity=None, identity_hashed=False, identified_since=None)
        return dev

    def _detach(self, dev: DeviceState, env: Envelope) -> DeviceState:
        if not dev.properties:
            return dev
        current = tuple(c for c in dev.property_history
                        if c.key in dev.properties and c.user_id == dev.user_id)
        self._fire("properties-detached", dev.device, [env.seq, *(c.seq for c in current)],
                   messages.properties_detached(list(dev.properties), dev.user_id),
                   {"keys": list[JsonValue](sorted(dev.properties)), "user_id": dev.user_id})
        return replace(dev, properties={}, detached=dev.detached.append((dev.user_id, current)))

    def _set_properties(self, dev: DeviceState, env: Envelope, arg: JsonValue, page_url: str) -> DeviceState:
        if not isinstance(arg, dict) or is_foreign(arg):
            self._fire("property-invalid", dev.device, [env.seq], messages.property_not_an_object(arg))
            return dev
        properties = dict(dev.properties)
        history = dev.property_history
        for key, value in arg.items():
            findings = check_property(key, value)
            for finding in findings:
                self._fire(finding.rule, dev.device, [env.seq],
                           messages.property_finding(finding.rule, finding.reason),
                           {"key": key, "value": value})
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
                           messages.property_overwrite(key, old, value),
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
                       messages.getidentity_returned_raw(call.identity), {"returned": returned})
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
                           messages.hit_missing_ids(hit.hit_type.value, missing),
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
        if self._plan is not None:
            return self._identity_command(dev, env, self._plan)
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
        old = dev.user_id
        details: dict[str, JsonValue] = {"old_user_id": old, "new_user_id": user_id}
        taken = self._take(dev, Observation.NEW_USER_ID)
        reason = ResetReason.UNEXPLAINED
        for exp, outcome in taken:
            if outcome is Outcome.BROKEN:
                self._fire(exp.rule, dev.device, [exp.since_seq, env.seq],
                           messages.expectation_message(exp.rule, exp.kind, Observation.NEW_USER_ID,
                                                        old=old, new=user_id), details)
                continue
            reason = RESET_REASON[exp.call]
            if outcome is Outcome.REPORTED:
                self._fire(exp.rule, dev.device, [exp.since_seq, env.seq],
                           messages.expectation_message(exp.rule, exp.kind, Observation.NEW_USER_ID),
                           {**details, "outcome": messages.OUTCOME_WORDS[Observation.NEW_USER_ID]}, since=exp)
        if not taken:
            rule = UNEXPLAINED[Observation.NEW_USER_ID]
            assert rule is not None
            self._fire(rule, dev.device, [env.seq],
                       messages.unexplained_message(rule, Observation.NEW_USER_ID, old=old, new=user_id),
                       details)
        if not taken or any(outcome in DETACHES_ON_USER_CHANGE for _, outcome in taken):
            dev = self._detach(dev, env)
        reset = Reset(time=env.time, seq=env.seq, reason=reason, old_user_id=old, new_user_id=user_id)
        if dev.identity is not None:
            self._link(dev.identity, dev.device, user_id, env.seq, env.time)
        return replace(dev, user_id=user_id, user_ids=dev.user_ids.append(user_id),
                       pending=self._close(dev.pending, taken), last_reset=reset,
                       resets=dev.resets.append(reset),
                       renewal_explained=reason is not ResetReason.UNEXPLAINED,
                       last_hit_session=None, last_hit_page=None)

    def _pageview(self, dev: DeviceState, env: Envelope, hit: Hit) -> DeviceState:
        timeout = self.config.session_timeout_s
        expired = dev.last_activity is not None and env.time - dev.last_activity > timeout
        pending = dev.pending
        renewal_explained = dev.renewal_explained
        if hit.pvt == PageviewType.RENEWAL:
            taken = self._take(dev, Observation.RENEWAL_PAGEVIEW)
            for exp, outcome in taken:
                if outcome is Outcome.BROKEN:
                    self._fire(exp.rule, dev.device, [exp.since_seq, env.seq],
                               messages.expectation_message(exp.rule, exp.kind, Observation.RENEWAL_PAGEVIEW))
            if not taken and not (renewal_explained or expired):
                rule = UNEXPLAINED[Observation.RENEWAL_PAGEVIEW]
                assert rule is not None
                self._fire(rule, dev.device, [env.seq],
                           messages.unexplained_message(rule, Observation.RENEWAL_PAGEVIEW))
            pending = self._close(pending, taken)
            renewal_explained = False
        sn, pn = hit.sn, hit.pn
        prev_sn, prev_pn = dev.last_hit_session, dev.last_hit_page
        if sn is not None and prev_sn is not None:
            if sn == prev_sn and pn is not None and prev_pn is not None and hit.pvt != PageviewType.RENEWAL:
                if pn != prev_pn + 1:
                    self._fire("page-number-gap", dev.device, [env.seq],
                               messages.page_number_gap(prev_pn, pn, sn),
                               {"previous": prev_pn, "page_number": pn, "session_number": sn})
            elif sn != prev_sn + 1 and sn != prev_sn:
                self._fire("session-number-jump", dev.device, [env.seq],
                           messages.session_number_jump(prev_sn, sn),
                           {"previous": prev_sn, "session_number": sn})
            if sn != prev_sn and not expired:
                taken = self._take(replace(dev, pending=pending), Observation.NEW_SESSION)
                for exp, outcome in taken:
                    if outcome is Outcome.BROKEN:
                        self._fire(exp.rule, dev.device, [exp.since_seq, env.seq],
                                   messages.expectation_message(exp.rule, exp.kind, Observation.NEW_SESSION,
                                                                prev_sn=prev_sn, sn=sn))
                pending = self._close(pending, taken)
        # One replace per pageview: it is the hottest path of a capture.
        return replace(dev, pending=pending, renewal_explained=renewal_explained, last_activity=env.time,
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
