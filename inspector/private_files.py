"""Files the tool writes with personal data (recordings, journals, reports, bundles) are its owner's
only. Stdlib only, at the root of the package: the capture child and the reports both use it."""

import contextlib
import os
from pathlib import Path

# Recordings, journals, reports and bundles hold identities: only their owner may read them.
PRIVATE_FILE_MODE = 0o600


def open_private_append(path: Path) -> int:
    """A descriptor appending to ``path``, created 0600 (or tightened to it when it is ours)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    with contextlib.suppress(OSError):  # a file we may write but do not own keeps its mode
        os.fchmod(fd, PRIVATE_FILE_MODE)
    return fd
