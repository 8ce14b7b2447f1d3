# PYTHON_ARGCOMPLETE_OK  (argcomplete looks for this marker to offer tab completion)
"""The composition root: ``uxa-inspector [COMMAND]``; with no command, the desktop app.

Each subcommand lives in ``inspector/cli/<name>.py`` with ``register(subparsers)`` adding its
parser (and setting ``func``); imports stay lazy so ``uxa-inspector decode`` never loads Qt.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

import argcomplete

from inspector import __version__
from inspector.cli.helptext import epilog
from inspector.launch import logs

# Subcommand modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "gui", "demo", "capture", "check", "report", "bundle", "diff", "decode", "rules", "schema",
    "selftest", "addon_path",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="uxa-inspector",
        description="Debug Contentsquare identify integrations: capture, decode, check, report.",
        epilog=epilog(
            ["uxa-inspector                        # the desktop app",
             "uxa-inspector demo --headless        # the built-in demo, verdicts printed",
             "uxa-inspector check capture.jsonl    # judge a recording or HAR file (CI)",
             "uxa-inspector COMMAND --help         # each command's options, examples, exit codes"],
            {0: "success (each command's --help says what that means for it)",
             1: "the check failed: a verdict, a difference, a fault missed",
             2: "usage error, or an input or output that cannot be read or written"},
            notes="Tab completion (bash, zsh): eval \"$(register-python-argcomplete uxa-inspector)\""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="more detail on stderr (-v info, -vv debug); the log file is "
                             "~/.local/state/uxa-inspector/log/uxa-inspector.log on Linux")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"inspector.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"inspector.cli.{name}":
                raise
            continue  # that command is not built yet
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argcomplete.autocomplete(parser)  # a no-op unless the shell is asking for completions
    args = parser.parse_args(argv)
    if args.command is None and "gui" in _registered(parser):
        # No command: the desktop app.
        args = parser.parse_args(["gui", *(argv or [])])
    log = logs.configure(args.verbose)
    log.info("uxa-inspector %s: %s", __version__, args.command or "gui")
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        code = int(func(args) or 0)
    except BrokenPipeError:
        # The reader went away (``uxa-inspector rules | head``): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    log.info("exit status %d", code)
    return code


def _registered(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:  # argparse keeps subparsers only here
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


if __name__ == "__main__":
    sys.exit(main())
