"""The columnar copy of the analytical store: a DuckDB file the money reports read (docs/architecture.md, "Engine").

The store's writes stay in the service database (SQLite or PostgreSQL: the consumers' transactions, the outbox
and the processed-event ids need a transactional engine that several processes can write). A report over the
balance and transaction facts is a scan and a group-by over millions of rows, which a columnar engine does several
times faster (docs/performance.md, "The reports on DuckDB"): so the store's tables are copied, in **one snapshot**
of the service database, into a DuckDB file (each table written out as CSV and read in by DuckDB's ``COPY``), and
the reports run there unchanged — the same SQLAlchemy Core statements, through duckdb-engine.

Which one answers a report (:meth:`ColumnarStore.usable`): the copy while it is at most ``max_age`` old (by the
injected clock) and either *current* — no event applied to the store by this process since its snapshot (the
consumers' handlers are watched: :meth:`ColumnarStore.watch`) — or of a large store (its last copy took more than
``quick`` seconds). A small store that has moved on answers quickly itself, so its reports stay live; a large
one answers from the copy, at most ``max_age`` behind. Otherwise the service database answers. Copies are made only while reports are being asked — when there is none, when the
store has changed (at most every ``max(5 s, twice the last copy's time)``) and when the copy is half ``max_age``
old (changes applied by another replica) — so an idle service copies nothing. Every report says its data time
(the latest fact it saw), so what a copy's age leaves out is visible. Each refresh writes a new file
(``<stem>.<generation><suffix>`` beside the configured path) and swaps it in; the previous file is deleted once the
reports reading it are done. DuckDB has no asyncio driver: each report's statements run in a thread of their own,
so the event loop goes on serving meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import logging
import sqlite3
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kam_kit.clock import Clock
from kam_kit.consumer import Batched
from kam_kit.db import Database
from sqlalchemy import Column, Engine, MetaData, Table, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from kam_report.adapters import activity_orm  # noqa: F401 - its tables are part of Base.metadata
from kam_report.adapters.orm import Base

log = logging.getLogger("kam.report.columnar")

#: The service's own bookkeeping, not the store: never copied.
NOT_COPIED = frozenset({"reports", "report_schedules"})
#: What a NULL is in the CSV files between the two engines.
NULL = "\\N"
#: Marks a session whose commit counts as a change of the store.
WATCHED = "kam_report.columnar.watched"
#: Rows per fetch when SQLite's tables are written out.
BATCH = 100_000


def copied_tables() -> list[Table]:
    """The store's tables, as the report service's ORM declares them (facts, dimensions, copies of others')."""
    return [
        t for t in Base.metadata.sorted_tables if t.name not in NOT_COPIED and not t.name.startswith("kam_")
    ]


@dataclass(eq=False)
class Snapshot:
    """One copy: its file, the engine reading it, when it was taken (the clock's time as the copy began)."""

    path: Path
    engine: Engine
    taken: datetime
    seconds: float
    bytes: int
    #: the store's change count (:meth:`ColumnarStore.watch`) as the snapshot began
    changes: int = 0
    readers: int = 0


class ColumnarStore:
    """The DuckDB copy of ``db``'s store at ``path`` (see the module's docstring)."""

    def __init__(
        self,
        db: Database,
        path: Path,
        clock: Clock,
        *,
        max_age: float = 120.0,
        quick: float = 2.0,
        memory_limit: str = "1GB",
    ) -> None:
        self.db = db
        self.path = path
        self.clock = clock
        self.max_age = max_age
        self.quick = quick
        self.memory_limit = memory_limit
        self.current: Snapshot | None = None
        #: events applied to the store by this process (committed), see :meth:`watch`
        self.changes = 0
        self._generation = 0
        self._wanted = asyncio.Event()
        self._refreshing = asyncio.Lock()

    # --- reading --------------------------------------------------------------------------------------------

    def watch(self, handlers: Mapping[type, Any]) -> dict[type, Any]:
        """``handlers`` (a consumer's, plain or :class:`~kam_kit.consumer.Batched`) counting each transaction that
        applied events to the store once it has committed."""

        def counted(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            async def apply(session: AsyncSession, *args: Any) -> Any:
                result = await handler(session, *args)
                if not session.info.get(WATCHED):  # once per transaction
                    session.info[WATCHED] = True
                    event.listen(session.sync_session, "after_commit", self._count, once=True)
                return result

            return apply

        return {
            message: Batched(counted(h.handler)) if isinstance(h, Batched) else counted(h)
            for message, h in handlers.items()
        }

    def _count(self, _session: Any) -> None:
        self.changes += 1

    def usable(self) -> Snapshot | None:
        """The copy if it may answer now (see the module's docstring); asks for a new one when it should."""
        snapshot = self.current
        if snapshot is None:
            self._wanted.set()
            return None
        age = (self.clock.now() - snapshot.taken).total_seconds()
        current = snapshot.changes == self.changes
        if age >= self.max_age / 2 or (not current and age >= max(5.0, 2 * snapshot.seconds)):
            self._wanted.set()
        if age > self.max_age or (not current and snapshot.seconds <= self.quick):
            return None
        return snapshot

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[ThreadSession | None]:
        """A read session on the copy, or None when the copy may not answer (then read the service database)."""
        snapshot = self.usable()
        if snapshot is None:
            yield None
            return
        snapshot.readers += 1
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kam-columnar")
        session = Session(snapshot.engine)
        try:
            yield ThreadSession(session, executor)
        finally:
            await asyncio.get_running_loop().run_in_executor(executor, session.close)
            executor.shutdown(wait=False)
            snapshot.readers -= 1
            if snapshot is not self.current and snapshot.readers == 0:
                _retire(snapshot)

    # --- refreshing -----------------------------------------------------------------------------------------

    async def keep_fresh(self) -> None:
        """Background job: remove the files a previous process left, then copy whenever :meth:`usable` asked."""
        for stale in self.path.parent.glob(f"{self.path.stem}.*{self.path.suffix}*"):
            stale.unlink(missing_ok=True)
        while True:
            await self._wanted.wait()
            try:
                await self.refresh()
            except Exception:  # the store is still served from the service database; try again later
                log.exception("columnar copy failed")
                await asyncio.sleep(min(self.max_age / 2, 30))

    async def refresh(self) -> Snapshot:
        """Copy the store now (one at a time) and swap the copy in."""
        async with self._refreshing:
            taken, changes = self.clock.now(), self.changes
            began = time.perf_counter()
            self._generation += 1
            target = self.path.with_name(f"{self.path.stem}.{self._generation}{self.path.suffix}")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tables = copied_tables()
            try:
                with tempfile.TemporaryDirectory(
                    dir=self.path.parent, prefix=f".{self.path.stem}-csv-"
                ) as tmp:
                    directory = Path(tmp)
                    await self.export(tables, directory)
                    await asyncio.to_thread(_load, target, tables, directory, self.memory_limit)
            except BaseException:
                for path in (target, target.with_name(target.name + ".wal")):
                    path.unlink(missing_ok=True)
                raise
            engine = create_engine(
                f"duckdb:///{target}",
                connect_args={"read_only": True, "config": {"memory_limit": self.memory_limit}},
            )
            seconds = time.perf_counter() - began
            snapshot = Snapshot(target, engine, taken, seconds, target.stat().st_size, changes)
            self.forget()
            self.current = snapshot
            # asked for while this one was made: it answers them (what changed meanwhile asks again)
            self._wanted.clear()
            log.info(
                "columnar copy refreshed",
                extra={"seconds": round(snapshot.seconds, 2), "bytes": snapshot.bytes, "file": target.name},
            )
            return snapshot

    async def export(self, tables: list[Table], directory: Path) -> None:
        """Every table as CSV (header line, NULL as ``\\N``), all read in one snapshot of the service database."""
        if self.db.is_sqlite:
            database = make_url(self.db.url).database or ""
            await asyncio.to_thread(_export_sqlite, database, tables, directory)
            return
        async with self.db.read() as session:
            connection = await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            raw = (await connection.get_raw_connection()).driver_connection
            for table in tables:
                await raw.copy_from_query(
                    _select_all(table),
                    output=str(directory / f"{table.name}.csv"),
                    format="csv",
                    header=True,
                    null=NULL,
                )

    def forget(self) -> None:
        """Drop the copy (the service database was replaced: a restore): reports read the service database until
        the next copy; its file goes once the reports reading it are done."""
        previous, self.current = self.current, None
        if previous is not None and previous.readers == 0:
            _retire(previous)

    async def close(self) -> None:
        self.forget()


class ThreadSession:
    """What the reports call of an ``AsyncSession`` (``execute``, ``scalar``, ``scalars``), over a synchronous
    session on the copy: each statement runs, and its rows are fetched, in the session's own thread."""

    def __init__(self, session: Session, executor: ThreadPoolExecutor) -> None:
        self._session = session
        self._executor = executor

    async def _run(self, call: Callable[[], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        frozen = await self._run(lambda: self._session.execute(statement, *args, **kwargs).freeze())
        return frozen()

    async def scalar(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        return await self._run(lambda: self._session.scalar(statement, *args, **kwargs))

    async def scalars(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        return (await self.execute(statement, *args, **kwargs)).scalars()

    async def stream(self, statement: Any, *args: Any, **kwargs: Any) -> _ThreadPartitions:
        """``AsyncSession.stream``: the rows fetched in batches (``partitions``), each in the session's thread."""
        result = await self._run(lambda: self._session.execute(statement, *args, **kwargs))
        return _ThreadPartitions(result, self._run)


class _ThreadPartitions:
    """``AsyncResult.partitions`` over a synchronous result read in the session's thread."""

    def __init__(self, result: Any, run: Callable[[Callable[[], Any]], Any]) -> None:
        self._result = result
        self._run = run

    async def partitions(self, size: int | None = None) -> AsyncIterator[Any]:
        batches = self._result.partitions(size)
        while (batch := await self._run(lambda: next(batches, None))) is not None:
            yield batch


def _select_all(table: Table) -> str:
    listed = ", ".join(f'"{column.name}"' for column in table.columns)
    return f'SELECT {listed} FROM "{table.name}"'


def _export_sqlite(database: str, tables: list[Table], directory: Path) -> None:
    """SQLite's tables as CSV in one read transaction (WAL: a snapshot the writers do not disturb)."""
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None)
    try:
        source.execute("BEGIN")
        for table in tables:
            with (directory / f"{table.name}.csv").open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([column.name for column in table.columns])
                cursor = source.execute(_select_all(table))
                while rows := cursor.fetchmany(BATCH):
                    writer.writerows([NULL if value is None else value for value in row] for row in rows)
        source.execute("ROLLBACK")
    finally:
        source.close()


def _load(target: Path, tables: list[Table], directory: Path, memory_limit: str) -> None:
    """A new DuckDB file with the tables' columns as the ORM declares them, each filled by ``COPY`` from its CSV
    file. Without their keys and indexes: the copy is only scanned (DuckDB's indexes serve point lookups), and
    building a key's index held every key in memory — over the 1 GB limit for the 8.5 M balance facts of a
    1,000,000-customer bank. Rows are loaded in no particular order (``preserve_insertion_order``: less memory)."""
    target.unlink(missing_ok=True)
    config = {"memory_limit": memory_limit, "preserve_insertion_order": False}
    engine = create_engine(f"duckdb:///{target}", connect_args={"config": config})
    columns_only = MetaData()
    for table in tables:
        Table(table.name, columns_only, *(Column(column.name, column.type) for column in table.columns))
    try:
        with engine.begin() as connection:
            columns_only.create_all(connection)
        for table in tables:
            with engine.begin() as connection:
                path = str(directory / f"{table.name}.csv").replace("'", "''")
                connection.connection.driver_connection.execute(
                    f"COPY \"{table.name}\" FROM '{path}' (HEADER, NULLSTR '{NULL}')"
                )
        with engine.begin() as connection:
            connection.connection.driver_connection.execute("CHECKPOINT")
    finally:
        engine.dispose()


def _retire(snapshot: Snapshot) -> None:
    snapshot.engine.dispose()
    for path in (snapshot.path, snapshot.path.with_name(snapshot.path.name + ".wal")):
        path.unlink(missing_ok=True)
