"""A page's events leave in page order whatever order its batches arrive in, and the tag's requests
are placed after the page events that happened before they reached the proxy."""

from __future__ import annotations

import random

import pytest

from inspector.capture.page_order import COVER_S, PageOrder
from inspector.capture.reports import ParsedReport
from inspector.wire.events import Command, Event, Request, Result, Storage

T0 = 1_764_330_000.0  # proxy clock, seconds; the page clock is the same machine's (ms)


def made(out: list[str]) -> PageOrder:
    def sink(event: Event, device: str, tab: str | None, at: float) -> None:
        out.append(label(event))
    return PageOrder(sink, hold_s=5.0)


def label(event: Event) -> str:
    if isinstance(event, Request):
        return f"req:{event.url}"
    if isinstance(event, Command):
        return f"cmd:{event.page_seq}"
    if isinstance(event, Result):
        return f"res:{event.page_seq}"
    if isinstance(event, Storage):
        return f"cookie:{event.page_seq}"
    return f"{event.kind}:{getattr(event, 'code', '')}"


def batch(seqs: range, at: float, doc: str = "d1", final: bool = False) -> ParsedReport:
    """Events seq n at page time at+n ms: command, result, cookie snapshot in turn."""
    kinds = [lambda s, t: Command(payload=["identify", f"u{s}"], page_seq=s, page_time=t),
             lambda s, t: Result(call_id=str(s), page_seq=s, page_time=t),
             lambda s, t: Storage(cookies={"_cs_id": str(s)}, page_seq=s, page_time=t)]
    events: list[Event] = [kinds[s % 3](s, (at + s / 1000) * 1000) for s in seqs]
    sent = (at + (seqs[-1] + 1) / 1000) * 1000 if seqs else at * 1000
    return ParsedReport(tab="t1", document=doc, sent=sent, final=final, events=events)


def expected(seqs: range) -> list[str]:
    return [("cmd", "res", "cookie")[s % 3] + f":{s}" for s in seqs]


@pytest.mark.parametrize("seed", range(8))
def test_shuffled_batches_of_one_page_leave_in_page_order(seed: int) -> None:
    out: list[str] = []
    order = made(out)
    batches = [batch(range(i, i + 5), T0) for i in range(0, 40, 5)]
    random.Random(seed).shuffle(batches)
    for n, report in enumerate(batches):
        order.report(report, "laptop", T0 + 0.05 + n * 0.001)
    assert out == expected(range(40))  # nothing held: all arrived, no gap
    assert order.waiting == 0


def test_a_cookie_change_stays_before_the_next_command_when_its_batch_arrives_first() -> None:
    out: list[str] = []
    order = made(out)
    order.report(batch(range(3, 6), T0), "laptop", T0 + 0.01)  # the next command's batch came first
    assert out == []  # held: seqs 0..2 are missing
    order.report(batch(range(0, 3), T0), "laptop", T0 + 0.02)
    assert out == expected(range(6))


def test_a_request_waits_for_the_batch_that_covers_its_arrival() -> None:
    out: list[str] = []
    order = made(out)
    order.report(batch(range(0, 1), T0), "laptop", T0 + 0.001)  # the page exists (a first batch)
    # The block's requests reach the proxy before the batch with the commands that caused them.
    order.open("hit-1", T0 + 0.020, lambda: (Request(method="GET", url="late"), "laptop", None), "laptop")
    order.close("hit-1", (Request(method="GET", url="hit-1"), "laptop", None))
    assert out == ["cmd:0"]  # held: the page has not yet covered the hit's arrival
    order.report(batch(range(1, 6), T0 + 0.005), "laptop", T0 + 0.030)
    # The commands come first; the hit still waits, since that batch left before the hit arrived
    # and a later command of the page could still be on its way.
    assert out == ["cmd:0", *expected(range(1, 6))]
    order.report(batch(range(6, 7), T0 + 0.040), "laptop", T0 + 0.045)  # a batch that left after it
    assert out == ["cmd:0", *expected(range(1, 6)), "req:hit-1", "cmd:6"]


