"""``uxa-inspector capture`` as a user runs it: prints what a browser needs, records, stops cleanly."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inspector.decode.sources import load_capture
from inspector.launch.browser import proxy_flags, trust_flag
from inspector.launch.proxy import free_port, wait_for_port
from inspector.wire.events import Command, Tick
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
        # The line to paste into a shell holds the same flags the app's own launcher passes.
        chromium_line = re.search(r"^chromium\s+(.*)$", banner, re.M)
        assert chromium_line, banner
        assert [*proxy_flags("127.0.0.1", port), trust_flag(fingerprint.group(1))] == shlex.split(chromium_line.group(1))[:3]
        assert wait_for_port("127.0.0.1", port, 10)
        with serve(PAGES) as base:
            dump_dom(f"{base}/queue.html", port, fingerprint.group(1))
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped;" in out
    # A line per command and tag request while capturing: names and hosts, never the values.
    assert re.search(r"laptop\s+command  identify", out) and "request  GET c.contentsquare.net/pageview" in out
    assert "cust-1" not in out and "cust-2" not in out
    capture = load_capture(record)
    # Ticks are the capture's clock (every 5 s), recorded under the default device: a run slower than
    # that on a busy machine records one. Every event of the page and the tag is the named device's.
    events = [e for e in capture.envelopes if not isinstance(e.event, Tick)]
    assert capture.errors == [] and {e.device for e in events} == {"laptop"}
    assert len([e for e in capture.envelopes if isinstance(e.event, Command)]) == 5


def test_bad_port_is_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "inspector.cli", "capture", "--listen-port", "70000"],
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2 and "bad port" in done.stderr


def test_an_existing_recording_is_never_appended_to(tmp_path: Path) -> None:
    record = tmp_path / "old.jsonl"
    record.write_text("{}\n")
    done = subprocess.run([sys.executable, "-m", "inspector.cli", "capture", "--record", str(record)],
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2 and "already exists" in done.stderr
    assert record.read_text() == "{}\n"


def _listener_pid(port: int) -> int | None:
    ss = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True, check=False)
    found = re.search(r"pid=(\d+)", ss.stdout)
    return int(found.group(1)) if found else None


def test_the_proxy_stops_by_itself_when_the_cli_is_killed(tmp_path: Path, confdir: Path) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "inspector.cli", "capture", "--listen-port", str(port),
                             "--sink", "--record", str(tmp_path / "rec.jsonl"), "--confdir", str(confdir)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    for _ in range(5):
        proc.stdout.readline()
    child = _listener_pid(port)
    assert child is not None and child != proc.pid
    proc.kill()  # no chance to stop its child: the lost stream must do it
    proc.wait(10)
    deadline = time.monotonic() + 8
    while _listener_pid(port) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    orphan = _listener_pid(port)
    if orphan is not None:
        os.kill(orphan, signal.SIGKILL)
    assert orphan is None, "the capture child outlived the CLI"


def test_a_taken_port_is_one_clear_error_and_no_banner(tmp_path: Path, confdir: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "inspector.cli", "capture", "--listen-port", str(port),
                               "--sink", "--record", str(tmp_path / "r.jsonl"), "--confdir", str(confdir)],
                              capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert "proxy" not in done.stdout and "CA SPKI" not in done.stdout  # nothing promised


def test_a_ca_folder_that_cannot_be_made_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # even root cannot make a folder inside a file
    done = subprocess.run([sys.executable, "-m", "inspector.cli", "capture", "--listen-port", str(free_port()),
                           "--record", str(tmp_path / "r.jsonl"), "--confdir", str(blocker / "ca")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "cannot create the CA folder" in done.stderr, done.stderr
    assert "CA SPKI" not in done.stdout
