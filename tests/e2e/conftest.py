"""Fixtures for end-to-end tests: a real mitmdump with our addon (sink mode) and its CA fingerprint.

Reuse them: ``capture`` gives a running proxy with ``.port``, ``.journal`` and ``.fingerprint``;
``tests.support.chromium.dump_dom`` drives real headless Chromium through it, and
``tests.support.site.serve`` serves pages on localhost. For the live stream (what the app receives),
start ``inspector.launch.stream_server.StreamServer`` and pass its port and token to
``start_capture(stream_port=..., token=...)`` (see ``test_capture_live.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from inspector.launch.proxy import BlockingProxy, ca_fingerprint, free_port, start_capture
from inspector.wire.envelope import Envelope, parse_envelope

pytestmark = pytest.mark.e2e


@dataclass
class RunningCapture:
    process: BlockingProxy
    port: int
    journal: Path
    fingerprint: str

    def envelopes(self) -> list[Envelope]:
        if not self.journal.exists():
            return []
        return [parse_envelope(line) for line in self.journal.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def confdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One CA for the whole test session (mitmproxy makes it on first start)."""
    return tmp_path_factory.mktemp("mitmproxy-conf")


@pytest.fixture
def capture(tmp_path: Path, confdir: Path) -> Iterator[RunningCapture]:
    port = free_port()
    journal = tmp_path / "journal.jsonl"
    process = start_capture(ports={port: "e2e"}, sink=True, journal=journal, confdir=confdir)
    fingerprint = ca_fingerprint(confdir)
    assert fingerprint is not None, "mitmproxy did not write its CA"
    try:
        yield RunningCapture(process, port, journal, fingerprint)
    finally:
        process.stop()


def capture_per_run(tmp: Path, runs: list[str]) -> tuple[BlockingProxy, dict[str, int], Path, str]:
    """One sink-mode capture with one listen port (device) per run: (proxy, ports, journal, CA fingerprint)."""
    ports = {run: free_port() for run in runs}
    journal = tmp / "journal.jsonl"
    proxy = start_capture(ports={port: run for run, port in ports.items()}, sink=True, journal=journal,
                          confdir=tmp / "conf")
    fingerprint = ca_fingerprint(tmp / "conf")
    assert fingerprint, "mitmproxy did not write its CA"
    return proxy, ports, journal, fingerprint
