"""PostgreSQL connections of a service's pool: Core reads run in autocommit (no BEGIN/ROLLBACK round trips) on the
same pool as the writes, whose transactions are unaffected, and ORM read sessions keep a transaction (a
server-side cursor needs one); a connection idle in the pool for a while is pinged before
use and replaced when it died (a database restart, a proxy's idle timeout), one used a moment ago is not."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from kam_kit import db as kit_db
from kam_kit.db import Database
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError


async def _terminate(url: str, pid: int) -> None:
    admin = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def _backend(db: Database) -> int:
    async with db.reading() as connection:
        return (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()


async def test_reads_hold_no_transaction_and_writes_keep_theirs(postgres_database_url) -> None:
    db = Database(postgres_database_url)
    try:
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY)"))
        for _ in range(3):  # the one pooled connection, in turn reading and writing
            async with db.reading() as connection:
                first = (await connection.execute(text("SELECT clock_timestamp(), now()"))).one()
                await asyncio.sleep(0.02)
                second = (await connection.execute(text("SELECT now()"))).scalar_one()
                # each statement its own transaction: now() moved on (in a transaction it stays at its start)
                assert second > first[1]
            async with db.read() as session:
                assert (await session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
                streamed = await session.stream(text("SELECT k FROM generate_series(1, 3) AS k"))
                assert [row.k async for row in streamed] == [1, 2, 3]
            with pytest.raises(RuntimeError):
                async with db.transaction() as session:
                    await session.execute(text("INSERT INTO t VALUES (1)"))
                    raise RuntimeError("roll back")
        async with db.read() as session:
            assert (await session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0  # rolled back
    finally:
        await db.dispose()


async def test_a_connection_idle_in_the_pool_is_pinged_and_replaced_when_dead(
    postgres_database_url, monkeypatch
) -> None:
    monkeypatch.setattr(kit_db, "PING_AFTER_IDLE_SECONDS", 0.05)
    db = Database(postgres_database_url)
    try:
        dead = await _backend(db)
        await _terminate(postgres_database_url, dead)
        await asyncio.sleep(0.1)  # idle for longer than the threshold: pinged, found dead, replaced
        assert await _backend(db) != dead
    finally:
        await db.dispose()


async def test_a_connection_back_a_moment_ago_is_not_pinged(postgres_database_url, monkeypatch) -> None:
    """Under load a check-out costs no round trip: a connection that died within the threshold fails its first
    statement (as one dying between a ping and the statement would), and the pool then hands out a fresh one."""
    monkeypatch.setattr(kit_db, "PING_AFTER_IDLE_SECONDS", 60.0)
    db = Database(postgres_database_url)
    try:
        dead = await _backend(db)
        await _terminate(postgres_database_url, dead)
        with pytest.raises(DBAPIError) as failed:
            await _backend(db)
        assert failed.value.connection_invalidated
        assert await _backend(db) != dead
    finally:
        await db.dispose()


async def test_reads_keep_their_connections_between_them_for_as_long_as_the_pool_would_not_ping(
    postgres_database_url, monkeypatch
) -> None:
    """A Core read's connection stays out of the pool between reads (no check-in, check-out and autocommit
    setting each time): the next reads get it back, concurrent ones each get their own, at most
    KEPT_READ_CONNECTIONS are kept, and one idle longer than the ping threshold goes back to the pool (which pings
    it before handing it out)."""
    monkeypatch.setattr(kit_db, "PING_AFTER_IDLE_SECONDS", 0.3)
    db = Database(postgres_database_url)
    try:
        first = await _backend(db)
        assert [await _backend(db) for _ in range(3)] == [first] * 3
        assert db.engine.pool.checkedout() == 1  # kept, not checked in

        async def slow_backend() -> int:
            async with db.reading() as connection:
                await asyncio.sleep(0.05)
                return (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()

        concurrent = await asyncio.gather(*(slow_backend() for _ in range(6)))
        assert len(set(concurrent)) == 6  # one connection per read under way
        assert db.engine.pool.checkedout() == kit_db.KEPT_READ_CONNECTIONS  # the rest went back
        await asyncio.sleep(0.4)  # idle past the threshold: given back to the pool at the next read
        await _backend(db)
        assert db.engine.pool.checkedout() == 1
    finally:
        await db.dispose()


async def test_a_kept_read_connection_that_failed_is_not_kept(postgres_database_url) -> None:
    db = Database(postgres_database_url)
    try:
        first = await _backend(db)
        with pytest.raises(DBAPIError):
            async with db.reading() as connection:
                await connection.execute(text("SELECT 1 / 0"))
        assert db.engine.pool.checkedout() == 0  # closed: back to the pool, not kept
        with pytest.raises(LookupError):  # the caller's own error: the connection is fine and kept
            async with db.reading() as connection:
                await connection.execute(text("SELECT 1"))
                raise LookupError("not found")
        assert db.engine.pool.checkedout() == 1
        dead = await _backend(db)
        assert dead == first  # the pool handed out the same connection again
        await _terminate(postgres_database_url, dead)
        with pytest.raises(DBAPIError) as failed:  # died within the threshold: as a pooled one would fail
            await _backend(db)
        assert failed.value.connection_invalidated
        assert await _backend(db) != dead
    finally:
        await db.dispose()
