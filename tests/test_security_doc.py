"""SECURITY.md tells the truth: the limits it names are the code's, and the paths it gives are the ones
the tool uses."""

from __future__ import annotations

from pathlib import Path

from inspector.capture.options import MAX_BODY
from inspector.capture.reports import MAX_REPORT_BYTES, MAX_REPORT_EVENTS
from inspector.decode.codecs import MAX_INFLATED
from inspector.decode.requests import MAX_KEPT_DECODED
from inspector.launch import locations
from inspector.wire.envelope import MAX_LINE_BYTES
from inspector.wire.stream import HELLO_TIMEOUT_S, MAX_WAITING_PEERS

DOC = (Path(__file__).resolve().parent.parent / "SECURITY.md").read_text(encoding="utf-8")
MB = 1024 * 1024


def test_every_limit_is_stated_with_its_value() -> None:
    for name, shown in [("uxa_max_body", f"{MAX_BODY // MB} MB"), ("MAX_INFLATED", f"{MAX_INFLATED // MB} MB"),
                        ("MAX_KEPT_DECODED", f"{MAX_KEPT_DECODED // 1024} KB"),
                        ("MAX_LINE_BYTES", f"{MAX_LINE_BYTES // MB} MB"),
                        ("HELLO_TIMEOUT_S", f"{HELLO_TIMEOUT_S:g} s, {MAX_WAITING_PEERS}"),
                        ("reports.py", f"{MAX_REPORT_BYTES // MB} MB, {MAX_REPORT_EVENTS} events")]:
        row = next(line for line in DOC.splitlines() if name in line and line.startswith("|"))
        assert shown in row, (name, row)


def test_every_location_the_tool_keeps_is_in_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("CONFIG", "DATA", "STATE"):
        monkeypatch.delenv(f"XDG_{name}_HOME", raising=False)
    home = str(Path.home())
    data = str(locations.data_dir()).replace(home, "~")
    assert data in DOC
    for path in locations.all_locations().values():
        shown = str(path).replace(home, "~").replace(data, "DATA")
        assert shown in DOC, shown
