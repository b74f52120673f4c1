"""Reads of a SQLite file run inline (no aiosqlite thread hand-offs) and cannot write; writes keep the threaded
engine and are seen by the next read at once. Short writes (``inline=True``) run inline too: they take the write
lock without blocking the event loop, wait asleep while another process holds it, and roll back on an error."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest
from kam_kit import db as kit_db
from kam_kit.db import Database, InlineSQLiteConnection
from sqlalchemy import text
from sqlalchemy.exc import OperationalError


async def test_sqlite_reads_run_inline_and_see_committed_writes(tmp_path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"))
        await session.execute(text("INSERT INTO t VALUES (1, 'one')"))
    before = set(threading.enumerate())
    async with db.read() as session:
        connection = await session.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        assert isinstance(driver, InlineSQLiteConnection)
        assert (await session.execute(text("SELECT v FROM t WHERE k = 1"))).scalar_one() == "one"
    # no thread per read connection (compared by identity: a thread of an earlier test ending meanwhile is no matter)
    assert [t.name for t in threading.enumerate() if t not in before] == []
    async with db.transaction() as session:
        await session.execute(text("UPDATE t SET v = 'uno' WHERE k = 1"))
    async with db.read() as session:
        assert (await session.execute(text("SELECT v FROM t WHERE k = 1"))).scalar_one() == "uno"
        with pytest.raises(OperationalError, match="readonly"):
            await session.execute(text("DELETE FROM t"))
    await db.dispose()


async def test_other_databases_read_through_their_one_engine(database_url) -> None:
    db = Database(database_url)
    if db.is_sqlite:
        assert db.read_engine is not None
    else:
        assert db.read_engine is None and db.read_sessions is db.sessions
    async with db.read() as session:
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
    await db.dispose()


async def test_deferred_checkpoints_leave_the_log_to_the_background_checkpoint(tmp_path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    await db.defer_checkpoints()
    async with db.transaction() as session:
        assert (await session.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one() == 0
        await session.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"))
    for n in range(50):
        async with db.transaction() as session:
            await session.execute(text("INSERT INTO t VALUES (:k, :v)"), {"k": n, "v": "x" * 2000})
    busy, log_frames, done = db.checkpoint()
    assert busy == 0 and log_frames > 50 and done == log_frames  # every frame written since is copied back
    async with db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 50
    await db.dispose()


async def _table(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"))


async def test_short_writes_run_inline_and_commit_or_roll_back(tmp_path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    await _table(db)
    async with db.transaction(inline=True) as session:
        driver = (await (await session.connection()).get_raw_connection()).driver_connection
        assert isinstance(driver, InlineSQLiteConnection)
        await session.execute(text("INSERT INTO t VALUES (1, 'one')"))
    with pytest.raises(RuntimeError, match="boom"):
        async with db.transaction(inline=True) as session:
            await session.execute(text("INSERT INTO t VALUES (2, 'two')"))
            raise RuntimeError("boom")
    async with db.read() as session:
        assert (await session.execute(text("SELECT k FROM t"))).scalars().all() == [1]  # 2 rolled back
    await db.dispose()


async def test_a_short_write_waits_asleep_for_another_process_s_write_lock(tmp_path) -> None:
    path = tmp_path / "l.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await _table(db)
    other = sqlite3.connect(path, isolation_level=None)  # another process's writer, as SQLite sees it
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t VALUES (1, 'other')")

    async def write() -> float:
        async with db.transaction(inline=True) as session:
            await session.execute(text("INSERT INTO t VALUES (2, 'mine')"))
        return time.monotonic()

    writer = asyncio.create_task(write())
    ticks = 0
    for _ in range(20):  # the loop keeps serving while the write waits for the lock
        await asyncio.sleep(0.01)
        ticks += 1
    assert not writer.done() and ticks == 20
    released = time.monotonic()
    other.execute("COMMIT")
    assert await asyncio.wait_for(writer, 5) >= released
    async with db.read() as session:
        assert (await session.execute(text("SELECT v FROM t ORDER BY k"))).scalars().all() == [
            "other",
            "mine",
        ]
    other.close()
    await db.dispose()


async def test_a_short_write_gives_up_after_the_wait(tmp_path, monkeypatch) -> None:
    path = tmp_path / "g.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await _table(db)
    monkeypatch.setattr(kit_db, "INLINE_WRITE_WAIT_SECONDS", 0.05)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(OperationalError, match="locked"):
        async with db.transaction(inline=True) as session:
            await session.execute(text("INSERT INTO t VALUES (1, 'never')"))
    other.execute("ROLLBACK")
    other.close()
    async with db.transaction(inline=True) as session:  # the writer queue is free again
        await session.execute(text("INSERT INTO t VALUES (1, 'later')"))
    await db.dispose()


async def test_short_writes_elsewhere_are_plain_write_transactions(database_url) -> None:
    db = Database(database_url)
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE IF NOT EXISTS inline_t (k INTEGER PRIMARY KEY)"))
        await session.execute(text("DELETE FROM inline_t"))
    async with db.transaction(inline=True) as session:
        await session.execute(text("INSERT INTO inline_t VALUES (7)"))
    async with db.read() as session:
        assert (await session.execute(text("SELECT k FROM inline_t"))).scalars().all() == [7]
    async with db.transaction() as session:
        await session.execute(text("DROP TABLE inline_t"))
    await db.dispose()


async def test_a_database_first_written_inline_is_in_wal_mode(tmp_path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'f.db'}")
    async with db.transaction(inline=True) as session:
        await session.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY)"))
    async with db.read() as session:  # readers never block the writer, nor it them
        assert (await session.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
    await db.dispose()


async def test_a_migrated_database_is_in_wal_mode_before_any_connection_of_the_service(tmp_path) -> None:
    import sqlite3

    from kam_kit import migrations

    path = tmp_path / "m.db"
    await migrations.upgrade_async(f"sqlite+aiosqlite:///{path}", tmp_path / "no_versions")
    with sqlite3.connect(path) as connection:  # a service's first reader finds WAL already
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
