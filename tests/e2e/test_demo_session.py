"""DemoSession (the GUI's Demo button) and ``uxa-inspector demo`` with real mitmdump and Chromium."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from inspector.cli.main import main
from inspector.decode.sources import load_capture
from inspector.demo.session import DemoSession, NoDisplayError

pytestmark = pytest.mark.e2e


def test_session_opens_the_shop_through_a_sink_capture_and_cleans_up(tmp_path: Path) -> None:
    session = DemoSession(faults=("page-gap",), headless=True, journal=tmp_path / "demo.jsonl",
                          confdir=tmp_path / "conf")
    session.start()
    try:
        assert session.site_url.startswith("http://localhost:") and "fault=page-gap" in session.start_url
        assert session.fingerprint and session.running()
        deadline = time.monotonic() + 20
        kinds: set[str] = set()
        while time.monotonic() < deadline and not {"page", "request"} <= kinds:
            time.sleep(0.2)
            if session.journal and session.journal.exists() and session.journal.stat().st_size:
                kinds = {e.event.kind for e in load_capture(session.journal).envelopes}
        assert {"page", "request"} <= kinds, kinds
        browser, capture, profile = session.browser, session.capture, session.browser.profile  # type: ignore[union-attr]
    finally:
        session.stop()
    assert not browser.running() and not capture.running() and not profile.path.exists()  # type: ignore[union-attr]
    requests = [e.event for e in load_capture(tmp_path / "demo.jsonl").envelopes if e.event.kind == "request"]
    assert any("c.contentsquare.net/pageview" in r.url and r.sunk for r in requests)  # type: ignore[union-attr]
    assert all(e.device == "demo" for e in load_capture(tmp_path / "demo.jsonl").envelopes)


def test_windowed_demo_without_a_display_says_so_at_once(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(NoDisplayError, match="--headless"):
        DemoSession().start()
    assert main(["demo"]) == 2
    assert "No display" in capsys.readouterr().err


def test_headless_command_prints_the_verdict_of_the_chosen_fault(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    record = tmp_path / "run.jsonl"
    assert main(["demo", "--headless", "--fault", "raw-identity", "--record", str(record)]) == 0
    out = capsys.readouterr().out
    assert "getidentity-returned-raw" in out and "fault raw-identity: getidentity-returned-raw caught" in out
    # The identity never appears in clear in what the command prints.
    assert "C-1001" not in out and "C-2002" not in out
    assert record.exists() and load_capture(record).errors == []


def test_fault_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--list-faults"]) == 0
    out = capsys.readouterr().out
    assert "no-reset" in out and "identity-change-reset-missing" in out
