"""Rows of a Core result as named tuples, for hot reads that render many attributes of every row.

Reading an attribute of SQLAlchemy's ``Row`` (``row.display_name``) costs about 350 ns — a key lookup through the
result's metadata — where a named tuple's costs about 30 ns. A listed page of 50 customers reads some 25
attributes of each (rendering, masking, the audit's disclosure, names of branches and managers): ≈ 0.3 ms of a
≈ 2.3 ms call (docs/performance.md, "Where a read's time goes", round 7). :func:`plain` turns a result into named
tuples with the same attribute names (≈ 0.35 µs a row, one class per column list); such rows are immutable
tuples, read like the ORM objects whose columns they hold.
"""

from __future__ import annotations

import collections
import functools
from typing import Any

from sqlalchemy.engine import Result


@functools.lru_cache(maxsize=512)
def row_class(keys: tuple[str, ...]) -> Any:
    """The named-tuple class of rows with these column keys (each an identifier not starting with ``_``)."""
    return collections.namedtuple("PlainRow", keys)


def plain(result: Result[Any]) -> list[Any]:
    """Every row of ``result`` as a named tuple (the result is consumed)."""
    make = row_class(tuple(result.keys()))._make
    return list(map(make, result))


def plain_first(result: Result[Any]) -> Any | None:
    """The first row of ``result`` as a named tuple, or None (the result is closed)."""
    keys = tuple(result.keys())
    row = result.first()
    return None if row is None else row_class(keys)._make(row)
