"""``uxa-inspector schema NAME``: print the JSON Schema of a machine-readable output."""

from __future__ import annotations

import argparse
import sys

from inspector.cli.helptext import add_command
from inspector.report.schemas import SCHEMA_FILES, schema_text


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        subparsers, "schema", summary="print the JSON Schema of a JSON output (check, diff)",
        description="Print the JSON Schema (draft 2020-12) that a JSON output of uxa-inspector follows. "
                    "Each JSON output names its schema (\"schema\": \"uxa-inspector/check/1\"); within a "
                    "version keys are only ever added, so a consumer validating against these schemas "
                    "keeps working on newer outputs.",
        examples=["uxa-inspector schema check > check.schema.json", "uxa-inspector schema diff"],
        exit_codes={0: "printed", 2: "an unknown name (usage error)"})
    parser.add_argument("name", choices=sorted(SCHEMA_FILES), help="which output's schema")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(schema_text(args.name))
    return 0
