"""Listing customers (ListCustomers) and a customer's contacts (ListContacts): the read side of the use cases
(CQRS, as Cosmic Python ch. 12 does). A page is a filtered, scope-restricted, ordered SQL query — orders by tier
level and by AUM join other tables — so it reads the database directly instead of going through the repositories
and the unit of work of the write side (:mod:`kam_customer.service_layer.customers`,
:mod:`kam_customer.service_layer.contacts`); the data scope is the same (:mod:`kam_customer.adapters.scope`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from kam_kit.auth import Identity
from kam_kit.db import Database
from kam_kit.rows import plain
from kam_kit.scope import DataScope
from sqlalchemy import ColumnElement, Index, Select, bindparam, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import ContactRow, CustomerMetricsRow, CustomerRow
from kam_customer.adapters.protomap import METRICS_COLUMNS, METRICS_JOINED
from kam_customer.adapters.scope import customer_condition, customer_for, scope_for
from kam_customer.domain import names
from kam_customer.service_layer.filters import order_keys
from kam_customer.tiering.orm import TierRuleSetRow
from kam_customer.tiering.repository import ACTIVE, rule_set_of

#: ListCustomers ``order_by`` fields (AIP-132). ``tier``: the tier's level in its customer type's active rule set
#: (no tier 0, the lowest tier 1 … the highest tier N, so ``tier desc`` lists the best customers first);
#: ``metrics.assets_under_management`` (the Customer field path; also without ``metrics.``): AUM as of the last
#: scan, 0 for customers without metrics. Ties: the id (ascending, or descending after a ``desc`` last key).
AUM_FIELDS = ("metrics.assets_under_management", "assets_under_management")
ORDER_FIELDS = ("display_name", "create_time", "update_time", "tier", *AUM_FIELDS)
DEFAULT_ORDER = [("create_time", False)]
#: Indexes for ordered pages of unrestricted callers (migration listing_0001; declared here so the model and
#: the migrations agree). Tier and AUM orders sort the filtered rows.
LISTING_INDEXES = tuple(
    Index(f"ix_customers_{name}_id", getattr(CustomerRow, name), CustomerRow.id)
    for name in ("display_name", "create_time", "update_time")
)

_METRICS = CustomerMetricsRow.__table__
#: Built once (a statement built per call costs its construction and its cache key: docs/performance.md, round 6).
_METRICS_OF = select(*(_METRICS.c[name] for name in METRICS_COLUMNS)).where(
    _METRICS.c.customer_id.in_(bindparam("ids", expanding=True))
)


class CustomerListing:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def list(
        self,
        *,
        offset: int,
        limit: int,
        conditions: list[ColumnElement[bool]],
        order_by: str = "",
        identity: Identity | None = None,
    ) -> tuple[list[CustomerRow], int]:
        """A page of customers, each row holding its metrics' columns too (``metrics_…``), and the total."""
        keys = tuple(order_keys(order_by, ORDER_FIELDS) or DEFAULT_ORDER)
        per_call = bool(conditions) or any(name == "tier" for name, _ in keys)
        columns = await _order_columns(self.db, [name for name, _ in keys]) if per_call else {}
        # a Core connection and rows of the table, not ORM objects: a page of 50 is rendered and dropped
        # (docs/performance.md, "Where a read's time goes")
        async with self.db.reading() as connection:
            scope = await scope_for(connection, identity)
            parameters: dict[str, Any] = {"page_offset": offset, "page_limit": limit}
            if per_call:  # a filter or the tiers' levels: built for this call
                restrict = customer_condition(scope)
                page, count = _page_statements(
                    columns, keys, [*conditions, *([restrict] if restrict is not None else [])]
                )
            else:  # no filter: built once per order and scope shape, the scope's values as parameters
                page, count = _unfiltered_statements(keys, scope)
                parameters |= scope.parameters
            customers = plain(await connection.execute(page, parameters))  # read like CustomerRow
            total = await connection.scalar(count, parameters)
        return customers, int(total or 0)

    async def metrics(self, customer_ids: Collection[str]) -> dict[str, Any]:
        """The latest metrics (``customer_metrics`` rows with :data:`METRICS_COLUMNS`) of the customers that have
        them, by id: one query for a whole page (``customer_id IN (…)``, a primary-key read for one customer)."""
        if not customer_ids:
            return {}
        async with self.db.reading() as connection:
            rows = await connection.execute(_METRICS_OF, {"ids": list(set(customer_ids))})
            return {row.customer_id: row for row in rows}


