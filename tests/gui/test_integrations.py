"""Finding the app's partners at run time, and calling them with the arguments they take."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from inspector.gui import integrations
from inspector.gui.settings import Settings


def fake_launcher(monkeypatch: pytest.MonkeyPatch, build: object) -> None:
    mod = types.ModuleType("inspector.capture.launcher")
    mod.build_command = build  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "inspector.capture.launcher", mod)


def test_the_capture_command_comes_from_the_launcher_with_the_arguments_it_takes(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def build_command(listen_port: int, stream_port: int, token: str, journal: Path, sink: bool) -> list[str]:
        seen.update(listen_port=listen_port, stream_port=stream_port, token=token, journal=journal, sink=sink)
        return ["mitmdump", "-s", "addon.py", "--set", f"uxa_stream_port={stream_port}"]

    fake_launcher(monkeypatch, build_command)
    cmd = integrations.capture_command(Settings(proxy_port=8181, sink=False), 4321, "tok", tmp_path / "j.jsonl")
    assert cmd.program == "mitmdump" and cmd.args[-1] == "uxa_stream_port=4321"
    assert cmd.proxy_address == "127.0.0.1:8181"
    assert seen == {"listen_port": 8181, "stream_port": 4321, "token": "tok", "journal": tmp_path / "j.jsonl",
                    "sink": False}
    assert integrations.availability("inspector.capture.launcher", "build_command") is None


def test_a_partner_without_the_expected_function_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_launcher(monkeypatch, None)
    monkeypatch.delattr(__import__("sys").modules["inspector.capture.launcher"], "build_command")
    assert integrations.availability("inspector.capture.launcher", "build_command") == \
        "inspector.capture.launcher has no build_command"
    assert integrations.availability("inspector.no_such_partner") == \
        "inspector.no_such_partner is not part of this build"


def test_each_browser_profile_gets_its_own_listen_port_and_device(tmp_path: Path) -> None:
    settings = Settings(proxy_port=18181, sink=True)
    devices = integrations.profile_ports(settings, ["default", "laptop", "phone", "laptop"])
    assert devices == {18181: "default", 18182: "laptop", 18183: "phone"}
    cmd = integrations.capture_command(settings, 4321, "tok", tmp_path / "j.jsonl", devices=devices)
    modes = [cmd.args[i + 1] for i, a in enumerate(cmd.args) if a == "--mode"]
    assert modes == ["regular@127.0.0.1:18181", "regular@127.0.0.1:18182", "regular@127.0.0.1:18183"]
    assert "uxa_devices=18181=default,18182=laptop,18183=phone" in cmd.args
