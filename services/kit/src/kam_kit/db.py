"""Async SQLAlchemy 2 engines and sessions, one database per service.

SQLite (``sqlite+aiosqlite:///var/<svc>.db``) runs in WAL mode with a busy timeout and foreign keys on;
PostgreSQL (``postgresql+asyncpg://…``) is chosen by URL. The kit's own tables (outbox, processed events,
parked events, audit records) live in :data:`kit_metadata` and are created by the kit's migration branch (``kam_kit.migrations``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from kam_kit import telemetry

log = logging.getLogger(__name__)

#: 64-bit on PostgreSQL, INTEGER (rowid alias, autoincrementing) on SQLite.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

kit_metadata = MetaData(naming_convention=NAMING_CONVENTION)


def service_base() -> type[DeclarativeBase]:
    """A declarative base for one service's tables, with its own MetaData and KAM's constraint names
    (``Base = service_base()`` in the service's ``adapters/orm.py``)."""

    class Base(DeclarativeBase):
        metadata = MetaData(naming_convention=NAMING_CONVENTION)

    return Base


async def earlier_request(session: AsyncSession, model: Any, request_id: str) -> Any:
    """The row an earlier create with the same ``request_id`` made (AIP-155: a retry answers what the first one
    made), or None — also when there is no request id. ``model`` has a unique ``request_id`` column."""
    if not request_id:
        return None
    return await session.scalar(select(model).where(model.request_id == request_id))


outbox_table = Table(
    "kam_outbox",
    kit_metadata,
    Column("seq", BigIntPK, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("subject", String(255), nullable=False),
    Column("event_type", String(255), nullable=False),
    Column("headers", JSON, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text, nullable=True),
)
Index(
    "ix_kam_outbox_pending",
    outbox_table.c.seq,
    postgresql_where=outbox_table.c.published_at.is_(None),
    sqlite_where=outbox_table.c.published_at.is_(None),
)

processed_events_table = Table(
    "kam_processed_events",
    kit_metadata,
    Column("consumer", String(128), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False),
)

#: Leases (kam_kit.partitions): which process holds a consumer's partition, and which processes are alive, until
#: when. ``name`` is ``<group>/p<NN>`` for a partition, ``<group>/member/<owner>`` for a process.
leases_table = Table(
    "kam_leases",
    kit_metadata,
    Column("name", String(200), primary_key=True),
    Column("owner", String(128), nullable=False),
    Column("expire_time", DateTime(timezone=True), nullable=False),
)

parked_events_table = Table(
    "kam_parked_events",
    kit_metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("consumer", String(128), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("headers", JSON, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("error", Text, nullable=False),
    Column("deliveries", Integer, nullable=False),
    Column("parked_at", DateTime(timezone=True), nullable=False),
)
#: An event is parked once per consumer (a redelivery racing its termination finds it parked already).
Index(
    "ux_kam_parked_events_consumer_event",
    parked_events_table.c.consumer,
    parked_events_table.c.event_id,
    unique=True,
)

#: The audit trail (kam_kit.audit): written in the caller's transaction with ``sequence``/``hash`` empty, sealed
#: into the service's hash chain after commit by the AuditSealer.
audit_table = Table(
    "kam_audit_records",
    kit_metadata,
    Column("id", BigIntPK, primary_key=True, autoincrement=True),
    Column("record_id", String(36), nullable=False, unique=True),
    Column("service", String(64), nullable=False),
    Column("kind", String(8), nullable=False),  # change | view
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("actor_kind", String(8), nullable=False),  # user | service | system
    Column("actor_display_name", String(200), nullable=False),
    Column("actor_roles", JSON, nullable=False),
    Column("actor_org_unit", String(128), nullable=False),
    Column("action", String(128), nullable=False),
    Column("resource", String(255), nullable=False),
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    Column("address", String(64), nullable=False),
    Column("client", String(255), nullable=False),
    Column("request_id", String(64), nullable=False),
    Column("trace_id", String(32), nullable=False),
    Column("sequence", BigInteger, nullable=True),
    Column("prev_hash", String(64), nullable=True),
    Column("hash", String(64), nullable=True),
    Column("sealed_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("service", "sequence"),
)
Index(
    "ix_kam_audit_records_unsealed",
    audit_table.c.id,
    postgresql_where=audit_table.c.sequence.is_(None),
    sqlite_where=audit_table.c.sequence.is_(None),
)
Index("ix_kam_audit_records_resource", audit_table.c.resource, audit_table.c.id)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _prepare_sqlite_file(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(
    url: str, *, echo: bool = False, pool_size: int = 10, pragmas: list[str] | None = None
) -> AsyncEngine:
    """An async engine for a service database, tuned per backend and instrumented for tracing. ``pragmas``: more
    SQLite pragmas for every new connection (the list is read at each connect, so later additions apply to
    connections made after them)."""
    if is_sqlite(url):
        _prepare_sqlite_file(url)
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        extra = pragmas if pragmas is not None else []

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            for pragma in extra:
                cursor.execute(pragma)
            cursor.close()
    else:
        engine = create_async_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size)
        _ping_when_idle(engine, PING_AFTER_IDLE_SECONDS)
    _instrument(engine)
    return engine


#: A pooled connection back in the pool for longer than this is pinged before it is handed out again.
PING_AFTER_IDLE_SECONDS = 1.0
#: PostgreSQL Core reads keep up to this many connections between reads (:meth:`Database.reading`), each for as long
#: as the pool would hand one out without a ping (:data:`PING_AFTER_IDLE_SECONDS`)
KEPT_READ_CONNECTIONS = 4
#: A pooled connection's ``info``: when it came back to the pool; and when a kept read connection was last used
_RETURNED, _LAST_USED = "kam_returned", "kam_last_used"


def _ping_when_idle(engine: AsyncEngine, idle: float) -> None:
    """Pessimistic disconnect handling that costs nothing under load: a connection that sat in the pool for
    ``idle`` seconds or more is pinged at check-out and, when the ping fails, replaced (the pool retries with a
    fresh connection), so a database restart or a proxy's idle timeout is survived as with ``pool_pre_ping``;
    one back from a call less than ``idle`` ago is handed out as it is — ``pool_pre_ping`` pinged it too, a round
    trip per check-out (docs/performance.md, "Where a read's time goes"). A connection that dies within that
    second fails its statement, and SQLAlchemy then invalidates every connection pooled before (its disconnect
    handling), as it would for one that dies between the ping and the statement."""
    key = _RETURNED

    @event.listens_for(engine.sync_engine, "connect")
    def _connected(_dbapi_connection, record) -> None:
        record.info[key] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        if record is not None:  # a read connection kept a while (Database.reading) was last used before that
            record.info[key] = record.info.pop(_LAST_USED, None) or time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        if time.monotonic() - record.info.get(key, 0.0) < idle:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failed ping: this connection is not to be used
            raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc


class InlineSQLiteConnection(aiosqlite.Connection):
    """aiosqlite without its thread: every call runs at once in the caller's thread.

    For reads of a local SQLite file in WAL mode, which never wait for a writer: a primary-key read takes tens of
    microseconds, while aiosqlite hands each step (check-out, cursor, execute, fetch, close, rollback) to its thread
    and back — measured as most of a read's cost (docs/performance.md, "Where a read's time goes"). Writes stay on
    the threaded engine: they may wait for the write lock, which must not block the event loop.
    """

    async def _execute(self, fn, *args, **kwargs):
        if self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _connect(self) -> InlineSQLiteConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self):
        return self._connect().__await__()

    def stop(self) -> None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        self.stop()


#: How long an inline read may wait for a lock (WAL readers wait only in rare cases, e.g. recovery); it blocks
#: the event loop meanwhile, so it is short.
INLINE_BUSY_TIMEOUT_MS = 2000

#: How long an inline write waits for another process's write lock before it fails (it waits asleep, not in
#: SQLite's busy handler, so the event loop serves meanwhile); the threaded engine's busy timeout is the same.
INLINE_WRITE_WAIT_SECONDS = 30.0


def create_inline_engine(
    url: str, *, read_only: bool = True, pragmas: list[str] | None = None
) -> AsyncEngine:
    """An engine for a SQLite file whose statements run inline (:class:`InlineSQLiteConnection`).

    ``read_only``: connections are ``query_only``. Otherwise they are for short writes: the driver starts no
    transaction itself (``isolation_level=None``) and :meth:`Database.writing` begins each one with
    ``BEGIN IMMEDIATE`` under a zero busy timeout, so taking the write lock never blocks the event loop: while
    another process holds it, the transaction is retried after a sleep. ``pragmas``: as in :func:`create_engine`.
    """
    path = make_url(url).database
    extra = pragmas if pragmas is not None else []

    async def connect() -> InlineSQLiteConnection:
        connector = functools.partial(
            sqlite3.connect,
            path,
            timeout=INLINE_BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
            isolation_level="" if read_only else None,
        )
        return await InlineSQLiteConnection(connector, 64)

    engine = create_async_engine(url, async_creator=connect)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if read_only:
            cursor.execute(f"PRAGMA busy_timeout={INLINE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA query_only=ON")  # a write through a read session fails instead of racing
        else:
            cursor.execute("PRAGMA journal_mode=WAL")  # as the threaded engine: either may connect first
            cursor.execute("PRAGMA synchronous=NORMAL")
            for pragma in extra:
                cursor.execute(pragma)
        cursor.close()

    if not read_only:

        @event.listens_for(engine.sync_engine, "begin")
        def _begin_immediate(connection) -> None:
            # The write lock now, or SQLITE_BUSY at once (no wait in SQLite's busy handler, which would block
            # the event loop). Once it is held, the transaction's later statements may still meet a lock held
            # for a moment (a checkpoint's, at COMMIT): those wait, briefly.
            raw = connection.connection.driver_connection._connection
            raw.execute("PRAGMA busy_timeout=0")
            try:
                raw.execute("BEGIN IMMEDIATE")
            finally:
                raw.execute(f"PRAGMA busy_timeout={INLINE_BUSY_TIMEOUT_MS}")

    _instrument(engine)
    return engine


def _is_busy(error: BaseException) -> bool:
    return "database is locked" in str(error)


def _instrument(engine: AsyncEngine) -> None:
    if not telemetry.exporting():
        return  # a span per statement that nobody exports costs a listener call and a span object each time
    try:
        from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    except ImportError:  # pragma: no cover - the kit depends on it
        return
    instrumentor = SQLAlchemyInstrumentor()
    # A service process has one engine; tests and benchmarks that open more trace only the first.
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(engine=engine.sync_engine, enable_commenter=False)


#: How often a serving process checkpoints its SQLite log (:meth:`Database.checkpoints`).
CHECKPOINT_SECONDS = 1.0


class Database:
    """A service's database: one engine and a session factory.

    ``async with db.transaction() as session`` is the unit of work: it commits on success and rolls back on
    any exception; the outbox rows written through that session commit or roll back with it.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self._pragmas: list[str] = []
        self.engine = create_engine(url, echo=echo, pragmas=self._pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        #: Reads: on a SQLite file an engine whose statements run inline (no thread hand-offs); else the same.
        self.read_engine: AsyncEngine | None = None
        self.read_sessions = self.sessions
        #: Short writes: on a SQLite file an engine whose statements run inline (:meth:`writing`).
        self.inline_engine: AsyncEngine | None = None
        self.inline_sessions = self.sessions
        database = make_url(url).database if is_sqlite(url) else None
        if database and database != ":memory:" and not database.startswith("file:"):
            self.read_engine = create_inline_engine(url)
            self.inline_engine = create_inline_engine(url, read_only=False, pragmas=self._pragmas)
            self.inline_sessions = async_sessionmaker(self.inline_engine, expire_on_commit=False)
            self.read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)
        #: PostgreSQL's Core reads (:meth:`reading`) run in autocommit: at READ COMMITTED every statement takes its
        #: own snapshot, in a transaction or not, so the BEGIN and the ROLLBACK around a read — two round trips,
        #: each costing both processes CPU — bought nothing. Same pool as :attr:`engine` (no connections of its
        #: own). ORM read sessions (:meth:`read`) keep their transaction: a server-side cursor
        #: (``session.stream``) needs one.
        self._autocommit: AsyncEngine | None = None
        if make_url(url).get_backend_name() == "postgresql":
            self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        #: PostgreSQL's Core read connections between reads, with when each was last returned (see :meth:`reading`)
        self._idle_reads: list[tuple[float, AsyncConnection]] = []
        self.after_commit_hooks: list = []
        self._writer_lock: asyncio.Lock | contextlib.nullcontext = (
            asyncio.Lock() if is_sqlite(url) else contextlib.nullcontext()
        )

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    async def defer_checkpoints(self) -> None:
        """SQLite: commits no longer checkpoint the write-ahead log themselves (``wal_autocheckpoint=0``), so a
        commit never pays for copying the log into the database; :meth:`checkpoints` does it in the background
        instead. Measured: an audited read's commit took ≈ 11 ms with autocheckpoints under load
        (docs/performance.md). For a serving process, which runs :meth:`checkpoints`; a no-op elsewhere."""
        if self.is_sqlite and "PRAGMA wal_autocheckpoint=0" not in self._pragmas:
            self._pragmas.append("PRAGMA wal_autocheckpoint=0")
            await self.engine.dispose()  # connections made from now on carry the pragma
            if self.inline_engine is not None:
                await self.inline_engine.dispose()

    def checkpoint(self) -> tuple[int, int, int]:
        """One passive checkpoint (blocking; it waits for no reader or writer): ``(busy, log frames, frames
        checkpointed)``."""
        connection = sqlite3.connect(make_url(self.url).database or "", timeout=INLINE_BUSY_TIMEOUT_MS / 1000)
        try:
            busy, log_frames, done = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            connection.close()
        return int(busy), int(log_frames), int(done)

    async def checkpoints(self, interval: float = CHECKPOINT_SECONDS) -> None:
        """Checkpoint the log every ``interval`` seconds in a thread, until cancelled (see
        :meth:`defer_checkpoints`)."""
        while True:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(self.checkpoint)
            except sqlite3.Error as exc:  # the next round tries again
                log.warning("checkpoint failed", extra={"error": repr(exc)})

    @asynccontextmanager
    async def transaction(self, *, inline: bool = False) -> AsyncIterator[AsyncSession]:
        async with self.writing(inline=inline) as session:
            yield session
        for hook in self.after_commit_hooks:
            hook()

    @asynccontextmanager
    async def writing(self, *, inline: bool = False) -> AsyncIterator[AsyncSession]:
        """A write transaction without the after-commit hooks (for the kit's own bookkeeping).

        SQLite allows one writer at a time; writers queue on an in-process lock instead of spinning in SQLite's
        busy handler (which sleeps up to 100 ms per retry and made write latency spiky).

        ``inline``: a short write (a few rows, no long computation inside the block). On a SQLite file it runs in
        the event loop's thread like the reads, without aiosqlite's hand-offs to its thread and back (each one
        waits for the interpreter lock while the loop is busy: measured as most of a group commit's ≈ 11 ms,
        docs/performance.md); the write lock is taken with ``BEGIN IMMEDIATE`` and, while another process holds
        it, waited for asleep. Elsewhere the same as a plain write transaction.
        """
        if not inline or self.inline_engine is None:
            async with self._writer_lock, self.sessions() as session, session.begin():
                yield session
            return
        async with self._writer_lock:
            session = await self._begin_inline()
            async with session:
                try:
                    yield session
                except BaseException:
                    await session.rollback()
                    raise
                await session.commit()

    async def _begin_inline(self) -> AsyncSession:
        """An inline write session holding SQLite's write lock (``BEGIN IMMEDIATE``), retried asleep while another
        process holds it, for up to :data:`INLINE_WRITE_WAIT_SECONDS`."""
        delay, waited = 0.001, 0.0
        while True:
            session = self.inline_sessions()
            try:
                await session.connection()  # begins: the "begin" listener takes the write lock
                return session
            except (OperationalError, sqlite3.OperationalError) as exc:
                await session.close()
                if not _is_busy(exc) or waited >= INLINE_WRITE_WAIT_SECONDS:
                    if isinstance(exc, OperationalError):
                        raise
                    raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc  # as SQLAlchemy reports it
            await asyncio.sleep(delay)
            waited += delay
            delay = min(delay * 2, 0.05)

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Hold off this process's writers (SQLite's writer queue) while the database is replaced (a restore)."""
        async with self._writer_lock:
            yield

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading (it must not write: on SQLite its connection is ``query_only``)."""
        async with self.read_sessions() as session:
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A connection for Core reads (``select(table)``, rows rather than ORM objects): a primary-key read costs
        about a third of one through an ORM session (docs/performance.md, "Where a read's time goes"). It must
        not write; on a SQLite file its connection is the inline, ``query_only`` one of :meth:`read`, on PostgreSQL
        one of the pool in autocommit (each statement its own snapshot, as at READ COMMITTED anyway; no server-side
        cursors)."""
        if self._autocommit is not None:
            async with self._kept_reading(self._autocommit) as connection:
                yield connection
            return
        async with (self.read_engine or self.engine).connect() as connection:
            yield connection

    @asynccontextmanager
    async def _kept_reading(self, engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
        """A PostgreSQL read connection kept between reads rather than checked in: the pool's check-out and
        check-in, with the autocommit setting made and reset each time, were ≈ 10 % of a primary-key read's CPU.
        Up to :data:`KEPT_READ_CONNECTIONS` are kept, each for :data:`PING_AFTER_IDLE_SECONDS` after its last
        read — as long as the pool trusts a connection without a ping — so a database restart costs no more
        failed reads than it did. A connection whose read failed is closed."""
        now = time.monotonic()
        idle = self._idle_reads
        connection = None
        while idle:
            returned, candidate = idle.pop()  # the most recently used first; the rest are older still
            if now - returned < PING_AFTER_IDLE_SECONDS:
                connection = candidate
                break
            stale = [(returned, candidate), *idle]
            idle.clear()
            # back to the pool as idle since their last read: the pool pings them before handing them out
            for last_used, old in stale:
                with contextlib.suppress(Exception):
                    old.sync_connection.connection.info[_LAST_USED] = last_used  # type: ignore[union-attr]
                await old.close()
        if connection is None:
            connection = await engine.connect()
        try:
            yield connection
        except BaseException as exc:
            if isinstance(exc, Exception) and not isinstance(exc, SQLAlchemyError | OSError):
                # the caller's own error (not found, invalid …): the connection is fine
                await self._keep(connection)
            else:
                await connection.close()
            raise
        await self._keep(connection)

    async def _keep(self, connection: AsyncConnection) -> None:
        if len(self._idle_reads) < KEPT_READ_CONNECTIONS and not connection.invalidated:
            self._idle_reads.append((time.monotonic(), connection))
        else:
            await connection.close()

    async def dispose(self) -> None:
        idle, self._idle_reads = self._idle_reads, []
        for _, connection in idle:
            with contextlib.suppress(Exception):
                await connection.close()
        await self.engine.dispose()
        for engine in (self.read_engine, self.inline_engine):
            if engine is not None:
                await engine.dispose()
