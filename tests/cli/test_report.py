"""``uxa-inspector report``: one self-contained HTML page, masked unless revealed."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from tests.cli.conftest import Outcome
from tests.report.make_fixtures import EMAIL, PLAN_2

Cli = Callable[..., Outcome]
FILES = ("tests/data/report_laptop.jsonl", "tests/data/report_phone.har", "--device", "phone")


class _Refs(HTMLParser):
    """Every attribute that would make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.fetches += [f"{tag}[{k}]={v}" for k, v in attrs if k in ("src", "href", "srcset", "data")]


def test_the_report_is_self_contained_and_has_every_section(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = cli("report", *FILES, "-o", str(out))
    assert result.code == 0, result.err
    page = out.read_text()
    refs = _Refs()
    refs.feed(page)
    assert refs.fetches == []
    assert not {"script", "link", "img", "iframe"} & refs.tags
    assert "url(" not in page and "@import" not in page
    for heading in ("Verdicts", "Device laptop", "Device phone", "Identity timeline", "Sessions",
                    "Property history", "Identity graph"):
        assert f">{heading}<" in page


def test_identities_and_property_values_are_masked_unless_revealed(cli: Cli, tmp_path: Path) -> None:
    masked, revealed = tmp_path / "masked.html", tmp_path / "revealed.html"
    cli("report", *FILES, "-o", str(masked))
    cli("report", *FILES, "-o", str(revealed), "--reveal")
    assert EMAIL not in masked.read_text() and PLAN_2 not in masked.read_text()
    assert re.search(r"j•••m \(25 chars\)", masked.read_text())
    assert EMAIL in revealed.read_text() and PLAN_2 in revealed.read_text()


def test_an_unreadable_input_exits_2_but_the_report_covers_the_rest(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = cli("report", "tests/data/report_laptop.jsonl", "tests/data/report_not_a_capture.har", "-o", str(out))
    assert result.code == 2
    assert "Device laptop" in out.read_text()
    assert "cannot be read" in out.read_text()


def test_an_unwritable_output_is_one_line_and_exit_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("report", *FILES, "-o", str(tmp_path / "no" / "such" / "dir.html"))
    assert result.code == 2
    assert result.err.strip().count("\n") == 0 and "cannot write" in result.err


def test_with_no_readable_input_an_earlier_report_is_left_alone(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("yesterday's report")
    result = cli("report", "tests/data/missing.jsonl", "-o", str(out))
    assert result.code == 2 and "nothing written" in result.err
    assert out.read_text() == "yesterday's report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no partial file left behind
