"""Several sources of live events merged into one increasing numbering per device."""

from __future__ import annotations

from inspector.gui.numbering import SourceNumbering
from inspector.wire.envelope import Envelope
from inspector.wire.events import Tick


def tick(seq: int, device: str = "default") -> Envelope:
    return Envelope(seq=seq, time=float(seq), device=device, event=Tick())


def test_interleaved_sources_keep_increasing_and_a_lone_source_keeps_its_numbers() -> None:
    numbering = SourceNumbering()
    given = [numbering.renumber(tick(seq), source) for seq, source in
             [(0, "capture"), (1, "capture"), (0, "demo"), (2, "capture"), (1, "demo"), (0, "demo")]]
    assert [e.seq for e in given[:5]] == [0, 1, 2, 3, 4]
    assert given[5].seq == 0  # the demo going back on itself: passed on as it is, for the model to refuse
    assert numbering.renumber(tick(7, "laptop"), "capture").seq == 7  # another device: untouched


def test_clear_starts_every_numbering_afresh() -> None:
    numbering = SourceNumbering()
    numbering.renumber(tick(5), "a")
    numbering.clear()
    assert numbering.renumber(tick(0), "b").seq == 0
