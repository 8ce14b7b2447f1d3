"""Every benchmark beside its baseline, measured in the same run, as a table of ratios.

Run: ``python -m bench.run`` (``--big`` adds the 1,000,000-event check; ``--sizes 2000`` for a quick look;
``--no-app`` leaves out the app's rows; ``--only PART ...``). Each part measures its figures and their
baselines and gives its rows (``bench/parts/check.py``, ``bench/app.py`` and the modules of ``PARTS``);
this module only puts them in one table.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
from pathlib import Path

from bench.app import app_rows
from bench.parts import check
from bench.table import Row, table  # Row and table are also imported from here by the parts

# The other parts of the table, each a module with ``rows() -> list[Row]`` (its docstring says what
# it measures against what).
PARTS = {"proxy": "bench.proxy_throughput", "observer": "bench.observer_cost",
         "latency": "bench.live_latency"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    check.add_arguments(parser)
    parser.add_argument("--no-app", action="store_true", help="leave out the app's rows (open, live)")
    parser.add_argument("--only", nargs="+", choices=("check", "app", *PARTS), help="these parts only")
    args = parser.parse_args(argv)
    parts = args.only or ("check", "app", *PARTS)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="uxa-bench-") as workdir:
        if "check" in parts:
            rows += check.rows(args, Path(workdir))
        if "app" in parts and not args.no_app:  # bench/app.py reuses the check's recording of that size
            rows += app_rows(Path(workdir), min(max(check.sizes(args)), 100_000))
    for name in parts:
        if name in PARTS:
            rows += importlib.import_module(PARTS[name]).rows()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
