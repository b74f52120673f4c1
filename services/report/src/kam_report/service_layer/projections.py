"""Event handlers that build the analytical store, and the queries over it."""

from __future__ import annotations

from datetime import datetime

from kam.customer.v1 import customer_pb2, events_pb2
from kam_kit.events import EventMeta
from kam_kit.timeconv import aware, from_timestamp
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_report.adapters.orm import CustomerFact

Customer = customer_pb2.Customer
_TYPES = {Customer.TYPE_INDIVIDUAL: "INDIVIDUAL", Customer.TYPE_CORPORATE: "CORPORATE"}


def _apply(fact: CustomerFact, customer: Customer) -> None:
    fact.type = _TYPES.get(customer.type, "UNSPECIFIED")
    fact.branch = customer.branch
    fact.relationship_manager = customer.relationship_manager
    fact.tier = customer.tier
    fact.update_time = from_timestamp(customer.update_time)


async def on_customer_changed(session: AsyncSession, event, meta: EventMeta) -> None:
    """CustomerCreated and CustomerUpdated both carry the whole customer: upsert its fact row."""
    customer = event.customer
    fact = await session.get(CustomerFact, customer.name)
    if fact is None:
        fact = CustomerFact(customer=customer.name, create_time=from_timestamp(customer.create_time))
        session.add(fact)
    elif from_timestamp(customer.update_time) < aware(fact.update_time):
        return  # an older version arriving late changes nothing
    _apply(fact, customer)


async def customer_stats(session: AsyncSession) -> tuple[int, int, int, datetime | None]:
    row = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((CustomerFact.type == "INDIVIDUAL", 1), else_=0)), 0),
                func.coalesce(func.sum(case((CustomerFact.type == "CORPORATE", 1), else_=0)), 0),
                func.max(CustomerFact.update_time),
            ).select_from(CustomerFact)
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), row[3]


CUSTOMER_EVENTS = (events_pb2.CustomerCreated, events_pb2.CustomerUpdated)
