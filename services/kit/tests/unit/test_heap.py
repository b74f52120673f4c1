import gc

import pytest
from kam_kit import heap


def test_bulk_work_raises_the_thresholds_and_restores_them_after_the_last_nested_use() -> None:
    before = gc.get_threshold()
    with heap.bulk_work():
        assert gc.get_threshold() == heap.BULK_THRESHOLDS
        with heap.bulk_work():
            assert gc.get_threshold() == heap.BULK_THRESHOLDS
        assert gc.get_threshold() == heap.BULK_THRESHOLDS  # the outer use still runs
        assert gc.isenabled()
    assert gc.get_threshold() == before


def test_bulk_work_restores_the_thresholds_when_the_block_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), heap.bulk_work():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before


def test_the_collector_still_runs_by_itself_during_bulk_work() -> None:
    with heap.bulk_work():
        before = gc.get_stats()[0]["collections"]
        for _ in range(3 * heap.BULK_THRESHOLDS[0]):
            cycle: list = []
            cycle.append(cycle)
        assert gc.get_stats()[0]["collections"] > before


def test_start_up_objects_are_frozen_out_of_later_collections() -> None:
    class Node:
        pass

    kept = Node()
    kept.me = kept  # a cycle the collector would otherwise walk in every full pass
    frozen_before = gc.get_freeze_count()
    try:
        heap.freeze_start_up()
        assert gc.get_freeze_count() > frozen_before
        assert kept not in gc.get_objects()  # tracked generations only: it is in the permanent one
        later = Node()
        later.me = later
        assert later in gc.get_objects(generation=0)
    finally:
        gc.unfreeze()
