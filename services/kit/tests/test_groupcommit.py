"""Group commit on real SQLite and PostgreSQL: concurrent writes share transactions, each caller returns only
after its own write committed, and one bad write fails only its caller."""

from __future__ import annotations

import asyncio
import contextvars

import pytest
from kam_kit import groupcommit
from kam_kit.db import Database, service_base
from kam_kit.groupcommit import GroupCommit
from sqlalchemy import String, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

Base = service_base()


class Row(Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(32))


metadata = Base.metadata
rows = Row.__table__


@pytest.fixture
async def db(database_url):
    database = Database(database_url)
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def _count(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(rows)))


def _add(row_id: int):
    def work(session) -> None:
        session.add(Row(id=row_id, name=f"r{row_id}"))

    return work


async def test_concurrent_writes_share_transactions_and_each_returns_after_its_commit(db: Database) -> None:
    writer = GroupCommit(db, name="test")
    commits = 0
    original = db.transaction

    def counting(**kwargs):
        nonlocal commits
        commits += 1
        return original(**kwargs)

    db.transaction = counting  # type: ignore[method-assign]
    seen_after_return: list[bool] = []

    async def one(row_id: int) -> None:
        await writer.write(_add(row_id))
        async with db.read() as session:  # committed: another session sees it
            seen_after_return.append(
                await session.scalar(select(rows.c.name).where(rows.c.id == row_id)) == f"r{row_id}"
            )

    await asyncio.gather(*(one(n) for n in range(300)))
    assert await _count(db) == 300 and all(seen_after_return) and len(seen_after_return) == 300
    assert commits < 300 / 4, commits  # batched: far fewer transactions than writes
    await writer.close()


_caller: contextvars.ContextVar[str] = contextvars.ContextVar("caller", default="")


async def test_writes_run_in_the_writers_own_context_not_in_the_first_callers(db: Database) -> None:
    """The writer task outlives the call that started it: a write sees none of that call's context variables (a
    write that needs its caller's — an origin, a request id — reads them in the call and carries them)."""
    writer = GroupCommit(db, name="test")
    seen: list[str] = []

    async def call(name: str, row_id: int) -> None:
        _caller.set(name)
        carried = _caller.get()

        def work(session) -> None:
            seen.append(f"{_caller.get()}|{carried}")
            session.add(Row(id=row_id, name=carried))

        await writer.write(work)

    await asyncio.gather(call("first", 1))
    await asyncio.gather(call("second", 2), call("third", 3))
    assert sorted(seen) == ["|first", "|second", "|third"]
    await writer.close()


async def test_a_bad_write_fails_only_its_caller(db: Database) -> None:
    writer = GroupCommit(db, name="test")
    await writer.write(_add(1))
    results = await asyncio.gather(*(writer.write(_add(n)) for n in (2, 1, 3, 4)), return_exceptions=True)
    assert [type(r) for r in results] == [type(None), IntegrityError, type(None), type(None)]
    assert await _count(db) == 4  # 1, 2, 3, 4 once each
    await writer.close()


async def test_a_cancelled_caller_s_write_is_still_committed_once(db: Database) -> None:
    writer = GroupCommit(db, name="test")
    async with db.read() as session:
        await session.execute(text("SELECT 1"))
    call = asyncio.create_task(writer.write(_add(7)))
    await asyncio.sleep(0)
    call.cancel()
    await asyncio.gather(call, return_exceptions=True)
    await writer.close()
    assert await _count(db) == 1


@pytest.fixture
def slow_gathering(monkeypatch) -> None:
    """A 50 ms gathering window on either engine, busy for 0.5 s after a commit: long enough to tell apart."""
    monkeypatch.setattr(groupcommit, "GATHER_SECONDS", 0.05)
    monkeypatch.setattr(groupcommit, "SQLITE_GATHER_SECONDS", 0.05)
    monkeypatch.setattr(groupcommit, "BUSY_SECONDS", 0.5)


async def test_a_busy_writer_lets_writes_gather_and_a_lone_one_is_committed_at_once(
    db: Database, slow_gathering
) -> None:
    writer = GroupCommit(db, name="test", in_flight=lambda: 99)  # other calls always under way
    batches: list[int] = []
    commit = writer._commit

    async def counting(batch):
        batches.append(len(batch))
        await commit(batch)

    writer._commit = counting  # type: ignore[method-assign]
    loop = asyncio.get_running_loop()
    started = loop.time()
    await writer.write(_add(0))  # idle writer: no gathering window
    assert loop.time() - started < 0.04 and batches == [1]

    async def later(row_id: int) -> None:  # one write every 5 ms, each arriving after the last one committed
        await asyncio.sleep(0.005 * row_id)
        await writer.write(_add(row_id))

    await asyncio.gather(*(later(n) for n in range(1, 21)))
    assert await _count(db) == 21
    # one per write (21) without the window; a loaded machine (CI) splits a few batches more than an idle one
    assert len(batches) <= 11, batches
    await writer.close()


async def test_a_busy_writer_commits_at_once_when_no_other_call_is_under_way(
    db: Database, slow_gathering
) -> None:
    """Busy, but every call being served is waiting for this commit: nothing more can join, no window."""
    writer = GroupCommit(db, name="test", in_flight=lambda: len(writer._waiting))
    loop = asyncio.get_running_loop()
    waits: list[float] = []
    for row_id in range(8):  # one after another: the writer stays busy throughout
        started = loop.time()
        await writer.write(_add(row_id))
        waits.append(loop.time() - started)
    assert await _count(db) == 8
    assert max(waits) < 0.04, waits  # a window would have held each for 50 ms
    await writer.close()
