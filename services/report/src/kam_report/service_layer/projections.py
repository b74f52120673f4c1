"""Event handlers that build the analytical store, and the queries over it."""

from __future__ import annotations

from datetime import datetime

from kam.customer.v1 import customer_pb2, events_pb2
from kam_kit import orgtree
from kam_kit.auth import Identity
from kam_kit.events import EventMeta
from kam_kit.projection import newer_row
from kam_kit.scope import EVERYTHING, DataScope
from kam_kit.timeconv import aware, from_timestamp
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_report.adapters.orm import CustomerFact, OrgUnitCopy, TierSpan

Customer = customer_pb2.Customer
_TYPES = {Customer.TYPE_INDIVIDUAL: "INDIVIDUAL", Customer.TYPE_CORPORATE: "CORPORATE"}
PLACEHOLDER = "PENDING"  # a fact known only from a TierChanged so far


def _apply(fact: CustomerFact, customer: Customer) -> None:
    fact.display_name = customer.display_name[:200]
    fact.type = _TYPES.get(customer.type, "UNSPECIFIED")
    fact.branch = customer.branch
    fact.relationship_manager = customer.relationship_manager
    fact.update_time = from_timestamp(customer.update_time)


async def on_customer_changed(session: AsyncSession, event, meta: EventMeta) -> None:
    """CustomerCreated and CustomerUpdated both carry the whole customer: upsert its fact row (an older version
    arriving late changes nothing; a placeholder made by an early TierChanged is filled)."""
    customer = event.customer
    fact = await newer_row(
        session,
        CustomerFact,
        customer.name,
        from_timestamp(customer.update_time),
        stale=lambda row: row.type == PLACEHOLDER,
    )
    if fact is None:
        return
    if fact.create_time is None:
        fact.create_time = from_timestamp(customer.create_time)
    _apply(fact, customer)


async def on_tier_changed(session: AsyncSession, event: events_pb2.TierChanged, meta: EventMeta) -> None:
    """The tier is the customer service's verdict; the newest assignment wins whatever order events arrive in. Each
    change is also a span of the tier history (a slowly changing dimension), whatever order they arrive in."""
    assigned = from_timestamp(event.assignment.assign_time)
    if await session.get(TierSpan, (event.customer, assigned)) is None:
        session.add(TierSpan(customer=event.customer, valid_from=assigned, tier=event.tier))
    fact = await session.get(CustomerFact, event.customer)
    if fact is None:  # the tier arrived first: keep it; the customer event fills in the rest
        fact = CustomerFact(
            customer=event.customer,
            type=PLACEHOLDER,
            branch=event.branch,
            relationship_manager=event.relationship_manager,
            create_time=assigned,
            update_time=assigned,
        )
        session.add(fact)
    elif fact.tier_time is not None and assigned < aware(fact.tier_time):
        return
    fact.tier = event.tier
    fact.tier_time = assigned


#: The org tree, for data scope (kam_kit.orgtree).
on_org_unit_updated = orgtree.updater(OrgUnitCopy)


async def scope_of(session: AsyncSession, identity: Identity | None) -> DataScope:
    """The caller's data scope over this service's copy of the org tree."""
    return await orgtree.scope_of(session, identity, OrgUnitCopy)


def _in_scope(scope: DataScope) -> list:
    condition = scope.condition(CustomerFact.branch, CustomerFact.relationship_manager)
    return [] if condition is None else [condition]


async def tier_counts(session: AsyncSession, scope: DataScope = EVERYTHING) -> list[tuple[str, int]]:
    """Customers per tier (graded customers only) in ``scope``, most first."""
    rows = await session.execute(
        select(CustomerFact.tier, func.count())
        .where(CustomerFact.tier != "", *_in_scope(scope))
        .group_by(CustomerFact.tier)
        .order_by(func.count().desc(), CustomerFact.tier)
    )
    return [(tier, int(count)) for tier, count in rows]


async def customer_stats(
    session: AsyncSession, scope: DataScope = EVERYTHING
) -> tuple[int, int, int, datetime | None]:
    """Customers, individuals, corporates in ``scope`` and the time of the latest change among them."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((CustomerFact.type == "INDIVIDUAL", 1), else_=0)), 0),
                func.coalesce(func.sum(case((CustomerFact.type == "CORPORATE", 1), else_=0)), 0),
                func.max(CustomerFact.update_time),
            )
            .select_from(CustomerFact)
            .where(*_in_scope(scope))
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), row[3]


CUSTOMER_EVENTS = (events_pb2.CustomerCreated, events_pb2.CustomerUpdated)
