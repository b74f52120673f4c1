"""Who sees a campaign and its targets, and the figures counted over what the caller sees (every aggregate is
scoped: a relationship manager's figures count his targets only)."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from kam.customer.v1 import customer_pb2
from kam.task.v1 import task_pb2
from kam_kit.auth import Identity
from kam_kit.scope import ORG_PREFIX, DataScope, descendants
from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_task.adapters.orm import (
    CampaignRow,
    CampaignTargetRow,
    OrgUnitCopy,
    UserCopy,
)
from kam_task.domain import campaigns as rules

Campaign = task_pb2.Campaign
Target = task_pb2.CampaignTarget
Activity = task_pb2.CampaignActivity
Account = customer_pb2.Account


async def org_tree(session: AsyncSession) -> dict[str, str | None]:
    rows = (await session.execute(select(OrgUnitCopy.id, OrgUnitCopy.parent_id))).all()
    return {unit: parent for unit, parent in rows}


def ancestors(unit: str, tree: dict[str, str | None]) -> list[str]:
    found, current = [], unit
    while current and current not in found:
        found.append(current)
        current = tree.get(current) or ""
    return found


def sees(identity: Identity | None, scope: DataScope, row: CampaignRow, tree: dict[str, str | None]) -> bool:
    """Whether the caller sees a campaign: its creator, head office and compliance; once launched, everyone in or
    above its executing units; while a draft, only those who may plan it (``campaigns.manage`` over every one of
    its units) — a plan being made is not the branches' business yet."""
    if identity is None or row.creator == identity.subject:
        return True
    if row.state == rules.DRAFT:
        units = row.org_units.split()
        return identity.can("campaigns.manage") and (
            scope.everything or all(u in scope.branches for u in units)
        )
    if scope.everything:
        return True
    mine = set(scope.branches)
    if identity.org_unit:
        mine.add(identity.org_unit)
    for unit in row.org_units.split():
        subtree = {ORG_PREFIX + u for u in descendants(unit.removeprefix(ORG_PREFIX), tree)}
        if subtree & mine:
            return True
        if unit in {ORG_PREFIX + u for u in ancestors(identity.org_unit.removeprefix(ORG_PREFIX), tree)}:
            return True
    return False


def target_reach(identity: Identity | None, scope: DataScope) -> ColumnElement[bool] | None:
    if identity is None or scope.everything:
        return None
    terms = [CampaignTargetRow.relationship_manager == identity.subject]
    if scope.branches:
        terms.append(CampaignTargetRow.branch.in_(sorted(scope.branches)))
    if scope.managers:
        terms.append(CampaignTargetRow.customer_manager.in_(sorted(scope.managers)))
    return or_(*terms)


def reaches(identity: Identity | None, scope: DataScope, target: CampaignTargetRow) -> bool:
    if identity is None or scope.everything:
        return True
    return (
        target.relationship_manager == identity.subject
        or target.branch in scope.branches
        or target.customer_manager in scope.managers
    )


async def tallies(
    session: AsyncSession, identity: Identity | None, scope: DataScope, cid: str
) -> tuple[rules.Tally, dict[str, rules.Tally], dict[str, rules.Tally], rules.Tally]:
    """The figures of the targets in the caller's reach: total and per unit and relationship manager (worked
    targets), and the hold-out's."""
    conditions: list[ColumnElement[bool]] = [CampaignTargetRow.campaign_id == cid]
    if (reach := target_reach(identity, scope)) is not None:
        conditions.append(reach)
    rows = await session.execute(
        select(
            CampaignTargetRow.unit,
            CampaignTargetRow.relationship_manager,
            CampaignTargetRow.holdout,
            CampaignTargetRow.stage,
            func.count(),
            func.sum(CampaignTargetRow.converted_amount),
            func.sum(CampaignTargetRow.attributed_count),
            func.sum(CampaignTargetRow.attributed_amount),
            func.sum(
                # a converted amount counts from the activities, else from the accounts attributed
                case_amount()
            ),
            func.sum(case_attributed()),
        )
        .where(*conditions)
        .group_by(
            CampaignTargetRow.unit,
            CampaignTargetRow.relationship_manager,
            CampaignTargetRow.holdout,
            CampaignTargetRow.stage,
        )
    )
    total, holdout = rules.Tally(), rules.Tally()
    units: dict[str, rules.Tally] = defaultdict(rules.Tally)
    managers: dict[str, rules.Tally] = defaultdict(rules.Tally)
    for unit, manager, held, stage, count, _conv, attributed, _attr_amount, amount, with_accounts in rows:
        groups = [holdout] if held else [total, units[unit], managers[manager]]
        for tally in groups:
            tally.targets += count
            tally.reached += count if stage >= rules.CONTACTED else 0
            tally.interested += count if stage == rules.INTERESTED else 0
            tally.declined += count if stage == rules.DECLINED else 0
            converted = count if stage == rules.CONVERTED else int(with_accounts or 0)
            tally.converted += converted
            tally.converted_amount += Decimal(amount or 0)
            tally.attributed_accounts += int(attributed or 0)
    return total, dict(units), dict(managers), holdout


