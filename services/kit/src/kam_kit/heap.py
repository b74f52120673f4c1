"""The cyclic garbage collector in a serving process: start-up objects out of its way, and fewer passes while a
process does bulk work.

:func:`freeze_start_up`: a service that has started holds a few hundred thousand objects it keeps until it stops
— modules, ORM mappings, protobuf descriptors, compiled statements — and every full pass of the collector walked
them all: 50–95 ms with the whole process stopped, a few times a minute under load, which made the p99 of searches
at 200/s (docs/performance.md, "Where a read's time goes"). Frozen after start-up (``gc.freeze``), they are left
out of every later pass.

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


def freeze_start_up() -> None:
    """Collect once, then move every object the start-up left to the collector's permanent generation (call
    when a process has started serving)."""
    gc.collect()
    gc.freeze()


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
