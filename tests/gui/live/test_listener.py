"""The live socket: real loopback connections, the hello handshake, and every kind of bad input."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QHostAddress, QTcpSocket
from pytestqt.qtbot import QtBot

from inspector.gui.live.listener import Listener
from inspector.wire.envelope import MAX_LINE_BYTES, Envelope, Hello, dump_envelope, dump_hello
from tests.gui.scenario import demo_envelopes

TOKEN = "s3cret"


@dataclass
class Link:
    """A listener, a client connected to it, and what the listener reported."""

    listener: Listener
    sock: QTcpSocket
    got: list[Envelope] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def send(self, data: bytes) -> None:
        """Write everything, letting the listener (same thread) read as the bytes go out."""
        self.sock.write(data)
        deadline = time.monotonic() + 10
        while self.sock.bytesToWrite() and time.monotonic() < deadline:
            self.sock.waitForBytesWritten(20)
            QCoreApplication.processEvents()
        assert self.sock.bytesToWrite() == 0

    def hello(self, token: str = TOKEN, **kw: int) -> None:
        self.send(dump_hello(Hello(token=token, **kw)).encode() + b"\n")

    def envelopes(self, envelopes: list[Envelope]) -> bytes:
        return b"".join(dump_envelope(e).encode() + b"\n" for e in envelopes)


@pytest.fixture
def link(qtbot: QtBot) -> Iterator[Link]:
    listener = Listener(token=TOKEN)
    listener.listen()
    sock = QTcpSocket()
    sock.connectToHost(QHostAddress.SpecialAddress.LocalHost, listener.port)
    assert sock.waitForConnected(2000)
    link = Link(listener, sock)
    listener.envelope.connect(link.got.append)
    listener.bad_line.connect(link.bad.append)
    listener.refused.connect(link.refused.append)
    yield link
    listener.close()


def test_envelopes_flow_after_a_good_hello(qtbot: QtBot, link: Link) -> None:
    with qtbot.waitSignal(link.listener.connected) as connected:
        link.hello(pid=4242)
    assert connected.args == [4242]
    envelopes = demo_envelopes()[:5]
    payload = link.envelopes(envelopes)
    # Split mid-line: lines are reassembled across reads.
    link.send(payload[:37])
    link.send(payload[37:])
    qtbot.waitUntil(lambda: len(link.got) == 5, timeout=3000)
    assert link.got == envelopes
    assert link.listener.is_connected()
    with qtbot.waitSignal(link.listener.disconnected):
        link.sock.disconnectFromHost()


@pytest.mark.parametrize(("first_line", "why"), [
    (dump_hello(Hello(token="wrong")).encode(), "wrong token"),
    # A token outside ASCII must be compared as bytes, not raise inside the slot.
    (dump_hello(Hello(token="s3crét")).encode(), "wrong token"),
    (dump_hello(Hello(token=TOKEN, v=99)).encode(), "protocol version 99, expected 1"),
    (dump_envelope(demo_envelopes()[0]).encode(), "bad hello: "),
])
def test_a_bad_hello_is_refused_and_nothing_gets_through(qtbot: QtBot, link: Link, first_line: bytes,
                                                         why: str) -> None:
    with qtbot.waitSignal(link.listener.refused):
        link.send(first_line + b"\n" + link.envelopes(demo_envelopes()[:1]))
    assert link.refused[0].startswith(f"refused a connection: {why}")
    qtbot.waitUntil(lambda: link.sock.state() == QTcpSocket.SocketState.UnconnectedState, timeout=3000)
    assert link.got == [] and not link.listener.is_connected()


def test_bad_lines_are_reported_and_skipped(qtbot: QtBot, link: Link) -> None:
    good = demo_envelopes()[0]
    link.hello()
    link.send(b"not json\n" + b'{"v": 1}\n' + b"\n" + link.envelopes([good]))
    # An over-long line is dropped without being kept whole, then the stream goes on.
    link.send(b"x" * (MAX_LINE_BYTES + 10))
    link.send(b"yyy\n" + link.envelopes([good]))
    qtbot.waitUntil(lambda: len(link.got) == 2, timeout=5000)
    assert link.got == [good, good]
    assert len(link.bad) == 3
    assert link.bad[0].startswith("line 2: ") and link.bad[1].startswith("line 3: ")
    assert "longer than" in link.bad[2]


def test_a_line_cut_by_a_disconnect_is_reported(qtbot: QtBot, link: Link) -> None:
    link.hello()
    link.send(b'{"v": 1, "seq"')
    qtbot.wait(50)
    with qtbot.waitSignal(link.listener.disconnected):
        link.sock.disconnectFromHost()
    assert len(link.bad) == 1 and link.bad[0].startswith("line 2: connection closed in the middle of a line")


def _burst(link: Link, count: int) -> list[Envelope]:
    """``count`` envelopes written in one go and waiting, unread, in the listener's socket."""
    demo = demo_envelopes()
    sent = [demo[i % len(demo)].model_copy(update={"seq": i}) for i in range(count)]
    link.sock.write(link.envelopes(sent))
    peer = link.listener.peers[0]
    deadline = time.monotonic() + 10
    peer.socket.blockSignals(True)  # into the listener's buffer, without running its slots
    while peer.socket.bytesAvailable() < len(link.envelopes(sent)) and time.monotonic() < deadline:
        link.sock.waitForBytesWritten(20)
        peer.socket.waitForReadyRead(20)
    peer.socket.blockSignals(False)
    return sent


def _burst_read_a_chunk_a_turn(qtbot: QtBot, link: Link, monkeypatch: pytest.MonkeyPatch) -> list[Envelope]:
    """A connected peer's burst of 600 lines, with the listener reading one chunk per turn."""
    with qtbot.waitSignal(link.listener.connected):
        link.hello()
    monkeypatch.setattr("inspector.gui.live.listener.READ_BUDGET_S", 0.0)
    return _burst(link, 600)


def test_a_burst_is_read_over_several_turns_in_order(qtbot: QtBot, link: Link,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Lines that piled up while the window was busy are not parsed in one turn of the event loop:
    # each turn reads for a bounded time (here: one chunk), the rest follows at the next turns.
    sent = _burst_read_a_chunk_a_turn(qtbot, link, monkeypatch)
    link.listener._read_waiting()  # one turn's reading
    assert 0 < len(link.got) < len(sent) / 4
    qtbot.waitUntil(lambda: len(link.got) == len(sent), timeout=5000)
    assert link.got == sent


def test_a_burst_cut_by_the_close_is_read_whole_before_the_end(qtbot: QtBot, link: Link,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    sent = _burst_read_a_chunk_a_turn(qtbot, link, monkeypatch)
    ended: list[int] = []
    link.listener.disconnected.connect(lambda: ended.append(len(link.got)))
    link.sock.disconnectFromHost()
    qtbot.waitUntil(lambda: bool(ended), timeout=5000)
    assert ended == [len(sent)] and link.got == sent and not link.bad
