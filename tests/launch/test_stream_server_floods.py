"""The CLI's stream listener under a flood: silent sockets are capped and timed out, and running out of
file descriptors (EMFILE) does not stop it accepting the real child."""

from __future__ import annotations

import time

from inspector.launch.stream_server import StreamServer
from tests.support.floods import TOKEN, closed_by_peer, greet, silent_sockets, survives_emfile


def test_a_flood_of_silent_sockets_is_capped_and_timed_out_and_the_child_still_gets_in() -> None:
    with StreamServer(token=TOKEN, hello_timeout=1.0, max_waiting=8) as server:
        flood = silent_sockets(server.port, 30)
        real = greet(server.port)
        assert server.wait_for(lambda envs: len(envs) == 1, timeout=10)
        started = time.monotonic()
        assert all(closed_by_peer(sock, within=5) for sock in flood)  # none held past the deadline
        assert time.monotonic() - started < 5
        assert sum("waiting for hello" in r for r in server.refusals) >= 30 - 8
        assert not closed_by_peer(real, within=0.2)  # the child that said hello stays
        for sock in [*flood, real]:
            sock.close()


def test_running_out_of_file_descriptors_does_not_stop_accepting() -> None:
    out = survives_emfile("""
from inspector.launch.stream_server import StreamServer
server = StreamServer(token="flood-token", hello_timeout=60).start()
lower_fd_limit()
print(server.port, flush=True)
print("received" if server.wait_for(lambda envs: bool(envs), timeout=30) else "nothing", server.errors)
""")
    assert out.startswith("received") and "cannot accept connections" in out, out
