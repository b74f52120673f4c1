"""Fast plain ``INSERT`` of many rows: compiled once per table, columns and dialect, sent as one DBAPI executemany.

SQLAlchemy's Core executemany builds a parameter dictionary per row and runs every bind processor through its
generic machinery — about ten microseconds a row, which is most of a scan's Python time where it writes hundreds of
thousands of rows (events, search terms, balances). :func:`insert_rows` keeps SQLAlchemy's SQL (the dialect's own
paramstyle and casts) and its bind processors (so values are stored exactly as a Core insert would store them)
but turns the rows into tuples column by column; on SQLite the default date and time formats are produced by
``isoformat`` (the same text, several times faster).

For inserts whose every non-default column is given in each row (``skip_existing`` adds ``ON CONFLICT (key) DO
NOTHING``, ``replace_existing`` ``ON CONFLICT (key) DO UPDATE`` of the given columns, ``add_to`` adding those
columns to the stored values instead of replacing them — counters and sums): columns with a Python-side callable
default and ``RETURNING`` stay with SQLAlchemy's own ``insert``.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class _Plan:
    sql: str
    getter: Callable[[Mapping], Any]
    width: int
    defaults: tuple[tuple[int, Any], ...]  # (position, value) of scalar defaults of columns a row leaves out
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]

    def parameters(self, rows: Sequence[Mapping]) -> list[tuple]:
        """The DBAPI parameter tuples of ``rows``, built column by column (each processor mapped over its
        column in C rather than called from a Python loop per row)."""
        getter, processors = self.getter, self.processors
        if not self.defaults and not processors:
            return [(getter(row),) for row in rows] if self.width == 1 else list(map(getter, rows))
        columns = [list(map(getter, rows))] if self.width == 1 else [list(c) for c in zip(*map(getter, rows))]
        for position, default in self.defaults:
            columns.insert(position, [default] * len(rows))
        for position, process in processors:
            columns[position] = list(map(process, columns[position]))
        return list(zip(*columns))


def _sqlite_datetime(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """SQLite's default DATETIME format (``YYYY-MM-DD HH:MM:SS.ffffff``, the zone dropped) through
    ``datetime.isoformat`` (C) — the same text SQLAlchemy's formatting builds; anything else goes to SQLAlchemy."""

    def process(value):
        if type(value) is datetime:
            if value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            return value.isoformat(" ", "microseconds")
        return fallback(value)

    return process


