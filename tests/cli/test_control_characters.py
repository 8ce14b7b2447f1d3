"""Terminal escapes a page pushes or a file carries are never printed raw: every console and text
output shows them escaped (a page could otherwise retitle the terminal, clear it, or hide lines)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from inspector.cli.capture import Progress
from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Command, Notice, Request
from tests.cli.conftest import Outcome

Cli = Callable[..., Outcome]
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\u202e"  # retitle, clear the screen, reverse the text that follows


def hostile_recording(path: Path) -> Path:
    device = f"laptop{ESCAPES}"
    events = [Command(payload=["identify", f"user{ESCAPES}"], tag_loaded=True, call_id="c1"),
              Command(payload=[f"identify{ESCAPES}", "x"], tag_loaded=True, call_id="c2"),
              Notice(level="warning", code="page", message=f"said {ESCAPES}")]
    path.write_text("".join(dump_envelope(Envelope(seq=i, time=1.0 + i, device=device, tab=f"t{ESCAPES}",
                                                   event=e)) + "\n" for i, e in enumerate(events)))
    return path


def assert_escaped(text: str, shown: bool = True) -> None:
    assert not any(ch in text for ch in "\x1b\x07\u202e"), repr(text)
    assert ("\\x1b" in text) == shown


def test_check_and_diff_text_escape_what_the_capture_carries(cli: Cli, tmp_path: Path) -> None:
    recording = hostile_recording(tmp_path / "hostile.jsonl")
    result = cli("check", str(recording), "--format", "text", "--reveal")
    assert_escaped(result.out)
    assert_escaped(cli("diff", str(recording), "tests/data/report_laptop.jsonl").out, shown=False)


def test_the_capture_console_escapes_command_names_and_device_names() -> None:
    out = io.StringIO()
    progress = Progress(out)
    progress.banner_shown.set()
    progress(Envelope(seq=0, time=1.0, device=f"phone{ESCAPES}", event=Command(payload=[f"identify{ESCAPES}"])))
    progress(Envelope(seq=1, time=2.0, event=Request(method=f"POST{ESCAPES}", url="https://c.contentsquare.net/x")))
    assert_escaped(out.getvalue())
    assert out.getvalue().count("\n") == 2  # one line each, whatever they carried
