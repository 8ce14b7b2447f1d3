"""The collector runs rarely inside a bulk load and as before after it, nested or not."""

from __future__ import annotations

import gc

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
