"""Build a standalone desktop bundle of UXA Inspector.

Not yet: packaging (PyInstaller/briefcase, signing, the mitmdump child inside the bundle) is its own
issue. Until then, run from source with ``./dev app``.
"""

import sys


def main() -> int:
    print(
        "build_app.py: standalone packaging is not built yet; run from source with ./dev app",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
