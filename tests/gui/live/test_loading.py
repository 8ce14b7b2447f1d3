"""The file loader thread: it never runs ahead of the window, and cancelling it never hangs."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from inspector.decode.sources import LoadedCapture
from inspector.gui.live.loading import AHEAD, CHUNK, LoadWorker
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
