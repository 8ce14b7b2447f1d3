"""The window's calls into the rest of the project: the capture command line, profiles, reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.gui import integrations
from inspector.gui.inspection import Inspection
from inspector.gui.settings import Settings
from inspector.wire.endpoints import TOKEN_ENV


def test_the_capture_command_streams_back_with_the_token_kept_off_the_command_line(tmp_path: Path) -> None:
    cmd = integrations.capture_command(Settings(proxy_port=8181, sink=False), 4321, "s3cret-token",
                                       tmp_path / "j.jsonl", confdir=tmp_path / "conf")
    assert cmd.proxy_address == "127.0.0.1:8181"
    assert "regular@127.0.0.1:8181" in cmd.args and "uxa_stream=127.0.0.1:4321" in cmd.args
    assert f"uxa_journal={tmp_path / 'j.jsonl'}" in cmd.args and "uxa_sink=true" not in cmd.args
    assert cmd.env == {TOKEN_ENV: "s3cret-token"}
    assert not any("s3cret-token" in arg for arg in [cmd.program, *cmd.args])  # ps shows the command line
    sink = integrations.capture_command(Settings(proxy_port=8181, sink=True), 4321, "t", tmp_path / "j.jsonl")
    assert "uxa_sink=true" in sink.args


def test_each_browser_profile_gets_its_own_listen_port_and_device(tmp_path: Path) -> None:
    settings = Settings(proxy_port=18181, sink=True)
    devices = integrations.profile_ports(settings, ["default", "laptop", "phone", "laptop"])
    assert devices == {18181: "default", 18182: "laptop", 18183: "phone"}
    cmd = integrations.capture_command(settings, 4321, "tok", tmp_path / "j.jsonl", devices=devices)
    modes = [cmd.args[i + 1] for i, a in enumerate(cmd.args) if a == "--mode"]
    assert modes == ["regular@127.0.0.1:18181", "regular@127.0.0.1:18182", "regular@127.0.0.1:18183"]
    assert "uxa_devices=18181=default,18182=laptop,18183=phone" in cmd.args


def test_without_mitmproxy_the_capture_command_says_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    monkeypatch.setattr(integrations.importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(integrations.UnavailableError, match="mitmproxy is not installed"):
        integrations.capture_command(Settings(), 4321, "t", tmp_path / "j.jsonl")


def test_the_html_export_renders_the_inspection_s_own_store(fed: Inspection) -> None:
    assert fed.verdicts is fed.store.verdicts and fed.steps is fed.store.steps  # one copy
    before = len(fed.store.steps)
    html = integrations.report_html(fed, reveal=False)
    assert len(fed.store.steps) == before  # nothing ran again
    for rule in {v.rule for v in fed.verdicts}:
        assert rule in html
