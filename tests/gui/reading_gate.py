"""Hold the loader's reading of a whole file (``load_capture`` as ``gui.live.loading`` calls it) at
its start until the test lets it go on: a load that stays open for as long as a test needs."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest

from inspector.decode.sources import LoadedCapture, load_capture


@dataclass
class ReadingGate:
    begun: threading.Event = field(default_factory=threading.Event)  # the reading has started
    go_on: threading.Event = field(default_factory=threading.Event)  # set by the test to let it read

    def reading(self, *args: object, **kwargs: object) -> LoadedCapture:
        self.begun.set()
        self.go_on.wait(20)
        return load_capture(*args, **kwargs)  # type: ignore[arg-type]


def hold_whole_readings(monkeypatch: pytest.MonkeyPatch) -> ReadingGate:
    gate = ReadingGate()
    monkeypatch.setattr("inspector.gui.live.loading.load_capture", gate.reading)
    return gate
