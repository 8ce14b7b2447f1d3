"""Events leave in the order their causes happened: a request in flight holds later events back."""

from __future__ import annotations

from inspector.capture.ordering import InOrder, Record
from inspector.wire.events import Command, Notice, Request

Out = list[tuple[str, float]]


def made(out: Out) -> InOrder:
    def sink(event: object, device: str, tab: str | None, at: float) -> None:
        out.append((label(event), at))
    return InOrder(sink, hold_s=5.0)


def label(event: object) -> str:
    if isinstance(event, Request):
        return f"req:{event.url}:{event.status}"
    if isinstance(event, Command):
        return f"cmd:{event.payload[1]}"  # type: ignore[index]
    return type(event).__name__


def req(name: str, status: int | None = 200) -> Record:
    return Request(method="GET", url=name, status=status), "laptop", None


def cmd(identity: str) -> Record:
    return Command(payload=["identify", identity]), "laptop", "t1"


def test_nothing_waits_when_nothing_is_in_flight() -> None:
    out: Out = []
    order = made(out)
    order.emit(cmd("a"), 1.0)
    assert out == [("cmd:a", 1.0)]


def test_a_hit_sent_before_a_command_stays_before_it_even_when_answered_after() -> None:
    out: Out = []
    order = made(out)
    order.open("hit", 1.0, lambda: req("hit", None))
    order.emit(cmd("new-identity"), 1.2)
    assert out == []  # held behind the request in flight
    assert order.close("hit", req("hit"))
    assert out == [("req:hit:200", 1.0), ("cmd:new-identity", 1.2)]  # each at the time it happened


def test_requests_leave_in_the_order_they_were_sent() -> None:
    out: Out = []
    order = made(out)
    order.open("a", 1.0, lambda: req("a", None))
    order.open("b", 1.1, lambda: req("b", None))
    order.close("b", req("b"))
    assert out == []
    order.close("a", req("a"))
    assert [name for name, _ in out] == ["req:a:200", "req:b:200"]


def test_a_request_without_answer_is_sent_on_after_the_hold_and_releases_the_rest() -> None:
    out: Out = []
    order = made(out)
    order.open("slow", 1.0, lambda: req("slow", None))
    order.emit(cmd("x"), 2.0)
    order.expire(5.9)
    assert out == []
    order.expire(6.0)
    assert out == [("req:slow:None", 1.0), ("cmd:x", 2.0)] and order.late == 1
    assert not order.close("slow", req("slow"))  # its late answer is not sent twice
    assert len(out) == 2


def test_drain_sends_everything_at_shutdown() -> None:
    out: Out = []
    order = made(out)
    order.open("a", 1.0, lambda: req("a", None))
    order.emit((Notice(code="n", message="m"), "laptop", None), 1.5)
    order.open("b", 2.0, lambda: req("b", None))
    order.drain()
    assert [name for name, _ in out] == ["req:a:None", "Notice", "req:b:None"] and order.waiting == 0


def test_closing_an_unknown_request_says_so() -> None:
    order = made([])
    assert not order.close("never-opened", req("x"))
