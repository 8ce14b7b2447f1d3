"""Checks made before the capture child starts, so a port that is taken or a CA folder that cannot be
written is one clear sentence, not a proxy log or, worse, another program answering on our port."""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Iterable
from pathlib import Path


class CaptureStartError(RuntimeError):
    """The capture cannot start; the message says why and what to change."""


def check_ports_free(host: str, ports: Iterable[int]) -> None:
    """Raise ``CaptureStartError`` if another program already listens on one of ``ports``.

    The probe binds the way mitmproxy's asyncio server does (``SO_REUSEADDR``), so a port that only
    holds closed connections in TIME_WAIT counts as free, and one with a live listener does not.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for port in ports:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host or "0.0.0.0", port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    raise CaptureStartError(
                        f"port {port} on {host or 'every interface'} is already in use by another program; "
                        "stop it or choose another port") from None
                raise CaptureStartError(f"cannot listen on {host or 'every interface'}:{port}: "
                                        f"{exc.strerror or exc}") from None


def check_confdir_writable(confdir: Path) -> None:
    """Raise ``CaptureStartError`` unless the proxy can keep its CA in ``confdir`` (made if missing)."""
    try:
        confdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CaptureStartError(f"cannot create the CA folder {confdir}: {exc.strerror or exc}") from None
    if not os.access(confdir, os.W_OK | os.X_OK):
        raise CaptureStartError(f"the CA folder {confdir} is not writable; choose another one")
