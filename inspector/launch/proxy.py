"""Starting and stopping the capture child (mitmproxy with our addon). No mitmproxy import here:
the GUI, the CLI and the demo all use this module.
"""

from __future__ import annotations

import collections
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from inspector.launch import locations
from inspector.launch.certs import CA_CERT_NAME, spki_fingerprint
from inspector.launch.preflight import CaptureStartError, check_confdir_writable, check_ports_free
from inspector.package_files import package_file
from inspector.wire.endpoints import LOOPBACK, LOOPBACK_HOSTS, TOKEN_ENV

# The addon's file, for users who run it in their own mitmdump (-s); our child imports it instead.
ADDON_PATH = package_file("capture", "addon.py")
# The first argument that makes our entry point the capture child (inspector/__main__.py): a frozen app
# has no mitmdump and no Python to start, so the child is the app itself, started this way.
CHILD_VERB = "_capture-child"


def child_prefix() -> list[str]:
    """The start of the child's command line: our own entry point as the capture child."""
    if getattr(sys, "frozen", False):  # PyInstaller's app: sys.executable is the app
        return [sys.executable, CHILD_VERB]
    return [sys.executable, "-m", "inspector", CHILD_VERB]


def default_confdir() -> Path:
    """Where the proxy keeps its CA (made on first start), per user; owner-only: it holds the CA's key."""
    locations.private_dir(locations.data_dir())  # left 0755 by versions before 0.2
    return locations.private_dir(locations.ca_dir())


def build_command(*, listen_port: int = 8080, listen_host: str = LOOPBACK,
                  devices: Mapping[int, str] | None = None, sink: bool = False,
                  journal: Path | str | None = None, stream_port: int | None = None,
                  stream_host: str = LOOPBACK, token: str | None = None,
                  confdir: Path | str | None = None,
                  extra_hosts: tuple[str, ...] = (), quiet: bool = True) -> list[str]:
    """The child's command line. One ``--mode regular@host:port`` per device (one browser profile each).

    The token is better passed in the environment (``TOKEN_ENV``): give it here only when the caller
    cannot set the child's environment.
    """
    ports = dict(devices) if devices else {listen_port: "default"}
    argv = [*child_prefix(), "--set", f"confdir={Path(confdir or default_confdir())}"]
    for port in ports:
        argv += ["--mode", f"regular@{listen_host}:{port}"]
    if listen_host not in LOOPBACK_HOSTS:
        argv += ["--set", "uxa_allow_remote=true"]  # the caller asked for it explicitly
    if devices:
        argv += ["--set", "uxa_devices=" + ",".join(f"{p}={n}" for p, n in ports.items())]
    if sink:
        # Nothing upstream to reach: answer without connecting or asking upstream for its certificate.
        argv += ["--set", "uxa_sink=true", "--set", "connection_strategy=lazy",
                 "--set", "upstream_cert=false"]
    if journal:
        argv += ["--set", f"uxa_journal={journal}"]
    if stream_port:
        argv += ["--set", f"uxa_stream={stream_host}:{stream_port}"]
    if token:
        argv += ["--set", f"uxa_token={token}"]
    if extra_hosts:
        argv += ["--set", "uxa_extra_hosts=" + ",".join(extra_hosts)]
    if quiet:
        argv += ["--set", "termlog_verbosity=warn", "--set", "flow_detail=0"]
    return argv


def free_port(host: str = LOOPBACK) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float, alive: Callable[[], bool] = lambda: True) -> bool:
    """True once ``port`` accepts; False at the timeout or as soon as ``alive()`` says the server died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


@dataclass
class BlockingProxy:
    """A capture child run with ``subprocess`` for callers without an event loop (CLI, demo, tests):
    ``start()`` blocks until every port answers; ``stop()`` asks it to finish its journal, then kills
    if it must. (The GUI's event-driven twin is ``gui.live.proxy_child.ProxyChild``.)"""

    argv: list[str]
    ports: list[int]
    host: str = LOOPBACK
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    tail: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=40))
    _reader: threading.Thread | None = field(default=None, init=False, repr=False)

    def start(self, timeout: float = 20.0) -> BlockingProxy:
        self.process = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, **self.env}, start_new_session=True)
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        for port in self.ports:
            if not wait_for_port(self.host, port, timeout, self.running) or not self.running():
                self.stop()
                self._reader.join(2)  # so the error quotes the child's last words
                last_words = " | ".join(list(self.tail)[-5:])
                raise CaptureStartError(f"the capture proxy did not start: {last_words}")
        return self

    def _read_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for raw in self.process.stdout:
            self.tail.append(raw.decode("utf-8", "replace").rstrip())

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 5.0) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            # SIGINT lets mitmdump run its shutdown (journal written out); Windows has no such signal
            # for a child, where SIGTERM means TerminateProcess (lines already written are kept).
            self.process.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(grace)
        return self.process.returncode


def start_capture(*, ports: Mapping[int, str] | None = None, listen_host: str = LOOPBACK, sink: bool = False,
                  journal: Path | None = None, stream_port: int | None = None, token: str = "",
                  confdir: Path | None = None, extra_hosts: tuple[str, ...] = ()) -> BlockingProxy:
    """Start a capture child and wait until every listen port answers.

    Raises ``CaptureStartError`` (a ``RuntimeError``) when a port is taken, the CA folder cannot be
    written or the child does not come up.
    """
    ports = dict(ports) if ports else {free_port(): "default"}
    check_ports_free(listen_host, ports)
    check_confdir_writable(Path(confdir or default_confdir()))
    argv = build_command(devices=ports, listen_host=listen_host, sink=sink, journal=journal,
                         stream_port=stream_port, confdir=confdir, extra_hosts=extra_hosts)
    env = {TOKEN_ENV: token} if token else {}
    probe_host = listen_host if listen_host != "0.0.0.0" else LOOPBACK
    return BlockingProxy(argv, list(ports), probe_host, env).start()


def ca_fingerprint(confdir: Path | None = None) -> str | None:
    """The SPKI fingerprint of the proxy's CA, once the proxy has made it (on its first start)."""
    path = Path(confdir or default_confdir()) / CA_CERT_NAME
    return spki_fingerprint(path) if path.exists() else None
