"""Data scope (数据权限): which customers a caller may see.

Rules (simple, documented; the gateway owns the org tree and roles, the token carries them):

- callers with ``roles/admin``, ``roles/head_office_leader`` or ``roles/compliance``, service tokens, and
  in-process calls without an identity see every customer;
- anyone else sees the customers whose ``branch`` is the caller's ``org_unit`` or a descendant of it in the
  ``org_units`` tree (``orgUnits/<id>``, parent links copied from the core system), plus the customers whose
  ``relationship_manager`` is the caller: the token subject itself (``users/rm_zhang``), or the staff record with
  the same id (``staff/rm_zhang``) since scanned customers name their manager by staff id.

A customer outside the scope is reported as NOT_FOUND (its existence is not leaked).
"""

from __future__ import annotations

from dataclasses import dataclass

from kam_kit.auth import Identity
from kam_kit.errors import NotFound
from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import CustomerRow, OrgUnitRow

GLOBAL_ROLES = frozenset({"roles/admin", "roles/head_office_leader", "roles/compliance"})
ORG_PREFIX = "orgUnits/"


@dataclass(frozen=True)
class DataScope:
    everything: bool
    branches: frozenset[str] = frozenset()  # org unit resource names
    managers: frozenset[str] = frozenset()  # relationship manager resource names

    def condition(self, branch_column, manager_column) -> ColumnElement[bool] | None:
        """A WHERE condition over a (branch, relationship manager) column pair; None when unrestricted."""
        if self.everything:
            return None
        terms = []
        if self.branches:
            terms.append(branch_column.in_(sorted(self.branches)))
        if self.managers:
            terms.append(manager_column.in_(sorted(self.managers)))
        return or_(*terms) if terms else false()

    def customer_condition(self) -> ColumnElement[bool] | None:
        return self.condition(CustomerRow.branch, CustomerRow.relationship_manager)

    def allows(self, customer: CustomerRow) -> bool:
        return self.everything or customer.branch in self.branches or customer.relationship_manager in self.managers


EVERYTHING = DataScope(everything=True)


def _descendants(root: str, parents: dict[str, str | None]) -> set[str]:
    children: dict[str, list[str]] = {}
    for unit, parent in parents.items():
        if parent:
            children.setdefault(parent, []).append(unit)
    found, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


async def scope_for(session: AsyncSession, identity: Identity | None) -> DataScope:
    """The scope of ``identity`` (reads the org tree; it has hundreds of rows, not millions)."""
    if identity is None or identity.kind == "service" or GLOBAL_ROLES.intersection(identity.roles):
        return EVERYTHING
    branches: set[str] = set()
    if identity.org_unit:
        parents = dict((await session.execute(select(OrgUnitRow.id, OrgUnitRow.parent_id))).all())
        root = identity.org_unit.removeprefix(ORG_PREFIX)
        branches = {ORG_PREFIX + unit for unit in _descendants(root, parents)}
    managers = {identity.subject, "staff/" + identity.subject.rsplit("/", 1)[-1]}
    return DataScope(everything=False, branches=frozenset(branches), managers=frozenset(managers))


async def visible_customer(session: AsyncSession, scope: DataScope, customer_id: str) -> CustomerRow:
    """The customer if it exists and the scope allows it, else NOT_FOUND (same message either way)."""
    row = await session.get(CustomerRow, customer_id)
    if row is None or not scope.allows(row):
        raise NotFound(f"客户 customers/{customer_id} 不存在 (not found)",
                       metadata={"name": f"customers/{customer_id}"})
    return row
