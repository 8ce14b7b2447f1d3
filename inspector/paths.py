"""Where the project's shipped files live (the observer script, the demo site, icons), and how the
files it writes with personal data are made private to their owner."""

import contextlib
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = PROJECT_ROOT / "resources"

# Recordings, journals, reports and bundles hold identities: only their owner may read them.
PRIVATE_FILE_MODE = 0o600


def open_private_append(path: Path) -> int:
    """A descriptor appending to ``path``, created 0600 (or tightened to it when it is ours)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    with contextlib.suppress(OSError):  # a file we may write but do not own keeps its mode
        os.fchmod(fd, PRIVATE_FILE_MODE)
    return fd
