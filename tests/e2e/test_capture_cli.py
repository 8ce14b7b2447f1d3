"""``uxa-inspector capture`` as a user runs it: prints what a browser needs, records, stops cleanly."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.capture.launcher import free_port, wait_for_port
from inspector.model.events import Command
from inspector.sources import load_capture
from tests.support.chromium import dump_dom
from tests.support.site import serve

pytestmark = pytest.mark.e2e
PAGES = Path(__file__).parent / "pages"


def test_headless_capture_records_a_real_browser_and_stops_on_sigterm(tmp_path: Path, confdir: Path) -> None:
    port = free_port()
    record = tmp_path / "rec.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "inspector.cli", "capture", "--listen-port", str(port),
                             "--sink", "--record", str(record), "--confdir", str(confdir), "--device", "laptop"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        banner = "".join(proc.stdout.readline() for _ in range(5))
        fingerprint = re.search(r"CA SPKI\s+(\S+)", banner)
        assert fingerprint and f"127.0.0.1:{port}" in banner, banner
        assert wait_for_port("127.0.0.1", port, 10)
        with serve(PAGES) as base:
            dump_dom(f"{base}/queue.html", port, fingerprint.group(1))
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped;" in out
    capture = load_capture(record)
    assert capture.errors == [] and {e.device for e in capture.envelopes} == {"laptop"}
    assert len([e for e in capture.envelopes if isinstance(e.event, Command)]) == 5


def test_bad_port_is_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "inspector.cli", "capture", "--listen-port", "70000"],
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2 and "bad port" in done.stderr
