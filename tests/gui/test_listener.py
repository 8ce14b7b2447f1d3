"""The live socket: real loopback connections, the hello handshake, and every kind of bad input."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QHostAddress, QTcpSocket
from pytestqt.qtbot import QtBot

from inspector.gui.listener import Listener
from inspector.model.wire import MAX_LINE_BYTES, Hello, dump_envelope, dump_hello
from tests.gui.scenario import demo_envelopes


def connect(qtbot: QtBot, listener: Listener) -> QTcpSocket:
    sock = QTcpSocket()
    sock.connectToHost(QHostAddress.SpecialAddress.LocalHost, listener.port)
    assert sock.waitForConnected(2000)
    return sock


def send(sock: QTcpSocket, data: bytes) -> None:
    """Write everything, letting the listener (same thread) read as the bytes go out."""
    sock.write(data)
    deadline = time.monotonic() + 10
    while sock.bytesToWrite() and time.monotonic() < deadline:
        sock.waitForBytesWritten(20)
        QCoreApplication.processEvents()
    assert sock.bytesToWrite() == 0


def test_envelopes_flow_after_a_good_hello(qtbot: QtBot) -> None:
    listener = Listener(token="s3cret")
    listener.listen()
    sock = connect(qtbot, listener)
    got = []
    listener.envelope.connect(got.append)
    with qtbot.waitSignal(listener.connected) as connected:
        send(sock, dump_hello(Hello(token="s3cret", pid=4242)).encode() + b"\n")
    assert connected.args == [4242]
    envelopes = demo_envelopes()[:5]
    payload = b"".join(dump_envelope(e).encode() + b"\n" for e in envelopes)
    # Split mid-line: lines are reassembled across reads.
    send(sock, payload[:37])
    send(sock, payload[37:])
    qtbot.waitUntil(lambda: len(got) == 5, timeout=3000)
    assert got == envelopes
    assert listener.is_connected()
    with qtbot.waitSignal(listener.disconnected):
        sock.disconnectFromHost()
    listener.close()


def test_a_wrong_token_is_refused_and_nothing_gets_through(qtbot: QtBot) -> None:
    listener = Listener(token="right")
    listener.listen()
    sock = connect(qtbot, listener)
    got = []
    listener.envelope.connect(got.append)
    with qtbot.waitSignal(listener.refused) as refused:
        send(sock, dump_hello(Hello(token="wrong")).encode() + b"\n" + dump_envelope(demo_envelopes()[0]).encode()
             + b"\n")
    assert refused.args == ["refused a connection: wrong token"]
    qtbot.waitUntil(lambda: sock.state() == QTcpSocket.SocketState.UnconnectedState, timeout=3000)
    assert got == [] and not listener.is_connected()
    listener.close()


def test_an_envelope_before_hello_is_refused(qtbot: QtBot) -> None:
    listener = Listener(token="t")
    listener.listen()
    sock = connect(qtbot, listener)
    with qtbot.waitSignal(listener.refused) as refused:
        send(sock, dump_envelope(demo_envelopes()[0]).encode() + b"\n")
    assert refused.args[0].startswith("refused a connection: bad hello")
    listener.close()


def test_a_newer_protocol_is_refused(qtbot: QtBot) -> None:
    listener = Listener(token="t")
    listener.listen()
    sock = connect(qtbot, listener)
    with qtbot.waitSignal(listener.refused) as refused:
        send(sock, dump_hello(Hello(token="t", v=99)).encode() + b"\n")
    assert refused.args == ["refused a connection: protocol version 99, expected 1"]
    listener.close()


def test_bad_lines_are_reported_and_skipped(qtbot: QtBot) -> None:
    listener = Listener(token="t")
    listener.listen()
    sock = connect(qtbot, listener)
    got, bad = [], []
    listener.envelope.connect(got.append)
    listener.bad_line.connect(bad.append)
    good = demo_envelopes()[0]
    send(sock, dump_hello(Hello(token="t")).encode() + b"\n")
    send(sock, b"not json\n" + b'{"v": 1}\n' + b"\n" + dump_envelope(good).encode() + b"\n")
    # An over-long line is dropped without being kept whole, then the stream goes on.
    send(sock, b"x" * (MAX_LINE_BYTES + 10))
    send(sock, b"yyy\n" + dump_envelope(good).encode() + b"\n")
    qtbot.waitUntil(lambda: len(got) == 2, timeout=5000)
    assert got == [good, good]
    assert len(bad) == 3
    assert bad[0].startswith("line 2: ") and bad[1].startswith("line 3: ")
    assert "longer than" in bad[2]
    listener.close()


def test_a_line_cut_by_a_disconnect_is_reported(qtbot: QtBot) -> None:
    listener = Listener(token="t")
    listener.listen()
    sock = connect(qtbot, listener)
    bad = []
    listener.bad_line.connect(bad.append)
    send(sock, dump_hello(Hello(token="t")).encode() + b"\n" + b'{"v": 1, "seq"')
    qtbot.wait(50)
    with qtbot.waitSignal(listener.disconnected):
        sock.disconnectFromHost()
    assert bad == ["line 2: connection closed in the middle of a line"]
    listener.close()
