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
from dataclasses import dataclass

from pydantic import JsonValue

from inspector.model import messages
from inspector.model.frozen import replace
from inspector.model.history import History
from inspector.model.identity_checks import Finding, check_identity, check_property, identity_text, is_foreign
from inspector.model.rules import RULES
from inspector.model.state import (
    Basis,
    DeviceState,
    Expectation,
    ExpectKind,
    GraphLink,
    IdentityCall,
    KnownUser,
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
    BROKEN_GUARD,
    DETACHES_ON_USER_CHANGE,
    INFERRED_CHANGE,
    MEETS,
    OBSERVER_KINDS,
    PRECEDENCE,
    RECENT_USERS,
    RENEWAL_COUNTED_AT,
    RENEWAL_STARTS,
    REPORTS,
    RESET_REASON,
    TRANSITIONS,
    TRIGGER_CALLS,
    UNEXPLAINED,
    Answers,
    IdentityAfter,
    Observation,
    Outcome,
    Transition,
)
from inspector.wire.envelope import Envelope
from inspector.wire.events import Callback, Command, Cookies, Hit, HitType, PageviewType, Result


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


_NEW_USER_KINDS = frozenset({ExpectKind.NEW_USER_ID, ExpectKind.OUTCOME})


def _rebindable(user: KnownUser) -> bool:
    """A user that answered a call's new-user expectation silently (an outcome reported stays so)."""
    return any(e.kind is ExpectKind.NEW_USER_ID for e in user.answered)


def _first_deadline(pending: tuple[Expectation, ...]) -> float:
    """The earliest deadline whose clock runs (a queued command's waits for the tag)."""
    first: float | None = None
    for e in pending:  # min() as a loop (no generator): this runs after many events
        if not e.queued and (first is None or e.deadline < first):
            first = e.deadline
    return float("inf") if first is None else first


def _named(call: IdentityCall | None, seq: int | None, calls: frozenset[IdentityCall], after: int) -> bool:
    """A call a snapshot can be of: one it names, made after the call of the previous snapshot."""
    return call in calls and seq is not None and seq > after


