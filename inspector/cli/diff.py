"""``uxa-inspector diff A B``: compare two captures of one scenario on identity semantics."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from inspector.cli.check import add_capture_arguments, judge, load_inputs, write_output
from inspector.cli.helptext import add_command
from inspector.cli.progress import bars
from inspector.report.diff import diff_document, diff_runs, render_diff_text


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        subparsers, "diff",
        summary="compare two captures of the same scenario (resets, renewals, overwrites, verdicts)",
        description="Compare two captures (recordings or HAR files) of the same scenario on identity "
                    "semantics: identity commands, user ID resets, sessions, renewal pageviews, "
                    "property overwrites and verdicts. Volatile values are normalised first: user IDs "
                    "and identities become U1, U2... and I1, I2... in order of appearance; times, "
                    "session numbers and cache busters are ignored.",
        examples=["uxa-inspector diff before.jsonl after.jsonl",
                  "uxa-inspector diff release-1.har release-2.har --format json -o diff.json",
                  "uxa-inspector diff laptop.jsonl phone.har --device phone   # one HAR named as a device"],
        exit_codes={0: "same identity behaviour", 1: "the captures differ",
                    2: "a file could not be read, or a usage error"})
    parser.add_argument("a", type=Path, metavar="A", help="the reference capture")
    parser.add_argument("b", type=Path, metavar="B", help="the capture to compare with it")
    add_capture_arguments(parser, several=False)
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text; json has schema uxa-inspector/diff/1)")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="write the result to FILE instead of standard output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with bars(args) as shown:
        # Each is judged by itself: as it is read.
        inputs = load_inputs([args.a, args.b], args.device, "diff", shown, judge_alone=args.deadline)
        if any(item.fatal for item in inputs):
            return 2
        a, b = (judge([item], args.deadline, shown) for item in inputs)
    result = diff_runs(a, b, str(args.a), str(args.b))
    text = (json.dumps(diff_document(result), indent=2, ensure_ascii=False) + "\n"
            if args.format == "json" else render_diff_text(result))
    if not write_output(text, args.output, "diff"):
        return 2
    return 0 if result.same else 1
