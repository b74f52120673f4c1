"""The identity service's entries in the kit's audit trail (kam_kit.audit): who changed which user, org unit, role
or service account, before and after (changed fields only), in the change's transaction. Secrets never appear:
the values recorded are the listed columns, none of them a hash."""

from __future__ import annotations

from typing import Any

from kam_kit import audit
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.grpcserver import current_identity

from kam_gateway.identity.adapters.orm import OrgUnitRow, RoleRow, ServiceAccountRow, UserRow
from kam_gateway.identity.service_layer.sign_in import SERVICE

USER_FIELDS = (
    "username",
    "display_name",
    "org_unit_id",
    "manager_id",
    "staff_code",
    "email",
    "phone",
    "state",
    "data_scope",
    "password_change_required",
    "locked_until",
    "origin",
    "keep_kam_changes",
)
ORG_FIELDS = ("display_name", "type", "parent_id", "region", "origin", "keep_kam_changes")
ROLE_FIELDS = ("display_name", "permissions", "data_scope")
ACCOUNT_FIELDS = ("display_name", "permissions", "state", "tokens_valid_after")


def trail(clock: Clock) -> audit.AuditTrail:
    return audit.AuditTrail(SERVICE, clock)


def actor() -> Identity | None:
    """The caller of the rpc being served; None for the service itself (an import from the core)."""
    return current_identity()


def user_values(row: UserRow, roles: tuple[RoleRow, ...]) -> dict[str, Any]:
    return {**audit.snapshot(row, USER_FIELDS), "roles": [role.id for role in roles]}


def org_values(row: OrgUnitRow) -> dict[str, Any]:
    return audit.snapshot(row, ORG_FIELDS)


def role_values(row: RoleRow) -> dict[str, Any]:
    return audit.snapshot(row, ROLE_FIELDS)


def account_values(row: ServiceAccountRow) -> dict[str, Any]:
    return audit.snapshot(row, ACCOUNT_FIELDS)
