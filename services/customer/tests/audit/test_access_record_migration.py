"""Migration audit_0003 on SQLite and PostgreSQL: access records already stored get their customers' list from
the index by customer and count as indexed; downgrading puts the customers of records not indexed yet back into
the index."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from kam_customer.adapters.orm import Base
from kam_customer.context import MIGRATIONS
from kam_kit import migrations
from kam_kit.db import Database

#: record id → its customers in response order (one with none: a search that found nobody)
RECORDS = {"r1": ["c3", "c1", "c2"], "r2": ["c1"], "r3": []}


def _record(record_id: str, customers: list[str]) -> dict:
    return {
        "id": record_id,
        "access_time": datetime(2026, 12, 1, tzinfo=UTC),
        "actor": "users/u1",
        "actor_kind": "user",
        "method": "kam.customer.v1.CustomerService.ListCustomers",
        "customer_count": len(customers),
        "data_kinds": "NAME",
    }


async def _store(
    session, record_id: str, customers: list[str], *, listed: bool | None = None, index: list[str]
) -> None:
    """An access record as an earlier schema stored it: without its own list (``listed`` None: before audit_0003)
    or with it, ``listed`` saying whether it counts as indexed; ``index``: its rows in the index by customer
    (stored out of order)."""
    columns = "id, access_time, actor, actor_kind, method, customer_count, data_kinds"
    values = _record(record_id, customers)
    if listed is not None:
        columns += ", customer_ids, customers_indexed"
        values |= {"customer_ids": " ".join(customers), "customers_indexed": listed}
    blanks = "actor_display_name, actor_roles, actor_org_unit, search_query, reason, request_id, trace_id"
    names = columns.split(", ")
    await session.execute(
        sa.text(
            f"INSERT INTO access_records ({columns}, {blanks}) "
            f"VALUES ({', '.join(':' + name for name in names)}, '', '', '', '', '', '', '')"
        ),
        values,
    )
    for position, customer in reversed(list(enumerate(index))):
        await session.execute(
            sa.text(
                "INSERT INTO access_record_customers (record_id, position, customer_id) VALUES (:r, :p, :c)"
            ),
            {"r": record_id, "p": position, "c": customer},
        )


async def _read(db: Database, sql: str) -> list[tuple]:
    async with db.read() as session:
        return [tuple(row) for row in (await session.execute(sa.text(sql))).all()]


async def test_stored_records_get_their_customers_and_count_as_indexed(database_url) -> None:
    config = migrations.alembic_config(database_url, MIGRATIONS)
    await asyncio.to_thread(command.upgrade, config, "audit_0002")
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            for record_id, customers in RECORDS.items():
                await _store(session, record_id, customers, index=customers)
        await migrations.upgrade_async(database_url, MIGRATIONS, Base.metadata)
        stored = await _read(db, "SELECT id, customer_ids, customers_indexed FROM access_records ORDER BY id")
        assert stored == [(r, " ".join(c), True) for r, c in sorted(RECORDS.items())]

        # a record written after the upgrade, not indexed yet: a downgrade gives it its rows in the index
        async with db.transaction() as session:
            await _store(session, "r4", ["c9", "c8"], listed=False, index=[])
        await asyncio.to_thread(command.downgrade, config, "audit_0002")
        index = await _read(
            db,
            "SELECT record_id, position, customer_id FROM access_record_customers ORDER BY record_id, position",
        )
        expected = {**RECORDS, "r4": ["c9", "c8"]}
        assert index == [(r, n, c) for r, cs in sorted(expected.items()) for n, c in enumerate(cs)]
    finally:
        await db.dispose()


async def test_on_postgresql_the_records_own_list_is_the_index_by_customer(postgres_database_url) -> None:
    """audit_0004 (PostgreSQL only): the rows of the index by customer make way for a GIN index over each record's
    own list; every record counts as indexed; the ``customer`` filter's condition is the one that index serves;
    the downgrade gives the records their rows back."""
    from kam_customer.service_layer.audit import CustomerColumn
    from sqlalchemy.dialects import postgresql

    url = postgres_database_url
    config = migrations.alembic_config(url, MIGRATIONS)
    await asyncio.to_thread(command.upgrade, config, "audit_0003")
    db = Database(url)
    try:
        async with db.transaction() as session:
            for record_id, customers in RECORDS.items():
                indexed = record_id != "r2"  # (one not indexed yet: it has no rows)
                await _store(
                    session, record_id, customers, listed=indexed, index=customers if indexed else []
                )
        await migrations.upgrade_async(url, MIGRATIONS, Base.metadata)
        assert await _read(db, "SELECT count(*) FROM access_record_customers") == [(0,)]
        assert await _read(db, "SELECT id, customers_indexed FROM access_records ORDER BY id") == [
            ("r1", True),
            ("r2", True),
            ("r3", True),
        ]
        options = await _read(
            db, "SELECT reloptions FROM pg_class WHERE relname = 'ix_access_records_customer_list'"
        )
        assert options == [
            (["gin_pending_list_limit=256"],)
        ]  # merged a little at a time (no 4 MB merge stall)
        from kam_customer.adapters.orm import AccessRecordRow

        for customer, expected in (("c1", ["r1", "r2"]), ("c3", ["r1"]), ("c", []), ("c1 c2", [])):
            query = (
                sa.select(AccessRecordRow.id).where(CustomerColumn() == customer).order_by(AccessRecordRow.id)
            )
            async with db.read() as session:
                assert (await session.scalars(query)).all() == expected, customer
                others = sa.select(AccessRecordRow.id).where(CustomerColumn() != customer)
                assert sorted((await session.scalars(others)).all()) == sorted(set(RECORDS) - set(expected))
                # the condition is the index's expression: with scans of the table or of another index priced out,
                # the GIN index serves (a bitmap scan)
                for scan in ("seqscan", "indexscan", "indexonlyscan"):
                    await session.execute(sa.text(f"SET LOCAL enable_{scan} = off"))
                compiled = query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
                plan = "\n".join((await session.scalars(sa.text(f"EXPLAIN {compiled}"))).all())
                assert "ix_access_records_customer_list" in plan, plan

        await asyncio.to_thread(command.downgrade, config, "audit_0003")
        index = await _read(
            db,
            "SELECT record_id, position, customer_id FROM access_record_customers ORDER BY record_id, position",
        )
        assert index == [(r, n, c) for r, cs in sorted(RECORDS.items()) for n, c in enumerate(cs)]
        indexes = await _read(db, "SELECT indexname FROM pg_indexes WHERE tablename = 'access_records'")
        assert ("ix_access_records_customer_list",) not in indexes
    finally:
        await db.dispose()
