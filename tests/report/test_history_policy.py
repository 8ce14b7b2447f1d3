"""A check keeps less than the app (compact lines, no step per event): what it reports must not change."""

from __future__ import annotations

import json
from pathlib import Path

from bench.bench_model import synthetic_traffic
from inspector.decode.sources import load_capture
from inspector.model.reference import ModelConfig
from inspector.report.capture import InputFile
from inspector.report.check import CheckRun, check_document, run_check
from inspector.report.diff import diff_document, diff_runs, render_diff_text
from inspector.report.html import render_html
from inspector.report.junit import render_junit
from inspector.report.text import render_text
from inspector.session.store import CaptureStore
from inspector.wire.envelope import dump_envelope


def _with_time_travel(item: InputFile) -> CheckRun:
    """The same capture judged by a store that keeps every raw envelope and step, as the app's does."""
    store = CaptureStore(ModelConfig(deadline_s=10.0))
    for raw in item.envelopes:
        store.feed(raw)
    store.finish(item.envelopes[-1].time)
    return CheckRun((item,), store, 10.0)


def test_every_rendering_is_the_same_with_or_without_time_travel(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.jsonl"
    path.write_text("".join(dump_envelope(env) + "\n" for env in synthetic_traffic(600, devices=4)),
                    encoding="utf-8")
    compact = load_capture(path, compact=True)
    lean = run_check([InputFile("synthetic.jsonl", compact.kind, compact.envelopes)])
    full = _with_time_travel(InputFile("synthetic.jsonl", "recording", tuple(load_capture(path).envelopes)))
    assert not lean.store.steps and len(full.store.steps) == 600
    for reveal in (False, True):
        assert json.dumps(check_document(lean, reveal=reveal)) == json.dumps(check_document(full, reveal=reveal))
        assert render_text(lean, reveal=reveal, every=True) == render_text(full, reveal=reveal, every=True)
        assert render_html(lean, reveal=reveal) == render_html(full, reveal=reveal)
    assert render_junit(lean) == render_junit(full)
    other = run_check([InputFile("b.jsonl", "recording", tuple(synthetic_traffic(400, devices=3, seed=3)))])
    assert render_diff_text(diff_runs(lean, other)) == render_diff_text(diff_runs(full, other))
    assert diff_document(diff_runs(other, lean)) == diff_document(diff_runs(other, full))
