"""An immutable sequence that grows in O(1): the model's histories (pageviews, sessions, property writes).

The model keeps a snapshot after every event and snapshots share their state, so a history cannot be
a list (later events would change earlier snapshots), and copying a tuple on every append makes a long
capture quadratic (a 30,000-pageview session took minutes). ``History`` is a view of the first ``n``
items of a list shared with the histories it grew from, plus its own last item: ``append`` moves the
last item into the shared list (nobody else can see that slot yet) and ``with_last`` swaps it, both
without copying. Only when two histories grow from the same ancestor does the second one copy.

Histories are read from other threads while a worker appends (the GUI reads snapshots that a loader
is still extending): a view never reads past its own length, and ``list.append`` is atomic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")

_NONE: Any = object()  # no last item (an empty history)


class History(Sequence[T], Generic[T]):
    __slots__ = ("_last", "_n", "_shared")

    _shared: list[T]
    _n: int
    _last: T

    def __init__(self, items: Iterable[T] = ()) -> None:
        values = list(items)
        self._last = values.pop() if values else _NONE
        self._shared = values
        self._n = len(values)

    @classmethod
    def _view(cls, shared: list[T], n: int, last: T) -> History[T]:
        view: History[T] = cls.__new__(cls)
        view._shared, view._n, view._last = shared, n, last
        return view

    # ------------------------------------------------------------------ growing

    def append(self, item: T) -> History[T]:
        """This history with ``item`` added at the end (this one is unchanged)."""
        if self._last is _NONE:
            return History._view([], 0, item)
        shared = self._shared
        if len(shared) != self._n:  # a sibling grew from the same ancestor first: branch off
            shared = shared[:self._n]
        shared.append(self._last)
        return History._view(shared, self._n + 1, item)

    def with_last(self, item: T) -> History[T]:
        """This history with its last item replaced by ``item`` (this one is unchanged)."""
        if self._last is _NONE:
            raise IndexError("with_last on an empty history")
        return History._view(self._shared, self._n, item)

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return self._n + (self._last is not _NONE)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if index == -1 and self._last is not _NONE:  # the model's usual read: the latest item
            return self._last
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("history index out of range")
        return self._last if index == self._n else self._shared[index]

    def __iter__(self) -> Iterator[T]:
        yield from islice(self._shared, self._n)
        if self._last is not _NONE:
            yield self._last

    def __reversed__(self) -> Iterator[T]:
        if self._last is not _NONE:
            yield self._last
        for i in range(self._n - 1, -1, -1):
            yield self._shared[i]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, History):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __reduce__(self) -> tuple[type[History[T]], tuple[list[T]]]:
        # Copies and pickles hold the items only, never the shared list or the sentinel.
        return (History, (list(self),))

    def __repr__(self) -> str:
        return f"History({list(self)!r})"
