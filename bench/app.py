"""The app's part of ``python -m bench.run``: opening a big recording and showing live traffic, in the
real ``MainWindow`` (real widgets, offscreen platform), each beside a baseline measured in the same run.

* open: ``MainWindow.open_file`` of the same file the ``check`` rows use, from the call to the end of
  the load (``load_finished``), against ``check`` of that file (read + judge + JSON: what the app's
  loader has to do at least) and against ``load_capture`` alone (reading). Target (issue 16): under 3 s
  for 100,000 events.
* pauses: the longest gap between two ticks of a 10 ms timer on the GUI thread while the window works,
  against the longest gap of the same timer on a bare Qt event loop in the same process just before
  (what the shared CPU alone costs). Targets: no pause over 100 ms while opening, over 50 ms live.
* repaint: after the open, the median synchronous repaint of the timeline, against a ``QTableView`` of
  the same size over Qt's ``QStandardItemModel`` holding the same texts (Qt's own drawing alone).
* save and report: after the searches, Save (the recording) and Report (HTML) of the open file from
  the window, until the file is written; the longest timer gap meanwhile against the bare loop's.
  Target: no pause over 100 ms.
* live: a separate process streams 2,000 events a second for ``LIVE_SECONDS`` over the real live
  socket (hello, one JSON line per event) into the window's listener, as the capture child does.

Each measurement runs in its own subprocess (``--measure-app``), so one heap never burdens the next.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TICK_MS = 10
BARE_SECONDS = 3.0
LIVE_RATE = 2_000
LIVE_SECONDS = 5.0
OPEN_EVENTS = 100_000
PAINT_ROUNDS = 30


class Gaps:
    """The gaps between ticks of a ``TICK_MS`` timer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self.cpu: list[float] = []  # the GUI thread's own CPU time in each gap
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(now - self._last)
        self.cpu.append(cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu

    def watch(self, over_s: float = 0.1) -> None:
        """For profiling (``UXA_BENCH_PAUSES=1``): a watchdog thread samples the GUI thread's stack
        every 5 ms while it has not ticked for ``over_s``, and prints each such pause's length and
        its most sampled lines of this project (to standard error)."""
        import collections
        import threading
        import traceback

        main = threading.main_thread().ident

        def run() -> None:
            samples: collections.Counter[str] = collections.Counter()
            pause_of = 0.0
            while True:
                time.sleep(0.005)
                last = self._last
                busy = time.perf_counter() - last
                if busy > over_s:
                    pause_of = last
                    frame = sys._current_frames().get(main or 0)
                    for entry in traceback.extract_stack(frame) if frame else []:
                        if "/inspector/" in entry.filename:
                            where = entry.filename.split("/inspector/")[1]
                            samples[f"{where}:{entry.lineno} {entry.name}"] += 1
                elif samples and last != pause_of:
                    length = (self.gaps[-1] if self.gaps else 0) * 1000
                    top = "\n".join(f"  {n * 5:5d} ms {where}" for where, n in samples.most_common(8))
                    print(f"--- pause {length:.0f} ms:\n{top}", file=sys.stderr)
                    samples.clear()

        threading.Thread(target=run, daemon=True).start()

    def start(self) -> None:
        self.gaps.clear()
        self.cpu.clear()
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def stop(self) -> dict[str, float]:
        """The longest gap, the 99th percentile and the number of gaps over 50 and 100 ms (ms); the
        same of the GUI thread's CPU time within each gap (``cpu_``): the part of a pause that is our
        own work, which the neighbours' load on a shared machine stretches but does not make."""
        self.timer.stop()
        ordered, cpu = sorted(self.gaps) or [0.0], sorted(self.cpu) or [0.0]
        return {"max": ordered[-1] * 1000, "p99": ordered[int(len(ordered) * 0.99)] * 1000,
                "over50": sum(1 for g in ordered if g > 0.05), "over100": sum(1 for g in ordered if g > 0.1),
                "ticks": len(ordered), "cpu_max": cpu[-1] * 1000, "cpu_p99": cpu[int(len(cpu) * 0.99)] * 1000,
                "cpu_over50": sum(1 for c in cpu if c > 0.05)}


def spin(until: Any, limit_s: float) -> None:
    """Run the Qt event loop (a real ``QEventLoop.exec``) until ``until()`` or ``limit_s`` passed."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = time.perf_counter() + limit_s

    def check() -> None:
        if until() or time.perf_counter() > deadline:
            loop.quit()

    poll = QTimer()
    poll.setInterval(5)
    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()


def _bare_loop_pause() -> dict[str, float]:
    """The longest timer gap of an idle Qt event loop over ``BARE_SECONDS``: the machine's own jitter."""
    gaps = Gaps()
    gaps.start()
    start = time.perf_counter()
    spin(lambda: time.perf_counter() - start > BARE_SECONDS, BARE_SECONDS + 1)
    return gaps.stop()


def _window() -> Any:
    from PySide6.QtCore import QSettings

    from inspector.gui.main_window import MainWindow
    from inspector.gui.settings import Settings

    store = QSettings(str(Path(tempfile.mkdtemp(prefix="uxa-bench-gui-")) / "s.ini"),
                      QSettings.Format.IniFormat)
    win = MainWindow(Settings(guide_seen=True), store)  # the usual window, not the first-run guide
    win.resize(1400, 850)
    win.show()
    spin(lambda: False, 0.5)  # first paints and the dock sizing timer
    return win


def measure_open(path: Path) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    bare = _bare_loop_pause()
    win = _window()
    done: list[bool] = []
    win.inspection.load_finished.connect(lambda *_a: done.append(True))
    win.inspection.load_failed.connect(lambda *_a: done.append(False))
    gaps = Gaps()
    gaps.start()
    if os.environ.get("UXA_BENCH_PAUSES"):
        gaps.watch()
    start, cpu, gui = time.perf_counter(), time.process_time(), time.thread_time()
    win.open_file(path)
    spin(lambda: bool(done), 600)
    seconds, cpu, gui = time.perf_counter() - start, time.process_time() - cpu, time.thread_time() - gui
    spin(lambda: False, 0.3)  # what the end of the load leaves for the loop (panels, repaint)
    pause = gaps.stop()
    events = win.inspection.events if done == [True] else 0
    paint = _repaint_ms(win.timeline)
    bare_paint = _repaint_ms(_plain_table(win.timeline))
    first, second = _search(win, "identify"), _search(win, "pageview")
    out = Path(tempfile.mkdtemp(prefix="uxa-bench-save-"))
    saved, report = _export(win, "save", out / "saved.jsonl"), _export(win, "report", out / "report.html")
    win.close()
    del app
    return {"seconds": seconds, "cpu_s": cpu, "gui_cpu_s": gui, "events": events, "paint_ms": paint,
            "bare_paint_ms": bare_paint, **_prefixed("search", first), **_prefixed("search2", second),
            **_prefixed("save", saved), **_prefixed("report", report),
            **_prefixed("pause", pause), **_prefixed("bare", bare)}


def _export(win: Any, kind: str, path: Path) -> dict[str, float]:
    """Save (the recording) or Report (HTML) to ``path`` from the window, until the file is written:
    wall and GUI-thread CPU seconds, and the timer gaps meanwhile (a window that writes on its own
    thread, as main did before issue 16's save round, is done when its call returns)."""
    ended: list[bool] = []
    exports = getattr(win, "exports", None)
    if exports is not None:
        exports.finished.connect(lambda ok, _said: ended.append(ok))
    gaps = Gaps()
    gaps.start()
    start, gui = time.perf_counter(), time.thread_time()
    if kind == "save":
        win.save_file(path)
    else:
        win.write_report(path)
    if exports is None:
        ended.append(path.exists())
    spin(lambda: bool(ended), 120)
    seconds, gui = time.perf_counter() - start, time.thread_time() - gui
    spin(lambda: False, 0.05)  # a tick after the end, so that its gap is counted
    return {"s": seconds, "gui_cpu_s": gui, "ok": float(ended == [True]), "bytes": path.stat().st_size,
            **gaps.stop()}


def _search(win: Any, text: str) -> dict[str, float]:
    """A text typed into the filter bar, until the timeline shows the rows it matches: wall and
    GUI-thread CPU seconds, and the most GUI-thread CPU in one gap of a 10 ms timer (ms)."""
    bar, gaps = win.filter_bar, Gaps()
    gaps.start()
    start, gui = time.perf_counter(), time.thread_time()
    bar.text.setText(text)
    bar.apply()  # now, not after the typing pause
    spin(lambda: win.proxy.text == text and not bar.searching(), 120)
    win.timeline.viewport().repaint()
    seconds, gui = time.perf_counter() - start, time.thread_time() - gui
    spin(lambda: False, 0.05)  # a tick after the filter pass, so that its gap is counted
    return {"s": seconds, "gui_cpu_s": gui, "cpu_max": gaps.stop()["cpu_max"], "rows": win.proxy.rowCount()}


def _repaint_ms(view: Any, rounds: int = PAINT_ROUNDS) -> float:
    """The median time of a synchronous repaint of ``view``'s cells."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        view.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def _plain_table(timeline: Any) -> Any:
    """A ``QTableView`` of the timeline's size over Qt's own ``QStandardItemModel`` holding the same
    visible texts: Qt's drawing of those cells with no Python model behind them."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    model = timeline.model()
    first = max(0, timeline.rowAt(0))
    shown = range(first, min(model.rowCount(), first + timeline.viewport().height() // 10 + 1))
    plain = QStandardItemModel(len(shown), model.columnCount())
    for r, row in enumerate(shown):
        for c in range(model.columnCount()):
            plain.setItem(r, c, QStandardItem(str(model.index(row, c).data() or "")))
    view = QTableView()
    view.setModel(plain)
    view.resize(timeline.size())
    view.show()
    spin(lambda: False, 0.2)
    for c in range(model.columnCount()):
        view.setColumnWidth(c, timeline.columnWidth(c))
    view.keep = plain  # type: ignore[attr-defined]  # the model lives as long as the view
    return view


def _prefixed(prefix: str, figures: dict[str, float]) -> dict[str, float]:
    return {f"{prefix}_{name}": value for name, value in figures.items()}


def measure_read(path: Path) -> dict[str, float]:
    from inspector.decode.sources import load_capture

    start = time.perf_counter()
    loaded = load_capture(path)
    return {"seconds": time.perf_counter() - start, "events": len(loaded.envelopes)}


def _stream(port: int, token: str, lines: list[bytes], rate: int) -> None:
    """The capture child's side: hello, then ``rate`` lines a second in 10 ms bursts."""
    from inspector.wire.envelope import Hello, dump_hello

    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(dump_hello(Hello(token=token, pid=os.getpid())).encode() + b"\n")
        per_burst = max(1, rate // 100)
        start = time.perf_counter()
        for i in range(0, len(lines), per_burst):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            sock.sendall(b"".join(lines[i:i + per_burst]))


def measure_live(path: Path) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    bare = _bare_loop_pause()
    win = _window()
    listener = win.controller.connection.listener
    port = listener.listen()
    expected = sum(1 for line in path.open("rb") if line.strip())
    sender = subprocess.Popen([sys.executable, "-m", "bench.app", "--stream", str(port), listener.token,
                               str(path)], env=os.environ.copy())
    gaps = Gaps()
    gaps.start()
    if os.environ.get("UXA_BENCH_PAUSES"):
        gaps.watch(0.05)
    start = time.perf_counter()
    spin(lambda: sender.poll() is not None, LIVE_SECONDS * 4 + 30)
    sent = time.perf_counter() - start
    spin(lambda: win.inspection.store.applied >= expected, 30)  # what is still queued
    behind = time.perf_counter() - start - sent
    pause = gaps.stop()
    applied = win.inspection.store.applied
    sender.wait()
    win.close()
    del app
    return {"seconds": sent, "behind_s": behind, "events": applied, "expected": expected,
            **_prefixed("pause", pause), **_prefixed("bare", bare)}


def _in_child(*args: str) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "bench.app", *args], check=True, capture_output=True,
                         text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def app_rows(workdir: Path, events: int = OPEN_EVENTS) -> list[Any]:
    """The app's rows of the table; the recording of ``check``'s rows is reused when it is there."""
    from bench.parts.check import measure_in_child as check_child
    from bench.parts.check import write_capture
    from bench.table import Row

    path = workdir / f"check-{events}.jsonl"
    if not path.exists():
        write_capture(path, events)
    reading = _in_child("--measure-app", "read", str(path))
    check = check_child("check", path)
    opened = _in_child("--measure-app", "open", str(path))
    live_path = workdir / "app-live.jsonl"
    write_capture(live_path, int(LIVE_RATE * LIVE_SECONDS))
    live = _in_child("--measure-app", "live", str(live_path))
    shown = live["seconds"] + live["behind_s"]
    return [
        Row(f"app open {events:,}: s vs check", opened["seconds"], check["wall"], "s", "< 3 s",
            opened["seconds"] < 3 and opened["events"] > 0),
        Row(f"app open {events:,}: s vs reading the file", opened["seconds"], reading["seconds"], "s", "",
            None),
        # CPU time moves less than wall time on a shared machine; the GUI thread's share is the app's own.
        Row(f"app open {events:,}: CPU s vs check's CPU", opened["cpu_s"], check["seconds"], "s", "", None),
        Row(f"app open {events:,}: GUI-thread CPU s vs the open's", opened["gui_cpu_s"], opened["cpu_s"], "s",
            "", None),
        *_pause_rows(Row, "app open", opened, 100),
        Row(f"app timeline repaint at {events:,} vs Qt's own table", opened["paint_ms"],
            opened["bare_paint_ms"], "ms", "", None),
        # The first search needs every row's summary; the second (another text) only reads them.
        Row(f"app first text search at {events:,}: GUI-thread CPU s vs a second search",
            opened["search_gui_cpu_s"], opened["search2_gui_cpu_s"], "s", "", None),
        Row(f"app first text search at {events:,}: most GUI-thread CPU in one gap vs a second search",
            opened["search_cpu_max"], opened["search2_cpu_max"], "ms", "", None),
        # Save and Report write the file off the GUI thread: the window only takes what is to be written.
        *[Row(f"app {kind} at {events:,}: longest pause vs bare loop", opened[f"{kind}_max"],
              opened["bare_max"], "ms", "< 100 ms", opened[f"{kind}_max"] < 100 and opened[f"{kind}_ok"] == 1)
          for kind in ("save", "report")],
        *[Row(f"app {kind} at {events:,}: most GUI-thread CPU in one gap vs bare loop",
              opened[f"{kind}_cpu_max"], opened["bare_cpu_max"], "ms", "", None)
          for kind in ("save", "report")],
        *_pause_rows(Row, f"app live {LIVE_RATE:,}/s", live, 50),
        Row(f"app live {LIVE_RATE:,}/s: most GUI-thread CPU in one gap vs bare loop",
            live["pause_cpu_max"], live["bare_cpu_max"], "ms", "", None),
        Row(f"app live {LIVE_RATE:,}/s: s to show all vs to send", shown, live["seconds"], "s",
            "ratio ≤ 1.05 (keeps up)",
            live["events"] >= live["expected"] and shown / live["seconds"] <= 1.05),
    ]


def _pause_rows(row: Any, what: str, run: dict[str, float], bound_ms: int) -> list[Any]:
    """Pauses against the bare loop's jitter in the same process: the longest (the target), the
    99th percentile, and how many exceeded the bound (for a machine whose own jitter exceeds it)."""
    return [
        row(f"{what}: longest pause vs bare loop", run["pause_max"], run["bare_max"], "ms",
            f"< {bound_ms} ms", run["pause_max"] < bound_ms),
        row(f"{what}: p99 timer gap vs bare loop", run["pause_p99"], run["bare_p99"], "ms", "", None),
        row(f"{what}: gaps > {bound_ms} ms, of {run['pause_ticks']:,.0f} ticks", run[f"pause_over{bound_ms}"],
            run[f"bare_over{bound_ms}"], "", "", None),
    ]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--stream"]:
        port, token, path = int(argv[1]), argv[2], Path(argv[3])
        lines = [line if line.endswith(b"\n") else line + b"\n" for line in path.open("rb") if line.strip()]
        _stream(port, token, lines, LIVE_RATE)
        return 0
    if argv[:1] == ["--measure-app"]:
        kind, path = argv[1], Path(argv[2])
        measure = {"open": measure_open, "live": measure_live, "read": measure_read}[kind]
        profile_to = os.environ.get("UXA_BENCH_PROFILE")  # cProfile of the GUI thread, to this file
        if profile_to:
            import cProfile

            with cProfile.Profile() as profile:
                result = measure(path)
            profile.dump_stats(profile_to)
        else:
            result = measure(path)
        print(json.dumps(result), flush=True)
        # PySide6 6.12 miscounts references to None/True/False on some calls; its teardown after a long
        # run can abort on that. The figures are printed: leave without the teardown.
        os._exit(0)
    from bench.table import table

    with tempfile.TemporaryDirectory(prefix="uxa-bench-") as workdir:
        print(table(app_rows(Path(workdir))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
