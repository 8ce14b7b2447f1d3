"""What fills the GUI thread's longest gaps while the app shows live events (a diagnostic, no row of
the table): ``bench.app``'s live measurement with the window's main handlers timed in GUI-thread CPU
time, then, for every gap of the 10 ms timer whose CPU time passed ``MS``, the handlers that ran in
it and their CPU milliseconds, in order.

    QT_QPA_PLATFORM=offscreen python -m bench.app_turns [--open] FILE [MS]

``--open``: the same for opening ``FILE`` (``bench.app``'s open measurement) rather than streaming it.
``FILE`` is a recording (``bench.parts.check.write_capture``); ``MS`` defaults to 30. What the timed
handlers do not cover in a gap is Qt's own work (layouts, other widgets' paints, the window's flush).
"""

from __future__ import annotations

import bisect
import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import bench.app as measured

HANDLERS = {
    # The last three: a file's open (``--open``).
    "inspector.gui.inspection:Inspection": ("drain", "publish", "_apply_loaded", "_finish_load",
                                            "customEvent"),
    "inspector.gui.main_window:MainWindow": ("_refresh_panels", "_next_part", "_update_status", "_on_steps"),
    "inspector.gui.widgets.timeline_view:TimelineView": ("paintEvent",),
    "inspector.gui.live.listener:Listener": ("_read",),  # not a slot: wrapping one loses sender()
    "inspector.gui.collector:GuiThreadCollector": ("collect_if_due",),
    "inspector.gui.models.timeline_model:TimelineModel": ("append_steps",),
}
# Called by another handler: shown, not added to the gap's sum.
NESTED = {"publish", "append_steps", "_on_steps", "_update_status"}


def _timed(calls: list[tuple[float, float, str]]) -> None:
    import importlib

    for where, names in HANDLERS.items():
        module, cls_name = where.split(":")
        cls = getattr(importlib.import_module(module), cls_name)
        for name in names:
            if not hasattr(cls, name):
                continue
            original = getattr(cls, name)

            def timed(self: Any, *args: Any, _original: Any = original, _name: str = name) -> Any:
                start, cpu = time.perf_counter(), time.thread_time()
                try:
                    return _original(self, *args)
                finally:
                    calls.append((start, time.thread_time() - cpu, _name))

            setattr(cls, name, timed)


def main(argv: list[str]) -> int:
    opening = argv[:1] == ["--open"]
    argv = argv[1:] if opening else argv
    path, over_ms = Path(argv[0]), float(argv[1]) if len(argv) > 1 else 30.0
    calls: list[tuple[float, float, str]] = []
    _timed(calls)
    runs: list[list[tuple[float, float]]] = [[]]  # each timer's ticks: the bare loop's, then the run's
    tick = measured.Gaps._tick

    def noted(self: measured.Gaps) -> None:
        runs[-1].append((time.perf_counter(), time.thread_time()))
        tick(self)

    begin = measured.Gaps.start

    def started(self: measured.Gaps) -> None:
        runs.append([])
        begin(self)

    measured.Gaps._tick = noted  # type: ignore[method-assign]
    measured.Gaps.start = started  # type: ignore[method-assign]
    result = (measured.measure_open if opening else measured.measure_live)(path)
    print(json.dumps({k: round(v, 1) for k, v in result.items()}))
    ticks = runs[2]  # the run's, not the bare loop's nor the searches' after an open
    calls.sort()
    starts = [c[0] for c in calls]
    totals: dict[str, list[float]] = {}
    for _, cpu, name in calls:
        entry = totals.setdefault(name, [0, 0.0, 0.0])
        entry[0] += 1
        entry[1] += cpu
        entry[2] = max(entry[2], cpu)
    for name, (n, total, most) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
        print(f"{name:18s} calls {n:5.0f}  CPU {total * 1000:8.1f} ms  longest {most * 1000:6.1f} ms")
    for (wall_a, cpu_a), (wall_b, cpu_b) in itertools.pairwise(ticks):
        if (cpu_b - cpu_a) * 1000 > over_ms or (wall_b - wall_a) * 1000 > 3 * over_ms:
            first = bisect.bisect_left(starts, wall_a)
            inside = [(name, cpu * 1000) for start, cpu, name in calls[first:] if start < wall_b]
            own = sum(ms for name, ms in inside if name not in NESTED)
            print(f"gap {(wall_b - wall_a) * 1000:6.1f} ms, CPU {(cpu_b - cpu_a) * 1000:5.1f} ms, handlers "
                  f"{own:5.1f} ms: " + ", ".join(f"{name} {ms:.1f}" for name, ms in inside))
    sys.stdout.flush()
    os._exit(0)  # as bench.app: no teardown after a long run


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
