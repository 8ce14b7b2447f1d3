"""The benchmark runner's table builds on a tiny size (its figures are not checked: bench/ is for that)."""

from __future__ import annotations

from pathlib import Path

from bench.parts.check import check_rows
from bench.table import table


def test_runner_table_has_a_row_per_figure_and_the_linearity_ratio(tmp_path: Path) -> None:
    rows = check_rows((200, 400), tmp_path, rounds=1)
    text = table(rows)
    assert text.splitlines()[0].split() == ["figure", "value", "baseline", "ratio", "target", "met?"]
    assert len(text.splitlines()) == 1 + len(rows) == 1 + 3 * 2 + 1
    assert "per-event time 400 vs 200" in text
    assert all(row.value > 0 and row.baseline > 0 for row in rows if "bytes" not in row.figure)
