"""Python's garbage collector runs on the GUI thread only, and not while a file loads."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QApplication

from inspector.gui import collector


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_cycles_are_collected_by_the_gui_thread_not_by_another_one(qapp: QApplication) -> None:
    installed = collector.install(qapp)
    assert not gc.isenabled()
    refs: list[weakref.ref[Node]] = []

    def allocate() -> None:  # a worker thread making plenty of garbage, as the loader does
        for _ in range(20_000):
            node = Node()
            refs.append(weakref.ref(node))
            del node

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert all(r() is not None for r in refs)  # nobody collected in the worker thread
    collector.hold()
    try:
        assert installed.collect_if_due() == 0  # held while a file loads
    finally:
        collector.release()
    assert installed.collect_if_due() > 0
    gc.collect()  # what the timer's later passes add up to
    assert all(r() is None for r in refs)


def test_a_due_collection_frees_young_cycles(qapp: QApplication) -> None:
    installed = collector.install(qapp)
    gc.collect()
    refs = []
    for _ in range(gc.get_threshold()[0] + 10):
        node = Node()
        refs.append(weakref.ref(node))
        del node
    assert installed.collect_if_due() > 0
    assert all(r() is None for r in refs)


def test_what_survives_a_pass_is_frozen_until_thawed(qapp: QApplication) -> None:
    # Later passes skip survivors (a live capture's steps are not walked again); a thaw (Clear, a
    # window closing) hands them back, so a cycle that died while frozen is freed after all.
    installed = collector.install(qapp)
    gc.collect()
    kept = Node()
    ref = weakref.ref(kept)
    for _ in range(gc.get_threshold()[0] + 10):
        Node()  # garbage cycles: a pass is due
    assert installed.collect_if_due() > 0
    del kept
    gc.collect()
    assert ref() is not None  # frozen: no pass sees it
    collector.thaw()
    gc.collect()
    assert ref() is None
