"""A campaign's customer segment: checked when saved, and matched against the service's copy of key customers
and their accounts (the target list), with each customer's relationship manager resolved.

A segment may name its customers outright (``customers``, e.g. a data-mining report's list: 流失风险预警, 产品推荐):
only they are taken, and only if they also meet every other condition and belong to the executing units — a name
outside them (or unknown) simply matches nobody, never an error that would tell it exists."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from google.protobuf import json_format
from kam.customer.v1 import customer_pb2
from kam.task.v1 import task_pb2
from kam_kit.errors import InvalidArgument, PermissionDenied, Validator
from kam_kit.permissions import RELATIONSHIP_MANAGER
from kam_kit.protoconv import money_value
from kam_kit.scope import ORG_PREFIX, DataScope, descendants
from sqlalchemy import ColumnElement, exists, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_task.adapters.orm import (
    AccountCopy,
    CustomerCopy,
    OrgUnitCopy,
)
from kam_task.domain import campaigns as rules
from kam_task.domain import tasks as task_rules
from kam_task.service_layer.campaign_reach import ancestors

Campaign = task_pb2.Campaign
Target = task_pb2.CampaignTarget
Activity = task_pb2.CampaignActivity
Account = customer_pb2.Account
PRODUCT_TYPES = {v for k, v in Account.Type.items() if k != "TYPE_UNSPECIFIED"}
CUSTOMER_TYPES = {v for k, v in customer_pb2.Customer.Type.items() if k != "TYPE_UNSPECIFIED"}
#: the most customers a segment may name (a data-mining report's list)
MAX_SEGMENT_CUSTOMERS = 10_000
#: bad names reported at most (one violation each; the rest of a bad list is not named, the answer stays small)
MAX_NAME_VIOLATIONS = 20
#: customers matched per query: well inside SQLite's (32,766) and PostgreSQL's (32,767) bound parameters, with
#: room for the executing units' branches beside them
CUSTOMER_CHUNK = 1000


def money_field(v: Validator, message: Any, field: str, path: str) -> Decimal | None:
    if not message.HasField(field):
        return None
    try:
        return money_value(getattr(message, field), path)
    except InvalidArgument as error:
        v.violations.extend(error.violations)
        return None


async def check_unit(session: AsyncSession, v: Validator, scope: DataScope, unit: str, path: str) -> None:
    if (
        not unit.startswith(ORG_PREFIX)
        or await session.get(OrgUnitCopy, unit.removeprefix(ORG_PREFIX)) is None
    ):
        v.add(path, f"未知的机构 {unit} (unknown org unit)")
    elif not (scope.everything or unit in scope.branches):
        raise PermissionDenied(
            f"{unit} 不在您的管辖范围 (not in your org subtree)", reason="CAMPAIGN_UNIT_OUT_OF_SCOPE"
        )


async def checked_segment(
    session: AsyncSession, v: Validator, segment: task_pb2.CampaignSegment, path: str
) -> dict:
    for i, tier in enumerate(segment.tiers):
        v.check(tier.startswith("tiers/") and len(tier) > 6, f"{path}.tiers[{i}]", "应为 tiers/… (a tier)")
    for i, kind in enumerate(segment.customer_types):
        v.check(kind in CUSTOMER_TYPES, f"{path}.customer_types[{i}]", "未知的客户类型 (unknown type)")
    for i, unit in enumerate(segment.branches):
        if (
            not unit.startswith(ORG_PREFIX)
            or await session.get(OrgUnitCopy, unit.removeprefix(ORG_PREFIX)) is None
        ):
            v.add(f"{path}.branches[{i}]", f"未知的机构 {unit} (unknown org unit)")
    for i, rm in enumerate(segment.relationship_managers):
        v.check(
            rm.startswith(("users/", "staff/")),
            f"{path}.relationship_managers[{i}]",
            "应为 users/… 或 staff/…",
        )
    bounds = {}
    for field in ("min_aum", "max_aum"):
        value = money_field(v, segment, field, f"{path}.{field}")
        if value is not None:
            bounds[field] = value
    if "min_aum" in bounds and "max_aum" in bounds:
        v.check(bounds["min_aum"] < bounds["max_aum"], f"{path}.max_aum", "应大于下限 (above the minimum)")
    for field in ("holds", "lacks"):
        for i, kind in enumerate(getattr(segment, field)):
            v.check(kind in PRODUCT_TYPES, f"{path}.{field}[{i}]", "未知的产品 (unknown product)")
    v.check(
        not set(segment.holds) & set(segment.lacks),
        f"{path}.lacks",
        "不能既持有又未持有同一产品 (both held and not)",
    )
    checked = json_format.MessageToDict(segment)
    checked.pop("customerCount", None)  # output only: the length of the list, computed when read
    if segment.customers:
        checked["customers"] = _checked_customers(v, list(segment.customers), f"{path}.customers")
    return checked


def _checked_customers(v: Validator, names: list[str], path: str) -> list[str]:
    """The customers a segment names, each once in the order given: each a ``customers/{id}``, at most
    :data:`MAX_SEGMENT_CUSTOMERS` of them (a longer list is one violation on the list, its names unchecked)."""
    distinct = list(dict.fromkeys(names))
    if not v.check(
        len(distinct) <= MAX_SEGMENT_CUSTOMERS,
        path,
        f"最多 {MAX_SEGMENT_CUSTOMERS:,} 位客户 (at most {MAX_SEGMENT_CUSTOMERS:,} customers)",
    ):
        return distinct
    reported = len(v.violations)
    for i, name in enumerate(names):
        task_rules.check_resource(v, name, f"{path}[{i}]", "customers/", required=True)
        if len(v.violations) - reported >= MAX_NAME_VIOLATIONS:
            break
    return distinct


async def matching(
    session: AsyncSession, units: list[str], segment: dict, tree: dict[str, str | None]
) -> list[tuple[Any, str]]:
    """The customers a segment takes in the executing units, each with the deepest executing unit above them."""
    unit_of: dict[str, str] = {}
    for unit in sorted(units, key=lambda u: len(ancestors(u.removeprefix(ORG_PREFIX), tree))):
        for below in descendants(unit.removeprefix(ORG_PREFIX), tree):
            unit_of[ORG_PREFIX + below] = unit  # deeper executing units, applied later, win
    conditions: list[ColumnElement[bool]] = [CustomerCopy.branch.in_(sorted(unit_of))]
    if segment.get("tiers"):
        conditions.append(CustomerCopy.tier.in_(segment["tiers"]))
    if segment.get("customerTypes"):
        conditions.append(CustomerCopy.type.in_([t.removeprefix("TYPE_") for t in segment["customerTypes"]]))
    if segment.get("branches"):
        wanted = set()
        for unit in segment["branches"]:
            wanted |= {ORG_PREFIX + u for u in descendants(unit.removeprefix(ORG_PREFIX), tree)}
        conditions.append(CustomerCopy.branch.in_(sorted(wanted)))
    if segment.get("relationshipManagers"):
        conditions.append(CustomerCopy.relationship_manager.in_(segment["relationshipManagers"]))
    for key, compare in (("minAum", CustomerCopy.aum.__ge__), ("maxAum", CustomerCopy.aum.__lt__)):
        if key in segment:
            conditions.append(compare(money_dict(segment[key])))
    for kind in segment.get("holds", []):
        conditions.append(holding(kind))
    if segment.get("lacks"):
        conditions.append(not_(or_(*(holding(kind) for kind in segment["lacks"]))))
    query = select(
        CustomerCopy.customer,
        CustomerCopy.display_name,
        CustomerCopy.type,
        CustomerCopy.tier,
        CustomerCopy.branch,
        CustomerCopy.relationship_manager,
        CustomerCopy.aum,
    ).where(*conditions)
    if "customers" not in segment:
        return await _read(session, query, unit_of)
    # the customers named: a chunk at a time (each a name once, so no customer is found twice)
    named = list(dict.fromkeys(segment["customers"]))
    found: list[tuple[Any, str]] = []
    for start in range(0, len(named), CUSTOMER_CHUNK):
        chunk = named[start : start + CUSTOMER_CHUNK]
        found += await _read(session, query.where(CustomerCopy.customer.in_(chunk)), unit_of)
    return found


async def _read(session: AsyncSession, query: Any, unit_of: dict[str, str]) -> list[tuple[Any, str]]:
    result = await session.stream(query)
    found: list[tuple[Any, str]] = []
    async for part in result.partitions(5000):  # a large list read a part at a time, other calls in between
        found += [(row, unit_of[row.branch]) for row in part]
        await asyncio.sleep(0)
    return found


def holding(kind: str) -> ColumnElement[bool]:
    return exists().where(
        AccountCopy.customer == CustomerCopy.customer,
        AccountCopy.type == kind.removeprefix("TYPE_"),
        AccountCopy.open.is_(True),
    )


def money_dict(value: dict) -> Decimal:
    return (
        Decimal(value.get("units", "0")) + Decimal(value.get("nanos", 0)) / Decimal(1_000_000_000)
    ).quantize(rules.CENT)


def manager_map(people: dict[str, Any]) -> dict[str, str]:
    """Whom a customer's relationship manager (``users/{user}`` or ``staff/{code}``) means: the active user who is
    a relationship manager, by name or by staff code (a name no such user has means nobody)."""
    found: dict[str, str] = {}
    for name, user in people.items():
        if RELATIONSHIP_MANAGER in user.roles.split():
            found[name] = name
            if user.staff_code:
                found[f"staff/{user.staff_code}"] = name
    return found
