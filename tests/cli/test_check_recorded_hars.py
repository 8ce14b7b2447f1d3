"""``check`` on HAR files real Chromium recorded (``tests/data/har``): what a CI job checking HARs sees.

A correct tag passes; the tag double's faults the network shows fail with their rule ids; and each
input says, once, that it holds the network only.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.cli.conftest import Outcome

Cli = Callable[..., Outcome]
HARS = "tests/data/har"


@pytest.mark.parametrize("name", ["playwright_clean", "mitmdump_clean"])
def test_a_correct_tag_recorded_in_a_har_passes(cli: Cli, name: str) -> None:
    result = cli("check", f"{HARS}/{name}.har", "--format", "json")
    document = json.loads(result.out)
    bad = [(v["rule"], v["message"]) for v in document["verdicts"] if v["severity"] != "info"]
    assert bad == [] and result.code == 0
    # Sign-out and the account switch: each an identify or resetIdentity the file cannot show.
    assert [v["rule"] for v in document["verdicts"]] == ["user-id-change-inferred"] * 2
    (item,) = document["inputs"]
    assert item["evidence"] == "network-only" and item["inferred_verdicts"] == len(document["verdicts"])


@pytest.mark.parametrize(("name", "rule"), [("playwright_page-gap", "page-number-gap"),
                                            ("mitmdump_no-renewal", "unexpected-user-id-change")])
def test_a_fault_recorded_in_a_har_fails_with_its_rule(cli: Cli, name: str, rule: str) -> None:
    result = cli("check", f"{HARS}/{name}.har", "--format", "json", "--fail-on", "warning")
    assert result.code == 1 and rule in {v["rule"] for v in json.loads(result.out)["verdicts"]}


def test_the_text_says_once_per_input_that_it_is_network_only(cli: Cli) -> None:
    result = cli("check", f"{HARS}/playwright_clean.har", f"{HARS}/mitmdump_clean.har")
    lines = [line for line in result.out.splitlines() if "evidence:" in line]
    assert len(lines) == 2 and all("network only: the page's _uxa calls were not captured" in line
                                   for line in lines)
