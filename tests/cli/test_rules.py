"""The rule reference: a page for every rule id, the same in the terminal, docs/rules and reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from inspector.model.rule_reference import PAGES
from inspector.model.rules import RULES
from inspector.report.rule_docs import rule_files
from tests.cli.conftest import Outcome
from tests.report.golden import ROOT

Cli = Callable[..., Outcome]


def test_every_rule_has_a_page_with_causes_and_fixes() -> None:
    assert set(PAGES) == set(RULES)
    for rule_id, page in PAGES.items():
        assert page.meaning and page.evidence and page.causes and page.fixes, rule_id


def test_docs_rules_is_what_the_generator_writes(tmp_path: Path) -> None:
    docs = ROOT / "docs" / "rules"
    expected = rule_files()
    assert {p.name for p in docs.glob("*.md")} == set(expected), "run: uxa-inspector rules --write docs/rules"
    for name, text in expected.items():
        assert (docs / name).read_text(encoding="utf-8") == text, f"docs/rules/{name} is stale"


def test_the_rules_command_lists_and_explains(cli: Cli, tmp_path: Path) -> None:
    listing = cli("rules")
    assert listing.code == 0 and len(listing.out.splitlines()) == len(RULES)
    assert listing.out.splitlines()[0].split()[1] == "violation"  # most severe first
    page = cli("rules", "reset-identity-no-new-user")
    assert page.code == 0 and page.out.startswith("# `reset-identity-no-new-user`")
    assert "## Usual causes" in page.out and "## What to do" in page.out
    unknown = cli("rules", "no-such-rule")
    assert unknown.code == 2 and "no rule 'no-such-rule'" in unknown.err
    assert cli("rules", "--write", str(tmp_path / "out")).code == 0
    assert (tmp_path / "out" / "README.md").is_file()


def test_check_and_the_html_report_point_to_the_rule_page(cli: Cli, tmp_path: Path) -> None:
    text = cli("check", "tests/data/report_no_renewal.jsonl").out
    assert "about this rule: uxa-inspector rules renewal-pageview-missing" in text
    out = tmp_path / "r.html"
    assert cli("report", "tests/data/report_no_renewal.jsonl", "-o", str(out)).code == 0
    html = out.read_text(encoding="utf-8")
    assert "About this rule" in html and "navigates away right after identify" in html
