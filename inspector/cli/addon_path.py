"""``uxa-inspector addon-path``: where the installed mitmproxy addon is, for ``mitmdump -s``."""

from __future__ import annotations

import argparse
from typing import Any

from inspector.cli.helptext import add_command
from inspector.launch.proxy import ADDON_PATH


def register(sub: Any) -> None:
    parser = add_command(
        sub, "addon-path", summary="print the path of the mitmproxy addon (for mitmdump -s)",
        description="Print the path of UXA Inspector's mitmproxy addon, to run it in your own mitmdump. "
                    "That mitmdump must be the one installed beside uxa-inspector (the same Python "
                    "environment).",
        examples=["uxa-inspector addon-path",
                  'uxa-inspector addon-path   # then: mitmdump -s "$(uxa-inspector addon-path)" '
                  "--set uxa_journal=capture.jsonl"],
        exit_codes={0: "printed", 2: "usage error"})
    parser.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    print(ADDON_PATH)
    return 0
