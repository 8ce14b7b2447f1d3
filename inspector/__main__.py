"""``python -m inspector`` and the frozen app's entry point (build_app.py).

Usually the CLI. With the launcher's hidden first argument it is the capture child instead: mitmdump's
command line on a lean master holding our addon (capture/master.py). A frozen app has no mitmdump and
no Python to start one with, so it starts itself; source and wheel installs take the same path so that
one path is tested everywhere.
"""

from __future__ import annotations

import sys

from inspector.launch.proxy import CHILD_VERB


def main() -> int:
    if sys.argv[1:2] == [CHILD_VERB]:
        from inspector.capture.master import run_child

        run_child(sys.argv[2:])  # exits by itself on bad options
        return 0
    from inspector.cli.main import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
