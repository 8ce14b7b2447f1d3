"""Writing a file so that an interrupted write never leaves half of it where a good one was."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def _beside(path: Path) -> Iterator[Path]:
    """A path beside ``path`` to write to; renamed over ``path`` (atomic on one file system) when the
    block ends normally, removed otherwise, so ``path`` is either the old file or the whole new one."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        yield partial
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


@contextlib.contextmanager
def replacing_text(path: Path) -> Iterator[IO[str]]:
    """``open(path, "w")`` for UTF-8 text, replacing ``path`` only once everything is written."""
    with _beside(path) as partial, partial.open("w", encoding="utf-8") as out:
        yield out


def write_replacing(path: Path, data: str | bytes) -> None:
    with _beside(path) as partial:
        partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
