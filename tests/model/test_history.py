"""History: the model's append-only sequences behave exactly like tuples, and earlier versions never
change, however versions branch."""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector.model.history import History

# An operation: (which earlier version to start from, "append" or "last", the value).
operations = st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(["append", "last"]),
                                st.integers(-5, 5)), max_size=60)


@given(operations)
def test_every_version_matches_its_tuple_model_forever(ops: list[tuple[int, str, int]]) -> None:
    versions: list[tuple[History[int], tuple[int, ...]]] = [(History(), ())]
    for pick, op, value in ops:
        base, model = versions[pick % len(versions)]
        if op == "last" and model:
            versions.append((base.with_last(value), (*model[:-1], value)))
        else:
            versions.append((base.append(value), (*model, value)))
    for got, want in versions:
        assert got == want and tuple(got) == want and len(got) == len(want)
        assert list(reversed(got)) == list(reversed(want))
        assert [got[i] for i in range(-len(want), len(want))] == [want[i] for i in range(-len(want), len(want))]
        assert got[-3:] == want[-3:] and got[1::2] == want[1::2]
        assert bool(got) == bool(want) and hash(got) == hash(want)


def test_siblings_of_one_ancestor_do_not_see_each_other() -> None:
    base = History([1, 2]).append(3)
    left, right = base.append(4), base.append(5)
    assert (tuple(base), tuple(left), tuple(right)) == ((1, 2, 3), (1, 2, 3, 4), (1, 2, 3, 5))
    assert tuple(left.append(6)) == (1, 2, 3, 4, 6) and tuple(right.with_last(9)) == (1, 2, 3, 9)


def test_reading_errors_and_equality_are_tuple_like() -> None:
    empty: History[int] = History()
    with pytest.raises(IndexError):
        empty[0]
    with pytest.raises(IndexError):
        History([1])[1]
    with pytest.raises(IndexError):
        empty.with_last(1)
    assert History([1, 2]) == (1, 2) and History([1, 2]) == History([1]).append(2)
    assert History([1, 2]) != [1, 2] and History([1]) != (1, 2)
    assert repr(History([1])) == "History([1])" and 2 in History([1, 2]) and History([1, 2]).index(2) == 1


def test_copies_and_pickles_keep_the_items_only() -> None:
    grown = History(["a"]).append("b")
    _ = grown.append("c")  # the shared list now holds more than ``grown`` shows
    for clone in (copy.deepcopy(grown), copy.copy(grown), pickle.loads(pickle.dumps(grown))):
        assert clone == ("a", "b") and clone.append("z") == ("a", "b", "z")
