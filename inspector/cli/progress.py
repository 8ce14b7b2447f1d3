"""Progress on stderr for long work (reading, decoding and judging, writing), with rich's bars.

Shown when stderr is a terminal, unless ``--quiet``; ``--progress`` shows it anyway (a CI log that
wants it). Standard output is never touched, so ``check --format json | jq`` stays clean. The bars
are transient: once done, the terminal keeps only what the command printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

Report = Callable[[int], None]


def add_progress_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--progress", action="store_true", default=None,
                       help="show progress on stderr even when it is not a terminal")
    group.add_argument("--quiet", dest="progress", action="store_false",
                       help="no progress on stderr (shown by default on a terminal)")


def wanted(args: argparse.Namespace) -> bool:
    choice: bool | None = getattr(args, "progress", None)
    return sys.stderr.isatty() if choice is None else choice


class Bars:
    """The bars of one command run; every method is a no-op when progress is off."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress

    def reading(self, path: Path) -> Report | None:
        if self._progress is None:
            return None
        try:
            total = path.stat().st_size
        except OSError:
            total = None
        progress = self._progress
        task = progress.add_task(f"reading {path.name}", total=total, unit="bytes")
        return lambda done: progress.update(task, completed=done)

    def judging(self, total_events: int) -> Report | None:
        if self._progress is None:
            return None
        progress = self._progress
        task = progress.add_task("decoding and judging", total=total_events, unit="events")
        return lambda done: progress.update(task, completed=done)

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        if self._progress is None:
            yield
            return
        task = self._progress.add_task(what, total=None, unit="")
        yield
        self._progress.update(task, total=1, completed=1)


@contextmanager
def bars(args: argparse.Namespace) -> Iterator[Bars]:
    if not wanted(args):
        yield Bars(None)
        return
    console = Console(stderr=True, force_terminal=sys.stderr.isatty() or None)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), _Amount(), TimeElapsedColumn())
    # On a terminal the bars vanish when done; in a log (forced) they are written once, at the end.
    # stdout is the result: never let the live display capture it (rich redirects it by default).
    with Progress(*columns, console=console, transient=sys.stderr.isatty(), redirect_stdout=False,
                  redirect_stderr=False) as progress:
        yield Bars(progress)


class _Amount(MofNCompleteColumn):
    """Bytes for reading, a count of events for judging."""

    def render(self, task):  # type: ignore[no-untyped-def]  # rich's own signature
        if task.fields.get("unit") == "bytes":
            return DownloadColumn().render(task)
        return super().render(task) if task.total else ""