def _sqlite_date(fallback: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """SQLite's default DATE format (``YYYY-MM-DD``) through ``date.isoformat``; anything else to SQLAlchemy."""

    def process(value):
        return value.isoformat() if type(value) is date else fallback(value)

    return process


def _processor(type_, dialect: Dialect) -> Callable[[Any], Any] | None:
    impl = type_.dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    if process is None or dialect.name != "sqlite":
        return process
    if isinstance(impl, sqlite.DATETIME) and impl._storage_format == sqlite.DATETIME._storage_format:
        return _sqlite_datetime(process)
    if isinstance(impl, sqlite.DATE) and impl._storage_format == sqlite.DATE._storage_format:
        return _sqlite_date(process)
    return process


_plans: dict[tuple, _Plan] = {}


def _statement(
    table: Table,
    dialect: Dialect,
    columns: tuple[str, ...],
    conflict: tuple[str, ...],
    replace: bool,
    add_to: tuple[str, ...] = (),
):
    if not conflict:
        return insert(table)
    if dialect.name not in ("sqlite", "postgresql"):
        raise ValueError(f"ON CONFLICT is not supported on {dialect.name}")
    statement = (postgresql if dialect.name == "postgresql" else sqlite).insert(table)
    if not replace:
        return statement.on_conflict_do_nothing(index_elements=list(conflict))
    return statement.on_conflict_do_update(
        index_elements=list(conflict),
        set_={
            c: table.c[c] + statement.excluded[c] if c in add_to else statement.excluded[c]
            for c in columns
            if c not in conflict
        },
    )


def _plan(
    table: Table,
    dialect: Dialect,
    columns: tuple[str, ...],
    conflict: tuple[str, ...] = (),
    replace: bool = False,
    add_to: tuple[str, ...] = (),
) -> _Plan:
    key = (id(table), dialect.name, dialect.driver, columns, conflict, replace, add_to)
    plan = _plans.get(key)
    if plan is not None:
        return plan
    statement = _statement(table, dialect, columns, conflict, replace, add_to)
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
        process = _processor(compiled.binds[name].type, dialect)
        if process is not None:
            processors.append((position, process))
    plan = _Plan(
        sql=compiled.string,
        getter=operator.itemgetter(*given),
        width=len(given),
        defaults=tuple(defaults),
        processors=tuple(processors),
    )
    _plans[key] = plan
    return plan


def insert_rows_sync(
    connection: Connection, table: Table, rows: Sequence[Mapping], *, skip_existing: Sequence[str] = ()
) -> None:
    """Insert ``rows`` (mappings with the same keys) into ``table`` on a synchronous connection (``skip_existing``
    as in :func:`insert_rows`)."""
    if not rows:
        return
    plan = _plan(table, connection.dialect, tuple(rows[0]), tuple(skip_existing))
    connection.exec_driver_sql(plan.sql, plan.parameters(rows))


async def insert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping],
    *,
    skip_existing: Sequence[str] = (),
    replace_existing: Sequence[str] = (),
    add_to: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (mappings with the same keys) into ``table`` in the session's transaction. With
    ``skip_existing`` (the columns of a unique key) a row whose key is already stored is left out, silently;
    with ``replace_existing`` it overwrites the stored row's other given columns (an upsert) — but for the
    columns in ``add_to``, whose values are added to the stored ones (a counter, a sum). Each key once in
    ``rows`` (PostgreSQL refuses to update one row twice in a statement).

    Pending ORM changes are not flushed first (callers writing plain rows have none)."""
    if not rows:
        return
    if skip_existing and replace_existing:
        raise ValueError("skip_existing and replace_existing exclude each other")
    if add_to and not replace_existing:
        raise ValueError("add_to needs replace_existing (the key whose stored row is added to)")
    connection = await session.connection()
    plan = _plan(
        table,
        connection.dialect,
        tuple(rows[0]),
        tuple(skip_existing or replace_existing),
        bool(replace_existing),
        tuple(add_to),
    )
    await connection.exec_driver_sql(plan.sql, plan.parameters(rows))


def queue_rows(
    session: AsyncSession | Session,
    table: Table,
    rows: Sequence[Mapping],
    *,
    skip_existing: Sequence[str] = (),
) -> None:
    """Insert ``rows`` into ``table`` when the session's transaction commits, as plain rows (no ORM objects
    and flush): at commit the rows queued for each table go as one executemany, tables in the order they were
    first queued (a parent before its children). Nothing is written if the transaction rolls back. For small
    writes many of which share one transaction (:mod:`kam_kit.groupcommit`, a consumer's batch of events), where
    the ORM's unit of work cost more than the inserts themselves. ``skip_existing`` as in :func:`insert_rows`
    (a row whose key is stored already, or queued before it, is left out)."""
    sync_session = session.sync_session if isinstance(session, AsyncSession) else session
    queued = sync_session.info.setdefault("kam_bulk", {})
    queued.setdefault((table, tuple(skip_existing)), []).extend(rows)


@event.listens_for(Session, "before_commit")
def _insert_queued_rows(session: Session) -> None:
    queued = session.info.pop("kam_bulk", None)
    if queued:
        connection = session.connection()
        for (table, skip_existing), rows in queued.items():
            for same in _by_keys(rows):
                insert_rows_sync(connection, table, same, skip_existing=skip_existing)


@event.listens_for(Session, "after_rollback")
def _drop_queued_rows(session: Session) -> None:
    session.info.pop("kam_bulk", None)


def _by_keys(rows: Sequence[Mapping]) -> list[list[Mapping]]:
    """Runs of rows with the same keys (an executemany needs one column list), in order."""
    return [list(run) for _, run in itertools.groupby(rows, key=tuple)]
