"""Credit standing (资信), corporate structure (集团结构) and the people/places a customer is assigned to."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import NotFound
from sqlalchemy import bindparam, select

from kam_customer.adapters.orm import (
    CreditProfileRow,
    CustomerMetricsRow,
    CustomerRow,
    GroupLinkRow,
    OrgUnitRow,
    StaffRow,
)
from kam_customer.adapters.scope import customer_for, member_names, scope_for, visible_customer
from kam_customer.domain import names
from kam_customer.service_layer import credit


async def display_names(session, row: type[OrgUnitRow | StaffRow], ids: set[str]) -> dict[str, str]:
    """Display names of org units or staff members by id (one query; none asked when ``ids`` is empty)."""
    if not ids:
        return {}
    return dict((await session.execute(_DISPLAY_NAMES[row], {"ids": list(ids)})).all())


#: Built once per table (as the customer listing's statements, docs/performance.md round 6).
_DISPLAY_NAMES = {
    row: select(row.id, row.display_name).where(row.id.in_(bindparam("ids", expanding=True)))
    for row in (OrgUnitRow, StaffRow)
}


@dataclass
class CreditStanding:
    customer_id: str
    rating: str
    score: int
    credit_limit: Decimal
    credit_used: Decimal
    overdue_count: int
    overdue_amount: Decimal
    factors: list[str]
    assess_time: object


@dataclass
class Link:
    customer_id: str
    display_name: str
    shareholding_percent: Decimal
    #: Outside the caller's data scope: named only (see scope.member_names).
    restricted: bool = False


@dataclass
class Structure:
    customer_id: str
    parents: list[Link]
    subsidiaries: list[Link]
    group_root: str


@dataclass
class Assignment:
    branch_display_name: str = ""
    relationship_manager_display_name: str = ""


#: Guard against cycles in bad source data when walking up to the group's root.
MAX_GROUP_DEPTH = 20


class StandingService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def credit_standing(self, identity: Identity | None, name: str) -> CreditStanding:
        (customer_id,) = names.parse(name, ("customers",), "name", singleton="creditStanding")
        async with self.db.read() as session:
            await customer_for(session, identity, customer_id)
            profile = await session.get(CreditProfileRow, customer_id)
            metrics = await session.get(CustomerMetricsRow, customer_id)
        if profile is None:
            raise NotFound(
                f"客户 customers/{customer_id} 暂无资信数据 (no credit standing yet)", metadata={"name": name}
            )
        # Computed on read, so the score always follows the current formula and the latest metrics.
        score, factors = credit.assess(profile, metrics)
        return CreditStanding(
            customer_id=customer_id,
            rating=profile.rating,
            score=score,
            credit_limit=profile.credit_limit,
            credit_used=profile.credit_used,
            overdue_count=profile.overdue_count,
            overdue_amount=profile.overdue_amount,
            factors=factors,
            assess_time=profile.assess_time,
        )

    async def corporate_structure(self, identity: Identity | None, name: str) -> Structure:
        (customer_id,) = names.parse(name, ("customers",), "name", singleton="corporateStructure")
        async with self.db.read() as session:
            scope = await scope_for(session, identity)
            await visible_customer(session, scope, customer_id)
            up = (
                await session.scalars(
                    select(GroupLinkRow)
                    .where(GroupLinkRow.child_id == customer_id)
                    .order_by(GroupLinkRow.shareholding_percent.desc(), GroupLinkRow.parent_id)
                )
            ).all()
            down = (
                await session.scalars(
                    select(GroupLinkRow)
                    .where(GroupLinkRow.parent_id == customer_id)
                    .order_by(GroupLinkRow.shareholding_percent.desc(), GroupLinkRow.child_id)
                )
            ).all()
            root, seen = customer_id, {customer_id}
            for _ in range(MAX_GROUP_DEPTH):  # the controlling (largest) shareholder, up to the top
                parent = await session.scalar(
                    select(GroupLinkRow.parent_id)
                    .where(GroupLinkRow.child_id == root)
                    .order_by(GroupLinkRow.shareholding_percent.desc(), GroupLinkRow.parent_id)
                    .limit(1)
                )
                if parent is None or parent in seen:
                    break
                seen.add(parent)
                root = parent
            display, restricted = await member_names(
                session, {link.parent_id for link in up} | {link.child_id for link in down}, scope
            )

        def link(other: str, percent: Decimal) -> Link:
            return Link(other, display.get(other, ""), percent, restricted=other in restricted)

        return Structure(
            customer_id=customer_id,
            group_root=root,
            parents=[link(row.parent_id, row.shareholding_percent) for row in up],
            subsidiaries=[link(row.child_id, row.shareholding_percent) for row in down],
        )

    async def assignment(self, customer: CustomerRow) -> Assignment:
        """Display names of the customer's branch and relationship manager, when KAM knows them."""
        return (await self.assignments([customer]))[customer.id]

    async def assignments(self, customers: list[CustomerRow]) -> dict[str, Assignment]:
        """:meth:`assignment` for a page of customers, in two queries."""
        org_ids = {c.branch.removeprefix("orgUnits/") for c in customers if c.branch}
        staff_ids = {
            c.relationship_manager.removeprefix("staff/")
            for c in customers
            if c.relationship_manager.startswith("staff/")
        }
        if not org_ids and not staff_ids:
            return {c.id: Assignment() for c in customers}
        async with self.db.reading() as session:
            orgs = await display_names(session, OrgUnitRow, org_ids)
            staff = await display_names(session, StaffRow, staff_ids)
        return {
            c.id: Assignment(
                branch_display_name=orgs.get(c.branch.removeprefix("orgUnits/"), "") if c.branch else "",
                relationship_manager_display_name=staff.get(c.relationship_manager.removeprefix("staff/"), "")
                if c.relationship_manager.startswith("staff/")
                else "",
            )
            for c in customers
        }
