"""Data scope (数据权限) in the customer service: the kit's rules (:mod:`kam_kit.scope`) over the org tree copied
from the core-banking source (``org_units``), and the checks every read and write of a customer's data makes.

A customer outside the scope is reported as NOT_FOUND (its existence is not leaked), for reads and writes alike,
and every aggregate (counts per tier, statistics, simulations) counts only the customers in the caller's scope.
"""

from __future__ import annotations

from kam_kit.auth import Identity
from kam_kit.errors import NotFound
from kam_kit.scope import DataScope, needs_tree, resolve
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from kam_customer.adapters.orm import CustomerRow, OrgUnitRow
from kam_customer.domain.customers import INDIVIDUAL, mask_name

ORG_PREFIX = "orgUnits/"


async def scope_for(session: AsyncSession | AsyncConnection, identity: Identity | None) -> DataScope:
    """The scope of ``identity`` (reads the org tree when it needs it; it has hundreds of rows, not millions),
    through a session or a connection."""
    parents = None
    if needs_tree(identity):
        parents = dict((await session.execute(select(OrgUnitRow.id, OrgUnitRow.parent_id))).all())
    return resolve(identity, parents)


def customer_condition(scope: DataScope) -> ColumnElement[bool] | None:
    """The WHERE condition on customers for ``scope``; None when unrestricted."""
    return scope.condition(CustomerRow.branch, CustomerRow.relationship_manager)


def customer_not_found(customer_id: str) -> NotFound:
    return NotFound(
        f"客户 customers/{customer_id} 不存在 (not found)", metadata={"name": f"customers/{customer_id}"}
    )


async def visible_customer(session: AsyncSession, scope: DataScope, customer_id: str) -> CustomerRow:
    """The customer if it exists and the scope allows it, else NOT_FOUND (same message either way)."""
    row = await session.get(CustomerRow, customer_id)
    if row is None or not scope.allows(row):
        raise customer_not_found(customer_id)
    return row


async def customer_for(session: AsyncSession, identity: Identity | None, customer_id: str) -> CustomerRow:
    """:func:`visible_customer` in ``identity``'s scope: the check every read and write of a customer's data makes."""
    return await visible_customer(session, await scope_for(session, identity), customer_id)


#: The AIP-159 wildcard: ``customers/-`` as a parent means every customer in the caller's scope.
ALL_CUSTOMERS = "-"


async def parent_condition(
    session: AsyncSession, identity: Identity | None, customer_id: str, column
) -> ColumnElement[bool] | None:
    """The WHERE condition for a list under ``customers/{customer_id}``: for :data:`ALL_CUSTOMERS` the scope's
    condition on customers (None when unrestricted; the statement joins ``customers``), else ``column`` =
    the customer, once :func:`customer_for` has found it in scope (NOT_FOUND otherwise)."""
    if customer_id == ALL_CUSTOMERS:
        return customer_condition(await scope_for(session, identity))
    await customer_for(session, identity, customer_id)
    return column == customer_id


async def member_names(
    session: AsyncSession, customer_ids: set[str], scope: DataScope
) -> tuple[dict[str, str], frozenset[str]]:
    """Display names of group companies (corporate-group views and corporate structure) and those outside
    ``scope``. A company outside the scope is still named — the group's shape is public business-registry data —
    but marked ``restricted`` and nothing else about it is shown; an individual's name is always masked there."""
    if not customer_ids:
        return {}, frozenset()
    rows = (
        await session.execute(
            select(
                CustomerRow.id,
                CustomerRow.display_name,
                CustomerRow.type,
                CustomerRow.branch,
                CustomerRow.relationship_manager,
            ).where(CustomerRow.id.in_(customer_ids))
        )
    ).all()
    names = {
        row.id: row.display_name if row.type != INDIVIDUAL else mask_name(row.display_name) for row in rows
    }
    return names, frozenset(row.id for row in rows if not scope.allows(row))