class ContactListing:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def list(
        self, identity: Identity | None, parent: str, *, offset: int, limit: int
    ) -> tuple[list[ContactRow], int]:
        """A page of the customer's contacts: the primary first, then the scan's, then the oldest."""
        (customer_id,) = names.parse(parent, ("customers",), "parent")
        async with self.db.read() as session:
            await customer_for(session, identity, customer_id)
            where = ContactRow.customer_id == customer_id
            rows = (
                await session.scalars(
                    select(ContactRow)
                    .where(where)
                    .order_by(
                        ContactRow.primary.desc(),
                        ContactRow.origin.desc(),
                        ContactRow.create_time,
                        ContactRow.id,
                    )
                    .offset(offset)
                    .limit(limit)
                )
            ).all()
            total = await session.scalar(select(func.count()).select_from(ContactRow).where(where))
        return list(rows), int(total or 0)


def _page_statements(
    columns: dict[str, ColumnElement],
    keys: tuple[tuple[str, bool], ...],
    conditions: list[ColumnElement[bool]],
) -> tuple[Select, Select]:
    """A page's statement (its metrics joined: protomap.joined_metrics reads them; ``page_offset`` and
    ``page_limit`` as parameters) and its total's."""
    order = [columns[name].desc() if descending else columns[name].asc() for name, descending in keys]
    # Ties: the id, in the direction of the last key, so one index serves e.g. ``create_time desc``.
    tie_break = CustomerRow.id.desc() if keys[-1][1] else CustomerRow.id.asc()
    page = (
        select(CustomerRow.__table__, *METRICS_JOINED)
        .outerjoin(CustomerMetricsRow, CustomerMetricsRow.customer_id == CustomerRow.id)
        .where(*conditions)
        .order_by(*order, tie_break)
        .offset(bindparam("page_offset"))
        .limit(bindparam("page_limit"))
    )
    return page, select(func.count()).select_from(CustomerRow).where(*conditions)


#: Statements of pages with no filter, by order and scope shape (bounded: an order has at most a few keys).
_UNFILTERED: dict[tuple, tuple[Select, Select]] = {}
_UNFILTERED_MAX = 256


def _unfiltered_statements(keys: tuple[tuple[str, bool], ...], scope: DataScope) -> tuple[Select, Select]:
    """:func:`_page_statements` of a page with no filter, for an order (not by tier, whose levels change) and the
    shape of a scope (:attr:`kam_kit.scope.DataScope.shape`; its values are the call's parameters): built once — a
    statement built per call costs its construction and its cache key (docs/performance.md, round 7)."""
    key = (keys, scope.shape)
    statements = _UNFILTERED.get(key)
    if statements is None:
        restrict = scope.bound_condition(CustomerRow.branch, CustomerRow.relationship_manager)
        statements = _page_statements(_static_columns(), keys, [restrict] if restrict is not None else [])
        if len(_UNFILTERED) < _UNFILTERED_MAX:
            _UNFILTERED[key] = statements
    return statements


def _static_columns() -> dict[str, ColumnElement]:
    columns: dict[str, ColumnElement] = {
        "display_name": CustomerRow.display_name,
        "create_time": CustomerRow.create_time,
        "update_time": CustomerRow.update_time,
    }
    columns.update(dict.fromkeys(AUM_FIELDS, func.coalesce(CustomerMetricsRow.aum, 0)))
    return columns


async def _order_columns(db: Database, names: list[str]) -> dict[str, ColumnElement]:
    columns = _static_columns()
    if "tier" in names:
        async with db.read() as session:
            levels = await tier_levels(session)
        columns["tier"] = case(levels, value=CustomerRow.tier, else_=0) if levels else literal(0)
    return columns


async def tier_levels(session: AsyncSession) -> dict[str, int]:
    """``tiers/…`` → level in the active rule set of its customer type (the highest tier of N has N)."""
    levels: dict[str, int] = {}
    for row in (await session.scalars(select(TierRuleSetRow).where(TierRuleSetRow.state == ACTIVE))).all():
        tiers = rule_set_of(row).tiers
        levels.update({tier.name: len(tiers) - rank for rank, tier in enumerate(tiers)})
    return levels
