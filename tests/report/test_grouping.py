"""Verdicts grouped by rule, most severe first, in text, JSON and HTML; plurals; nothing echoed as markup."""

from __future__ import annotations

import json
import re
from pathlib import Path

from inspector.decode.sources import load_capture
from inspector.model.state import Severity
from inspector.report.capture import InputFile
from inspector.report.check import check_document, run_check
from inspector.report.grouping import FIRST_OCCURRENCES, group_by_rule, plural
from inspector.report.html import render_html
from inspector.report.text import render_text
from tests.report.make_fixtures import Capture

HOSTILE = '<img src=x onerror="alert(1)">'


def noisy_capture(tmp_path: Path, unknown: int = 12) -> Path:
    """A capture with one violation (a malformed push), many warnings of one rule, and a hostile name."""
    c = Capture("laptop")
    for i in range(unknown):
        c.push(f"notACommand{i}")
    c.push("identify", HOSTILE)
    c.push()  # not an array with a command name: command-malformed (a violation)
    path = tmp_path / "noisy.jsonl"
    path.write_text("\n".join(c.lines) + "\n", encoding="utf-8")
    return path


def _run(path: Path):
    loaded = load_capture(path)
    return run_check([InputFile(path=str(path), kind=loaded.kind, envelopes=tuple(loaded.envelopes))])


def test_groups_put_the_most_severe_rule_first_then_the_most_frequent(tmp_path: Path) -> None:
    groups = group_by_rule(_run(noisy_capture(tmp_path)).verdicts)
    assert groups[0].severity == "violation"
    ranks = [Severity(g.severity).rank for g in groups]
    assert ranks == sorted(ranks, reverse=True)
    unknown = next(g for g in groups if g.rule == "command-unknown")
    assert unknown.count == 12 and len(unknown.shown()) == FIRST_OCCURRENCES and unknown.hidden() == 9
    assert len(unknown.shown(every=True)) == 12


def test_text_shows_a_summary_first_and_the_first_few_of_each_rule(tmp_path: Path) -> None:
    run = _run(noisy_capture(tmp_path))
    text = render_text(run)
    first = text.splitlines()[0]
    assert re.match(r"\d+ events, 1 device: 1 violation, \d+ warnings, ", first) and "FAILED" in first
    assert text.splitlines()[-1] == first  # and again where CI logs are read from
    assert "… and 9 more (--all lists every one)" in text
    assert text.count("notACommand") == FIRST_OCCURRENCES
    every = render_text(run, every=True)
    assert every.count("notACommand") == 12 and "more (--all" not in every
    assert text.index("command-malformed") < text.index("command-unknown")


def test_json_groups_index_the_verdicts(tmp_path: Path) -> None:
    run = _run(noisy_capture(tmp_path))
    doc = json.loads(json.dumps(check_document(run)))
    groups = doc["verdict_groups"]
    assert groups[0]["severity"] == "violation"
    unknown = next(g for g in groups if g["rule"] == "command-unknown")
    assert unknown["count"] == 12 == len(unknown["verdicts"])
    assert {doc["verdicts"][i]["rule"] for i in unknown["verdicts"]} == {"command-unknown"}
    assert sorted(i for g in groups for i in g["verdicts"]) == list(range(len(doc["verdicts"])))


def test_html_groups_collapse_put_violations_first_and_count_in_words(tmp_path: Path) -> None:
    html = render_html(_run(noisy_capture(tmp_path)), reveal=True)
    assert html.count('<details class="rule" open>') == len(group_by_rule(_run(noisy_capture(tmp_path)).verdicts))
    assert html.index("command-malformed") < html.index("command-unknown")
    assert "1 violation<" in html and "1 device" in html and "9 more occurrences" in html
    assert "1 violations" not in html


def test_html_escapes_what_the_page_sent_even_when_revealed(tmp_path: Path) -> None:
    html = render_html(_run(noisy_capture(tmp_path)), reveal=True)
    assert HOSTILE not in html and "<img" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def test_plural() -> None:
    assert [plural(n, "violation") for n in (0, 1, 2)] == ["0 violations", "1 violation", "2 violations"]
    assert plural(2, "info", "infos") == "2 infos" and plural(1, "info", "infos") == "1 info"
