"""A recording loaded compact (its lines kept, parsed again when read) reads as the same envelopes."""

from __future__ import annotations

from pathlib import Path

from inspector.decode.compact import CompactEnvelopes, facts_of
from inspector.decode.sources import load_capture
from inspector.wire.envelope import Envelope, dump_envelope, parse_envelope
from inspector.wire.events import Notice, Page, Tick

ROOT = Path(__file__).parent.parent.parent
LAPTOP = ROOT / "tests" / "data" / "report_laptop.jsonl"


def test_a_compact_recording_reads_as_the_same_envelopes_with_the_same_facts() -> None:
    plain, compact = load_capture(LAPTOP), load_capture(LAPTOP, compact=True)
    assert isinstance(compact.envelopes, CompactEnvelopes) and isinstance(plain.envelopes, list)
    assert list(compact.envelopes) == plain.envelopes and len(compact.envelopes) == len(plain.envelopes)
    assert compact.envelopes[3] == plain.envelopes[3] and compact.envelopes[-2:] == plain.envelopes[-2:]
    assert facts_of(compact.envelopes) == facts_of(plain.envelopes)
    assert list(facts_of(compact.envelopes).devices) == list(dict.fromkeys(e.device for e in plain.envelopes))


def test_repeated_sequence_numbers_are_renumbered_alike_compact_or_not(tmp_path: Path) -> None:
    ticks = [dump_envelope(Envelope(seq=i, time=float(i), device="laptop", event=Tick())) for i in range(3)]
    path = tmp_path / "twice.jsonl"
    path.write_text("\n".join(ticks + ticks) + "\n", encoding="utf-8")
    plain, compact = load_capture(path), load_capture(path, compact=True)
    assert [e.seq for e in compact.envelopes] == [e.seq for e in plain.envelopes] == list(range(6))
    assert compact.errors == plain.errors and "renumbered" in compact.errors[-1]


def test_renamed_devices_and_notice_codes_are_noted() -> None:
    envelopes = [Envelope(seq=0, time=0.0, device="a", event=Page(url="https://shop.test/")),
                 Envelope(seq=1, time=1.0, device="b", event=Notice(code="hit-failed", message="blocked"))]
    kept = CompactEnvelopes()
    for env in envelopes:
        kept.append(env, dump_envelope(env))
    moved = kept.renamed({"a": "a@x"})
    assert [e.device for e in moved] == ["a@x", "b"] and [e.device for e in kept] == ["a", "b"]
    assert list(moved.facts.devices) == ["a@x", "b"] and moved.facts.notices["hit-failed"] == 1
    assert moved.facts.kinds == {"page", "notice"}


def test_the_captures_ticks_name_no_device() -> None:
    # A capture with one named device still ticks under "default": that is its clock, not a device.
    kept = CompactEnvelopes([Envelope(seq=0, time=0.0, device="laptop", event=Page(url="https://shop.test/")),
                             Envelope(seq=1, time=5.0, event=Tick())])
    assert list(kept.facts.devices) == ["laptop"] and "tick" in kept.facts.kinds


def test_kept_gives_each_event_as_it_is_kept_without_parsing_it() -> None:
    page = Envelope(seq=0, time=0.0, device="a", event=Page(url="https://shop.test/"))
    tick = Envelope(seq=1, time=1.0, device="a", event=Tick())
    line = dump_envelope(page).encode()
    kept = CompactEnvelopes()
    kept.append(page, line)
    kept.append(tick)  # added as an object: kept as one
    items = list(kept.kept())
    assert items[0] is line and items[1] is tick
    compact = load_capture(LAPTOP, compact=True).envelopes
    assert isinstance(compact, CompactEnvelopes)
    assert all(isinstance(item, bytes | str) for item in compact.kept())
    assert [parse_envelope(item) for item in compact.kept()] == list(compact)