def case_amount() -> Any:
    return case(
        (CampaignTargetRow.converted_amount > 0, CampaignTargetRow.converted_amount),
        else_=CampaignTargetRow.attributed_amount,
    )


def case_attributed() -> Any:
    """1 for a target the bank's data shows converted: an account of the product opened, or its balance grown."""
    return case(
        (or_(CampaignTargetRow.attributed_count > 0, CampaignTargetRow.attributed_amount > 0), 1), else_=0
    )


async def reach_quota(
    session: AsyncSession, row: CampaignRow, identity: Identity | None, scope: DataScope
) -> float:
    """The part of a campaign's target a caller answers for: all of it for whoever sees everything; else the
    quotas of the executing units in their subtree, or — below the executing units — the quotas of the
    relationship managers in it (their own, for a relationship manager)."""
    if identity is None or scope.everything:
        return float(target_value(row))
    quotas = {q["assignee"]: float(quota_value(q, row.measure)) for q in json.loads(row.quotas or "[]")}
    units = [u for u in row.org_units.split() if u in scope.branches]
    if units:
        return sum(quotas.get(u, 0.0) for u in units)
    people = [name for name in quotas if name.startswith("users/")]
    below = (
        set(
            await session.scalars(
                select(UserCopy.name).where(
                    UserCopy.name.in_(people), UserCopy.org_unit.in_(sorted(scope.branches))
                )
            )
        )
        if scope.branches and people
        else set()
    )
    below.add(identity.subject)
    return sum(value for name, value in quotas.items() if name in below)


async def opened_rate(
    session: AsyncSession, identity: Identity | None, scope: DataScope, cid: str, *, holdout: bool
) -> float:
    """The share of the targets in reach (held out or not) who opened the product inside the period (bank data)."""
    conditions: list[ColumnElement[bool]] = [
        CampaignTargetRow.campaign_id == cid,
        CampaignTargetRow.holdout.is_(holdout),
    ]
    if (reach := target_reach(identity, scope)) is not None:
        conditions.append(reach)
    counted = (
        await session.execute(
            select(func.count(), func.sum(case_attributed()))
            .select_from(CampaignTargetRow)
            .where(*conditions)
        )
    ).one()
    return rules.ratio(float(counted[1] or 0), float(counted[0] or 0))


async def attributed_amount(
    session: AsyncSession, identity: Identity | None, scope: DataScope, cid: str
) -> Decimal:
    conditions: list[ColumnElement[bool]] = [
        CampaignTargetRow.campaign_id == cid,
        CampaignTargetRow.holdout.is_(False),
    ]
    if (reach := target_reach(identity, scope)) is not None:
        conditions.append(reach)
    value = await session.scalar(select(func.sum(CampaignTargetRow.attributed_amount)).where(*conditions))
    return Decimal(value or 0)


def quota_value(quota: dict, measure: str) -> Decimal | int:
    return Decimal(quota.get("amount", "0")) if measure == rules.AMOUNT else int(quota.get("count", 0))


def target_value(row: CampaignRow) -> Decimal | int:
    return row.target_amount if row.measure == rules.AMOUNT else row.target_count
