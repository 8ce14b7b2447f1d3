"""``uxa-inspector report FILE -o report.html``: one self-contained HTML page to share."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inspector.cli.check import (
    add_capture_arguments,
    alone,
    judge,
    load_inputs,
    nothing_readable,
    write_output,
)
from inspector.cli.helptext import add_command
from inspector.cli.progress import bars
from inspector.report.html import render_html


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        subparsers, "report", summary="write a self-contained HTML report of recordings or HAR files",
        description="Write one HTML file (no external assets) with the verdicts, the identity timeline, "
                    "sessions, property history and the identity graph. Identities and property values "
                    "are masked unless --reveal is given. Several files are one capture (merged in "
                    "time order, devices kept apart).",
        examples=["uxa-inspector report capture.jsonl -o report.html",
                  "uxa-inspector report laptop.jsonl phone.har --device phone -o report.html",
                  "uxa-inspector report capture.jsonl -o private.html --reveal --title 'Ticket 4711'"],
        exit_codes={0: "written",
                    2: "an input could not be read (the report still covers the others; with none "
                       "readable nothing is written), the output could not be written, or a usage error"})
    add_capture_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help="the HTML file to write")
    parser.add_argument("--reveal", action="store_true",
                        help="show identities and property values (the report then holds personal data)")
    parser.add_argument("--title", default="UXA Inspector report", help="the page title")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with bars(args) as shown:
        inputs = load_inputs(args.files, args.device, "report", shown, alone(args.files, args.deadline))
        if nothing_readable(inputs, "report"):
            return 2
        result = judge(inputs, args.deadline, shown)
        with shown.step("writing"):
            page = render_html(result, reveal=args.reveal, title=args.title)
            if not write_output(page, args.output, "report"):
                return 2
    print(f"uxa-inspector report: wrote {args.output}", file=sys.stderr)
    return 2 if result.unreadable else 0
