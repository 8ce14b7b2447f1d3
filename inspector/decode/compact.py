"""A capture's envelopes kept as their JSON lines, for headless runs over big files.

A validated pydantic ``Envelope`` takes about 3.7 KB; its line about 500 bytes, and bytes are no
work for the garbage collector. ``check``, ``report``, ``bundle`` and ``diff`` read each event once
(in time order, to judge it), so they keep the lines and parse them again when they are read.
What the reports ask of a whole file (its devices, the kinds of events and notices it holds) is
noted once while the file is read, so it costs no second parse.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import overload

from inspector.wire.envelope import Envelope, dump_envelope, parse_envelope
from inspector.wire.events import Notice


@dataclass
class EnvelopeFacts:
    """What reports ask of a whole file: devices (in order first seen), event kinds, notice codes."""

    devices: dict[str, None] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)
    notices: Counter[str] = field(default_factory=Counter)

    def copy(self) -> EnvelopeFacts:
        return EnvelopeFacts(dict(self.devices), set(self.kinds), Counter(self.notices))

    def note(self, env: Envelope) -> None:
        event = env.event
        if event.kind != "tick":  # the capture's clock, under "default" whatever its devices: no device
            self.devices.setdefault(env.device)
        self.kinds.add(event.kind)
        if type(event) is Notice:  # not isinstance: see decode_envelope
            self.notices[event.code] += 1


def facts_of(envelopes: Iterable[Envelope]) -> EnvelopeFacts:
    """The facts of any envelopes: noted at reading for ``CompactEnvelopes``, else worked out now."""
    if isinstance(envelopes, CompactEnvelopes):
        return envelopes.facts
    facts = EnvelopeFacts()
    for env in envelopes:
        facts.note(env)
    return facts


class CompactEnvelopes(Sequence[Envelope]):
    """Envelopes kept as the lines they were read from; reading one parses its line again.

    Items added as objects stay objects (renumbered or renamed events are few)."""

    __slots__ = ("_items", "facts")

    def __init__(self, envelopes: Iterable[Envelope] = ()) -> None:
        self._items: list[bytes | str | Envelope] = []
        self.facts = EnvelopeFacts()
        for env in envelopes:
            self.append(env)

    def append(self, env: Envelope, line: bytes | str | None = None) -> None:
        """Keep ``env``, as ``line`` (the text it was parsed from) when given."""
        self.facts.note(env)
        self._items.append(env if line is None else line)

    def renamed(self, devices: Mapping[str, str]) -> CompactEnvelopes:
        """A copy whose devices are renamed by ``devices`` (the others kept as they are)."""
        out = CompactEnvelopes()
        for item, env in zip(self._items, self, strict=True):
            if env.device in devices:
                moved = env.model_copy(update={"device": devices[env.device]})
                out.append(moved, dump_envelope(moved))
            else:
                out.append(env, None if isinstance(item, Envelope) else item)
        return out

    def copy(self) -> CompactEnvelopes:
        """The events kept now, with their facts: read on another thread while this one grows (the
        lines and envelopes are shared, never changed)."""
        out = CompactEnvelopes()
        out._items = list(self._items)
        out.facts = self.facts.copy()
        return out

    def kept(self) -> Iterator[bytes | str | Envelope]:
        """Each event as it is kept, in order, without parsing it: the line it was read from, or the
        envelope when it was added as one. Events appended while this is read are read too."""
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Envelope: ...

    @overload
    def __getitem__(self, index: slice) -> list[Envelope]: ...

    def __getitem__(self, index: int | slice) -> Envelope | list[Envelope]:
        if isinstance(index, slice):
            return [_envelope(item) for item in self._items[index]]
        return _envelope(self._items[index])

    def __iter__(self) -> Iterator[Envelope]:
        return map(_envelope, self._items)


def _envelope(item: bytes | str | Envelope) -> Envelope:
    # The line was valid when it was read, so it parses again to the same envelope.
    return item if isinstance(item, Envelope) else parse_envelope(item)

