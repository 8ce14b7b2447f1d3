"""The app's live socket under a flood: silent sockets are capped and timed out, and running out of
file descriptors (EMFILE) does not stop it accepting the real child (Qt pauses accepting after it)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from inspector.gui.live.listener import Listener
from inspector.wire.envelope import Envelope
from tests.support.floods import TOKEN, closed_by_peer, greet, silent_sockets, survives_emfile


def test_a_flood_of_silent_sockets_is_capped_and_timed_out_and_the_child_still_gets_in(qtbot: QtBot) -> None:
    listener = Listener(token=TOKEN, hello_timeout=1.0, max_waiting=8)
    got: list[Envelope] = []
    refused: list[str] = []
    listener.envelope.connect(got.append)
    listener.refused.connect(refused.append)
    port = listener.listen()
    flood = silent_sockets(port, 30)
    real = greet(port)
    try:
        qtbot.waitUntil(lambda: len(got) == 1, timeout=10_000)
        qtbot.waitUntil(lambda: all(closed_by_peer(sock) for sock in flood), timeout=5_000)
        assert sum("waiting for hello" in r for r in refused) >= 30 - 8
        assert not closed_by_peer(real) and listener.is_connected()
    finally:
        for sock in [*flood, real]:
            sock.close()
        listener.close()


def test_running_out_of_file_descriptors_does_not_stop_accepting() -> None:
    out = survives_emfile("""
from PySide6.QtCore import QCoreApplication, QTimer
from inspector.gui.live.listener import Listener
app = QCoreApplication([])
listener = Listener(token="flood-token", hello_timeout=60)
got = []
listener.envelope.connect(lambda env: (got.append(env), app.quit()))
port = listener.listen()
lower_fd_limit()
print(port, flush=True)
QTimer.singleShot(30_000, app.quit)
app.exec()
print("received" if got else "nothing")
""")
    assert out.strip().endswith("received"), out
