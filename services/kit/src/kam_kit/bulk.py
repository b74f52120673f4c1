"""Fast plain ``INSERT`` of many rows: compiled once per table, columns and dialect, sent as one DBAPI executemany.

SQLAlchemy's Core executemany builds a parameter dictionary per row and runs every bind processor through its
generic machinery — about ten microseconds a row, which is most of a scan's Python time where it writes hundreds of
thousands of rows (events, search terms, balances). :func:`insert_rows` keeps SQLAlchemy's SQL (the dialect's own
paramstyle and casts) and its bind processors (so values are stored exactly as a Core insert would store them)
but turns each row into a tuple directly.

For inserts whose every non-default column is given in each row (``skip_existing`` adds ``ON CONFLICT (key) DO
NOTHING``, ``replace_existing`` ``ON CONFLICT (key) DO UPDATE`` of the given columns): columns with a Python-side
callable default and ``RETURNING`` stay with SQLAlchemy's own ``insert``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class _Plan:
    sql: str
    getter: Callable[[Mapping], Any]
    width: int
    defaults: tuple[tuple[int, Any], ...]  # (position, value) of scalar defaults of columns a row leaves out
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]

    def parameters(self, rows: Sequence[Mapping]) -> list[tuple]:
        getter, processors = self.getter, self.processors
        if self.width == 1:
            values = [[getter(row)] for row in rows]
        else:
            values = [list(getter(row)) for row in rows]
        if not self.defaults and not processors:
            return [tuple(v) for v in values]
        out = []
        for value in values:
            for position, default in self.defaults:
                value.insert(position, default)
            for position, process in processors:
                value[position] = process(value[position])
            out.append(tuple(value))
        return out


_plans: dict[tuple, _Plan] = {}


def _statement(table: Table, dialect: Dialect, columns: tuple[str, ...], conflict: tuple[str, ...], replace: bool):
    if not conflict:
        return insert(table)
    if dialect.name not in ("sqlite", "postgresql"):
        raise ValueError(f"ON CONFLICT is not supported on {dialect.name}")
    statement = (postgresql if dialect.name == "postgresql" else sqlite).insert(table)
    if not replace:
        return statement.on_conflict_do_nothing(index_elements=list(conflict))
    return statement.on_conflict_do_update(
        index_elements=list(conflict), set_={c: statement.excluded[c] for c in columns if c not in conflict})


def _plan(table: Table, dialect: Dialect, columns: tuple[str, ...], conflict: tuple[str, ...] = (),
          replace: bool = False) -> _Plan:
    key = (id(table), dialect.name, dialect.driver, columns, conflict, replace)
    plan = _plans.get(key)
    if plan is not None:
        return plan
    statement = _statement(table, dialect, columns, conflict, replace)
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    order = list(compiled.positiontup or ())
    if not order:
        raise ValueError(f"{table.name}: insert_rows needs a positional paramstyle, got {dialect.paramstyle}")
    given = [name for name in order if name in columns]
    defaults = []
    for position, name in enumerate(order):
        if name in columns:
            continue
        default = table.c[name].default if name in table.c else None
        if default is None or not default.is_scalar:
            raise ValueError(f"{table.name}: insert_rows needs column {name!r} in every row")
        defaults.append((position, default.arg))
    processors = []
    for position, name in enumerate(order):
        process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((position, process))
    plan = _Plan(sql=compiled.string, getter=operator.itemgetter(*given), width=len(given),
                 defaults=tuple(defaults), processors=tuple(processors))
    _plans[key] = plan
    return plan


def insert_rows_sync(connection: Connection, table: Table, rows: Sequence[Mapping]) -> None:
    """Insert ``rows`` (mappings with the same keys) into ``table`` on a synchronous connection."""
    if not rows:
        return
    plan = _plan(table, connection.dialect, tuple(rows[0]))
    connection.exec_driver_sql(plan.sql, plan.parameters(rows))


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[Mapping], *,
                      skip_existing: Sequence[str] = (), replace_existing: Sequence[str] = ()) -> None:
    """Insert ``rows`` (mappings with the same keys) into ``table`` in the session's transaction. With
    ``skip_existing`` (the columns of a unique key) a row whose key is already stored is left out, silently;
    with ``replace_existing`` it overwrites the stored row's other given columns (an upsert).

    Pending ORM changes are not flushed first (callers writing plain rows have none)."""
    if not rows:
        return
    if skip_existing and replace_existing:
        raise ValueError("skip_existing and replace_existing exclude each other")
    connection = await session.connection()
    plan = _plan(table, connection.dialect, tuple(rows[0]), tuple(skip_existing or replace_existing),
                 bool(replace_existing))
    await connection.exec_driver_sql(plan.sql, plan.parameters(rows))