class ReferenceModel:
    def __init__(self, config: ModelConfig | None = None) -> None:
        self.config = config or ModelConfig()
        self._devices: dict[str, DeviceState] = {}
        self._graph: History[GraphLink] = History()
        self._graph_keys: set[tuple[str, str, str | None]] = set()
        # Graph links made only by crediting a call a new user: (device, user ID) -> identity -> call seq.
        self._credited: dict[tuple[str, str | None], dict[str, int]] = {}
        # Identities set by calls that keep the user, made while an earlier call still waited for its
        # new user: they go with the user that call gets (device -> (its seq, identity), bounded).
        self._after_call: dict[str, list[tuple[int, str]]] = {}
        self._verdicts: list[Verdict] = []
        self._calls: dict[tuple[str, str], _Call] = {}
        self._last_seq: dict[str, int] = {}
        self._seq = -1
        # Devices whose page commands are visible: hits then only complement them (see _on_hit).
        self._commands_seen: set[str] = set()
        # Devices with any of the observer's reports; the others are judged on network evidence alone.
        self._observed: set[str] = set()
        # Devices that have (or recently had) pending expectations, and a time until which none of
        # theirs is due: most events then skip the look at every waiting device.
        self._waiting: set[str] = set()
        self._quiet_until = float("inf")
        # Every property write by device and user, in order: what a detach reports, read without
        # scanning the device's whole history (the model only moves forward, so these only grow).
        self._writes: dict[tuple[str, str | None], list[PropertyChange]] = {}
        self._shared_devices: dict[str, DeviceState] | None = None
        self._now = 0.0
        self._out: list[Verdict] = []
        self._env: Envelope | None = None
        self._plan: _IdentityPlan | None = None
        # The tag's own word that it sent a pageview: afterPageView callbacks naming a user in its first
        # session (device -> user ID -> the callback's seq and page, the latest ``RECENT_USERS``), the
        # page each identity call was made on, and each device's latest trackPageview (an artificial
        # pageview calls back too, so a callback after one proves no renewal).
        self._called_back: dict[str, dict[str, tuple[int, str]]] = {}
        self._call_pages: dict[tuple[str, int], str] = {}
        self._tracked_at: dict[str, int] = {}
        self._handlers: dict[str, Callable[[DeviceState, Envelope], DeviceState]] = {
            "command": self._on_command,
            "result": self._on_result,
            "hit": self._on_hit,
            "cookies": self._on_cookies,
            "callback": self._on_callback,
        }

    # ------------------------------------------------------------------ public API

    @property
    def verdicts(self) -> list[Verdict]:
        return list(self._verdicts)

    def device(self, name: str) -> DeviceState:
        return self._devices.get(name) or DeviceState(device=name)

    def state_of(self, name: str) -> DeviceState | None:
        """The device's state now; None before its first event (``device`` gives an empty one)."""
        return self._devices.get(name)

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
        if envelope.event.kind in OBSERVER_KINDS:
            self._observed.add(envelope.device)
        self._out = []
        self._env = envelope
        self._now = max(self._now, envelope.time)
        self._expire(self._now)
        if envelope.event.kind == "tick" and envelope.device not in self._devices:
            return self._flush()  # time passing creates no device
        dev = self.device(envelope.device)
        pending = dev.pending
        if envelope.tab and envelope.tab not in dev.tabs:
            dev = replace(dev, tabs=(*dev.tabs, envelope.tab))
        handler = self._handlers.get(envelope.event.kind)
        if handler is not None:
            dev = handler(dev, envelope)
        if self._devices.get(envelope.device) is not dev:
            self._devices[envelope.device] = dev
            self._shared_devices = None
        # A waiting device's unchanged expectations are already in ``_quiet_until``.
        if dev.pending and (dev.pending is not pending or envelope.device not in self._waiting):
            self._waiting.add(envelope.device)
            self._quiet_until = min(self._quiet_until, _first_deadline(dev.pending))
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

    def _fire(self, rule_id: str, device: str, events: Iterable[int], template: str,
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
            template=template, fix=rule.fix, events=tuple(sorted(set(events))),
            details=details or {}, basis=Basis.OBSERVED if device in self._observed else Basis.NETWORK,
        ))

    def _flush(self) -> list[Verdict]:
        out, self._out = self._out, []
        self._verdicts.extend(out)
        return out

    # ------------------------------------------------------------------ expectations

    def _take(self, pending: tuple[Expectation, ...], observation: Observation,
              groups: tuple[frozenset[Outcome], ...] = PRECEDENCE,
              scope: Callable[[Expectation], bool] | None = None,
              strict: bool = False) -> list[tuple[Expectation, Outcome]]:
        """The open expectations an observation goes to, with how each meets it (``transitions``).

        ``scope`` narrows the expectations it can answer (met or reported) to those of the calls it is
        evidence of; unless ``strict``, any call's will do when none of those is open."""
        for group in groups:
            taken = [(e, outcome) for e in pending
                     if (outcome := MEETS.get((e.kind, observation))) is not None and outcome in group]
            if taken and scope is not None and Outcome.MET in group:
                scoped = [(e, o) for e, o in taken if scope(e)]
                taken = scoped if scoped or strict else taken
            if taken and Outcome.BROKEN in group:  # one observation breaks one call's guard
                chosen = BROKEN_GUARD(e.since_seq for e, _ in taken)
                taken = [(e, o) for e, o in taken if e.since_seq == chosen]
            elif taken and Outcome.MET in group and ANSWERS[observation] is not Answers.EVERY_CALL:
                earliest = min(e.since_seq for e, _ in taken)
                taken = [(e, o) for e, o in taken if e.since_seq == earliest]
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
        if not dev.pending or not any(e.queued for e in dev.pending):
            return dev
        deadline = env.time + self.config.deadline_s
        return replace(dev, pending=tuple(replace(e, deadline=deadline, queued=False) if e.queued else e
                                          for e in dev.pending))

    def _expire(self, now: float, final: bool = False) -> None:
        # Only devices with open expectations are looked at, and only once one of them is due.
        if not final and now <= self._quiet_until:
            return
        judged: list[tuple[Expectation, str]] = []
        quiet = float("inf")
        for name in sorted(self._waiting):
            dev = self._devices[name]
            due = [e for e in dev.pending if final or (e.deadline < now and not e.queued)]
            if len(due) == len(dev.pending):
                self._waiting.discard(name)
            if due:
                judged.extend((e, name) for e in due)
                dev = replace(dev, pending=tuple(e for e in dev.pending if e not in due))
                self._devices[name] = dev
                self._shared_devices = None
            quiet = min(quiet, _first_deadline(dev.pending))
        self._quiet_until = quiet
        # In the order the deadlines passed, whatever the device.
        for exp, name in sorted(judged, key=lambda j: (j[0].deadline, j[1], j[0].since_seq)):
            self._judge_expired(self._devices[name], exp)

    def _at(self, exp: Expectation) -> float:
        """When an expectation failed: its deadline, or the end of the capture if that came first."""
        return self._now if exp.queued else min(exp.deadline, self._now)

    def _judge_expired(self, dev: DeviceState, exp: Expectation) -> None:
        user = next((k for k in dev.recent if k.call_seq == exp.since_seq), None)
        new = None if user is None else user.user_id
        counted_at = None if user is None or user.renewal_seen else user.renewal_counted
        by_callback = False
        if counted_at is None and user is not None and not user.renewal_seen:
            counted_at = self._renewal_called_back(dev.device, user.user_id, exp.since_seq)
            by_callback = counted_at is not None
        observation = Observation.DEADLINE_RENEWAL_COUNTED if counted_at is not None and (
            exp.kind, Observation.DEADLINE_RENEWAL_COUNTED) in MEETS else Observation.DEADLINE
        outcome = MEETS[(exp.kind, observation)]
        if outcome is Outcome.MET:
            return  # e.g. a guard that expires quietly: the expected outcome
        details: dict[str, JsonValue] = {}
        if exp.kind is ExpectKind.INFERRED_CALL:
            details = {"old_user_id": exp.old_user_id, "new_user_id": new}
        elif exp.kind is not ExpectKind.RENEWAL_PAGEVIEW:
            details["user_id"] = exp.old_user_id
        rule = exp.rule
        if observation is Observation.DEADLINE_RENEWAL_COUNTED:
            rule = REPORTS[exp.kind]
            details = {"old_user_id": exp.old_user_id, "new_user_id": new, "renewal_captured": False,
                       **({"inferred": True} if exp.kind is ExpectKind.INFERRED_CALL else {})}
        elif outcome is Outcome.REPORTED:
            details = {"outcome": messages.OUTCOME_WORDS[Observation.DEADLINE], **details}
        message = messages.expectation_message(rule, exp.kind, observation, old=exp.old_user_id,
                                               new=new, deadline=self.config.deadline_s)
        if by_callback:
            details["counted_by"] = "afterPageView"
            message = messages.renewal_called_back(rule, new, self.config.deadline_s)
        events = [exp.since_seq]
        if observation is Observation.DEADLINE_RENEWAL_COUNTED and counted_at is not None:
            events.append(counted_at)  # the page that counts it
        self._fire(rule, dev.device, events, message, details, time=self._at(exp), since=exp)
        if exp.kind in _NEW_USER_KINDS:
            # The tag kept the user: the identities go with the user it had when the call was made.
            kept = self._user_before(dev, exp)
            if exp.kind is ExpectKind.NEW_USER_ID and exp.identity is not None:
                self._link(exp.identity, dev.device, kept, exp.since_seq, self._at(exp))
            for identity in self._identities_after(dev.device, exp.since_seq):
                self._link(identity, dev.device, kept, exp.since_seq, self._at(exp))

    # ------------------------------------------------------------------ commands

    def _identity_plan(self, dev: DeviceState, env: Envelope) -> _IdentityPlan | None:
        """Classify an identity command (pure); raises ``ModelUsageError`` if the table lacks its row."""
        event = env.event
        if type(event) is Command:  # not isinstance: a failing one is slow on pydantic classes
            if event.name == "identify":
                args = event.args
                options = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
                return self._plan_identify(dev, args[0] if args else None, options.get("hash") is True)
            if event.name == "resetIdentity":
                return self._plan_call(dev, IdentityCall.RESET, None, False, (), None)
        elif (type(event) is Hit and event.hit_type == HitType.HEAP_IDENTIFY and event.identity
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

    def _on_callback(self, dev: DeviceState, env: Envelope) -> DeviceState:
        """Note an afterPageView callback naming a user's first session: the tag sent that user a
        pageview, which after an identity call on the same page, with no trackPageview between, can
        only be its renewal (``_renewal_called_back``)."""
        event = env.event
        assert isinstance(event, Callback)
        key = event.payload.get("sessionKey") if isinstance(event.payload, dict) else None
        if (event.name != "afterPageView" or not isinstance(key, str) or not key.endswith(".1")
                or event.document is None):
            return dev
        named = self._called_back.setdefault(dev.device, {})
        named.pop(key[:-2], None)
        named[key[:-2]] = (env.seq, event.document)
        if len(named) > RECENT_USERS:
            del named[next(iter(named))]
        return dev

    def _renewal_called_back(self, device: str, user_id: str, call_seq: int) -> int | None:
        """The seq of the tag's afterPageView callback for ``user_id``'s renewal after the call at
        ``call_seq``, when one came on the call's page with no trackPageview since the call."""
        named = self._called_back.get(device, {}).get(user_id)
        page = self._call_pages.get((device, call_seq))
        if named is None or page is None:
            return None
        seq, document = named
        tracked = self._tracked_at.get(device, -1)
        if seq > call_seq and document == page and not call_seq < tracked < seq:
            return seq
        return None

    def _on_command(self, dev: DeviceState, env: Envelope) -> DeviceState:
        cmd = env.event
        assert isinstance(cmd, Command)
        name = cmd.name
        self._commands_seen.add(dev.device)
        if name == "trackPageview":
            self._tracked_at[dev.device] = env.seq
        elif self._plan is not None and cmd.document:
            self._call_pages[(dev.device, env.seq)] = cmd.document
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
                       messages.identity_finding(finding.reason),
                       {"identity": plan.identity if plan.identity is not None else plan.value})
        row = plan.row
        if row is None:
            return dev
        # A command pushed before the tag loaded runs when it loads: its deadline waits for the tag.
        queued = isinstance(env.event, Command) and not env.event.tag_loaded
        deadline = env.time + self.config.deadline_s  # nominal while queued: not judged before the tag runs
        # Earlier guards stay open to their deadline: the hits that would break them may still come.
        pending = list(dev.pending)
        identity_after = {IdentityAfter.SET: plan.identity, IdentityAfter.CLEARED: None}.get(
            row.identity, dev.identity)
        pending.extend(Expectation(x.rule, x.kind, plan.call, env.seq, deadline, dev.user_id, queued, env.tab,
                                   identity_after) for x in row.expects)
        dev = replace(dev, pending=tuple(pending))
        if row.detach_properties:
            dev = self._detach(dev, env)
        if row.identity is IdentityAfter.SET and plan.identity is not None:
            dev = replace(dev, identity=plan.identity, identity_hashed=plan.hashed, identified_since=env.time)
            if not row.expects_new_user():
                self._link_kept(dev, plan.identity, env)
            # else: linked to the renewed user ID when it shows up (or to the kept one if it never does)
        elif row.identity is IdentityAfter.CLEARED:
            dev = replace(dev, identity=None, identity_hashed=False, identified_since=None)
        return dev

    def _detach(self, dev: DeviceState, env: Envelope) -> DeviceState:
        if not dev.properties:
            return dev
        current = tuple(c for c in self._writes.get((dev.device, dev.user_id), ()) if c.key in dev.properties)
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
                # The key's previous write by this user, searched from the end of that user's writes.
                writes = self._writes.get((dev.device, dev.user_id), [])
                last_write = next((c.seq for c in reversed(writes) if c.key == key), None)
                earlier = [] if last_write is None else [last_write]
                self._fire("property-overwrite", dev.device, [*earlier, env.seq],
                           messages.property_overwrite(key),
                           {"key": key, "old": old, "new": value})
            properties[key] = value
            change = PropertyChange(key=key, new=value, old=old, had_old=had_old, time=env.time, seq=env.seq,
                                    page_url=page_url, user_id=dev.user_id)
            history = history.append(change)
            self._writes.setdefault((dev.device, dev.user_id), []).append(change)
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
                       messages.getidentity_returned_raw(), {"returned": returned})
        return replace(dev, last_get_identity=returned)

    # ------------------------------------------------------------------ observations

    def _on_cookies(self, dev: DeviceState, env: Envelope) -> DeviceState:
        cookies = env.event
        assert isinstance(cookies, Cookies)
        storage = cookies.storage
        calls = TRIGGER_CALLS.get(storage.trigger) if storage.source == "observer" else None
        dev = self._observe_user(dev, env, cookies.user_id, calls)
        if cookies.user_id and cookies.user_id != dev.user_id:
            return dev  # a late snapshot of a recent state: not what the device shows now
        # Cookies run ahead of hits, so they update what is shown but are not judged for gaps.
        sn, pn = cookies.session_number, cookies.page_number
        if (sn is None or sn == dev.session_number) and (pn is None or pn == dev.page_number):
            return dev
        return replace(dev, session_number=dev.session_number if sn is None else sn,
                       page_number=dev.page_number if pn is None else pn)

    def _on_hit(self, dev: DeviceState, env: Envelope) -> DeviceState:
        hit = env.event
        assert isinstance(hit, Hit)
        if hit.hit_type in IDS_REQUIRED_HITS and (
                hit.pid in (None, "") or hit.uu in (None, "") or hit.sn is None or hit.pn is None):
            missing = [n for n in ("pid", "uu", "sn", "pn") if getattr(hit, n) in (None, "")]
            if missing:
                self._fire("hit-missing-ids", dev.device, [env.seq],
                           messages.hit_missing_ids(hit.hit_type.value, missing),
                           {"missing": list[JsonValue](missing)})
        dev = self._start_queued_clocks(dev, env)
        dev = self._observe_user(dev, env, hit.uu, pageview=hit if hit.hit_type == HitType.PAGEVIEW else None)
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

    # ------------------------------------------------------------------ users, recent and new

    @staticmethod
    def _known(dev: DeviceState, user_id: str, now: float) -> KnownUser | None:
        """The recent state ``user_id`` belongs to, if the tag could still be sending its hits."""
        for user in reversed(dev.recent):
            if user.user_id == user_id:
                return user if user.until >= now else None
        return None

    @staticmethod
    def _with_user(recent: tuple[KnownUser, ...], user: KnownUser) -> tuple[KnownUser, ...]:
        return tuple(user if k.user_id == user.user_id else k for k in recent)

    def _observe_user(self, dev: DeviceState, env: Envelope, user_id: str | None,
                      calls: frozenset[IdentityCall] | None = None,
                      pageview: Hit | None = None) -> DeviceState:
        if not user_id or (user_id == dev.user_id and calls is None):
            return dev
        if dev.user_id is None:  # first sighting: nothing changed
            if dev.identity is not None:
                self._link(dev.identity, dev.device, user_id, env.seq, env.time)
            return replace(dev, user_id=user_id, user_ids=dev.user_ids.append(user_id),
                           recent=(KnownUser(user_id),))
        known = self._known(dev, user_id, env.time)
        if known is not None:
            # The current user, or late evidence of a recent state (a request in flight, another tab, a
            # lagging snapshot).
            if calls is not None and known.call is not None and not known.confirmed:
                return self._credit_again(dev, env, known, calls)
            return dev
        if user_id == dev.user_id:
            return dev
        old = dev.user_id
        details: dict[str, JsonValue] = {"old_user_id": old, "new_user_id": user_id}
        after = dev.snapshot_call
        displaced = self._displaced(dev, calls) if calls is not None else None
        if displaced is not None:  # it gives its call back to this user, and takes another below
            dev = self._rebind(dev, env, {displaced.user_id: -1})
        scope = None if calls is None else (lambda e: _named(e.call, e.since_seq, calls, after))
        taken = self._take(dev.pending, Observation.NEW_USER_ID, scope=scope)
        reason = ResetReason.UNEXPLAINED
        newcomer = KnownUser(user_id)
        for exp, outcome in taken:
            if outcome is Outcome.BROKEN:
                self._fire(exp.rule, dev.device, [exp.since_seq, env.seq],
                           messages.expectation_message(exp.rule, exp.kind, Observation.NEW_USER_ID,
                                                        old=old, new=user_id), details)
                # The faulty call started this user: its renewal pageview is that same fault.
                newcomer = replace(newcomer, call_seq=exp.since_seq, call=exp.call)
                continue
            if exp.call is not None:
                reason = RESET_REASON[exp.call]
            newcomer = replace(newcomer, call_seq=exp.since_seq, call=exp.call,
                               answered=(*newcomer.answered, exp))
            self._link_credited(dev.device, exp, user_id, env)
            if outcome is Outcome.REPORTED:
                self._fire(exp.rule, dev.device, [exp.since_seq, env.seq],
                           messages.expectation_message(exp.rule, exp.kind, Observation.NEW_USER_ID),
                           {**details, "outcome": messages.OUTCOME_WORDS[Observation.NEW_USER_ID]}, since=exp)
        # Network evidence only: the renewal pageview of an unseen call may be this hit, or follow it
        # (unless this is the new user's first pageview and no renewal).
        inferring = not taken and dev.device not in self._observed and (
            pageview is None or (pageview.sn, pageview.pn) == (
                RENEWAL_STARTS if pageview.pvt == PageviewType.RENEWAL else RENEWAL_COUNTED_AT))
        if inferring:
            x = INFERRED_CHANGE
            inferred = Expectation(x.rule, x.kind, None, env.seq, env.time + self.config.deadline_s, old,
                                   tab=env.tab)
            dev = replace(dev, pending=(*dev.pending, inferred))
            newcomer = replace(newcomer, call_seq=env.seq)
        elif not taken:
            rule = UNEXPLAINED[Observation.NEW_USER_ID]
            assert rule is not None
            self._fire(rule, dev.device, [env.seq],
                       messages.unexplained_message(rule, Observation.NEW_USER_ID, old=old, new=user_id),
                       details)
        if not taken or any(outcome in DETACHES_ON_USER_CHANGE for _, outcome in taken):
            dev = self._detach(dev, env)
        if reason is ResetReason.UNEXPLAINED and dev.identity is not None:
            self._link(dev.identity, dev.device, user_id, env.seq, env.time)
        reset = Reset(time=env.time, seq=env.seq, reason=reason, old_user_id=old, new_user_id=user_id)
        until = env.time + self.config.deadline_s
        recent = [k if k.until != float("inf") else replace(k, until=until)
                  for k in dev.recent if k.until >= env.time]
        recent = [*recent[-(RECENT_USERS - 1):], newcomer]
        dev = replace(dev, user_id=user_id, user_ids=dev.user_ids.append(user_id),
                      pending=self._close(dev.pending, taken), last_reset=reset,
                      resets=dev.resets.append(reset), recent=tuple(recent),
                      last_hit_session=None, last_hit_page=None)
        if calls is not None:
            dev = self._credit_again(dev, env, newcomer, calls)
        if displaced is not None:
            free = next((e.since_seq for e in sorted(dev.pending, key=lambda e: e.since_seq)
                         if e.kind in _NEW_USER_KINDS), None)
            if free is not None:
                dev = self._rebind(dev, env, {displaced.user_id: free})
        return dev

    @staticmethod
    def _displaced(dev: DeviceState, calls: frozenset[IdentityCall]) -> KnownUser | None:
        """A snapshot names calls none of which still waits for a user, but a hit credited one of
        them a user no snapshot confirmed: that user is the one to move."""
        after = dev.snapshot_call
        if any(e.kind in _NEW_USER_KINDS and _named(e.call, e.since_seq, calls, after) for e in dev.pending):
            return None
        return next((k for k in sorted(dev.recent, key=lambda k: k.call_seq or -1)
                     if not k.confirmed and _named(k.call, k.call_seq, calls, after) and _rebindable(k)),
                    None)

    def _credit_again(self, dev: DeviceState, env: Envelope, user: KnownUser,
                      calls: frozenset[IdentityCall]) -> DeviceState:
        """A snapshot taken right after a call named ``calls`` shows ``user``, which a hit (naming no
        call) credited to another call: the earliest call of that name still open, or credited to a
        user no snapshot confirmed, gets it; the call it was credited to takes that other user back."""
        after = dev.snapshot_call
        user = replace(user, confirmed=True)
        dev = replace(dev, recent=self._with_user(dev.recent, user))
        if _named(user.call, user.call_seq, calls, after) or not _rebindable(user):
            return self._snapshot_credited(dev, user.user_id)
        open_slot = next((e.since_seq for e in sorted(dev.pending, key=lambda e: e.since_seq)
                          if e.kind in _NEW_USER_KINDS and _named(e.call, e.since_seq, calls, after)), None)
        other = next((k for k in sorted(dev.recent, key=lambda k: k.call_seq or -1)
                      if k.user_id != user.user_id and not k.confirmed
                      and _named(k.call, k.call_seq, calls, after) and _rebindable(k)), None)
        if open_slot is not None and (other is None or other.call_seq is None or open_slot < other.call_seq):
            dev = self._rebind(dev, env, {user.user_id: open_slot})
        elif other is not None and other.call_seq is not None and user.call_seq is not None:
            dev = self._rebind(dev, env, {user.user_id: other.call_seq, other.user_id: user.call_seq})
        return self._snapshot_credited(dev, user.user_id)

    @staticmethod
    def _snapshot_credited(dev: DeviceState, user_id: str) -> DeviceState:
        user = next((k for k in dev.recent if k.user_id == user_id), None)
        if user is None or user.call_seq is None or user.call_seq <= dev.snapshot_call:
            return dev
        return replace(dev, snapshot_call=user.call_seq)

    def _rebind(self, dev: DeviceState, env: Envelope, slots: dict[str, int]) -> DeviceState:
        """Give each user the call at ``slots[user]``: its new-user expectation, and its renewal if the
        user's renewal pageview was seen. What the users answered before waits again."""
        recent = {k.user_id: k for k in dev.recent}
        pending = list(dev.pending)
        for user_id in slots:
            pending.extend(recent[user_id].answered)
            # The identities of the call it answered went with it: those links were never facts.
            former = recent[user_id].call_seq
            if former is not None:
                self._unlink_credited(dev.device, user_id, former)
        for user_id, seq in slots.items():
            user = recent[user_id]
            if seq < 0:  # released: it waits for another call
                recent[user_id] = replace(user, call_seq=None, call=None, answered=())
                continue
            taken = [e for e in pending if e.since_seq == seq and (
                e.kind in _NEW_USER_KINDS or (e.kind is ExpectKind.RENEWAL_PAGEVIEW and user.renewal_seen))]
            if not taken:
                continue
            pending = [e for e in pending if e not in taken]
            recent[user_id] = replace(user, call_seq=seq, call=taken[0].call, answered=tuple(taken))
            for exp in taken:
                self._link_credited(dev.device, exp, user_id, env)  # as in _observe_user
                if MEETS.get((exp.kind, Observation.NEW_USER_ID)) is Outcome.REPORTED:
                    self._fire(exp.rule, dev.device, [exp.since_seq, env.seq],
                               messages.expectation_message(exp.rule, exp.kind, Observation.NEW_USER_ID),
                               {"old_user_id": exp.old_user_id, "new_user_id": user_id,
                                "outcome": messages.OUTCOME_WORDS[Observation.NEW_USER_ID]}, since=exp)
        pending.sort(key=lambda e: (e.since_seq, e.kind is not ExpectKind.NEW_USER_ID))
        return replace(dev, pending=tuple(pending), recent=tuple(recent[k.user_id] for k in dev.recent))

    # ------------------------------------------------------------------ pageviews

    def _pageview(self, dev: DeviceState, env: Envelope, hit: Hit) -> DeviceState:
        timeout = self.config.session_timeout_s
        expired = dev.last_activity is not None and env.time - dev.last_activity > timeout
        # A hit of a recent state, not the current one: it answers that state, and its numbers belong
        # to that state's session, so they are not judged against the current one.
        late = bool(hit.uu) and hit.uu != dev.user_id
        if hit.pvt == PageviewType.RENEWAL:
            dev = self._renewal(dev, env, hit, expired)
        elif (hit.pn == RENEWAL_COUNTED_AT[1] and hit.sn == RENEWAL_COUNTED_AT[0] and not late
              and dev.last_hit_page is None):  # the new user's first pageview seen
            dev = self._renewal_counted(dev, env)
        if late:
            return replace(dev, last_activity=env.time)
        pending = dev.pending
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
                taken = self._take(pending, Observation.NEW_SESSION)
                for exp, outcome in taken:
                    if outcome is Outcome.BROKEN:
                        self._fire(exp.rule, dev.device, [exp.since_seq, env.seq],
                                   messages.expectation_message(exp.rule, exp.kind, Observation.NEW_SESSION,
                                                                prev_sn=prev_sn, sn=sn))
                pending = self._close(pending, taken)
            elif sn == prev_sn and pending and hit.pvt != PageviewType.RENEWAL:
                pending = self._settle_guards(pending, hit.uu, env.time + self.config.deadline_s)
        # One replace per pageview: it is the hottest path of a capture.
        return replace(dev, pending=pending, last_activity=env.time,
                       last_hit_session=sn if sn is not None else prev_sn,
                       last_hit_page=pn if pn is not None else prev_pn,
                       session_number=sn if sn is not None else dev.session_number,
                       page_number=pn if pn is not None else dev.page_number,
                       sessions=self._sessions_after(dev, env, hit, expired))

    @staticmethod
    def _settle_guards(pending: tuple[Expectation, ...], user_id: str | None,
                       deadline_now: float) -> tuple[Expectation, ...]:
        """A pageview of the same user and session after calls that must not reset: they reset nothing
        (the tag sends what a call causes before what it builds later), so their guards are met. Not
        a guard whose clock this very hit started (``deadline_now``): a call queued before the tag
        loaded runs after the tag's first pageview."""
        return tuple(e for e in pending if not (e.kind is ExpectKind.NO_RESET and e.old_user_id == user_id
                                                and e.deadline < deadline_now))

    def _renewal(self, dev: DeviceState, env: Envelope, hit: Hit, expired: bool) -> DeviceState:
        """A renewal pageview: evidence of the call that started the user it carries."""
        user_id = hit.uu or dev.user_id
        user = next((k for k in reversed(dev.recent) if k.user_id == user_id), None)
        credited = {k.call_seq for k in dev.recent if k.call_seq is not None}

        def renews(e: Expectation) -> bool:
            if e.kind is ExpectKind.INFERRED_CALL and (hit.sn, hit.pn) != RENEWAL_STARTS:
                return False  # not the start of a new user's first session
            if user is not None and user.call_seq is not None:
                return e.since_seq == user.call_seq
            # The tag renewed nothing but sent the renewal: it answers a call still waiting for a user.
            return e.old_user_id == user_id and e.since_seq not in credited

        pending = dev.pending
        taken = self._take(pending, Observation.RENEWAL_PAGEVIEW, PRECEDENCE[:1], scope=renews, strict=True)
        for exp, outcome in taken:
            if outcome is Outcome.REPORTED:
                self._fire(REPORTS.get(exp.kind, exp.rule), dev.device, [exp.since_seq, env.seq],
                           messages.expectation_message(exp.rule, exp.kind, Observation.RENEWAL_PAGEVIEW,
                                                        old=exp.old_user_id, new=user_id),
                           {"old_user_id": exp.old_user_id, "new_user_id": user_id, "inferred": True})
        # Its user's first renewal, when a call (or, judged by its pages, a lost renewal) explains it.
        explained = user is not None and not user.renewal_seen and (
            user.call is not None or user.renewal_counted is not None)
        if not taken and not explained:
            # Not the first renewal of a user a call explains: it may break a guard, or be tolerated.
            taken = self._take(pending, Observation.RENEWAL_PAGEVIEW, PRECEDENCE[1:])
            for exp, outcome in taken:
                if outcome is Outcome.BROKEN:
                    self._fire(exp.rule, dev.device, [exp.since_seq, env.seq],
                               messages.expectation_message(exp.rule, exp.kind, Observation.RENEWAL_PAGEVIEW))
            if not taken and not expired:
                rule = UNEXPLAINED[Observation.RENEWAL_PAGEVIEW]
                assert rule is not None
                self._fire(rule, dev.device, [env.seq],
                           messages.unexplained_message(rule, Observation.RENEWAL_PAGEVIEW))
        recent = dev.recent
        if user is not None:
            met = tuple(e for e, outcome in taken if outcome is Outcome.MET)
            user = replace(user, renewal_seen=True, answered=(*user.answered, *met))
            recent = self._with_user(recent, user)
        return replace(dev, pending=self._close(pending, taken), recent=recent)

    def _renewal_counted(self, dev: DeviceState, env: Envelope) -> DeviceState:
        """The current user's first pageview is the page after a renewal, and no renewal of it was seen:
        the tag counted one. Judged at the deadline: a renewal hit behind this one still answers."""
        user = next((k for k in reversed(dev.recent) if k.user_id == dev.user_id), None)
        if user is None or user.renewal_seen or user.renewal_counted is not None or user.call_seq is None:
            return dev
        return replace(dev, recent=self._with_user(dev.recent, replace(user, renewal_counted=env.seq)))

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

    def _link(self, identity: str, device: str, user_id: str | None, seq: int, time: float,
              call_seq: int | None = None) -> None:
        """``call_seq``: the call whose new user this link credits (``_rebind`` may take it back)."""
        key = (identity, device, user_id)
        if call_seq is None:
            self._credited.get((device, user_id), {}).pop(identity, None)  # a fact of its own now
        elif key not in self._graph_keys:
            self._credited.setdefault((device, user_id), {})[identity] = call_seq
        graph = self._graph
        # An identity seen before its user ID was: the link with a user ID replaces it.
        if user_id is not None and (identity, device, None) in self._graph_keys:
            self._graph_keys.discard((identity, device, None))
            self._credited.get((device, None), {}).pop(identity, None)
            graph = History(link for link in graph if not (
                link.identity == identity and link.device == device and link.user_id is None))
        if key not in self._graph_keys:
            self._graph_keys.add(key)
            graph = graph.append(GraphLink(identity, device, user_id, seq, time))
        self._graph = graph

    def _link_credited(self, device: str, exp: Expectation, user_id: str, env: Envelope) -> None:
        """A call got ``user_id`` as its new user: the user carries the identity the call set, and
        those of later calls that kept the user before the tag's evidence of it came."""
        if exp.kind not in _NEW_USER_KINDS:
            return
        identities = self._identities_after(device, exp.since_seq)
        for identity in ([exp.identity] if exp.identity is not None else []) + identities:
            self._link(identity, device, user_id, env.seq, env.time, exp.since_seq)

    def _link_kept(self, dev: DeviceState, identity: str, env: Envelope) -> None:
        """An identify that keeps the user: linked to the device's user now, unless an earlier call
        still waits for its new user (the tag ran it first): then to the user that call gets."""
        waiting = max((e.since_seq for e in dev.pending if e.kind in _NEW_USER_KINDS), default=None)
        if waiting is None:
            self._link(identity, dev.device, dev.user_id, env.seq, env.time)
            return
        after = self._after_call.setdefault(dev.device, [])
        if (waiting, identity) not in after:
            after.append((waiting, identity))
            del after[:-RECENT_USERS]
        self._link(identity, dev.device, None, env.seq, env.time, waiting)  # seen; its user comes later

    def _identities_after(self, device: str, call_seq: int) -> list[str]:
        return [identity for seq, identity in self._after_call.get(device, ()) if seq == call_seq]

    @staticmethod
    def _user_before(dev: DeviceState, exp: Expectation) -> str | None:
        """The user the device had when a call was made: that of the latest earlier call credited one."""
        earlier = [k for k in dev.recent if k.call_seq is not None and k.call_seq < exp.since_seq]
        return max(earlier, key=lambda k: k.call_seq or -1).user_id if earlier else exp.old_user_id

    def _unlink_credited(self, device: str, user_id: str, call_seq: int) -> None:
        """Take back the links only crediting ``call_seq`` with ``user_id`` made."""
        credited = self._credited.get((device, user_id), {})
        gone = {identity for identity, seq in credited.items() if seq == call_seq}
        for identity in gone:
            del credited[identity]
            self._graph_keys.discard((identity, device, user_id))
        if gone:
            self._graph = History(link for link in self._graph if not (
                link.device == device and link.user_id == user_id and link.identity in gone))
