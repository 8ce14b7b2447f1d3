"""Writing an output file: whole or not at all, private, and through whatever the user points at.

A regular file (or a new one) is written beside the target and renamed over it, so an interrupted
write never leaves half of it where a good one was; the new file is 0600 (reports, bundles and
recordings hold identities). Anything else is written through, as a shell redirection would: a
device (``/dev/stdout``, ``/dev/full``), a pipe, or the target of a symlink (the link stays a link).
Renaming over those would replace the device node, pipe or link with a plain file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from inspector.private_files import PRIVATE_FILE_MODE


def _replaceable(path: Path) -> bool:
    """A missing path or a regular file that is not a symlink: safe to rename a new file over."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return True


@contextlib.contextmanager
def _beside(path: Path) -> Iterator[IO[bytes]]:
    """A new private file beside ``path``, renamed over it (atomic on one file system) when the block
    ends normally and removed otherwise, so ``path`` is either the old file or the whole new one."""
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), PRIVATE_FILE_MODE)  # mkstemp's mode already; said here on purpose
            yield out
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[IO[bytes]]:
    if _replaceable(path):
        with _beside(path) as out:
            yield out
    else:
        with path.open("wb") as out:
            yield out


@contextlib.contextmanager
def replacing_text(path: Path) -> Iterator[IO[str]]:
    """``open(path, "w")`` for UTF-8 text, with the guarantees above."""
    with _writing(path) as raw, open(raw.fileno(), "w", encoding="utf-8", closefd=False) as out:
        yield out


def write_replacing(path: Path, data: str | bytes) -> None:
    with _writing(path) as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)
