"""The reference listener: hello first (token, version), envelopes after, bad input reported and skipped."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector.capture.stream import EventStream
from inspector.launch.stream_server import StreamServer
from inspector.wire.envelope import Envelope, Hello, dump_envelope, dump_hello
from inspector.wire.events import Page, Tick
from inspector.wire.stream import BadLine, Greeted, Refused, StreamProtocol

TOKEN = "s3cret-token"


def hello_line(token: str = TOKEN, version: int = 1) -> bytes:
    return (dump_hello(Hello(token=token, v=version)) + "\n").encode()


def envelope_line(seq: int) -> bytes:
    env = Envelope(seq=seq, time=1764330000.0 + seq, device="laptop", event=Page(url=f"https://shop.example/{seq}"))
    return (dump_envelope(env) + "\n").encode()


# --------------------------------------------------------------------------- the sans-io protocol


def test_hello_then_envelopes() -> None:
    proto = StreamProtocol(TOKEN)
    out = proto.feed(hello_line() + envelope_line(0) + envelope_line(1))
    assert isinstance(out[0], Greeted) and out[0].hello.token == TOKEN
    assert [o.seq for o in out[1:] if isinstance(o, Envelope)] == [0, 1]


@pytest.mark.parametrize(("first", "reason"), [
    (hello_line("another-token"), "wrong token"),
    (hello_line(version=2), "protocol version 2, expected 1"),
    (envelope_line(0), "bad hello"),
    (b"GET / HTTP/1.1\r\n", "bad hello"),
])
def test_a_bad_hello_refuses_the_connection_and_takes_nothing_after_it(first: bytes, reason: str) -> None:
    proto = StreamProtocol(TOKEN)
    out = proto.feed(first + envelope_line(0))
    assert len(out) == 1 and isinstance(out[0], Refused) and reason in out[0].reason
    assert proto.refused and proto.feed(envelope_line(1)) == []


def test_bad_lines_are_numbered_and_skipped() -> None:
    proto = StreamProtocol(TOKEN)
    out = proto.feed(hello_line() + envelope_line(0) + b"{not json\n" + b"\n" + envelope_line(1))
    bad = [o for o in out if isinstance(o, BadLine)]
    assert len(bad) == 1 and bad[0].line == 3 and str(bad[0]).startswith("line 3: ")
    assert [o.seq for o in out if isinstance(o, Envelope)] == [0, 1]


def test_lines_split_across_reads_are_joined() -> None:
    proto = StreamProtocol(TOKEN)
    data = hello_line() + envelope_line(0) + envelope_line(1)
    out = [o for i in range(0, len(data), 7) for o in proto.feed(data[i:i + 7])]
    assert [type(o).__name__ for o in out] == ["Greeted", "Envelope", "Envelope"]


def test_an_over_long_line_is_dropped_without_buffering_it_whole() -> None:
    proto = StreamProtocol(TOKEN, max_line=400)
    out = proto.feed(hello_line())
    out += proto.feed(b"x" * 300)
    out += proto.feed(b"x" * 300)  # over the limit: reported now, the rest of the line skipped
    assert proto.buffered == 0
    out += proto.feed(b"y" * 5000 + b"\n" + envelope_line(7))
    assert isinstance(out[1], BadLine) and "longer than 400 bytes" in out[1].reason
    assert [o.seq for o in out if isinstance(o, Envelope)] == [7]


def test_an_over_long_first_line_is_a_refusal() -> None:
    proto = StreamProtocol(TOKEN, max_line=100)
    out = proto.feed(b"{" * 200)
    assert isinstance(out[0], Refused) and proto.refused


def test_a_connection_ending_mid_line_reports_it_truncated() -> None:
    proto = StreamProtocol(TOKEN)
    line = envelope_line(0)
    out = proto.feed(hello_line() + line[:-20])
    assert out and isinstance(out[0], Greeted) and len(out) == 1
    end = proto.end()
    assert len(end) == 1 and isinstance(end[0], BadLine) and "truncated" in end[0].reason
    assert end[0].line == 2


def test_a_complete_last_line_without_newline_is_still_reported_not_guessed() -> None:
    # The writer always ends lines with "\n": a missing one means the line may be cut short.
    proto = StreamProtocol(TOKEN)
    proto.feed(hello_line() + envelope_line(0)[:-1])
    assert isinstance(proto.end()[0], BadLine)


@given(st.binary(max_size=3000), st.integers(min_value=1, max_value=64))
def test_garbage_never_raises_and_never_yields_envelopes_without_a_hello(data: bytes, step: int) -> None:
    proto = StreamProtocol(TOKEN, max_line=1000)
    outcomes = [o for i in range(0, len(data), step) for o in proto.feed(data[i:i + step])] + proto.end()
    assert not any(isinstance(o, Envelope) for o in outcomes)


@given(st.binary(max_size=2000), st.integers(min_value=1, max_value=64))
def test_garbage_after_a_hello_never_raises_and_is_only_reported(data: bytes, step: int) -> None:
    proto = StreamProtocol(TOKEN, max_line=1000)
    proto.feed(hello_line())
    outcomes = [o for i in range(0, len(data), step) for o in proto.feed(data[i:i + step])] + proto.end()
    assert all(isinstance(o, Envelope | BadLine) for o in outcomes)


# --------------------------------------------------------------------------- the threaded listener


def test_the_capture_writer_streams_into_the_server_in_order(tmp_path: Path) -> None:
    with StreamServer(token=TOKEN) as server:
        stream = EventStream(tmp_path / "j.jsonl", ("127.0.0.1", server.port), token=TOKEN)
        for i in range(200):
            stream.emit(Page(url=f"https://shop.example/{i}"), device="phone", tab="t9")
        stream.emit(Tick())
        stream.close()
        assert server.wait_for(lambda envs: len(envs) == 201, timeout=10)
        assert server.wait_disconnected(timeout=10)
    assert [e.seq for e in server.envelopes] == list(range(201))
    assert {e.device for e in server.envelopes} == {"phone", "default"}
    assert server.refusals == [] and server.errors == []
    journal = (tmp_path / "j.jsonl").read_text().splitlines()
    assert journal == [dump_envelope(e) for e in server.envelopes]


def test_a_wrong_token_is_turned_away_and_the_socket_closed() -> None:
    with StreamServer(token=TOKEN) as server, socket.create_connection(("127.0.0.1", server.port)) as peer:
        peer.sendall(hello_line("guess") + envelope_line(0))
        peer.settimeout(5)
        assert peer.recv(10) == b""  # closed by the server
        assert server.envelopes == [] and server.refusals == ["wrong token"]


def test_a_silent_peer_is_dropped_after_the_hello_timeout() -> None:
    with StreamServer(token=TOKEN, hello_timeout=0.3) as server, \
            socket.create_connection(("127.0.0.1", server.port)) as peer:
        peer.settimeout(5)
        assert peer.recv(10) == b""
        assert server.refusals == ["no hello within 0.3 s"]


def test_a_failing_consumer_is_recorded_and_the_stream_goes_on() -> None:
    def consumer(env: Envelope) -> None:
        if env.seq == 0:
            raise RuntimeError("oops")

    with StreamServer(token=TOKEN, on_envelope=consumer) as server, \
            socket.create_connection(("127.0.0.1", server.port)) as peer:
        peer.sendall(hello_line() + envelope_line(0) + envelope_line(1))
        assert server.wait_for(lambda envs: len(envs) == 2, timeout=5)
        assert server.errors == ["seq 0: consumer failed: RuntimeError: oops"]


def test_closing_the_server_closes_the_childs_stream() -> None:
    server = StreamServer(token=TOKEN).start()
    with socket.create_connection(("127.0.0.1", server.port)) as peer:
        peer.sendall(hello_line())
        assert server.wait_connected(timeout=5)
        server.close()
        peer.settimeout(5)
        assert peer.recv(10) == b""


def test_only_loopback_addresses() -> None:
    with pytest.raises(ValueError, match="loopback"):
        StreamServer(host="0.0.0.0")


def test_the_writer_notices_at_once_when_the_app_closes_even_while_idle(tmp_path: Path) -> None:
    gone = threading.Event()
    server = StreamServer(token=TOKEN).start()
    stream = EventStream(tmp_path / "j.jsonl", ("127.0.0.1", server.port), token=TOKEN, on_disconnect=gone.set)
    try:
        assert server.wait_connected(timeout=5)
        assert server.hellos[0].pid is not None
        server.close()
        assert gone.wait(5)  # no event was emitted: the watcher saw the socket close
    finally:
        stream.close()


def test_closing_the_writer_itself_is_not_reported_as_the_app_leaving(tmp_path: Path) -> None:
    gone = threading.Event()
    with StreamServer(token=TOKEN) as server:
        stream = EventStream(None, ("127.0.0.1", server.port), token=TOKEN, on_disconnect=gone.set)
        assert server.wait_connected(timeout=5)
        stream.close()
        assert server.wait_disconnected(timeout=5)
    assert not gone.wait(0.3)
