"""Data scope (数据范围): which records of customers a caller may see, by org unit and relationship manager.

The rules, one place for every service (each keeps its own copy of the org tree: the customer service from the
core-banking source, the others from ``SourceOrgUnitUpdated`` events):

- ``ALL`` (:attr:`kam_kit.auth.Identity.data_scope`; administrators, head-office leaders, compliance, service
  tokens) and in-process calls without an identity: everything;
- ``ORG_UNIT_TREE`` (branch and relationship managers): records whose ``branch`` is the caller's ``org_unit`` or
  a descendant of it, plus the customers the caller manages;
- ``OWN``: only the customers the caller manages — their relationship manager is the token subject
  (``users/rm_zhang``), the staff record with the same id (``staff/rm_zhang``), or the staff record of the
  caller's core-banking staff code (the token's ``staff`` claim, ``staff/E000123``; scanned customers name their
  manager by staff id).

A user's own data scope (the token's ``scope`` claim, set per user in the identity service) replaces the one
their roles give.

A record outside the scope is reported as ``NOT_FOUND`` and left out of every list and aggregate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, bindparam, false, or_

from kam_kit.auth import Identity
from kam_kit.permissions import SCOPE_ALL, SCOPE_ORG_UNIT_TREE

ORG_PREFIX = "orgUnits/"


@dataclass(frozen=True)
class DataScope:
    everything: bool
    branches: frozenset[str] = frozenset()  # org unit resource names
    managers: frozenset[str] = frozenset()  # relationship manager resource names

    def condition(self, branch_column, manager_column) -> ColumnElement[bool] | None:
        """A WHERE condition over a (branch, relationship manager) column pair; None when unrestricted."""
        clause, values = self.bound_condition(branch_column, manager_column), self.parameters
        return clause.params(values) if clause is not None and values else clause

    def bound_condition(self, branch_column, manager_column) -> ColumnElement[bool] | None:
        """:meth:`condition` with its values left as parameters (:attr:`parameters`): the clause depends only on
        :attr:`shape`, so a statement built once per shape serves every caller of it."""
        if self.everything:
            return None
        terms = []
        if self.branches:
            terms.append(branch_column.in_(bindparam("scope_branches", expanding=True)))
        if self.managers:
            terms.append(manager_column.in_(bindparam("scope_managers", expanding=True)))
        return or_(*terms) if terms else false()

    @property
    def parameters(self) -> dict[str, list[str]]:
        """The values of :meth:`bound_condition`'s parameters."""
        values: dict[str, list[str]] = {}
        if not self.everything and self.branches:
            values["scope_branches"] = sorted(self.branches)
        if not self.everything and self.managers:
            values["scope_managers"] = sorted(self.managers)
        return values

    @property
    def shape(self) -> tuple[bool, bool, bool]:
        """What the scope's condition looks like, its values aside."""
        return self.everything, bool(self.branches), bool(self.managers)

    def allows(self, record) -> bool:
        """Whether a record with ``branch`` and ``relationship_manager`` attributes is in scope."""
        return (
            self.everything or record.branch in self.branches or record.relationship_manager in self.managers
        )


EVERYTHING = DataScope(everything=True)


def descendants(root: str, parents: Mapping[str, str | None]) -> set[str]:
    """``root`` and every unit below it (ids without the ``orgUnits/`` prefix; ``parents``: unit → parent)."""
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


def needs_tree(identity: Identity | None) -> bool:
    """Whether :func:`resolve` needs the org tree for ``identity`` (so callers read it only then)."""
    return identity is not None and identity.data_scope == SCOPE_ORG_UNIT_TREE and bool(identity.org_unit)


def resolve(identity: Identity | None, parents: Mapping[str, str | None] | None = None) -> DataScope:
    """The scope of ``identity`` given the org tree (``parents``: unit id → parent id, ids without the prefix)."""
    if identity is None or identity.data_scope == SCOPE_ALL:
        return EVERYTHING
    branches: set[str] = set()
    if needs_tree(identity):
        root = identity.org_unit.removeprefix(ORG_PREFIX)
        branches = {ORG_PREFIX + unit for unit in descendants(root, parents or {})}
    managers = {identity.subject, "staff/" + identity.subject.rsplit("/", 1)[-1]}
    if identity.staff_code:
        managers.add("staff/" + identity.staff_code)
    return DataScope(everything=False, branches=frozenset(branches), managers=frozenset(managers))
