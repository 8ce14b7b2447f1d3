"""The capture child is started through our own entry point, the way a frozen app must start it: a
real child process on the lean master (capture/master.py), and the addon in a user's own mitmdump."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspector.launch.proxy import (
    ADDON_PATH,
    CHILD_VERB,
    BlockingProxy,
    build_command,
    child_prefix,
    free_port,
)
from inspector.wire.envelope import parse_envelope
from inspector.wire.events import Request


def test_source_runs_start_this_python_on_our_entry_point() -> None:
    assert child_prefix() == [sys.executable, "-m", "inspector", CHILD_VERB]


def test_a_frozen_app_starts_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    argv = build_command(listen_port=8123, confdir="/tmp/x")
    assert argv[:2] == [sys.executable, CHILD_VERB] and argv[2] == "--set"


def test_the_hidden_verb_is_mitmdump_and_anything_else_is_the_cli() -> None:
    child = subprocess.run([*child_prefix(), "--version"], capture_output=True, text=True, timeout=60, check=False)
    assert child.returncode == 0 and "Mitmproxy:" in child.stdout, child.stderr
    cli = subprocess.run([sys.executable, "-m", "inspector", "--version"], capture_output=True, text=True,
                         timeout=60, check=False)
    assert cli.returncode == 0 and cli.stdout.startswith("uxa-inspector "), cli.stderr


class _Origin(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def origin() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Origin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def own_mitmdump(port: int, journal: Path, confdir: Path) -> list[str]:
    """README's way: the user's own mitmdump (its full default addons) loading the addon's file."""
    return [sys.executable, "-c", "from mitmproxy.tools.main import mitmdump; mitmdump()", "-s", str(ADDON_PATH),
            "--set", f"confdir={confdir}", "--mode", f"regular@127.0.0.1:{port}", "--set", f"uxa_journal={journal}",
            "--set", "uxa_extra_hosts=127.0.0.1", "--set", "termlog_verbosity=warn", "--set", "flow_detail=0"]


@pytest.mark.parametrize("proxy", ["child", "own mitmdump"])
def test_a_request_through_the_proxy_reaches_the_origin_and_the_journal(proxy: str, origin: str,
                                                                         tmp_path: Path) -> None:
    port, journal = free_port(), tmp_path / "journal.jsonl"
    argv = (build_command(devices={port: "laptop"}, journal=journal, confdir=tmp_path, extra_hosts=("127.0.0.1",))
            if proxy == "child" else own_mitmdump(port, journal, tmp_path))
    child = BlockingProxy(argv, [port]).start()
    try:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": f"http://127.0.0.1:{port}"}))
        assert opener.open(f"http://{origin}/collect?pid=1", timeout=10).read() == b"ok"
    finally:
        assert child.stop() == 0
    requests = [e for e in map(parse_envelope, journal.read_text(encoding="utf-8").splitlines())
                if isinstance(e.event, Request)]
    assert [(r.event.url, r.event.status) for r in requests] == [(f"http://{origin}/collect?pid=1", 200)]
    assert requests[0].device == ("laptop" if proxy == "child" else "default")


def test_the_child_runs_our_addon_without_the_script_loader_or_unused_defaults() -> None:
    listed = subprocess.run([*child_prefix(), "--options"], capture_output=True, text=True, timeout=60,
                            check=False)
    assert listed.returncode == 0, listed.stderr
    declared = {line.split(":", 1)[0] for line in listed.stdout.splitlines() if line and line[0] != " "}
    assert {"uxa_sink", "uxa_journal", "mode", "confdir", "connection_strategy", "upstream_cert",
            "stream_large_bodies", "termlog_verbosity", "flow_detail", "block_global"} <= declared
    assert not {"scripts", "save_stream_file", "map_remote", "server_replay", "anticache"} & declared


@pytest.mark.parametrize(("extra", "message"), [
    (["--set", "uxa_nosuch=1"], "no such option: uxa_nosuch"),
    (["--set", "uxa_queue=5"], "uxa_queue must be at least 100"),
    (["--set", "listen_port=loud"], "Not an integer: loud"),
    (["--mode", "nonsense@1"], "Invalid proxy mode specification"),
    (["-s", str(ADDON_PATH)], "unrecognized arguments: -s"),
])
def test_a_bad_option_stops_the_child_at_once_with_a_readable_message(extra: list[str], message: str,
                                                                        tmp_path: Path) -> None:
    argv = [*build_command(listen_port=free_port(), confdir=tmp_path), *extra]
    child = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert child.returncode != 0 and message in child.stderr and "Traceback" not in child.stderr, child.stderr
