"""``uxa-inspector addon-path``: where the installed mitmproxy addon is, for ``mitmdump -s``."""

from __future__ import annotations

import argparse
from typing import Any

from inspector.launch.proxy import ADDON_PATH


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "addon-path", help="print the path of the mitmproxy addon (for mitmdump -s)",
        description="Print the path of UXA Inspector's mitmproxy addon, to run it in your own mitmdump: "
                    'mitmdump -s "$(uxa-inspector addon-path)" --set uxa_journal=FILE. That mitmdump must '
                    "be the one installed beside uxa-inspector (the same Python environment).")
    parser.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    print(ADDON_PATH)
    return 0
