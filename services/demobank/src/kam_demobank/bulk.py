"""Database plumbing of the source part: URL handling and fast bulk loading on SQLite and PostgreSQL.

Bulk rows are tuples in the SQLite-friendly form the generator produces (dates ``'YYYY-MM-DD'``, timestamps
``'YYYY-MM-DD HH:MM:SS.ffffff'``, money as float CNY); the PostgreSQL writer converts them to the driver's types.

* SQLite: the stdlib ``sqlite3`` driver into a temporary file next to the target (``journal_mode=OFF``,
  ``synchronous=OFF`` while loading), secondary indexes built after the data, then WAL mode and an atomic rename,
  so a killed generation never leaves a half-filled database behind. Writes run in a worker thread while the
  next batch is generated.
* PostgreSQL: asyncpg ``COPY`` (binary) inside one transaction; asyncpg is already a workspace dependency and
  psycopg is not.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Date, DateTime, Numeric, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.schema import CreateIndex, CreateTable, DropTable

from kam_demobank import schema


def parse(url: str | URL) -> URL:
    return make_url(url) if isinstance(url, str) else url


def is_sqlite(url: str | URL) -> bool:
    return parse(url).get_backend_name() == "sqlite"


def sqlite_path(url: str | URL) -> Path:
    database = parse(url).database
    if not database or database == ":memory:":
        raise ValueError("the demo source needs a SQLite file, not an in-memory database")
    return Path(database)


def async_url(url: str | URL) -> URL:
    """The same database with the async driver KAM uses (aiosqlite / asyncpg)."""
    parsed = parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValueError(f"unsupported source database {backend!r} (use sqlite or postgresql)")


def async_engine(url: str | URL) -> AsyncEngine:
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        return create_async_engine(target, connect_args={"timeout": 30})
    return create_async_engine(target)


def _asyncpg_dsn(url: str | URL) -> str:
    return parse(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def has_data(url: str | URL) -> bool:
    """True when the source already has its schema and accounts (used to make ``generate`` idempotent)."""
    if is_sqlite(url):
        path = sqlite_path(url)
        if not path.exists():
            return False
        with sqlite3.connect(path) as conn:
            found = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='acct'"
            ).fetchone()
            return bool(found[0]) and conn.execute("SELECT 1 FROM acct LIMIT 1").fetchone() is not None
    import asyncpg

    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        if await conn.fetchval("SELECT to_regclass('acct')") is None:
            return False
        return await conn.fetchval("SELECT EXISTS (SELECT 1 FROM acct)")
    finally:
        await conn.close()


class BulkWriter(Protocol):
    async def begin(self, force: bool) -> None: ...
    async def write(self, table: Table, rows: list[tuple]) -> None: ...
    async def finish(self) -> None: ...
    async def abort(self) -> None: ...


def writer_for(url: str | URL, tables: Sequence[Table] = schema.TABLES) -> BulkWriter:
    return SqliteWriter(sqlite_path(url), tables) if is_sqlite(url) else PostgresWriter(url, tables)


class SqliteWriter:
    def __init__(self, path: Path, tables: Sequence[Table]) -> None:
        self.path = path
        self.tables = tables
        self.tmp = path.with_name(path.name + ".loading")
        self._conn: sqlite3.Connection | None = None
        self._pending: asyncio.Future | None = None
        self._dialect = sqlite.dialect()

    async def begin(self, force: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(self.tmp, check_same_thread=False, isolation_level=None)
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-400000",
            "temp_store=MEMORY",
            "locking_mode=EXCLUSIVE",
        ):
            conn.execute(f"PRAGMA {pragma}")
        for table in self.tables:
            conn.execute(str(CreateTable(table).compile(dialect=self._dialect)))
        conn.execute("BEGIN")
        self._conn = conn

    async def write(self, table: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        await self._drain()
        placeholders = ",".join("?" * len(table.columns))
        sql = f'INSERT INTO "{table.name}" VALUES ({placeholders})'
        self._pending = asyncio.ensure_future(asyncio.to_thread(self._insert, sql, rows))

    def _insert(self, sql: str, rows: list[tuple]) -> None:
        # The cursor is closed here, in the worker thread: left to the caller's thread, its finalisation would
        # reset the shared cached statement while the next batch is stepping it (SQLITE_MISUSE).
        self._conn.executemany(sql, rows).close()

    async def _drain(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            await pending

    async def finish(self) -> None:
        await self._drain()
        conn = self._conn
        conn.execute("COMMIT")

        def build_indexes() -> None:
            for table in self.tables:
                for index in sorted(table.indexes, key=lambda i: i.name):
                    conn.execute(str(CreateIndex(index).compile(dialect=self._dialect)))
            conn.execute("ANALYZE")
            conn.execute("PRAGMA locking_mode=NORMAL")
            conn.execute("PRAGMA journal_mode=WAL")  # readers (the scan) and the live feed's writer coexist

        await asyncio.to_thread(build_indexes)
        conn.close()
        self._conn = None
        for suffix in ("-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        os.replace(self.tmp, self.path)

    async def abort(self) -> None:
        try:
            await self._drain()
        finally:
            if self._conn is not None:
                self._conn.close()
            self.tmp.unlink(missing_ok=True)


def _converter(column: Any) -> Callable[[Any], Any] | None:
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat
    if isinstance(column.type, Date):
        return date.fromisoformat
    if isinstance(column.type, Numeric):
        scale = column.type.scale or 0
        return lambda value: Decimal(f"{value:.{scale}f}")
    return None


def _row_converter(table: Table) -> Callable[[tuple], tuple] | None:
    converters = [_converter(c) for c in table.columns]
    if not any(converters):
        return None
    pairs = list(enumerate(converters))

    def convert(row: tuple) -> tuple:
        return tuple(v if (f is None or v is None) else f(v) for (_, f), v in zip(pairs, row, strict=True))

    return convert


class PostgresWriter:
    def __init__(self, url: str | URL, tables: Sequence[Table]) -> None:
        self.url = url
        self.tables = tables
        self._conn: Any = None
        self._tx: Any = None
        self._converters = {t.name: _row_converter(t) for t in tables}
        self._dialect = postgresql.dialect()

    async def begin(self, force: bool) -> None:
        import asyncpg

        self._conn = await asyncpg.connect(_asyncpg_dsn(self.url))
        self._tx = self._conn.transaction()
        await self._tx.start()
        for table in reversed(self.tables):
            if force:
                await self._conn.execute(str(DropTable(table, if_exists=True).compile(dialect=self._dialect)))
        for table in self.tables:
            await self._conn.execute(str(CreateTable(table).compile(dialect=self._dialect)))

    async def write(self, table: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        convert = self._converters[table.name]
        records = [convert(r) for r in rows] if convert else rows
        await self._conn.copy_records_to_table(
            table.name, records=records, columns=[c.name for c in table.columns]
        )

    async def finish(self) -> None:
        for table in self.tables:
            for index in sorted(table.indexes, key=lambda i: i.name):
                await self._conn.execute(str(CreateIndex(index).compile(dialect=self._dialect)))
        await self._tx.commit()
        for table in self.tables:
            await self._conn.execute(f'ANALYZE "{table.name}"')
        await self._conn.close()

    async def abort(self) -> None:
        if self._conn is not None:
            try:
                await self._tx.rollback()
            finally:
                await self._conn.close()
