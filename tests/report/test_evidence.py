"""Each input says once what its evidence is: the page's reports and the network, or the network alone."""

from __future__ import annotations

import json
from pathlib import Path

from inspector.decode.sources import load_capture
from inspector.report.capture import InputFile
from inspector.report.check import check_document, run_check
from inspector.report.evidence import input_evidence
from inspector.report.html import render_html
from inspector.report.junit import render_junit
from inspector.report.text import render_text

DATA = Path(__file__).parent.parent / "data"


def loaded(path: Path, device: str | None = None) -> InputFile:
    capture = load_capture(path, device)
    return InputFile(str(path), capture.kind, tuple(capture.envelopes), tuple(capture.errors))


def test_a_recording_with_commands_is_observer_evidence_and_a_har_is_network_only(tmp_path: Path) -> None:
    laptop, phone = loaded(DATA / "report_laptop.jsonl"), loaded(DATA / "report_phone.har")
    blocked = tmp_path / "blocked.har"
    blocked.write_text(json.dumps({"log": {"entries": [
        {"startedDateTime": "2026-11-28T10:00:00Z",
         "request": {"method": "GET", "url": "https://c.contentsquare.net/pageview?pid=1&uu=u1&sn=1&pn=1"},
         "response": {"status": 0, "_error": "net::ERR_BLOCKED_BY_CLIENT"}}]}}), encoding="utf-8")
    unreadable = InputFile("missing.har", fatal="No such file")
    run = run_check([laptop, phone, loaded(blocked, "blocked"), unreadable])
    found = [input_evidence(item, run.verdicts) for item in run.inputs]
    assert [f.kind if f else None for f in found] == ["observer", "network-only", "network-only", None]
    phone_verdicts = [v for v in run.verdicts if v.device in phone.devices]
    assert found[1] is not None and found[1].inferred == len(phone_verdicts) > 0
    assert found[0] is not None and found[0].inferred == 0
    assert found[2] is not None and found[2].failed_hits == 1
    assert found[2].describe() == ("network only: the page's _uxa calls were not captured; 0 verdicts inferred; "
                                   "1 tag request blocked or failed (judged as sent, not as missing)")
    # Once per input, in every format.
    inputs = check_document(run)["inputs"]
    assert isinstance(inputs, list)
    assert [(i["evidence"], i["failed_hits"]) for i in inputs] == [  # type: ignore[call-overload, index]
        ("observer", 0), ("network-only", 0), ("network-only", 1), (None, 0)]
    text = render_text(run)
    assert text.count("evidence: network only") == 2 and text.count("evidence: page and network") == 1
    assert render_junit(run).count('<property name="evidence" value="network-only" />') == 2
    assert render_html(run).count("network only: the page&#39;s _uxa calls were not captured") == 2
