"""``uxa-inspector gui [FILE]``: the desktop app (also what ``uxa-inspector`` alone opens)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from inspector.cli.helptext import add_command
from inspector.launch.browser import has_display


def register(subparsers: Any) -> None:
    parser = add_command(
        subparsers, "gui", summary="open the desktop app (the default command)",
        description="Open UXA Inspector's window, optionally on a recording or a HAR file.",
        examples=["uxa-inspector", "uxa-inspector gui capture.har", "uxa-inspector gui --demo"],
        exit_codes={0: "the window was closed", 1: "the Qt libraries cannot load",
                    2: "no display, a file that does not exist, or a usage error"})
    parser.add_argument("file", nargs="?", type=Path, help="a recording (.jsonl) or a HAR file to open")
    parser.add_argument("--demo", action="store_true",
                        help="start the built-in demo (shop, sink capture, browser) once the window is up")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path: Path | None = args.file
    if path is not None and not path.exists():
        print(f"uxa-inspector: {path}: no such file", file=sys.stderr)
        return 2
    if no_display():
        print("uxa-inspector: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset).\n"
              "  On a desktop, run it from your session; on a server, try: xvfb-run uxa-inspector\n"
              "  Without a window: 'uxa-inspector demo --headless' plays the demo and prints its verdicts;\n"
              "  'uxa-inspector check FILE' checks a recording or HAR file.", file=sys.stderr)
        return 2
    try:
        from inspector.gui.app import run as run_app
    except ImportError as exc:  # Qt libraries missing on this machine
        print(f"uxa-inspector: the desktop app cannot start: {exc}", file=sys.stderr)
        return 1
    return run_app(path, demo=args.demo)


def no_display() -> bool:
    """Qt would abort without a display (QT_QPA_PLATFORM picks another platform on purpose)."""
    return not os.environ.get("QT_QPA_PLATFORM") and not has_display()
