"""``diff``: compare two captures of the same scenario on what identity semantics they show.

Volatile values are normalised first: user IDs become U1, U2... and identities I1, I2... in order of
first appearance, times and session numbers are dropped, and cache busters never enter the trace. What
is left per device is a sequence of identity commands, user ID resets, sessions, renewal pageviews and
property overwrites; the verdicts are compared as counts per device and rule.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from pydantic import JsonValue

from inspector.model.privacy import one_line
from inspector.report.check import CheckRun
from inspector.session.moments import Moment

SCHEMA = "uxa-inspector/diff/1"


@dataclass(frozen=True, slots=True)
class Item:
    category: str  # command | reset | session | renewal | overwrite
    text: str


@dataclass(frozen=True, slots=True)
class DeviceDiff:
    device: str
    only_a: tuple[Item, ...]
    only_b: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class VerdictCount:
    device: str
    rule: str
    severity: str
    a: int
    b: int


@dataclass(frozen=True, slots=True)
class CaptureDiff:
    a_name: str
    b_name: str
    devices: tuple[DeviceDiff, ...]
    verdicts: tuple[VerdictCount, ...]
    devices_renamed: bool

    @property
    def same(self) -> bool:
        return not self.verdicts and all(not d.only_a and not d.only_b for d in self.devices)


class _Names:
    """Stable stand-ins for volatile values, numbered in order of first appearance."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seen: dict[str, str] = {}

    def __call__(self, value: str | None) -> str:
        if value is None:
            return "none"
        return self.seen.setdefault(value, f"{self.prefix}{len(self.seen) + 1}")


def trace(run: CheckRun, device_names: dict[str, str]) -> dict[str, list[Item]]:
    users, identities = _Names("U"), _Names("I")
    overwrites: dict[tuple[str, int], list[str]] = {}
    for dev in run.devices:
        for change in dev.property_history:
            if change.had_old and change.old != change.new:
                overwrites.setdefault((dev.device, change.seq), []).append(change.key)
    out: dict[str, list[Item]] = {}
    for m in run.timeline:
        items = out.setdefault(device_names[m.device], [])
        items.extend(_items(m, users, identities, overwrites.get((m.device, m.seq), [])))
    return out


def _items(m: Moment, users: _Names, identities: _Names, overwritten: list[str]) -> list[Item]:
    if m.what == "identify":
        value = m.value if isinstance(m.value, str) else str(m.value)
        suffix = " {hash: true}" if m.hashed else ""
        return [Item("command", f"identify {identities(value)}{suffix}")]
    if m.what == "addUserProperties":
        keys = sorted(m.value) if isinstance(m.value, dict) else []
        return [Item("command", f"addUserProperties {', '.join(keys)}"),
                *(Item("overwrite", f"property '{key}' overwritten") for key in sorted(overwritten))]
    if m.what in ("resetIdentity", "getIdentity"):
        return [Item("command", m.what)]
    if m.what == "user-id" and len(m.users) == 1:
        return [Item("reset", f"user {users(m.users[0])} first seen")]
    if m.what == "user-id" and len(m.users) == 2:
        return [Item("reset", f"user {users(m.users[0])} → {users(m.users[1])} ({m.reason})")]
    if m.what == "session" and m.users:
        return [Item("session", f"new session of {users(m.users[0])} ({m.reason})")]
    if m.what == "renewal" and m.users:
        return [Item("renewal", f"renewal pageview for {users(m.users[0])}")]
    return []


def _device_names(a: CheckRun, b: CheckRun) -> tuple[dict[str, str], dict[str, str], bool]:
    def order(run: CheckRun) -> list[str]:
        return list(dict.fromkeys([m.device for m in run.timeline] + sorted(run.snapshot.devices)))

    names_a, names_b = order(a), order(b)
    if set(names_a) == set(names_b):
        return {n: n for n in names_a}, {n: n for n in names_b}, False
    # Different names (two HAR files named after themselves): pair devices by order of appearance.
    return ({n: f"D{i + 1}" for i, n in enumerate(names_a)},
            {n: f"D{i + 1}" for i, n in enumerate(names_b)}, True)


def diff_runs(a: CheckRun, b: CheckRun, a_name: str = "A", b_name: str = "B") -> CaptureDiff:
    map_a, map_b, renamed = _device_names(a, b)
    trace_a, trace_b = trace(a, map_a), trace(b, map_b)
    devices: list[DeviceDiff] = []
    for device in sorted(set(trace_a) | set(trace_b) | set(map_a.values()) | set(map_b.values())):
        left, right = trace_a.get(device, []), trace_b.get(device, [])
        matcher = SequenceMatcher(a=[i.text for i in left], b=[i.text for i in right], autojunk=False)
        only_a: list[Item] = []
        only_b: list[Item] = []
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op != "equal":
                only_a.extend(left[i1:i2])
                only_b.extend(right[j1:j2])
        devices.append(DeviceDiff(device, tuple(only_a), tuple(only_b)))
    count_a = Counter((map_a.get(v.device, v.device), v.rule, v.severity.value) for v in a.verdicts)
    count_b = Counter((map_b.get(v.device, v.device), v.rule, v.severity.value) for v in b.verdicts)
    verdicts = tuple(VerdictCount(d, r, s, count_a[(d, r, s)], count_b[(d, r, s)])
                     for d, r, s in sorted(set(count_a) | set(count_b))
                     if count_a[(d, r, s)] != count_b[(d, r, s)])
    return CaptureDiff(a_name, b_name, tuple(devices), verdicts, renamed)


def diff_document(diff: CaptureDiff) -> dict[str, JsonValue]:
    return {
        "schema": SCHEMA,
        "a": diff.a_name,
        "b": diff.b_name,
        "same": diff.same,
        "devices_paired_by_order": diff.devices_renamed,
        "devices": [
            {"device": d.device,
             "only_in_a": [{"category": i.category, "item": i.text} for i in d.only_a],
             "only_in_b": [{"category": i.category, "item": i.text} for i in d.only_b]}
            for d in diff.devices if d.only_a or d.only_b
        ],
        "verdicts": [{"device": v.device, "rule": v.rule, "severity": v.severity, "in_a": v.a, "in_b": v.b}
                     for v in diff.verdicts],
    }


def render_diff_text(diff: CaptureDiff) -> str:
    lines = [f"--- A: {diff.a_name}", f"+++ B: {diff.b_name}"]
    if diff.devices_renamed:
        lines.append("(device names differ: devices paired in order of appearance as D1, D2...)")
    for d in diff.devices:
        if not d.only_a and not d.only_b:
            continue
        lines.append(f"device {d.device}:")
        lines.extend(f"  - {i.category:<9} {i.text}" for i in d.only_a)
        lines.extend(f"  + {i.category:<9} {i.text}" for i in d.only_b)
    if diff.verdicts:
        lines.append("verdicts:")
        for v in diff.verdicts:
            sign = "-" if v.a > v.b else "+"
            lines.append(f"  {sign} {v.severity:<9} {v.rule} on {v.device}: {v.a} in A, {v.b} in B")
    changes = sum(len(d.only_a) + len(d.only_b) for d in diff.devices) + len(diff.verdicts)
    lines.append("same identity behaviour" if diff.same else f"the captures differ ({changes} difference(s))")
    return "\n".join(one_line(line) for line in lines) + "\n"  # device names come from the files
