"""Figures per relationship manager or per org unit over the customers in the caller's scope (SummarizeCustomers,
the 工作台's 客户经理 table and branch chart).

It lives here, not in the report service's projection, because its figures are this service's own: assets under
management come from the scan's metrics (``customer_metrics``), names from the staff and org tree copied from the
source, and the scope from the same rules every read here applies. One GROUP BY over ``customers`` (a few
hundred groups at most), then org units are rolled up to the units directly under the caller's own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from kam_kit.auth import Identity
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument
from sqlalchemy import case, func, select

from kam_customer.adapters.orm import (
    CustomerMetricsRow,
    CustomerRow,
    OrgUnitRow,
    StaffRow,
    key_customer_condition,
)
from kam_customer.adapters.scope import ORG_PREFIX, customer_condition, scope_for
from kam_customer.service_layer.standing import display_names

RELATIONSHIP_MANAGER = "relationship_manager"
ORG_UNIT = "org_unit"
STAFF_PREFIX = "staff/"


@dataclass
class Summary:
    group: str
    display_name: str = ""
    customers: int = 0
    key_customers: int = 0
    aum: Decimal = Decimal(0)


def roll_up(unit: str, root: str | None, parents: dict[str, str | None]) -> str:
    """The unit directly under ``root`` on ``unit``'s way up (the top unit's child when ``root`` is None or not
    above ``unit``); ``unit`` itself when it is ``root`` or the tree does not know it."""
    path = [unit]
    while (parent := parents.get(path[-1])) and parent not in path:
        path.append(parent)
    if root in path:
        index = path.index(root)
        return path[index - 1] if index else unit
    return path[-2] if len(path) >= 2 else unit


class CustomerSummaries:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def summarize(self, identity: Identity | None, group_by: str) -> list[Summary]:
        group_by = group_by.strip() or RELATIONSHIP_MANAGER
        if group_by not in (RELATIONSHIP_MANAGER, ORG_UNIT):
            raise InvalidArgument.for_field(
                "group_by",
                f"应为 {RELATIONSHIP_MANAGER} 或 {ORG_UNIT} (must be {RELATIONSHIP_MANAGER} or {ORG_UNIT})",
            )
        column = CustomerRow.relationship_manager if group_by == RELATIONSHIP_MANAGER else CustomerRow.branch
        statement = (
            select(
                column.label("group"),
                func.count().label("customers"),
                func.sum(case((key_customer_condition(), 1), else_=0)).label("key_customers"),
                func.sum(func.coalesce(CustomerMetricsRow.aum, 0)).label("aum"),
            )
            .select_from(CustomerRow)
            .outerjoin(CustomerMetricsRow, CustomerMetricsRow.customer_id == CustomerRow.id)
            .group_by(column)
        )
        async with self.db.read() as session:
            condition = customer_condition(await scope_for(session, identity))
            if condition is not None:
                statement = statement.where(condition)
            rows = (await session.execute(statement)).all()
            if group_by == ORG_UNIT:
                units = (
                    await session.execute(
                        select(OrgUnitRow.id, OrgUnitRow.parent_id, OrgUnitRow.display_name)
                    )
                ).all()
                names = {unit.id: unit.display_name for unit in units}
                parents = {unit.id: unit.parent_id for unit in units}
                root = identity.org_unit.removeprefix(ORG_PREFIX) if identity and identity.org_unit else None
                key = lambda group: ORG_PREFIX + roll_up(group.removeprefix(ORG_PREFIX), root, parents)
            else:
                staff_ids = {
                    row.group.removeprefix(STAFF_PREFIX) for row in rows if row.group.startswith(STAFF_PREFIX)
                }
                names = await display_names(session, StaffRow, staff_ids)
                key = lambda group: group
        summaries: dict[str, Summary] = defaultdict(lambda: Summary(""))
        for row in rows:
            summary = summaries[key(row.group) if row.group else ""]  # "": none recorded
            summary.customers += int(row.customers)
            summary.key_customers += int(row.key_customers or 0)
            summary.aum += Decimal(row.aum or 0)
        for group, summary in summaries.items():
            summary.group = group
            summary.display_name = (
                names.get(group.removeprefix(ORG_PREFIX).removeprefix(STAFF_PREFIX), "") if group else ""
            )
        return sorted(summaries.values(), key=lambda s: (-s.aum, -s.customers, s.group))
