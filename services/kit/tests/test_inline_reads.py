"""Reads of a SQLite file run inline (no aiosqlite thread hand-offs) and cannot write; writes keep the threaded
engine and are seen by the next read at once."""

from __future__ import annotations

import threading

import pytest
from kam_kit.db import Database, InlineSQLiteConnection
from sqlalchemy import text
from sqlalchemy.exc import OperationalError


async def test_sqlite_reads_run_inline_and_see_committed_writes(tmp_path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"))
        await session.execute(text("INSERT INTO t VALUES (1, 'one')"))
    threads = threading.active_count()
    async with db.read() as session:
        connection = await session.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        assert isinstance(driver, InlineSQLiteConnection)
        assert (await session.execute(text("SELECT v FROM t WHERE k = 1"))).scalar_one() == "one"
    assert threading.active_count() == threads  # no thread per read connection
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
