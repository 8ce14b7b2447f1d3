"""Several input files become one capture: their events merged in time order, devices kept apart."""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from inspector.decode.compact import CompactEnvelopes, facts_of
from inspector.model.reference import ModelConfig
from inspector.session.store import CaptureStore
from inspector.wire.envelope import Envelope


class JudgedWhileRead:
    """A recording judged as it is read, for a run that will judge that file alone: each line is then
    parsed once, where reading it and judging it later parsed it twice (a parse is about a third of a
    check's time). ``run_check`` takes the store, once, when it is given exactly the envelopes this
    judged, alone, with the same deadline; any other run judges them afresh."""

    __slots__ = ("_envelopes", "_store", "deadline_s")

    def __init__(self, deadline_s: float) -> None:
        self.deadline_s = deadline_s
        self._store: CaptureStore | None = CaptureStore(ModelConfig(deadline_s=deadline_s), time_travel=False)
        self._envelopes: Sequence[Envelope] | None = None

    def feed(self, envelope: Envelope) -> None:
        """The next envelope of the file, in its order (``load_capture``'s ``on_envelope``)."""
        if self._store is not None and self._envelopes is None:
            self._store.feed(envelope)

    def of(self, envelopes: Sequence[Envelope]) -> JudgedWhileRead:
        """Say which envelopes were fed (all the file kept, in order): no more feeding after this."""
        self._envelopes = envelopes
        return self

    def take(self, envelopes: Sequence[Envelope], deadline_s: float) -> CaptureStore | None:
        """The store that judged exactly ``envelopes`` with ``deadline_s`` (not yet finished), once."""
        store = self._store
        if store is None or envelopes is not self._envelopes or deadline_s != self.deadline_s:
            return None
        self._store = None
        return store


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file given on the command line and what loading it gave."""

    path: str
    kind: str | None = None  # "recording" | "har"; None when it could not be read at all
    # A tuple, or the file's lines (``decode.compact``): read in order, each event once.
    envelopes: Sequence[Envelope] = ()
    # Line-numbered problems the loader skipped (the rest of the file was used).
    errors: tuple[str, ...] = ()
    # Why the file could not be read at all (then it contributes no events).
    fatal: str | None = None
    notes: tuple[str, ...] = field(default=())
    # Lines or entries of the file that could not be read: a check of the rest is only partial.
    skipped: int = 0
    # Its envelopes judged already, as they were read (a file judged by itself: ``JudgedWhileRead``).
    judged: JudgedWhileRead | None = field(default=None, compare=False, repr=False)

    @property
    def devices(self) -> tuple[str, ...]:
        return tuple(facts_of(self.envelopes).devices)


def keep_devices_apart(inputs: Sequence[InputFile]) -> list[InputFile]:
    """Give each file's devices names no earlier file uses, so two HARs never collapse into one device.

    A device name already taken by an earlier file gets the file's name appended; the file notes it.
    """
    taken: set[str] = set()
    out: list[InputFile] = []
    for item in inputs:
        renames = {name: _free_name(name, item.path, taken) for name in item.devices if name in taken}
        taken.update(renames.get(name, name) for name in item.devices)
        if not renames:
            out.append(item)
            continue
        envelopes: Sequence[Envelope]
        if isinstance(item.envelopes, CompactEnvelopes):
            envelopes = item.envelopes.renamed(renames)
        else:
            envelopes = tuple(env.model_copy(update={"device": renames[env.device]}) if env.device in renames
                              else env for env in item.envelopes)
        notes = tuple(f"device '{old}' is also in an earlier file: named '{new}' here"
                      for old, new in renames.items())
        out.append(replace(item, envelopes=envelopes, notes=item.notes + notes))
    return out


def _free_name(name: str, path: str, taken: set[str]) -> str:
    base = f"{name}@{path.rsplit('/', 1)[-1]}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}#{n}", n + 1
    return candidate


def merged(inputs: Sequence[InputFile]) -> Iterator[Envelope]:
    """Every file's events in time order; ties and out-of-order times keep each file's own order."""
    return heapq.merge(*(item.envelopes for item in inputs), key=lambda env: env.time)
