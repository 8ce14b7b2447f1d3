"""``uxa-inspector bundle FILE -o case.zip``: a support bundle without personal data."""

from __future__ import annotations

import argparse
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

from inspector.cli.check import add_capture_arguments, load_inputs, nothing_readable, write_output
from inspector.cli.helptext import add_command
from inspector.cli.progress import bars
from inspector.report.bundle import build_bundle


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        subparsers, "bundle", summary="make a redacted support bundle (zip) of recordings or HAR files",
        description="Make a zip with a manifest, the HTML report, the check result and the capture as "
                    "a recording. Identities, user IDs, property values, e-mail addresses and other "
                    "personal data (also inside URLs, query strings, cookies, headers and bodies) are "
                    "replaced by consistent keyed pseudonyms (HMAC-SHA256 with a random key made for "
                    "this bundle and never stored).",
        examples=["uxa-inspector bundle customer.har -o case.zip",
                  "uxa-inspector bundle laptop.jsonl phone.har --device phone -o case.zip",
                  "uxa-inspector bundle capture.jsonl -o internal.zip --no-redact   # personal data kept"],
        exit_codes={0: "written",
                    2: "an input could not be read (the bundle still holds the others; with none "
                       "readable nothing is written), the output could not be written, or a usage error"})
    add_capture_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="ZIP", help="the zip to write")
    parser.add_argument("--no-redact", action="store_true",
                        help="keep personal data as captured (only for sharing inside your organisation)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with bars(args) as shown:
        inputs = load_inputs(args.files, args.device, "bundle", shown)
        if nothing_readable(inputs, "bundle"):
            return 2
        # A fresh key per bundle, kept in memory only: pseudonyms cannot be reversed or linked across bundles.
        key = None if args.no_redact else secrets.token_bytes(32)
        with shown.step("redacting, judging and writing"):
            bundle = build_bundle(inputs, key, datetime.now(UTC), args.deadline)
            if not write_output(bundle.data, args.output, "bundle"):
                return 2
    what = "redacted" if bundle.redacted else "NOT redacted (--no-redact): it contains personal data"
    print(f"uxa-inspector bundle: wrote {args.output} ({what})", file=sys.stderr)
    return 2 if any(item.fatal for item in inputs) else 0
