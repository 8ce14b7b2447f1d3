"""A simulated tag that behaves as documented (or with one fault), and the lagging delivery a real
capture gives its evidence: commands arrive in page order, at once; the tag's hits and the
observer's cookie snapshots arrive later, each stream in its own order, after any number of later
commands. Mirrors the demo's tag double (resources/demo/tag-double.js) for the identity commands."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from pydantic import JsonValue

from tests.support.script import Script

# Tag-side faults (the tag double's names) and the rule each must produce when it shows.
FAULTS: dict[str, str] = {
    "no-reset": "identity-change-reset-missing",
    "no-renewal": "renewal-pageview-missing",
    "reset-first-identify": "unexpected-reset-first-identify",
    "reset-same-identity": "unexpected-reset-same-identity",
    "no-reset-on-logout": "reset-identity-no-new-user",
}


@dataclass
class _Evidence:
    kind: str  # "hit" or "cookies"
    after: int  # delivered once this many commands have been pushed
    uu: str
    sn: int
    pn: int
    pvt: str = "r"
    trigger: str = ""


@dataclass
class SimulatedTag:
    """The tag's state; ``fault`` names one misbehaviour of ``FAULTS`` (or none)."""

    fault: str | None = None
    users: int = 0
    user: str = "user-0000"
    sn: int = 1
    pn: int = 1
    identity: str | None = None
    cookie: tuple[str, int, int] | None = None
    # Whether the fault actually showed (a fault on identity changes needs an identity change).
    faulted: bool = False
    emitted: list[tuple[str, str, int, int, str]] = field(default_factory=list)  # (kind, uu, sn, pn, trigger)

    def _renew(self, renewal: bool = True) -> None:
        self.users += 1
        self.user, self.sn, self.pn = f"user-{self.users:04d}", 1, 0
        if renewal:
            self.pn = 1
            self.emitted.append(("hit", self.user, self.sn, self.pn, ""))

    def run(self, name: str, *args: JsonValue) -> None:
        """One _uxa.push, then the observer's snapshot of the cookies (sent only when they changed)."""
        if name == "identify":
            identity = str(args[0])
            if self.identity is None:
                if self.fault == "reset-first-identify":
                    self.faulted = True
                    self._renew()
            elif self.identity == identity:
                if self.fault == "reset-same-identity":
                    self.faulted = True
                    self._renew()
            elif self.fault == "no-reset":
                self.faulted = True
            else:
                self.faulted |= self.fault == "no-renewal"
                self._renew(renewal=self.fault != "no-renewal")
            self.identity = identity
        elif name == "resetIdentity":
            was_identified = self.identity is not None
            self.identity = None
            if was_identified and self.fault == "no-reset-on-logout":
                self.faulted = True
            else:
                self._renew()  # the vendor's web page: a new anonymous user, even when anonymous
        cookie = (self.user, self.sn, self.pn)
        if cookie != self.cookie:
            self.cookie = cookie
            self.emitted.append(("cookies", *cookie, f"command:{name}"))


def one_block(calls: list[tuple[str, ...]], fault: str | None, rng: random.Random,
              max_lag: int) -> tuple[Script, bool]:
    """A page that makes ``calls`` in one synchronous block on a loaded page (user-0000, sn 1, pn 1);
    hits and snapshots lag behind by up to ``max_lag`` later commands. Returns the capture and whether
    the fault showed."""
    tag = SimulatedTag(fault=fault)
    script = Script().pageview(tag.user, 1, 1).cookies(tag.user, 1, 1, trigger="load")
    tag.cookie = (tag.user, 1, 1)
    streams: dict[str, list[_Evidence]] = {"hit": [], "cookies": []}
    for index, (name, *args) in enumerate(calls):
        tag.emitted.clear()
        tag.run(name, *args)
        for kind, uu, sn, pn, trigger in tag.emitted:
            stream = streams[kind]
            # Each stream keeps its order: a later item never overtakes an earlier one.
            after = max(index + 1 + rng.randint(0, max_lag), stream[-1].after if stream else 0)
            stream.append(_Evidence(kind, after, uu, sn, pn, trigger=trigger))
    def deliver(upto: int) -> None:
        ready = {k: [e for e in s if e.after <= upto] for k, s in streams.items()}
        for kind in ready:
            streams[kind] = streams[kind][len(ready[kind]):]
        while ready["hit"] or ready["cookies"]:  # the two streams interleave in any order
            kind = rng.choice([k for k in ready if ready[k]])
            e = ready[kind].pop(0)
            if kind == "hit":
                script.pageview(e.uu, e.sn, e.pn, pvt=e.pvt)
            else:
                script.cookies(e.uu, e.sn, e.pn, trigger=e.trigger)

    for pushed, (name, *args) in enumerate(calls, start=1):
        script.push(name, *args)
        deliver(pushed)
    deliver(10**9)
    script.wait(30).tick()
    return script, tag.faulted