def test_a_request_of_an_idle_page_goes_on_after_the_wait() -> None:
    out: list[str] = []
    order = made(out)
    order.report(batch(range(0, 2), T0), "laptop", T0 + 0.001)
    order.open("hit", T0 + 10, lambda: (Request(method="GET", url="late"), "laptop", None), "laptop")
    order.close("hit", (Request(method="GET", url="hit"), "laptop", None))
    order.expire(T0 + 10 + COVER_S / 2)
    assert out == expected(range(2))
    order.expire(T0 + 10 + COVER_S)
    assert out == [*expected(range(2)), "req:hit"]


def test_a_page_event_after_the_request_arrived_is_placed_after_it() -> None:
    out: list[str] = []
    order = made(out)
    order.report(batch(range(0, 1), T0), "laptop", T0 + 0.001)
    order.open("hit", T0 + 0.010, lambda: (Request(method="GET", url="late"), "laptop", None), "laptop")
    order.close("hit", (Request(method="GET", url="hit"), "laptop", None))
    order.report(batch(range(1, 3), T0 + 0.050), "laptop", T0 + 0.060)
    assert out == ["cmd:0", "req:hit", "res:1", "cookie:2"]


def test_requests_of_a_device_without_observer_are_not_held() -> None:
    out: list[str] = []
    order = made(out)
    order.open("hit", T0, lambda: (Request(method="GET", url="late"), "phone", None), "phone")
    order.close("hit", (Request(method="GET", url="hit"), "phone", None))
    assert out == ["req:hit"]


def test_a_page_that_has_gone_away_holds_nothing_back() -> None:
    out: list[str] = []
    order = made(out)
    order.report(batch(range(0, 2), T0, final=True), "laptop", T0 + 0.001)
    order.open("hit", T0 + 5, lambda: (Request(method="GET", url="late"), "laptop", None), "laptop")
    order.close("hit", (Request(method="GET", url="hit"), "laptop", None))
    assert out == [*expected(range(2)), "req:hit"]


def test_a_lost_batch_is_skipped_after_the_wait_with_a_notice() -> None:
    out: list[str] = []
    order = made(out)
    order.report(batch(range(0, 2), T0), "laptop", T0 + 0.001)
    order.report(batch(range(5, 7), T0), "laptop", T0 + 0.002)
    assert out == expected(range(2))
    order.expire(T0 + 0.002 + COVER_S)
    assert out == [*expected(range(2)), "notice:observer-gap", *expected(range(5, 7))]


def test_a_page_clock_ahead_of_the_proxy_is_corrected() -> None:
    out: list[str] = []
    order = made(out)
    ahead = 30.0  # the page's clock is 30 s ahead: its batch "arrives before it left"
    order.report(batch(range(0, 1), T0 + ahead), "laptop", T0 + 0.001)
    order.open("hit", T0 + 0.010, lambda: (Request(method="GET", url="late"), "laptop", None), "laptop")
    order.close("hit", (Request(method="GET", url="hit"), "laptop", None))
    order.report(batch(range(1, 3), T0 + ahead + 0.002), "laptop", T0 + 0.011)
    # Taken at face value the page's events would be 30 s after the hit and the hit would go first.
    assert out == ["cmd:0", "res:1", "cookie:2"]
    order.expire(T0 + 0.010 + COVER_S)
    assert out == ["cmd:0", "res:1", "cookie:2", "req:hit"]


def test_drain_sends_everything_held() -> None:
    out: list[str] = []
    order = made(out)
    order.report(batch(range(2, 4), T0), "laptop", T0)
    order.open("hit", T0 + 0.01, lambda: (Request(method="GET", url="unanswered"), "laptop", None), "laptop")
    order.drain()
    assert out == ["notice:observer-gap", *expected(range(2, 4)), "req:unanswered"]
