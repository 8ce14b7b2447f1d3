"""``uxa-inspector gui [FILE]``: the desktop app (also what ``uxa-inspector`` alone opens)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop app (the default command)",
                                   description="Open UXA Inspector's window, optionally on a recording "
                                               "or a HAR file.")
    parser.add_argument("file", nargs="?", type=Path, help="a recording (.jsonl) or a HAR file to open")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path: Path | None = args.file
    if path is not None and not path.exists():
        print(f"uxa-inspector: {path}: no such file", file=sys.stderr)
        return 2
    try:
        from inspector.gui.app import run as run_app
    except ImportError as exc:  # Qt libraries missing on this machine
        print(f"uxa-inspector: the desktop app cannot start: {exc}", file=sys.stderr)
        return 1
    return run_app(path)
