"""``uxa-inspector rules [RULE]``: the rule reference in the terminal (and ``--write DIR`` for docs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from inspector.cli.helptext import add_command
from inspector.model.rules import RULES
from inspector.report.files import write_replacing
from inspector.report.rule_docs import rule_files, rule_page


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        subparsers, "rules", summary="explain the verdict rules (what each means, causes, fixes)",
        description="List every verdict rule id, or print one rule's page: what it means, the evidence "
                    "it rests on, the usual causes and what to do.",
        examples=["uxa-inspector rules", "uxa-inspector rules identity-change-reset-missing",
                  "uxa-inspector rules --write docs/rules"],
        exit_codes={0: "printed or written", 2: "an unknown rule id, a folder that cannot be written, or a "
                                                  "usage error"})
    parser.add_argument("rule", nargs="?", help="a rule id (see the list)")
    parser.add_argument("--write", type=Path, metavar="DIR", help="write one Markdown page per rule into DIR")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.write is not None:
        try:
            args.write.mkdir(parents=True, exist_ok=True)
            for name, text in rule_files().items():
                write_replacing(args.write / name, text)
        except OSError as exc:
            print(f"uxa-inspector rules: {args.write}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        return 0
    if args.rule is None:
        width = max(map(len, RULES))
        for rule in sorted(RULES.values(), key=lambda r: (-r.severity.rank, r.id)):
            print(f"{rule.id:<{width}}  {rule.severity.value:<9}  {rule.title}")
        return 0
    if args.rule not in RULES:
        print(f"uxa-inspector rules: no rule {args.rule!r}; 'uxa-inspector rules' lists them",
              file=sys.stderr)
        return 2
    sys.stdout.write(rule_page(args.rule))
    return 0
