"""The collector runs rarely inside a bulk load and as before after it, nested or not; what a large
block kept is frozen at its end."""

from __future__ import annotations

import gc

import pytest

from inspector.decode import collection_pace
from inspector.decode.collection_pace import YOUNG_THRESHOLD, bulk_allocation


def test_thresholds_raised_inside_and_restored_after_the_last_nested_block() -> None:
    before = gc.get_threshold()
    with bulk_allocation():
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        with bulk_allocation():
            assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD  # the outer block is still loading
    assert gc.get_threshold() == before


def test_restored_when_the_block_raises() -> None:
    # Whether collection is on is not the block's to change (the app switches it off for good).
    before, enabled = gc.get_threshold(), gc.isenabled()
    try:
        with bulk_allocation():
            raise ValueError("bad file")
    except ValueError:
        pass
    assert gc.get_threshold() == before
    assert gc.isenabled() == enabled


def test_a_block_that_kept_many_objects_freezes_them_and_a_small_one_does_not(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # With automatic collection on, as in a check (an app's window earlier in the process switched it
    # off for good, and the test after this one covers that case).
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    gc.enable()
    try:
        with bulk_allocation():
            kept = [[i] for i in range(10)]
        assert gc.get_freeze_count() == frozen  # no young pass ran: left to the collector
        monkeypatch.setattr(collection_pace, "FREEZE_AFTER", 1)
        with bulk_allocation():
            kept = [[i] for i in range(YOUNG_THRESHOLD + 1000)]  # fills the young generation once
        assert gc.get_freeze_count() >= frozen + len(kept)
    finally:
        if frozen == 0:
            gc.unfreeze()  # as this test found it
        if not enabled:
            gc.disable()


def test_nothing_is_frozen_where_automatic_collection_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collection_pace, "FREEZE_AFTER", 0)
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    gc.disable()  # as the app does (it collects on its GUI thread, and freezes itself)
    try:
        with bulk_allocation():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        if enabled:
            gc.enable()
