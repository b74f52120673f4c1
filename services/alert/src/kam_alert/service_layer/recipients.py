"""Who an alert reaches, from the service's own copies of the org tree and the users (no call per alert):

- the customer's relationship manager (a scanned customer's ``staff/{code}`` is the user with that staff code) and
  named users, as the rule says;
- branch managers: the active holders of ``roles/branch_manager`` in the customer's branch, or — if it has none —
  in the nearest unit above it;
- roles: the active holders of those roles in the customer's branch and the units above it (a compliance officer
  at head office hears of every branch's alerts);
- escalation level *n* (``up_the_org_tree``): the branch managers *n* levels above the customer's branch (支行 →
  分行 → 总行), plus the escalation's own recipients.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from kam.alert.v1 import alert_pb2
from kam_kit import directory
from kam_kit.scope import ORG_PREFIX
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_alert.adapters.orm import OrgUnitCopy, UserCopy

BRANCH_MANAGER = "roles/branch_manager"


#: the org tree copy per database, read at most once a minute (it changes when a scan sees the source's branches
#: change; an elapsed-time cache, not a point in time, hence the monotonic clock)
_TREES: dict[str, tuple[float, dict[str, str | None]]] = {}
TREE_SECONDS = 60.0


async def _parents(session: AsyncSession) -> dict[str, str | None]:
    key, now = str(session.bind.url), time.monotonic()
    cached = _TREES.get(key)
    if cached is None or cached[0] < now:
        rows = (await session.execute(select(OrgUnitCopy.id, OrgUnitCopy.parent_id))).all()
        cached = _TREES[key] = (now + TREE_SECONDS, {unit: parent for unit, parent in rows})
    return cached[1]


async def chain(session: AsyncSession, branch: str) -> list[str]:
    """``branch`` and the units above it, nearest first, as ``orgUnits/…`` names."""
    if not branch:
        return []
    parents = await _parents(session)
    out: list[str] = []
    unit = branch.removeprefix(ORG_PREFIX)
    while unit and f"{ORG_PREFIX}{unit}" not in out:
        out.append(f"{ORG_PREFIX}{unit}")
        unit = parents.get(unit) or ""
    return out


async def relationship_manager(session: AsyncSession, manager: str) -> list[str]:
    """The user(s) behind a customer's relationship manager: ``users/{user}`` as it is, or — for scanned customers,
    which name their manager by the core's staff code, ``staff/{code}`` — the active users with that staff code."""
    if manager.startswith("users/"):
        return [manager]
    if manager.startswith("staff/"):
        code = manager.removeprefix("staff/")
        rows = await session.scalars(
            select(UserCopy.name).where(UserCopy.staff_code == code, UserCopy.active.is_(True))
        )
        return sorted(rows)
    return []


async def of_rule(
    session: AsyncSession, recipients: alert_pb2.Recipients, context: Mapping[str, Any], units: list[str]
) -> set[str]:
    """The users ``recipients`` name for a customer whose branch and the units above it are ``units``."""
    out = set(recipients.users)
    if recipients.relationship_manager:
        out.update(await relationship_manager(session, str(context.get("relationship_manager", ""))))
    if recipients.branch_manager:
        for unit in units:  # the nearest unit with a branch manager
            found = await directory.holders(session, UserCopy, [BRANCH_MANAGER], [unit])
            if found:
                out.update(found)
                break
    if recipients.roles:
        out.update(await directory.holders(session, UserCopy, recipients.roles, units))
    return out


async def of_escalation(
    session: AsyncSession, escalation: alert_pb2.Escalation, context: Mapping[str, Any], level: int
) -> set[str]:
    """Who escalation ``level`` (1, 2 …) adds: the escalation's recipients, and the branch managers ``level``
    units above the customer's branch when it goes up the org tree."""
    units = await chain(session, str(context.get("branch", "")))
    out = await of_rule(session, escalation.recipients, context, units)
    if escalation.up_the_org_tree and level < len(units):
        out.update(await directory.holders(session, UserCopy, [BRANCH_MANAGER], [units[level]]))
    return out
