"""Runs of consecutive free ports for tests that listen on several (one per device).

``free_port()`` hands out an ephemeral port; the ports just above it are the kernel's picks for
outgoing connections (browsers, other tests on this shared machine), so ``base + 1`` may be taken by
the time a capture listens. A run below the ephemeral range only meets other listeners.
"""

from __future__ import annotations

import random
import socket

from inspector.wire.endpoints import LOOPBACK

LOW, HIGH = 20_000, 32_000  # below Linux's default ephemeral range (32768-60999)


def free_port_run(count: int, host: str = LOOPBACK) -> int:
    """The first of ``count`` consecutive ports that all bind now."""
    for _ in range(200):
        base = random.randrange(LOW, HIGH - count)
        sockets: list[socket.socket] = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind((host, port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"no run of {count} free ports on {host}")
