"""``uxa-inspector check``: real files through the real loader, decoders, model and renderers."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.bench_model import synthetic_traffic
from inspector.wire.envelope import dump_envelope
from tests.cli.conftest import Outcome
from tests.report.golden import ROOT, assert_golden
from tests.report.make_fixtures import EMAIL
from tests.report.test_grouping import FIRST_OCCURRENCES, noisy_capture

LAPTOP = "tests/data/report_laptop.jsonl"
PHONE = "tests/data/report_phone.har"
NO_RENEWAL = "tests/data/report_no_renewal.jsonl"
NOT_A_CAPTURE = "tests/data/report_not_a_capture.har"

Cli = Callable[..., Outcome]


def rules(document: dict) -> set[str]:
    return {v["rule"] for v in document["verdicts"]}


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "html"])
def test_every_format_matches_its_golden_file(cli: Cli, fmt: str) -> None:
    result = cli("check", LAPTOP, PHONE, "--device", "phone", "--format", fmt)
    assert result.code == 0, result.err
    assert_golden(f"check_laptop_phone.{ {'text': 'txt', 'junit': 'xml'}.get(fmt, fmt)}", result.out)


def test_failing_capture_matches_its_golden_file(cli: Cli) -> None:
    result = cli("check", NO_RENEWAL, "--format", "json")
    assert result.code == 2  # it fails, and three of its lines were skipped: partial
    assert_golden("check_no_renewal.json", result.out)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_generated_mix_of_devices_logins_and_property_writes_matches_its_golden_file(
        cli: Cli, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Many events per device (resets, renewals, overwrites, detached properties): what changes in how
    # a check keeps a capture (``session.store``, ``decode.compact``) must not change what it says.
    (tmp_path / "synthetic.jsonl").write_text(
        "".join(dump_envelope(env) + "\n" for env in synthetic_traffic(800, devices=4)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "synthetic.jsonl", "--format", fmt)
    assert result.code == 1, result.err
    assert_golden(f"check_synthetic.{ {'text': 'txt'}.get(fmt, fmt)}", result.out)


def test_json_contract_has_its_schema_verdicts_devices_and_summary(cli: Cli) -> None:
    doc = json.loads(cli("check", NO_RENEWAL, "--format", "json").out)
    assert doc["schema"] == "uxa-inspector/check/1"
    assert {"identity-change-reset-missing", "renewal-pageview-missing"} <= rules(doc)
    for verdict in doc["verdicts"]:
        assert {"rule", "severity", "time", "device", "message", "fix", "events"} <= set(verdict)
    (laptop,) = doc["devices"]
    assert {"user_ids", "sessions", "identities", "properties"} <= set(laptop)
    assert doc["summary"]["violation"] == sum(v["severity"] == "violation" for v in doc["verdicts"])
    assert doc["summary"]["failed"] is True


def test_personal_data_is_masked_unless_revealed(cli: Cli) -> None:
    masked = cli("check", LAPTOP, "--format", "json").out
    assert EMAIL not in masked and "freemium-tier" not in masked
    revealed = json.loads(cli("check", LAPTOP, "--format", "json", "--reveal").out)
    assert EMAIL in revealed["devices"][0]["identities"]
    assert revealed["devices"][0]["properties"] == {}  # detached by the second login
    overwrite = next(v for v in revealed["verdicts"] if v["rule"] == "property-overwrite")
    assert overwrite["details"] == {"key": "plan", "old": "freemium-tier", "new": "platinum-tier"}


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "html"])
def test_reveal_unmasks_verdict_messages_in_every_format(cli: Cli, fmt: str) -> None:
    masked = html.unescape(cli("check", LAPTOP, "--format", fmt, "--fail-on", "warning").out)
    revealed = html.unescape(cli("check", LAPTOP, "--format", fmt, "--fail-on", "warning", "--reveal").out)
    for message in (f"Identity looks like an email address: {EMAIL}",
                    "Property 'plan' overwritten: freemium-tier → platinum-tier"):
        assert message in revealed
        assert message not in masked
    assert "Property 'plan' overwritten: f•••r (13 chars) → p•••r (13 chars)" in masked


def test_exit_status_follows_fail_on(cli: Cli) -> None:
    # The laptop capture is correct but identifies with an e-mail address (a warning).
    assert cli("check", LAPTOP).code == 0
    warned = cli("check", LAPTOP, "--fail-on", "warning")
    assert warned.code == 1
    assert "identity-pii-unhashed" in warned.out


def test_a_shorter_deadline_turns_a_slow_renewal_into_a_violation(cli: Cli) -> None:
    # The tag renews 0.4 s after identify: on time for 10 s, late for 0.1 s.
    result = cli("check", LAPTOP, "--deadline", "0.1", "--format", "json")
    assert result.code == 1
    assert "identity-change-reset-missing" in rules(json.loads(result.out))


def test_har_files_become_the_named_devices_and_link_across_devices(cli: Cli) -> None:
    doc = json.loads(cli("check", LAPTOP, PHONE, "--device", "phone", "--format", "json", "--reveal").out)
    assert [d["device"] for d in doc["devices"]] == ["laptop", "phone"]
    linked = [g for g in doc["identity_graph"] if g["identity"] == EMAIL]
    assert linked and linked[0]["devices"] == ["laptop", "phone"]


def test_two_har_files_without_names_stay_two_devices(cli: Cli) -> None:
    doc = json.loads(cli("check", PHONE, PHONE, "--format", "json").out)
    assert len(doc["devices"]) == 2
    assert doc["inputs"][1]["notes"]  # says it renamed the second file's device


def test_malformed_and_truncated_lines_are_reported_and_the_rest_checked(cli: Cli) -> None:
    result = cli("check", NO_RENEWAL, "--format", "json")
    doc = json.loads(result.out)
    errors = doc["inputs"][0]["errors"]
    assert len(errors) == 3  # two bad lines and a truncated last line
    assert all("line" in e for e in errors)
    assert result.err.count("report_no_renewal.jsonl: line ") == 3
    assert doc["summary"]["events"] > 10


def test_an_unreadable_input_is_one_line_and_the_others_are_still_checked(cli: Cli) -> None:
    result = cli("check", "tests/data/no_such_file.jsonl", NOT_A_CAPTURE, NO_RENEWAL, "--format", "json")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    unreadable = [line for line in lines if "no_such_file" in line or "not_a_capture" in line]
    assert len(unreadable) == 2
    doc = json.loads(result.out)
    assert [i["error"] is not None for i in doc["inputs"]] == [True, True, False]
    assert "renewal-pageview-missing" in rules(doc)


def test_junit_is_valid_xml_with_a_failure_per_failing_rule(cli: Cli) -> None:
    root = ET.fromstring(cli("check", NO_RENEWAL, "--format", "junit").out)
    failed = {case.get("name", "").split(":")[0] for case in root.iter("testcase")
              if case.find("failure") is not None}
    assert {"identity-change-reset-missing", "renewal-pageview-missing"} <= failed
    assert int(root.get("failures", "0")) == len(failed)


def test_output_file_and_console_script_exit_codes(tmp_path) -> None:
    out = tmp_path / "result.xml"
    proc = subprocess.run([sys.executable, "-m", "inspector.cli", "check", NO_RENEWAL, "--format", "junit",
                           "-o", str(out)], check=False, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr  # lines were skipped: partial, verdicts still written
    assert proc.stdout == ""
    assert out.read_text().startswith("<?xml")


def test_help_text(capsys: pytest.CaptureFixture[str]) -> None:
    from inspector.cli.main import main
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Several files are one capture" in text and "cross-device" in text


def test_check_all_lists_every_occurrence(cli: Cli, tmp_path: Path) -> None:
    path = noisy_capture(tmp_path)
    assert cli("check", str(path)).out.count("notACommand") == FIRST_OCCURRENCES
    assert cli("check", str(path), "--all").out.count("notACommand") == 12
