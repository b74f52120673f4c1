"""The alert service's customer copy, kept from customer events, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from kam.customer.v1 import customer_pb2, events_pb2
from kam_alert.adapters.orm import Base, WatchedCustomer
from kam_alert.bootstrap import MIGRATIONS
from kam_alert.service_layer.watch import on_customer_changed, watched_count
from kam_devkit.testing import migrated_database
from kam_kit.db import Database
from kam_kit.events import EventMeta
from kam_kit.timeconv import to_timestamp

Customer = customer_pb2.Customer
META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)


@pytest.fixture
async def db(database_url):
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as database:
        yield database


async def test_customer_copy_follows_the_newest_event(db: Database) -> None:
    first, second = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, tzinfo=UTC)
    created = Customer(
        name="customers/z",
        type=Customer.TYPE_INDIVIDUAL,
        display_name="赵敏",
        relationship_manager="users/rm_zhang",
        update_time=to_timestamp(first),
    )
    renamed = Customer(
        name="customers/z",
        type=Customer.TYPE_INDIVIDUAL,
        display_name="赵敏敏",
        relationship_manager="users/rm_li",
        update_time=to_timestamp(second),
    )
    async with db.transaction() as session:
        await on_customer_changed(session, events_pb2.CustomerCreated(customer=created), META)
        await on_customer_changed(session, events_pb2.CustomerUpdated(customer=renamed), META)
        await on_customer_changed(session, events_pb2.CustomerUpdated(customer=created), META)  # stale
    async with db.read() as session:
        row = await session.get(WatchedCustomer, "customers/z")
        assert (row.display_name, row.relationship_manager, row.type) == (
            "赵敏敏",
            "users/rm_li",
            "INDIVIDUAL",
        )
        count, latest = await watched_count(session)
        assert count == 1 and latest.replace(tzinfo=UTC) == second
