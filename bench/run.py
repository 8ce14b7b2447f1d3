"""Every benchmark beside its baseline, measured in the same run, as a table of ratios.

Run: ``python -m bench.run`` (``--big`` adds the 1,000,000-event size; ``--sizes 2000`` for a quick look).
Each figure is measured in a fresh subprocess per size, so one size's heap never inflates the next's peak.

``check``: ``load_capture`` + ``run_check`` + the JSON document, against the floor of reading the same
file with ``parse_envelope`` (JSON parse + envelope validation) per line, keeping the envelopes.
Targets (issue 16): per-event time at the largest size within 1.3x of at 10k, at least 30k events/s
at 100k, under 2 KB per event.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.app import app_rows

SIZES = (10_000, 100_000)
BIG = 1_000_000
# The other parts of the table, each a module with ``rows() -> list[Row]`` (its docstring says what
# it measures against what).
PARTS = {"proxy": "bench.proxy_throughput", "observer": "bench.observer_cost",
         "latency": "bench.live_latency"}


@dataclass(frozen=True)
class Row:
    figure: str
    value: float
    baseline: float
    unit: str
    target: str
    met: bool | None  # None: no target of its own (context for the other rows)

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("inf")


def write_capture(path: Path, events: int) -> None:
    """A realistic mix (25 devices, identify/reset, property writes, pageviews) as a recording."""
    from bench.bench_model import synthetic_traffic

    with path.open("w", encoding="utf-8") as out:
        for env in synthetic_traffic(events, devices=max(5, events // 2000)):
            out.write(env.model_dump_json() + "\n")


def _peak_kb() -> int:
    """This process's peak resident set in KiB. VmHWM, not ru_maxrss: after fork + exec, ru_maxrss
    keeps the parent's size at the fork, which hid the child's own growth."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # no /proc: KiB on Linux, good enough


def _measure(kind: str, path: Path) -> dict[str, float]:
    """Run in the child: time one pass and its growth of peak memory."""
    from inspector.decode.sources import load_capture
    from inspector.report.capture import InputFile
    from inspector.report.check import check_document, run_check
    from inspector.wire.envelope import parse_envelope

    before = _peak_kb()
    start = time.perf_counter()
    if kind == "baseline":
        with path.open("rb") as handle:
            # Kept, as check keeps them: the floor of memory too, not only of time.
            envelopes = [parse_envelope(line) for line in handle]
        events = len(envelopes)
    else:
        loaded = load_capture(path)
        run = run_check([InputFile(str(path), loaded.kind, tuple(loaded.envelopes), tuple(loaded.errors))])
        json.dumps(check_document(run))
        events = run.events
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "events": events, "peak_kb": _peak_kb() - before}


def _in_child(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.run", "--measure", kind, str(path)],
                         check=True, capture_output=True, text=True, env=os.environ.copy())
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def check_rows(sizes: tuple[int, ...], workdir: Path) -> list[Row]:
    rows: list[Row] = []
    per_event: dict[int, float] = {}
    for size in sizes:
        path = workdir / f"check-{size}.jsonl"
        write_capture(path, size)
        base, check = _in_child("baseline", path), _in_child("check", path)
        base_rate, rate = base["events"] / base["seconds"], check["events"] / check["seconds"]
        per_event[size] = check["seconds"] / check["events"]
        graded = size == 100_000  # the throughput target is set at 100k
        rows.append(Row(f"check {size:,} events/s", rate, base_rate, "ev/s",
                        "≥ 30,000 ev/s" if graded else "", rate >= 30_000 if graded else None))
        rows.append(Row(f"check {size:,} µs/event", per_event[size] * 1e6,
                        base["seconds"] / base["events"] * 1e6, "µs", "", None))
        per_event_b = check["peak_kb"] * 1024 / check["events"]
        rows.append(Row(f"check {size:,} peak bytes/event", per_event_b,
                        base["peak_kb"] * 1024 / base["events"], "B", "< 2,000 B", per_event_b < 2000))
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        growth = per_event[large] / per_event[small]
        rows.append(Row(f"check per-event time {large:,} vs {small:,}", per_event[large] * 1e6,
                        per_event[small] * 1e6, "µs", "ratio ≤ 1.3", growth <= 1.3))
    return rows


def table(rows: list[Row]) -> str:
    head = ("figure", "value", "baseline", "ratio", "target", "met?")
    body = [(r.figure, f"{r.value:,.1f} {r.unit}", f"{r.baseline:,.1f} {r.unit}", f"{r.ratio:.2f}",
             r.target or "-", {True: "yes", False: "NO", None: "-"}[r.met]) for r in rows]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]
    lines = ("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in (head, *body))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="add the 1,000,000-event size")
    parser.add_argument("--sizes", type=int, nargs="+", help="event counts instead of 10k and 100k")
    parser.add_argument("--no-app", action="store_true", help="leave out the app's rows (open, live)")
    parser.add_argument("--only", nargs="+", choices=("check", "app", *PARTS), help="these parts only")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(args.measure[0], Path(args.measure[1]))))
        return 0
    sizes = tuple(args.sizes or SIZES) + ((BIG,) if args.big else ())
    parts = args.only or ("check", "app", *PARTS)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="uxa-bench-") as workdir:
        if "check" in parts:
            rows += check_rows(sizes, Path(workdir))
        if "app" in parts and not args.no_app:
            rows += app_rows(Path(workdir), min(max(sizes), 100_000))  # bench/app.py
    for name in parts:
        if name in PARTS:
            rows += importlib.import_module(PARTS[name]).rows()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
