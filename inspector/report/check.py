"""Run a capture through the engine and describe the outcome: the ``check`` JSON contract.

``run_check`` feeds the merged capture to the real engine and keeps what every rendering needs (the
verdicts, the final state, an identity timeline). ``check_document`` turns that into the stable JSON
document (``schema: uxa-inspector/check/1``) that the other formats mirror.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import JsonValue

from inspector.decode.collection_pace import bulk_allocation
from inspector.model.privacy import PERSONAL_DETAILS, show
from inspector.model.reference import ModelConfig
from inspector.model.rules import RULES
from inspector.model.state import DeviceState, GraphLink, Severity, Snapshot, Verdict
from inspector.report.capture import InputFile, keep_devices_apart, merged
from inspector.report.evidence import input_evidence
from inspector.report.grouping import group_by_rule
from inspector.session.moments import Moment
from inspector.session.store import CaptureStore
from inspector.wire.events import PageviewType

SCHEMA = "uxa-inspector/check/1"
PROGRESS_EVERY = 500


@dataclass(frozen=True, slots=True)
class CheckRun:
    """A judged capture for the renderings: its inputs and the one store that judged them."""

    inputs: tuple[InputFile, ...]
    store: CaptureStore
    deadline_s: float
    # Worked out once, on first use: each device's identities in the order first seen
    # (``identities_of``), its verdicts and its moments (renderings go device by device).
    _identities: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _verdicts_by_device: dict[str, list[Verdict]] = field(default_factory=dict, init=False, repr=False,
                                                          compare=False)
    _moments_by_device: dict[str, list[Moment]] = field(default_factory=dict, init=False, repr=False,
                                                        compare=False)

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        return tuple(self.store.verdicts)

    @property
    def snapshot(self) -> Snapshot:
        return self.store.snapshot()

    @property
    def timeline(self) -> tuple[Moment, ...]:
        return tuple(self.store.timeline)

    def verdicts_of(self, device: str) -> list[Verdict]:
        """The device's verdicts, in the order given."""
        if not self._verdicts_by_device:
            for verdict in self.store.verdicts:
                self._verdicts_by_device.setdefault(verdict.device, []).append(verdict)
        return self._verdicts_by_device.get(device, [])

    def timeline_of(self, device: str) -> list[Moment]:
        """The device's moments, in the order they happened."""
        if not self._moments_by_device:
            for moment in self.store.timeline:
                self._moments_by_device.setdefault(moment.device, []).append(moment)
        return self._moments_by_device.get(device, [])

    @property
    def events(self) -> int:
        return self.store.applied

    @property
    def refused(self) -> tuple[str, ...]:
        return tuple(self.store.refused)

    @property
    def devices(self) -> list[DeviceState]:
        return [self.snapshot.devices[name] for name in sorted(self.snapshot.devices)]

    @property
    def unreadable(self) -> list[InputFile]:
        return [item for item in self.inputs if item.fatal is not None]

    @property
    def skipped(self) -> int:
        """Lines and entries of the inputs that could not be read, and events the model refused."""
        return sum(item.skipped for item in self.inputs) + len(self.refused)

    @property
    def partial(self) -> bool:
        """Part of the capture was left out: its verdicts say nothing about what was skipped (the
        identify may be among it), so the check has not passed, whatever it found."""
        return self.skipped > 0

    def failed(self, fail_on: Severity) -> bool:
        return any(v.severity.rank >= fail_on.rank for v in self.verdicts)

    def exit_code(self, fail_on: Severity) -> int:
        """2 when an input could not be read or was read only in part (the verdicts are still
        reported), else 1 when a verdict reaches ``fail_on``, else 0."""
        if self.unreadable or self.partial:
            return 2
        return 1 if self.failed(fail_on) else 0


def run_check(inputs: Sequence[InputFile], deadline_s: float = 10.0,
              on_events: Callable[[int], None] | None = None) -> CheckRun:
    """Feed every readable input, merged in time order, to one store and judge what stays open.

    ``on_events`` is told how many events have been judged, every ``PROGRESS_EVERY`` events."""
    inputs = keep_devices_apart(inputs)
    store = _judged_while_read(inputs, deadline_s)
    if store is not None:
        if on_events is not None:
            on_events(len(inputs[0].envelopes))
    else:
        # Reports read verdicts, moments and the final state only: no time travel to keep.
        store = CaptureStore(ModelConfig(deadline_s=deadline_s), time_travel=False)
        with bulk_allocation():
            for count, raw in enumerate(merged(inputs), 1):
                store.feed(raw)
                if on_events is not None and count % PROGRESS_EVERY == 0:
                    on_events(count)
    end = max((env.time for item in inputs for env in item.envelopes[-1:]), default=None)
    store.finish(end)
    return CheckRun(tuple(inputs), store, deadline_s)


def _judged_while_read(inputs: Sequence[InputFile], deadline_s: float) -> CaptureStore | None:
    """The store that judged a lone input as it was read: the same events in the same order as
    ``merged`` gives for one input, so the same verdicts."""
    if len(inputs) != 1 or inputs[0].judged is None:
        return None
    return inputs[0].judged.take(inputs[0].envelopes, deadline_s)


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
        "message": verdict.text(reveal),
        "fix": verdict.fix,
        "events": list(verdict.events),
        "basis": verdict.basis.value,
        "details": details,
    }


def identities_of(run: CheckRun, device: str) -> list[str]:
    """Identities a device was identified with, in the order first seen."""
    if not run._identities:  # one pass over the graph for every device, not one per device
        links: dict[str, list[GraphLink]] = {}
        for link in run.snapshot.graph:
            links.setdefault(link.device, []).append(link)
        for name, own in links.items():
            own.sort(key=lambda link: link.first_seq)
            run._identities[name] = list(dict.fromkeys(link.identity for link in own))
    return run._identities.get(device, [])


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
        "skipped_lines": run.skipped,
        "unreadable_inputs": len(run.unreadable),
        "partial": run.partial,
        "fail_on": fail_on.value,
        "failed": run.failed(fail_on),
        "exit_code": run.exit_code(fail_on),
    }


def evidence_document(item: InputFile, verdicts: Sequence[Verdict]) -> dict[str, JsonValue]:
    """Added in 0.2: what the input's events rest on (null when unreadable) and what follows."""
    found = input_evidence(item, verdicts)
    if found is None:
        return {"evidence": None, "inferred_verdicts": 0, "failed_hits": 0, "evidence_text": None}
    return {"evidence": found.kind, "inferred_verdicts": found.inferred, "failed_hits": found.failed_hits,
            "evidence_text": found.describe()}


def check_document(run: CheckRun, fail_on: Severity = Severity.VIOLATION,
                   reveal: bool = False) -> dict[str, JsonValue]:
    """The ``check --format json`` document. Its keys are a public contract: add, never rename."""
    with bulk_allocation():  # tens of thousands of small dicts, and a big heap for the collector to walk
        return _check_document(run, fail_on, reveal)


def _check_document(run: CheckRun, fail_on: Severity, reveal: bool) -> dict[str, JsonValue]:
    return {
        "schema": SCHEMA,
        "inputs": [
            {"path": item.path, "kind": item.kind, "events": len(item.envelopes),
             "devices": list(item.devices), "errors": list(item.errors), "error": item.fatal,
             "notes": list(item.notes), "skipped": item.skipped, **evidence_document(item, run.verdicts)}
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
