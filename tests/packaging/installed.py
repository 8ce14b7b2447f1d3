"""An installed ``uxa-inspector`` (a wheel in a fresh venv, or the frozen app) used as a new user would.

It runs from a folder outside the checkout, with no PYTHONPATH and fresh per-user folders (XDG_*), so
nothing of the source tree or of this machine's earlier runs can help it. Each scenario is a function
the wheel's and the frozen app's tests both call.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from inspector import __version__
from inspector.launch.proxy import free_port, wait_for_port

CHECKOUT = Path(__file__).resolve().parents[2]
# A pageview as the tag sends it (ids present): what the capture records and check reads.
PAGEVIEW = ("http://c.contentsquare.net/pageview?pid=1234&uu=6f1c2a3b-9d8e-4a7f-b5c4-d3e2f1a0b9c8&sn=1&pn=1"
            "&hd=1764330000&url=https%3A%2F%2Fshop.test%2F&dr=&uc=1&la=en-US&v=15.170.2&r=1002")


@dataclass
class Installed:
    argv: list[str]  # how to start uxa-inspector
    home: Path  # a fresh folder for the user's data, settings and caches, and the working folder

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[name] = str(self.home / name.lower())
        return env

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.argv, *args], cwd=self.home, env=self.env(), capture_output=True,
                              text=True, timeout=timeout, check=False)

    def popen(self, *args: str, **kwargs: object) -> subprocess.Popen[str]:
        return subprocess.Popen([*self.argv, *args], cwd=self.home, env=self.env(), text=True,
                                **kwargs)  # type: ignore[call-overload]


def assert_outside_checkout(path: Path) -> None:
    assert not path.resolve().is_relative_to(CHECKOUT), f"{path} is inside the checkout"


def version(app: Installed) -> None:
    done = app.run("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"uxa-inspector {__version__}"), done.stderr


def capture_and_check(app: Installed) -> None:
    """``capture`` answers a tag hit sent through it and records it; ``check`` reads the recording."""
    port = free_port()
    record = app.home / "rec.jsonl"
    proc = app.popen("capture", "--listen-port", str(port), "--sink", "--record", str(record),
                     "--device", "laptop", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        banner = "".join(proc.stdout.readline() for _ in range(5))
        assert re.search(r"CA SPKI\s+\S{40,}", banner) and f"127.0.0.1:{port}" in banner, banner
        assert wait_for_port("127.0.0.1", port, 10)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", PAGEVIEW, headers={"Referer": "https://shop.test/"})
        reply = conn.getresponse()
        assert (reply.status, reply.getheader("X-UXA-Inspector")) == (200, "sink")
        reply.read()
        conn.close()
        assert proc.stdout.readline().split()[-3:] == ["GET", "c.contentsquare.net/pageview", "(sink)"]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped; 1 events" in out
    done = app.run("check", str(record), "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout)["summary"]
    assert (summary["events"], summary["violation"], summary["unreadable_inputs"]) == (1, 0, 0), summary


def demo_headless(app: Installed) -> None:
    """The demo shop and its tag double ship too: the scripted scenario catches its fault."""
    done = app.run("demo", "--headless", "--fault", "raw-identity", timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "fault raw-identity: getidentity-returned-raw caught" in done.stdout


def selftest(app: Installed) -> None:
    done = app.run("selftest")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("selftest passed")
