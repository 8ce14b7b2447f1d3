"""``uxa-inspector diff``: same scenario, different volatile values = same; a missing renewal = differs."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.cli.conftest import Outcome
from tests.report.golden import assert_golden

Cli = Callable[..., Outcome]
LAPTOP = "tests/data/report_laptop.jsonl"
RERUN = "tests/data/report_laptop_rerun.jsonl"
NO_RENEWAL = "tests/data/report_no_renewal.jsonl"


def test_a_rerun_with_other_user_ids_times_and_cache_busters_is_the_same(cli: Cli) -> None:
    result = cli("diff", LAPTOP, RERUN)
    assert result.code == 0, result.out
    assert result.out.strip().endswith("same identity behaviour")


def test_a_lost_renewal_shows_what_disappeared_and_which_verdicts_appeared(cli: Cli) -> None:
    result = cli("diff", LAPTOP, NO_RENEWAL)
    assert result.code == 1
    assert_golden("diff_laptop_no_renewal.txt", result.out)
    assert "- renewal   renewal pageview for U2" in result.out
    assert "+ violation identity-change-reset-missing on laptop: 0 in A, 1 in B" in result.out


def test_json_diff_matches_its_golden_file(cli: Cli) -> None:
    result = cli("diff", LAPTOP, NO_RENEWAL, "--format", "json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert doc["schema"] == "uxa-inspector/diff/1" and doc["same"] is False
    assert {"renewal", "reset"} <= {i["category"] for d in doc["devices"] for i in d["only_in_a"]}
    assert_golden("diff_laptop_no_renewal.json", result.out)


def test_har_files_named_differently_are_paired_by_order(cli: Cli) -> None:
    result = cli("diff", "tests/data/report_phone.har", "tests/data/report_phone.har",
                 "--device", "phone", "--device", "mobile")
    assert result.code == 0
    assert "paired in order" in result.out


def test_an_unreadable_side_exits_2(cli: Cli) -> None:
    result = cli("diff", LAPTOP, "tests/data/report_not_a_capture.har")
    assert result.code == 2
    assert "report_not_a_capture.har" in result.err
