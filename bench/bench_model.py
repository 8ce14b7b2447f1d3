"""Throughput of the reference model and the engine on synthetic traffic.

Run: ``./dev bench`` (or ``python -m pytest bench/bench_model.py --benchmark-only``).
Target: tens of thousands of events per second, so a day-long recording loads in seconds and the
live view never lags behind the proxy.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from inspector.model.reference import ReferenceModel
from inspector.session.engine import Engine
from inspector.wire.envelope import Envelope
from inspector.wire.events import Command, Cookies, Event, Hit, HitType, PageviewType, Request, Storage, Tick

EVENTS = 50_000
DEVICES = 25
_REQUEST = Request(method="GET", url="https://c.contentsquare.net/pageview")
_STORAGE = Storage(cookies={"_cs_id": "x"})


class _Device:
    """One simulated visitor whose tag behaves as documented, with some noise."""

    def __init__(self, name: str, rng: random.Random) -> None:
        self.name, self.rng = name, rng
        self.user, self.sn, self.pn, self.identity = f"{name}-u0", 1, 0, None
        self.users = 0
        # What the tag sends right after a user change (new cookie, renewal pageview).
        self.queue: list[Event] = []

    def next_event(self) -> Event:
        if self.queue:
            return self.queue.pop(0)
        roll = self.rng.random()
        if roll < 0.45:
            self.pn += 1
            return Hit(hit_type=HitType.PAGEVIEW, host="c.contentsquare.net", path="/pageview", pid=1,
                       uu=self.user, sn=self.sn, pn=self.pn, pvt=PageviewType.NATURAL, request=_REQUEST)
        if roll < 0.75:
            return Hit(hit_type=HitType.EVENTS, host="c.contentsquare.net", path="/events", pid=1,
                       uu=self.user, sn=self.sn, pn=self.pn, request=_REQUEST)
        if roll < 0.85:
            return Cookies(user_id=self.user, session_number=self.sn, page_number=self.pn, storage=_STORAGE)
        if roll < 0.93:
            return Command(payload=["addUserProperties", {"plan": self.rng.choice(["free", "pro"]),
                                                          "visits": self.pn}], tag_loaded=True)
        if roll < 0.97:
            identity = self.rng.choice([f"cust-{self.name}", f"cust-{self.name}-b"])
            if self.identity is not None and identity != self.identity:
                self._renew()  # the tag honours the identity change right away
            self.identity = identity
            return Command(payload=["identify", identity], tag_loaded=True)
        if self.identity is not None:
            self.identity = None
            self._renew()
        return Command(payload=["resetIdentity"], tag_loaded=True)

    def _renew(self) -> None:
        self.users += 1
        self.user, self.sn, self.pn = f"{self.name}-u{self.users}", 1, 1
        self.queue = [Cookies(user_id=self.user, session_number=1, page_number=1, storage=_STORAGE),
                      Hit(hit_type=HitType.PAGEVIEW, host="c.contentsquare.net", path="/pageview", pid=1,
                          uu=self.user, sn=1, pn=1, pvt=PageviewType.RENEWAL, request=_REQUEST)]


def synthetic_traffic(count: int = EVENTS, devices: int = DEVICES, seed: int = 7) -> list[Envelope]:
    """``count`` envelopes from ``devices`` visitors interleaved, with a tick every 500 events."""
    rng = random.Random(seed)
    sims = [_Device(f"d{i}", rng) for i in range(devices)]
    out: list[Envelope] = []
    time = 1_764_330_000.0
    for seq in range(count):
        time += rng.uniform(0.005, 0.2)  # ~2.5 s between a device's events
        sim = rng.choice(sims)
        event: Event = Tick() if seq % 500 == 499 else sim.next_event()
        out.append(Envelope(seq=seq, time=time, device=sim.name, tab="t1", event=event))
    return out


@functools.cache
def _traffic() -> list[Envelope]:
    """Built on first use, so importing ``synthetic_traffic`` (bench.run does) costs nothing."""
    return synthetic_traffic()


def _run_model(envelopes: list[Envelope]) -> int:
    model = ReferenceModel()
    count = len(model.apply_many(envelopes))
    return count + len(model.finish())


def _run_engine(envelopes: list[Envelope]) -> int:
    engine = Engine()
    steps = engine.feed_many(envelopes)
    engine.finish()
    return len(steps)


def test_reference_model_throughput(benchmark: Any) -> None:
    traffic = _traffic()
    benchmark.extra_info["events"] = len(traffic)
    benchmark.pedantic(_run_model, args=(traffic,), rounds=3, iterations=1)
    benchmark.extra_info["events_per_s"] = round(len(traffic) / benchmark.stats.stats.mean)


def test_engine_throughput(benchmark: Any) -> None:
    traffic = _traffic()
    benchmark.extra_info["events"] = len(traffic)
    steps = benchmark.pedantic(_run_engine, args=(traffic,), rounds=3, iterations=1)
    assert steps == len(traffic)
    benchmark.extra_info["events_per_s"] = round(len(traffic) / benchmark.stats.stats.mean)


def one_long_session(count: int) -> list[Envelope]:
    """One visitor's single session of ``count`` pageviews, a property write on each: the shape that
    made every append copy the whole history (quadratic) before histories were shared."""
    out: list[Envelope] = []
    for seq in range(count):
        event: Event
        if seq % 2:
            event = Command(payload=["addUserProperties", {"page": seq}], tag_loaded=True)
        else:
            event = Hit(hit_type=HitType.PAGEVIEW, host="c.contentsquare.net", path="/pageview", pid=1,
                        uu="u-long", sn=1, pn=seq // 2 + 1, pvt=PageviewType.NATURAL, request=_REQUEST)
        out.append(Envelope(seq=seq, time=1_764_330_000.0 + seq * 0.01, device="d", tab="t1", event=event))
    return out


def test_one_long_session_stays_linear(benchmark: Any) -> None:
    # 60,000 events: 30,000 pageviews in one session and 30,000 property writes.
    traffic = one_long_session(60_000)
    benchmark.pedantic(_run_model, args=(traffic,), rounds=3, iterations=1)
    benchmark.extra_info["events_per_s"] = round(len(traffic) / benchmark.stats.stats.mean)
