"""A recording read twice (its numbers go back part way: read again whole and renumbered): the views
always read the steps they are told of from the store that judged them, however late the window
takes the loader's news."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from inspector.gui.inspection import Inspection
from inspector.session.engine import Step
from inspector.wire.envelope import dump_envelope
from tests.gui.reading_gate import hold_whole_readings
from tests.support.script import Script


def test_steps_told_after_a_late_first_read_come_from_the_first_readings_store(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script()
    for page in range(1, 6):
        script.pageview("u-1", 1, page)
    # Numbered from 10, then back to 10: the second reading renumbers them from 0.
    envelopes = [env.model_copy(update={"seq": 10 + i}) for i, env in enumerate(script.envelopes)]
    envelopes[-1] = envelopes[-1].model_copy(update={"seq": 10})
    path = tmp_path / "twice.jsonl"
    path.write_text("".join(dump_envelope(env) + "\n" for env in envelopes), encoding="utf-8")
    inspection = Inspection()
    mismatches: list[tuple[int, int, int]] = []

    def check(first: int, steps: list[Step]) -> None:
        for i, step in enumerate(steps, first):
            shown = inspection.envelope_at(i)
            if shown.seq != step.envelope.seq:
                mismatches.append((i, step.envelope.seq, shown.seq))

    inspection.steps_appended.connect(check)
    # The second reading waits, once it has begun, until the window has shown the first one's steps.
    gate = hold_whole_readings(monkeypatch)
    with qtbot.waitSignal(inspection.load_finished, timeout=20000) as finished:
        assert inspection.open_file(path) is not None
        # The window is busy until the loader has begun the second reading: its first news is late.
        assert gate.begun.wait(20)
        qtbot.waitUntil(lambda: inspection.shown == len(envelopes) - 1, timeout=20000)
        gate.go_on.set()
    assert any("renumbered" in e for e in finished.args[0])
    assert mismatches == []
    assert [inspection.envelope_at(i).seq for i in range(inspection.shown)] == list(range(len(envelopes)))
