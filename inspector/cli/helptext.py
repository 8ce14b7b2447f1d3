"""The shape every ``--help`` shares: what the command is for, real examples, and its exit codes."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence


def epilog(examples: Sequence[str], exit_codes: Mapping[int, str], notes: str = "") -> str:
    """Help text shown after the options: notes, ``examples:`` one a line, then ``exit status:``."""
    parts = [notes.strip() + "\n"] if notes.strip() else []
    parts.append("examples:\n" + "".join(f"  {example}\n" for example in examples))
    width = max(len(str(code)) for code in exit_codes)
    parts.append("exit status:\n" + "".join(f"  {code:>{width}}  {meaning}\n"
                                             for code, meaning in sorted(exit_codes.items())))
    return "\n".join(parts)


def add_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str, *,
                summary: str, description: str, examples: Sequence[str], exit_codes: Mapping[int, str],
                notes: str = "") -> argparse.ArgumentParser:
    """A subcommand's parser with the project's help layout (one line in the command list)."""
    return subparsers.add_parser(
        name, help=summary, description=description,
        epilog=epilog(examples, exit_codes, notes), formatter_class=argparse.RawDescriptionHelpFormatter)
