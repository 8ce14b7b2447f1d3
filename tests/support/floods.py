"""Clients for flood tests of the two live-stream listeners: silent sockets, then the real child."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from inspector.wire.envelope import Envelope, Hello, dump_envelope, dump_hello
from inspector.wire.events import Tick

TOKEN = "flood-token"


def silent_sockets(port: int, count: int) -> list[socket.socket]:
    """``count`` connections that never say anything (the kernel completes them before any accept)."""
    return [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]


def greet(port: int) -> socket.socket:
    """The real child: hello with the token, then one envelope."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall((dump_hello(Hello(token=TOKEN)) + "\n" +
                  dump_envelope(Envelope(seq=0, time=1.0, event=Tick())) + "\n").encode())
    return sock


def closed_by_peer(sock: socket.socket, within: float = 0.0) -> bool:
    """Whether the other end has closed ``sock``, waiting up to ``within`` seconds (0: not at all)."""
    sock.settimeout(within or None)
    if not within:
        sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except (TimeoutError, BlockingIOError):
        return False
    except OSError:
        return True  # reset: closed as well


# Run in a child whose descriptor limit is lowered to a few more than it uses once listening, so the
# flood makes accept() fail with EMFILE long before the listener's own cap on silent peers is reached.
LOW_FD_PRELUDE = """
import os, resource
def lower_fd_limit(spare=4):
    used = len(os.listdir("/proc/self/fd"))
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (used + spare, hard))
"""


def survives_emfile(script: str) -> str:
    """Start ``script`` (prints its port, then one line of outcome), flood it, greet it; its last word."""
    child = subprocess.Popen([sys.executable, "-c", LOW_FD_PRELUDE + script], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        flood = silent_sockets(port, 12)
        time.sleep(0.3)
        real = greet(port)
        out, _ = child.communicate(timeout=60)
        for sock in [*flood, real]:
            sock.close()
        return out
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
