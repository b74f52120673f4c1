"""Keeps the alert service's customer copy current from customer events."""

from __future__ import annotations

from datetime import datetime

from kam.customer.v1 import customer_pb2, events_pb2
from kam_kit.events import EventMeta
from kam_kit.projection import newer_row
from kam_kit.timeconv import from_timestamp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_alert.adapters.orm import WatchedCustomer

Customer = customer_pb2.Customer
CUSTOMER_EVENTS = (events_pb2.CustomerCreated, events_pb2.CustomerUpdated)


async def on_customer_changed(session: AsyncSession, event, meta: EventMeta) -> None:
    customer = event.customer
    updated = from_timestamp(customer.update_time)
    row = await newer_row(session, WatchedCustomer, customer.name, updated)
    if row is None:
        return  # an older version arriving late changes nothing
    row.display_name = customer.display_name
    row.type = Customer.Type.Name(customer.type).removeprefix("TYPE_")
    row.relationship_manager = customer.relationship_manager
    row.branch = customer.branch
    row.tier = customer.tier
    row.update_time = updated
    if row.last_activity_time is None:  # dormancy counts from the customer's creation until a transaction
        row.last_activity_time = (
            from_timestamp(customer.create_time) if customer.HasField("create_time") else updated
        )


async def watched_count(session: AsyncSession) -> tuple[int, datetime | None]:
    """Customers in the projection and the time of the latest change applied to it."""
    count, latest = (await session.execute(select(func.count(), func.max(WatchedCustomer.update_time)))).one()
    return int(count or 0), latest
