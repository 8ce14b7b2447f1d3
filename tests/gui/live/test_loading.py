"""The file loader thread: it never runs ahead of the window, and cancelling it never hangs."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from inspector.decode.sources import LoadedCapture
from inspector.gui.live.loading import AHEAD, CHUNK, LoadWorker
from inspector.wire.envelope import dump_envelope
from tests.support.script import Script


def pages(count: int) -> LoadedCapture:
    script = Script()
    for page in range(1, count + 1):
        script.pageview("u-1", 1, page)
    return LoadedCapture("recording", script.envelopes)


def test_the_worker_waits_for_the_window_before_sending_more(qtbot: QtBot) -> None:
    worker = LoadWorker(Path("unused"), loader=lambda _path: pages(CHUNK * (AHEAD + 2) + 10))
    got: list[int] = []
    worker.chunk.connect(lambda steps: got.append(len(steps)))
    finished: list[object] = []
    worker.done.connect(lambda *args: finished.append(args))
    worker.start()
    try:
        qtbot.waitUntil(lambda: len(got) == AHEAD, timeout=10000)
        qtbot.wait(300)  # time enough to flood the window if it did not wait
        assert len(got) == AHEAD and not finished
        for _ in range(3):
            worker.taken()
        qtbot.waitUntil(lambda: bool(finished), timeout=10000)
        assert got == [CHUNK] * (AHEAD + 2) + [10]
    finally:
        worker.cancel()
        worker.wait(5000)


def test_cancel_wakes_a_worker_waiting_for_the_window(qtbot: QtBot) -> None:
    worker = LoadWorker(Path("unused"), loader=lambda _path: pages(CHUNK * (AHEAD + 1)))
    got: list[int] = []
    worker.chunk.connect(lambda steps: got.append(len(steps)))
    worker.start()
    qtbot.waitUntil(lambda: len(got) == AHEAD, timeout=10000)
    worker.cancel()
    assert worker.wait(5000)
    assert got == [CHUNK] * AHEAD


def test_a_held_worker_waits_until_the_window_has_taken_its_chunk(qtbot: QtBot) -> None:
    worker = LoadWorker(Path("unused"), loader=lambda _path: pages(CHUNK))
    got: list[int] = []
    worker.chunk.connect(lambda steps: got.append(len(steps)))
    worker.hold()  # the window is telling its views and painting
    worker.start()
    try:
        qtbot.wait(300)
        assert got == [] and len(worker.store.steps) < CHUNK  # stopped part way through the chunk
        worker.taken()
        qtbot.waitUntil(lambda: got == [CHUNK], timeout=10000)
    finally:
        worker.cancel()
        worker.wait(5000)


def test_a_held_worker_reads_a_file_whole_only_once_the_window_is_done(qtbot: QtBot, tmp_path: Path) -> None:
    # The second event's number goes back: the recording is read again whole, after the first step.
    script = Script()
    script.pageview("u-1", 1, 1)
    script.pageview("u-1", 1, 2)
    first, second = script.envelopes
    path = tmp_path / "twice.jsonl"
    path.write_text(dump_envelope(first) + "\n" + dump_envelope(second.model_copy(update={"seq": first.seq}))
                    + "\n", encoding="utf-8")
    worker = LoadWorker(path)
    reads: list[int] = []
    worker.read.connect(lambda total, _store: reads.append(total))
    finished: list[object] = []
    worker.done.connect(lambda *args: finished.append(args))
    worker.hold()  # the window is painting the first reading's rows
    worker.start()
    try:
        qtbot.waitUntil(lambda: reads == [2], timeout=10000)
        qtbot.wait(300)  # time enough to read two lines again if it did not wait
        assert reads == [2] and not finished
        worker.taken(0)
        qtbot.waitUntil(lambda: bool(finished), timeout=10000)
        assert reads == [2, 2]
    finally:
        worker.cancel()
        worker.wait(5000)
