"""The event stream: numbered envelopes to the journal and the app's socket, a hello with the token
first, drops counted and reported, never blocking the proxy."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

from inspector.capture.stream import EventStream
from inspector.wire.envelope import parse_envelope, parse_hello
from inspector.wire.events import Dropped, Page, Tick


def test_journal_and_socket_get_the_same_lines_after_a_hello(tmp_path: Path) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def accept() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(65536):
                received.append(chunk)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    stream = EventStream(tmp_path / "j.jsonl", ("127.0.0.1", server.getsockname()[1]), token="s3cret")
    for i in range(50):
        stream.emit(Page(url=f"https://shop.example/{i}"), device="laptop", tab="t1")
    stream.close()
    thread.join(5)
    server.close()
    lines = b"".join(received).decode().splitlines()
    assert parse_hello(lines[0]).token == "s3cret"
    envelopes = [parse_envelope(line) for line in lines[1:]]
    assert [e.seq for e in envelopes] == list(range(50))
    assert (tmp_path / "j.jsonl").read_text().splitlines() == lines[1:]


def test_a_full_queue_drops_counts_and_says_so(tmp_path: Path) -> None:
    stream = EventStream(tmp_path / "j.jsonl", max_queue=100, start=False)  # a writer that is behind
    for i in range(130):
        stream.emit(Page(url=f"https://shop.example/{i}"))
    assert stream.dropped == 30
    stream.start()
    stream.close()  # drains the queue
    stream.emit(Tick())  # too late for the writer, but the numbering shows the drop came first
    envelopes = [parse_envelope(x) for x in (tmp_path / "j.jsonl").read_text().splitlines()]
    assert len(envelopes) == 100 and [e.seq for e in envelopes] == list(range(100))


def test_the_next_event_after_drops_is_a_dropped_counter(tmp_path: Path) -> None:
    stream = EventStream(tmp_path / "j.jsonl", max_queue=100, start=False)
    for _ in range(105):
        stream.emit(Tick())
    journal = tmp_path / "j.jsonl"
    stream.start()  # the writer catches up: the 100 queued ticks reach the journal
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(journal.read_text().splitlines() if journal.exists() else []) < 100:
        time.sleep(0.01)
    stream.emit(Page(url="https://shop.example/"))
    stream.close()
    envelopes = [parse_envelope(x) for x in journal.read_text().splitlines()]
    assert len(envelopes) == 102
    assert isinstance(envelopes[100].event, Dropped) and envelopes[100].event.count == 5
    assert isinstance(envelopes[101].event, Page) and envelopes[101].seq == envelopes[100].seq + 1


def test_unreachable_app_still_journals(tmp_path: Path) -> None:
    port = socket.create_server(("127.0.0.1", 0))
    closed_port = port.getsockname()[1]
    port.close()
    stream = EventStream(tmp_path / "j.jsonl", ("127.0.0.1", closed_port), token="t")
    stream.emit(Tick())
    stream.close()
    assert len((tmp_path / "j.jsonl").read_text().splitlines()) == 1


def test_bursts_are_written_whole_in_order_and_a_lone_event_is_not_held_back(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    stream = EventStream(journal)
    writes: list[int] = []
    write = stream._write
    stream._write = lambda lines: (writes.append(len(lines)), write(lines))[1]  # type: ignore[method-assign]
    for i in range(300):  # one burst: far fewer writes than lines
        stream.emit(Page(url=f"https://shop.example/{i}"))
    time.sleep(0.5)
    stream.emit(Tick())  # alone, while the writer sleeps: written without waiting for more, or for close
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(journal.read_text().splitlines()) < 301:
        time.sleep(0.01)
    lines = journal.read_text().splitlines()
    assert [parse_envelope(x).seq for x in lines] == list(range(301))
    assert sum(writes) == 301 and len(writes) < 100
    stream.close()


def test_close_writes_out_what_was_emitted_just_before(tmp_path: Path) -> None:
    stream = EventStream(tmp_path / "j.jsonl")
    time.sleep(0.05)  # the writer is waiting for work
    for i in range(20):
        stream.emit(Page(url=f"https://shop.example/{i}"))
    stream.close()  # while the writer lingers for the rest of the burst
    assert len((tmp_path / "j.jsonl").read_text().splitlines()) == 20
