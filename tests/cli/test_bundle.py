"""``uxa-inspector bundle``: nothing personal anywhere in the zip, and the capture still means the same."""

from __future__ import annotations

import html
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

import lzstring
import pytest

from inspector.wire.envelope import parse_envelope
from tests.cli.conftest import Outcome
from tests.report.make_fixtures import EMAIL, PERSONAL

Cli = Callable[..., Outcome]
FILES = ("tests/data/report_laptop.jsonl", "tests/data/report_phone.har", "--device", "phone")


def encodings(value: str) -> set[str]:
    """Every way a value could sit in a member's bytes."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=True)[1:-1],
             quote(value, safe=""), quote(value), quote_plus(value), html.escape(value),
             quote(value, safe="").lower(), quote(quote(value, safe=""), safe="")}
    return forms


@pytest.fixture
def bundle(cli: Cli, tmp_path: Path) -> zipfile.ZipFile:
    out = tmp_path / "case.zip"
    result = cli("bundle", *FILES, "-o", str(out))
    assert result.code == 0, result.err
    return zipfile.ZipFile(out)


def test_no_personal_value_survives_in_any_member_in_any_encoding(bundle: zipfile.ZipFile) -> None:
    assert set(bundle.namelist()) == {"manifest.json", "report.html", "check.json", "recording.jsonl"}
    for name in bundle.namelist():
        data = bundle.read(name)
        text = data.decode("utf-8").lower()  # percent-encoding may use either case
        for value in PERSONAL:
            for form in encodings(value):
                assert form.encode() not in data, f"{value!r} found in {name} as {form!r}"
                assert form.lower() not in text, f"{value!r} found in {name} as {form!r} (any case)"


def test_personal_values_inside_compressed_payloads_are_pseudonymised_too(bundle: zipfile.ZipFile) -> None:
    lines = bundle.read("recording.jsonl").decode().splitlines()
    dvars = [parse_envelope(line).event for line in lines if "/dvar?" in line]
    assert dvars
    for request in dvars:
        dv = dict(parse_qsl(urlsplit(request.url).query))["dv"]  # type: ignore[union-attr]
        opened = lzstring.LZString().decompressFromEncodedURIComponent(dv)
        assert "favourite_shop" in opened  # still readable and still the same shape
        assert all(value not in opened for value in PERSONAL)


def test_the_redacted_recording_checks_the_same_and_keeps_the_cross_device_link(
        bundle: zipfile.ZipFile, cli: Cli, tmp_path: Path) -> None:
    original = json.loads(cli("check", *FILES, "--format", "json").out)
    recording = tmp_path / "recording.jsonl"
    recording.write_bytes(bundle.read("recording.jsonl"))
    redacted = json.loads(cli("check", str(recording), "--format", "json", "--reveal").out)
    assert sorted((v["rule"], v["device"]) for v in redacted["verdicts"]) == \
        sorted((v["rule"], v["device"]) for v in original["verdicts"])
    # The same e-mail on both devices got the same pseudonym, so the identity graph still links them.
    linked = [g for g in redacted["identity_graph"] if g["devices"] == ["laptop", "phone"]]
    assert linked and linked[0]["identity"].endswith("@example.invalid")
    assert json.loads(bundle.read("check.json"))["summary"] == redacted["summary"]


def test_manifest_describes_the_bundle_without_its_key(bundle: zipfile.ZipFile) -> None:
    manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["schema"] == "uxa-inspector/bundle/1"
    assert manifest["redacted"] is True
    assert manifest["redaction"]["pseudonyms"]["user"] >= 3
    assert [i["name"] for i in manifest["inputs"]] == ["report_laptop.jsonl", "report_phone.har"]
    for member in manifest["members"]:
        assert len(bundle.read(member["name"])) == member["bytes"]


def test_no_redact_must_be_explicit_and_is_labelled(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "raw.zip"
    result = cli("bundle", *FILES, "-o", str(out), "--no-redact")
    assert result.code == 0
    assert "NOT redacted" in result.err
    archive = zipfile.ZipFile(out)
    assert json.loads(archive.read("manifest.json"))["redacted"] is False
    assert EMAIL in archive.read("recording.jsonl").decode()


def test_an_unreadable_input_still_bundles_the_rest(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "case.zip"
    result = cli("bundle", "tests/data/report_laptop.jsonl", "tests/data/missing.jsonl", "-o", str(out))
    assert result.code == 2
    assert "missing.jsonl" in result.err
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert [i["error"] is None for i in manifest["inputs"]] == [True, False]


def test_with_no_readable_input_no_bundle_is_written(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "case.zip"
    result = cli("bundle", "tests/data/missing.jsonl", "tests/data/report_not_a_capture.har", "-o", str(out))
    assert result.code == 2 and "nothing written" in result.err
    assert not out.exists()
