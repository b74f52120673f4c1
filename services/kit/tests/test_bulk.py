"""kam_kit.bulk.insert_rows stores exactly what SQLAlchemy's own insert stores, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from kam_kit import bulk
from kam_kit.db import Database
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    cast,
    insert,
    select,
    text,
)

metadata = MetaData()


def _table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("seq", Integer, primary_key=True, autoincrement=True),
        Column("id", String(32), nullable=False, unique=True),
        Column("amount", Numeric(20, 2), nullable=True),
        Column("flag", Boolean, nullable=False),
        Column("day", Date, nullable=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("doc", JSON, nullable=False),
        Column("blob", LargeBinary, nullable=False),
        Column("note", Text, nullable=False, default="—"),
        Column("origin", String(16), nullable=False, server_default=text("'SCAN'")),
    )


BY_CORE, BY_BULK = _table("by_core"), _table("by_bulk")
SHANGHAI = timezone(timedelta(hours=8))


def _rows() -> list[dict]:
    start = datetime(2026, 11, 28, 9, 30, 0, 123456, tzinfo=UTC)
    return [
        {
            "id": f"r{i:03d}",
            "amount": None if i % 7 == 0 else Decimal(f"{i * 1000}.{i % 100:02d}"),
            "flag": i % 2 == 0,
            "day": None if i % 5 == 0 else date(2026, 1, 1) + timedelta(days=i),
            "at": (start + timedelta(minutes=i)).astimezone(SHANGHAI if i % 3 == 0 else UTC),
            "doc": {"客户": f"张伟{i}", "n": i, "tags": ["a", "b"]},
            "blob": bytes([i % 256]) * (i % 4 + 1),
        }
        for i in range(250)
    ] + [  # the edges of the date and time formats: naive, no microseconds, early years, a date as a time
        {
            "id": "s001",
            "amount": Decimal("0.00"),
            "flag": True,
            "day": date(9, 3, 4),
            "at": datetime(2026, 1, 2, 3, 4, 5),
            "doc": [],
            "blob": b"",
        },
        {
            "id": "s002",
            "amount": Decimal("-1.50"),
            "flag": False,
            "day": date(2026, 12, 31),
            "at": datetime(987, 6, 5, 4, 3, 2, 1, tzinfo=SHANGHAI),
            "doc": None,
            "blob": b"x",
        },
        {
            "id": "s003",
            "amount": None,
            "flag": False,
            "day": datetime(2026, 5, 6, 7, 8, 9),
            "at": date(2026, 7, 8),
            "doc": {"x": None},
            "blob": b"y",
        },
    ]


@pytest.fixture
async def db(database_url):
    database = Database(database_url)
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def _stored(db: Database, table: Table) -> list[tuple]:
    columns = [c for c in table.c if c.name != "seq"]
    async with db.read() as session:
        typed = (await session.execute(select(*columns).order_by(table.c.id))).all()
        raw = (
            await session.execute(
                select(*(cast(c, Text) for c in columns if c.name != "blob")).order_by(table.c.id)
            )
        ).all()
    return [tuple(r) for r in typed], [tuple(r) for r in raw]


async def test_insert_rows_stores_what_a_core_insert_stores(db):
    rows = _rows()
    async with db.transaction() as session:
        await session.execute(insert(BY_CORE), rows)
        await bulk.insert_rows(session, BY_BULK, rows[:100])
        await bulk.insert_rows(session, BY_BULK, rows[100:])  # the compiled plan is reused
    core, bulk_ = await _stored(db, BY_CORE), await _stored(db, BY_BULK)
    assert len(core[0]) == 253
    assert bulk_ == core  # the same values read back, and the same stored text (formats, JSON, defaults)
    first = core[0][0]
    assert first[-2:] == ("—", "SCAN")  # the Python default and the server default were both applied


async def test_insert_rows_on_a_sync_connection_and_in_the_callers_transaction(db):
    rows = _rows()[:10]

    async with db.transaction() as session:
        await session.run_sync(lambda s: bulk.insert_rows_sync(s.connection(), BY_BULK, rows))
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await bulk.insert_rows(session, BY_BULK, _rows()[10:20])
            raise RuntimeError("rolled back")
    async with db.read() as session:
        ids = (await session.scalars(select(BY_BULK.c.id).order_by(BY_BULK.c.id))).all()
    assert ids == [r["id"] for r in rows]


CALLABLE_DEFAULT = Table(
    "callable_default",
    metadata,
    Column("id", String(8), primary_key=True),
    Column("stamp", String(32), nullable=False, default=lambda: "computed"),
)


async def test_a_column_left_to_a_callable_default_is_refused(db):
    async with db.transaction() as session:
        with pytest.raises(ValueError, match="stamp"):
            await bulk.insert_rows(session, CALLABLE_DEFAULT, [{"id": "a"}])
        await bulk.insert_rows(session, CALLABLE_DEFAULT, [{"id": "b", "stamp": "given"}])
        await bulk.insert_rows(session, CALLABLE_DEFAULT, [])  # nothing to do
    async with db.read() as session:
        assert (await session.execute(select(CALLABLE_DEFAULT))).all() == [("b", "given")]


async def test_skip_existing_leaves_stored_keys_alone(db):
    rows = _rows()[:20]
    async with db.transaction() as session:
        await bulk.insert_rows(session, BY_BULK, rows[:10])
    changed = [{**row, "flag": not row["flag"]} for row in rows]
    async with db.transaction() as session:
        await bulk.insert_rows(session, BY_BULK, changed, skip_existing=["id"])
    async with db.read() as session:
        stored = dict((await session.execute(select(BY_BULK.c.id, BY_BULK.c.flag))).all())
    assert len(stored) == 20
    assert all(stored[r["id"]] == r["flag"] for r in rows[:10])  # kept as first written
    assert all(stored[r["id"]] == (not r["flag"]) for r in rows[10:])  # the new ones inserted


async def test_replace_existing_overwrites_the_given_columns(db):
    rows = _rows()[:20]
    async with db.transaction() as session:
        await bulk.insert_rows(session, BY_BULK, rows[:10])
    changed = [{**row, "flag": not row["flag"], "doc": {"v": 2}} for row in rows]
    async with db.transaction() as session:
        await bulk.insert_rows(session, BY_BULK, changed, replace_existing=["id"])
        with pytest.raises(ValueError):
            await bulk.insert_rows(session, BY_BULK, changed, skip_existing=["id"], replace_existing=["id"])
    async with db.read() as session:
        stored = {r.id: r for r in (await session.execute(select(BY_BULK))).all()}
    assert len(stored) == 20
    assert all(stored[r["id"]].flag == (not r["flag"]) and stored[r["id"]].doc == {"v": 2} for r in rows)
    assert [stored[r["id"]].seq for r in rows[:10]] == sorted(
        stored[r["id"]].seq for r in rows[:10]
    )  # same rows


async def test_add_to_adds_to_the_stored_values_and_replaces_the_rest(db):
    rows = [r for r in _rows()[:20] if r["amount"] is not None]
    async with db.transaction() as session:
        await bulk.insert_rows(session, BY_BULK, rows[:10])
    more = [{**row, "amount": Decimal("0.25"), "flag": not row["flag"]} for row in rows]
    async with db.transaction() as session:
        await bulk.insert_rows(session, BY_BULK, more, replace_existing=["id"], add_to=["amount"])
        with pytest.raises(ValueError):
            await bulk.insert_rows(session, BY_BULK, more, add_to=["amount"])
    async with db.read() as session:
        stored = {r.id: r for r in (await session.execute(select(BY_BULK))).all()}
    assert {r["id"]: stored[r["id"]].amount for r in rows} == {
        r["id"]: (r["amount"] + Decimal("0.25") if i < 10 else Decimal("0.25")) for i, r in enumerate(rows)
    }
    assert all(stored[r["id"]].flag == (not r["flag"]) for r in rows)  # the other columns replaced


async def test_queued_rows_are_inserted_at_commit_and_dropped_on_rollback(db):
    rows = _rows()
    async with db.transaction(inline=True) as session:
        await session.execute(insert(BY_CORE), rows)
        bulk.queue_rows(session, BY_BULK, rows[:3])
        bulk.queue_rows(session, BY_BULK, [{k: v for k, v in rows[3].items() if k != "day"}])  # other columns
        bulk.queue_rows(session, BY_BULK, rows[4:])
        async with db.read() as reader:  # nothing is written before the commit
            assert (await reader.execute(select(BY_BULK.c.id))).all() == []
    core, bulk_ = await _stored(db, BY_CORE), await _stored(db, BY_BULK)
    assert [r[0] for r in bulk_[0]] == [r[0] for r in core[0]]
    assert bulk_[0][4] == core[0][4] and bulk_[0][3][3] is None  # the row without ``day`` left it NULL
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            bulk.queue_rows(session, BY_BULK, [{**rows[0], "id": "late"}])
            raise RuntimeError("rolled back")
    async with db.transaction() as session:  # a later transaction does not inherit the dropped rows
        await session.execute(text("SELECT 1"))
    async with db.read() as reader:
        assert (await reader.execute(select(BY_BULK.c.id).where(BY_BULK.c.id == "late"))).all() == []


async def test_queued_rows_can_skip_the_keys_already_stored_or_queued(db: Database) -> None:
    rows = _rows()
    async with db.transaction() as session:
        bulk.queue_rows(session, BY_BULK, rows[:2])
    changed = [{**row, "flag": not row["flag"]} for row in rows[:3]]
    async with db.transaction() as session:  # r000 and r001 stored, r002 new but queued twice
        bulk.queue_rows(session, BY_BULK, changed, skip_existing=["id"])
        bulk.queue_rows(session, BY_BULK, [{**changed[2], "flag": changed[0]["flag"]}], skip_existing=["id"])
    async with db.read() as reader:
        stored = (await reader.execute(select(BY_BULK.c.id, BY_BULK.c.flag).order_by(BY_BULK.c.id))).all()
    assert [tuple(r) for r in stored] == [(row["id"], row["flag"]) for row in rows[:2]] + [
        ("r002", changed[2]["flag"])
    ]
