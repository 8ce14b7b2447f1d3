"""The table ``python -m bench.run`` prints: one row per figure, beside the baseline measured in the
same run, and helpers the parts share (a measurement in a fresh subprocess, its peak memory)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


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


def table(rows: list[Row]) -> str:
    head = ("figure", "value", "baseline", "ratio", "target", "met?")
    body = [(r.figure, f"{r.value:,.1f} {r.unit}", f"{r.baseline:,.1f} {r.unit}", f"{r.ratio:.2f}",
             r.target or "-", {True: "yes", False: "NO", None: "-"}[r.met]) for r in rows]
    widths = [max(len(line[i]) for line in (head, *body)) for i in range(len(head))]
    lines = ("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in (head, *body))
    return "\n".join(lines)


def peak_kb() -> int:
    """This process's peak resident set in KiB. VmHWM, not ru_maxrss: after fork + exec, ru_maxrss
    keeps the parent's size at the fork, which hid the child's own growth."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # no /proc: KiB on Linux, good enough


def in_child(module: str, *args: str) -> dict[str, float]:
    """Run ``python -m MODULE ARGS`` (a part's own measurement) and read the JSON its last line prints:
    a fresh process per figure, so one measurement's heap never inflates the next one's peak."""
    out = subprocess.run([sys.executable, "-m", module, *args],
                         check=True, capture_output=True, text=True, env=os.environ.copy())
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]
