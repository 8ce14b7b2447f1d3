"""A recording is written as one ``dump_envelope`` line per envelope, whatever the count."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.report import recording
from inspector.wire.envelope import Envelope, dump_envelope
from inspector.wire.events import Page, Tick


@pytest.mark.parametrize("count", [0, 1, 999, 1000, 1001, 2500])
def test_the_lines_are_those_of_each_envelope_in_order(tmp_path: Path, count: int) -> None:
    envelopes = [Envelope(seq=i, time=float(i), device="laptop",
                          event=Page(url=f"https://shop.test/{i}") if i % 3 else Tick()) for i in range(count)]
    told: list[tuple[int, int]] = []
    out = tmp_path / "saved.jsonl"
    assert recording.write_recording(out, envelopes, lambda done, total: told.append((done, total)), every=500) == count
    assert out.read_bytes() == "".join(dump_envelope(e) + "\n" for e in envelopes).encode()
    assert told == [(done, count) for done in range(500, count + 1, 500)]
