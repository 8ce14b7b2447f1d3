"""The shipped JSON Schemas: every golden and fresh JSON output validates; a broken one does not."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from inspector.report.schemas import SCHEMA_FILES, schema
from tests.cli.conftest import Outcome
from tests.report.golden import ROOT

Cli = Callable[..., Outcome]
GOLDEN = ROOT / "tests" / "data" / "golden"


def _validator(name: str) -> jsonschema.protocols.Validator:
    document = schema(name)
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def _golden_json() -> list[Path]:
    return sorted(GOLDEN.glob("*.json"))


def test_there_are_golden_json_files_of_both_outputs() -> None:
    names = {path.name.split("_")[0] for path in _golden_json()}
    assert names == set(SCHEMA_FILES)


@pytest.mark.parametrize("path", _golden_json(), ids=lambda p: p.name)
def test_every_golden_json_output_follows_its_schema(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    name = doc["schema"].split("/")[1]
    _validator(name).validate(doc)


def test_fresh_outputs_with_an_unreadable_input_and_a_har_follow_the_schema(cli: Cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.har"
    broken.write_text("{not json", encoding="utf-8")
    result = cli("check", "tests/data/report_laptop.jsonl", "tests/data/report_phone.har", str(broken),
                 "--device", "phone", "--device", "other", "--format", "json")
    doc = json.loads(result.out)
    assert doc["summary"]["unreadable_inputs"] == 1
    _validator("check").validate(doc)
    diff = cli("diff", "tests/data/report_laptop.jsonl", "tests/data/report_no_renewal.jsonl", "--format", "json")
    _validator("diff").validate(json.loads(diff.out))


@pytest.mark.parametrize(("name", "breakage"), [
    ("check", lambda d: d["summary"].pop("exit_code")),
    ("check", lambda d: d["verdicts"][0].update(severity="fatal")),
    ("check", lambda d: d.update(schema="uxa-inspector/check/2")),
    ("diff", lambda d: d["verdicts"][0].update(in_a=-1)),
    ("diff", lambda d: d.pop("same")),
])
def test_a_document_that_breaks_the_contract_is_rejected(name: str, breakage: Callable[[dict], object]) -> None:
    golden = {"check": "check_laptop_phone.json", "diff": "diff_laptop_no_renewal.json"}[name]
    doc = copy.deepcopy(json.loads((GOLDEN / golden).read_text(encoding="utf-8")))
    breakage(doc)
    with pytest.raises(jsonschema.ValidationError):
        _validator(name).validate(doc)


def test_added_keys_are_allowed_within_a_version() -> None:
    doc = json.loads((GOLDEN / "check_laptop_phone.json").read_text(encoding="utf-8"))
    doc["a_key_from_the_future"] = {"x": 1}
    doc["verdicts"][0]["basis"] = "network"
    _validator("check").validate(doc)


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_the_schema_command_prints_the_shipped_schema(cli: Cli, name: str) -> None:
    result = cli("schema", name)
    assert result.code == 0
    assert json.loads(result.out) == schema(name)


def test_an_unknown_schema_name_is_a_usage_error(cli: Cli) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli("schema", "bundle")
    assert stopped.value.code == 2
