"""The report service's customer facts, built from customer events, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from kam.customer.v1 import customer_pb2, events_pb2
from kam_devkit.testing import migrated_database
from kam_kit.db import Database
from kam_kit.events import EventMeta
from kam_kit.timeconv import to_timestamp
from kam_report.adapters.orm import Base
from kam_report.bootstrap import MIGRATIONS
from kam_report.service_layer.projections import customer_stats, on_customer_changed

Customer = customer_pb2.Customer
META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)


def _customer(name: str, kind: int, at: datetime, branch: str = "") -> Customer:
    return Customer(
        name=name, type=kind, branch=branch, create_time=to_timestamp(at), update_time=to_timestamp(at)
    )


@pytest.fixture
async def db(database_url):
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as database:
        yield database


async def test_counts_by_type_and_ignores_stale_updates(db: Database) -> None:
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    async with db.transaction() as session:
        await on_customer_changed(
            session,
            events_pb2.CustomerCreated(customer=_customer("customers/a", Customer.TYPE_INDIVIDUAL, early)),
            META,
        )
        await on_customer_changed(
            session,
            events_pb2.CustomerCreated(customer=_customer("customers/b", Customer.TYPE_CORPORATE, early)),
            META,
        )
        await on_customer_changed(
            session,
            events_pb2.CustomerUpdated(
                customer=_customer("customers/b", Customer.TYPE_CORPORATE, late, branch="orgUnits/sh")
            ),
            META,
        )
        # An older version of b arriving late must not undo the newer one.
        await on_customer_changed(
            session,
            events_pb2.CustomerUpdated(
                customer=_customer("customers/b", Customer.TYPE_CORPORATE, early, branch="orgUnits/old")
            ),
            META,
        )
    async with db.read() as session:
        total, individual, corporate, updated = await customer_stats(session)
    assert (total, individual, corporate) == (2, 1, 1)
    assert updated.replace(tzinfo=UTC) == late


async def test_tier_counts_follow_the_newest_tier_assignment(db: Database) -> None:
    from kam.customer.v1 import tier_pb2
    from kam_report.service_layer.projections import on_tier_changed, tier_counts

    t1, t2 = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 2, 2, tzinfo=UTC)

    def changed(name: str, tier: str, at: datetime) -> events_pb2.TierChanged:
        return events_pb2.TierChanged(
            customer=name,
            tier=tier,
            assignment=tier_pb2.TierAssignment(tier=tier, assign_time=to_timestamp(at)),
        )

    async with db.transaction() as session:
        # the tier can arrive before the customer event; the customer event then fills in the rest
        await on_tier_changed(session, changed("customers/a", "tiers/diamond", t1), META)
        await on_customer_changed(
            session,
            events_pb2.CustomerCreated(customer=_customer("customers/a", Customer.TYPE_INDIVIDUAL, t1)),
            META,
        )
        await on_customer_changed(
            session,
            events_pb2.CustomerCreated(customer=_customer("customers/b", Customer.TYPE_INDIVIDUAL, t1)),
            META,
        )
        await on_tier_changed(session, changed("customers/b", "tiers/gold", t2), META)
        await on_tier_changed(session, changed("customers/b", "tiers/diamond", t1), META)  # stale: ignored
        await on_customer_changed(
            session,
            events_pb2.CustomerCreated(customer=_customer("customers/c", Customer.TYPE_CORPORATE, t1)),
            META,
        )
    async with db.read() as session:
        assert await tier_counts(session) == [("tiers/diamond", 1), ("tiers/gold", 1)]
        total, individual, corporate, _ = await customer_stats(session)
    assert (total, individual, corporate) == (3, 2, 1)
