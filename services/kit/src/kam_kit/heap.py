"""Fewer cyclic garbage collections while a process does bulk work.

CPython's cyclic collector runs a young-generation pass every 700 net container allocations and, as the heap
grows, full passes over every live object. A scan allocates millions of short-lived dicts, Decimals and messages
while holding tens of thousands of rows in its buffers, so at the default thresholds the collector alone took
about 12 s of the main thread's 74 s in a 1 M-customer scan (docs/performance.md) — yet almost nothing it found
was garbage: those objects form no reference cycles and reference counting frees them the moment they are
dropped. :func:`bulk_work` raises the thresholds for its duration (the collector stays on, it just runs less
often) and restores them when the last nested use ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Thresholds while bulk work runs: a young-generation pass every 50,000 net allocations instead of 700.
BULK_THRESHOLDS = (50_000, 20, 100)

_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def bulk_work() -> Iterator[None]:
    """Run the block with :data:`BULK_THRESHOLDS` (process-wide; nested and concurrent uses share them)."""
    global _depth, _saved
    if _depth == 0:
        _saved = gc.get_threshold()
        gc.set_threshold(*BULK_THRESHOLDS)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _saved is not None:
            gc.set_threshold(*_saved)
