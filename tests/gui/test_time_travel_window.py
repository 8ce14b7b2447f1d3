"""Time travel in the real window after opening a file: the details and the panels show, for any
row, exactly the states the model gave right after that event (and just before it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from bench.bench_model import synthetic_traffic
from inspector.decode.sources import load_capture
from inspector.gui.live.loading import CHUNK
from inspector.gui.main_window import MainWindow
from inspector.session.engine import Engine, Step
from inspector.session.timetravel import EVERY
from inspector.wire.envelope import Envelope, dump_envelope
from tests.gui.test_main_window import new_window, open_and_wait


@pytest.fixture
def window(qtbot: QtBot, store: QSettings) -> Iterator[MainWindow]:
    win = new_window(qtbot, store)
    yield win
    win.controller.close()


def _write(path: Path, envelopes: list[Envelope]) -> Path:
    path.write_text("".join(dump_envelope(env) + "\n" for env in envelopes), encoding="utf-8")
    return path


def _per_event(path: Path) -> list[Step]:
    """The steps the store used to keep: one engine step, with its snapshot, per event."""
    engine = Engine()
    return [engine.feed(env) for env in load_capture(path).envelopes]


def test_clicking_any_row_shows_the_models_state_at_that_event(qtbot: QtBot, window: MainWindow,
                                                                tmp_path: Path) -> None:
    path = _write(tmp_path / "mixed.jsonl", synthetic_traffic(EVERY * 2 + 300, devices=6, seed=5))
    open_and_wait(qtbot, window, path)
    steps = _per_event(path)
    model = window.timeline_model
    assert sum(1 for r in model.rows if r.verdict is None) == len(steps)
    # Rows on both sides of each checkpoint, verdict rows among them, and a spread of the others.
    around = {i for k in (1, 2) for i in range(k * EVERY - 3, k * EVERY + 3)}
    chosen = [i for i, r in enumerate(model.rows) if r.step in around or i % 97 == 0]
    assert any(model.rows[i].verdict is not None for i in chosen)
    clicked = 0
    for i in chosen:
        row = model.rows[i]
        if not window.timeline.select_source_row(i):
            assert row.kind == "tick"  # hidden by default
            continue
        clicked += 1
        assert window.details._current is not None
        shown_row, step, before, after = window.details._current
        expected = steps[row.step]
        assert shown_row is row
        if row.verdict is None:
            assert step is not None and step.envelope == expected.envelope
            previous = steps[row.step - 1].snapshot.devices.get(row.device) if row.step else None
            assert before == previous
        else:
            assert step is None and before == expected.snapshot.devices.get(row.device)
        assert after == expected.snapshot.devices.get(row.device)
        assert window.identity_card.snapshot == expected.snapshot  # the panels' state too
        assert window.identity_card.state() == expected.snapshot.devices.get(row.device)
    assert clicked > 30


def test_a_recording_out_of_order_after_many_events_is_read_again_and_renumbered(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    # Read line by line first (parsed once); a sequence number going back after chunks were shown
    # makes the loader read the file as a whole, so the window shows only that second reading.
    envelopes = synthetic_traffic(CHUNK * 2 + 500, devices=4, seed=2)
    back = envelopes[CHUNK * 2].model_copy(update={"seq": 3})
    path = _write(tmp_path / "twice.jsonl", [*envelopes[:CHUNK * 2], back, *envelopes[CHUNK * 2 + 1:]])
    errors: list[list[str]] = []
    window.inspection.load_finished.connect(lambda found, _kind: errors.append(found))
    open_and_wait(qtbot, window, path)
    assert any("renumbered" in e for e in errors[0])
    loaded = load_capture(path)
    assert len(window.inspection.steps) == len(loaded.envelopes) == len(envelopes)
    assert [r.seq for r in window.timeline_model.rows if r.verdict is None] == [e.seq for e in loaded.envelopes]
    assert window.inspection.shown == len(envelopes)
