"""The launcher: the child's command line, and stopping it (SIGINT first, a kill only if it must)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from inspector.launch.proxy import ADDON_PATH, BlockingProxy, build_command, free_port


def option(argv: list[str], name: str) -> list[str]:
    return [argv[i + 1].split("=", 1)[1] for i, a in enumerate(argv[:-1])
            if a == "--set" and argv[i + 1].startswith(name + "=")]


def test_defaults_listen_on_loopback_only_and_forward(tmp_path: Path) -> None:
    argv = build_command(listen_port=8123, confdir=tmp_path)
    assert "-s" not in argv and ADDON_PATH.exists()  # the child holds the addon itself; the file is for users
    assert [argv[i + 1] for i, a in enumerate(argv) if a == "--mode"] == ["regular@127.0.0.1:8123"]
    assert option(argv, "confdir") == [str(tmp_path)]
    assert option(argv, "uxa_sink") == [] and option(argv, "uxa_stream") == [] and option(argv, "uxa_token") == []


def test_one_listener_per_device_named_by_port_and_sink_never_connects_upstream(tmp_path: Path) -> None:
    argv = build_command(devices={8081: "laptop", 8082: "phone"}, sink=True, journal=tmp_path / "j.jsonl",
                         stream_port=9999, confdir=tmp_path, extra_hosts=("*.example-cdn.net",))
    assert [argv[i + 1] for i, a in enumerate(argv) if a == "--mode"] == [
        "regular@127.0.0.1:8081", "regular@127.0.0.1:8082"]
    assert option(argv, "uxa_devices") == ["8081=laptop,8082=phone"]
    assert option(argv, "uxa_sink") == ["true"] and option(argv, "connection_strategy") == ["lazy"]
    assert option(argv, "uxa_stream") == ["127.0.0.1:9999"]
    assert option(argv, "uxa_journal") == [str(tmp_path / "j.jsonl")]
    assert option(argv, "uxa_extra_hosts") == ["*.example-cdn.net"]



def test_another_listen_address_is_an_explicit_opt_in(tmp_path: Path) -> None:
    assert option(build_command(listen_port=8123, confdir=tmp_path), "uxa_allow_remote") == []
    argv = build_command(listen_port=8123, listen_host="0.0.0.0", confdir=tmp_path)
    assert "regular@0.0.0.0:8123" in argv and option(argv, "uxa_allow_remote") == ["true"]

# A child that listens like the proxy does and reacts to SIGINT as told (exit 0, or ignore it).
CHILD = """
import signal, socket, sys, time
server = socket.create_server(("127.0.0.1", int(sys.argv[1])))
if sys.argv[2] == "ignore":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
else:
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
print("ready", flush=True)
while True:
    time.sleep(0.05)
"""


@pytest.mark.parametrize(("behaviour", "code", "slow"), [("exit", 0, False), ("ignore", -9, True)])
def test_stop_asks_with_sigint_then_kills_after_the_grace(behaviour: str, code: int, slow: bool) -> None:
    port = free_port()
    child = BlockingProxy([sys.executable, "-c", CHILD, str(port), behaviour], [port]).start(timeout=10)
    assert child.running()
    started = time.monotonic()
    assert child.stop(grace=1.0) == code
    took = time.monotonic() - started
    assert not child.running() and (took >= 1.0) == slow


def test_a_child_that_dies_at_start_is_reported_at_once_with_its_output() -> None:
    port = free_port()
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"did not start.*no such option"):
        BlockingProxy([sys.executable, "-c", "import sys; print('no such option'); sys.exit(2)"], [port]).start(10)
    assert time.monotonic() - started < 5  # not the whole port timeout
