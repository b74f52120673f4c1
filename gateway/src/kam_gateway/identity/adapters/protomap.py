"""Identity rows ↔ ``kam.identity.v1`` messages."""

from __future__ import annotations

from kam.identity.v1 import identity_pb2
from kam_kit import etags, permissions
from kam_kit.timeconv import aware, to_timestamp

from kam_gateway.identity.adapters.orm import (
    CORE_BANKING,
    OrgUnitRow,
    RoleRow,
    ServiceAccountRow,
    SessionRow,
    UserRow,
)

User, OrgUnit, Role = identity_pb2.User, identity_pb2.OrgUnit, identity_pb2.Role
USER_STATES = {
    "ACTIVE": User.STATE_ACTIVE,
    "DISABLED": User.STATE_DISABLED,
    "PENDING_ACTIVATION": User.STATE_PENDING_ACTIVATION,
}
ORG_TYPES = {
    "HEAD_OFFICE": OrgUnit.TYPE_HEAD_OFFICE,
    "BRANCH": OrgUnit.TYPE_BRANCH,
    "SUB_BRANCH": OrgUnit.TYPE_SUB_BRANCH,
    "DEPARTMENT": OrgUnit.TYPE_DEPARTMENT,
}
ORG_TYPE_NAMES = {value: key for key, value in ORG_TYPES.items()}
SCOPES = {
    "": identity_pb2.DATA_SCOPE_UNSPECIFIED,
    permissions.SCOPE_OWN: identity_pb2.DATA_SCOPE_OWN,
    permissions.SCOPE_ORG_UNIT_TREE: identity_pb2.DATA_SCOPE_ORG_UNIT_TREE,
    permissions.SCOPE_ALL: identity_pb2.DATA_SCOPE_ALL,
}
SCOPE_NAMES = {value: key for key, value in SCOPES.items()}


def _origin(origin: str) -> int:
    return identity_pb2.ORIGIN_CORE_BANKING if origin == CORE_BANKING else identity_pb2.ORIGIN_KAM


def user_to_proto(
    row: UserRow, roles: tuple[RoleRow, ...] | list[RoleRow], *, with_permissions: bool = False
) -> identity_pb2.User:
    user = identity_pb2.User(
        name=f"users/{row.id}",
        username=row.username,
        display_name=row.display_name,
        roles=[f"roles/{role.id}" for role in roles],
        org_unit=f"orgUnits/{row.org_unit_id}",
        state=USER_STATES.get(row.state, User.STATE_UNSPECIFIED),
        email=row.email,
        phone=row.phone,
        create_time=to_timestamp(aware(row.create_time)),
        update_time=to_timestamp(aware(row.update_time)),
        etag=etags.etag_for(row.version),
        staff_code=row.staff_code or "",
        manager=f"users/{row.manager_id}" if row.manager_id else "",
        data_scope=SCOPES.get(row.data_scope, 0),
        password_change_required=row.password_change_required,
        origin=_origin(row.origin),
        keep_kam_changes=row.keep_kam_changes,
    )
    if row.last_login_time is not None:
        user.last_login_time.CopyFrom(to_timestamp(aware(row.last_login_time)))
    if row.locked_until is not None:
        user.lock_expire_time.CopyFrom(to_timestamp(aware(row.locked_until)))
    if with_permissions:
        user.permissions.extend(sorted({p for role in roles for p in role.permissions}))
    return user


def org_unit_to_proto(row: OrgUnitRow) -> identity_pb2.OrgUnit:
    return identity_pb2.OrgUnit(
        name=f"orgUnits/{row.id}",
        display_name=row.display_name,
        type=ORG_TYPES.get(row.type, 0),
        parent=f"orgUnits/{row.parent_id}" if row.parent_id else "",
        region=row.region,
        create_time=to_timestamp(aware(row.create_time)),
        update_time=to_timestamp(aware(row.update_time)),
        etag=etags.etag_for(row.version),
        origin=_origin(row.origin),
        keep_kam_changes=row.keep_kam_changes,
    )


def role_to_proto(row: RoleRow) -> identity_pb2.Role:
    return identity_pb2.Role(
        name=f"roles/{row.id}",
        display_name=row.display_name,
        permissions=list(row.permissions),
        data_scope=SCOPES.get(row.data_scope, 0),
        built_in=row.built_in,
        etag=etags.etag_for(row.version),
    )


def session_to_proto(row: SessionRow, *, current_session: str = "") -> identity_pb2.Session:
    return identity_pb2.Session(
        name=f"users/{row.user_id}/sessions/{row.id}",
        create_time=to_timestamp(aware(row.create_time)),
        expire_time=to_timestamp(aware(row.expire_time)),
        refresh_time=to_timestamp(aware(row.refresh_time)),
        client_address=row.client_address,
        user_agent=row.user_agent,
        current=row.id == current_session,
    )


def service_account_to_proto(row: ServiceAccountRow) -> identity_pb2.ServiceAccount:
    account = identity_pb2.ServiceAccount(
        name=f"serviceAccounts/{row.id}",
        display_name=row.display_name,
        permissions=list(row.permissions),
        state=identity_pb2.ServiceAccount.STATE_ACTIVE
        if row.state == "ACTIVE"
        else identity_pb2.ServiceAccount.STATE_DISABLED,
        create_time=to_timestamp(aware(row.create_time)),
        etag=etags.etag_for(row.version),
    )
    if row.last_token_time is not None:
        account.last_token_time.CopyFrom(to_timestamp(aware(row.last_token_time)))
    return account


def permission_catalogue() -> list[identity_pb2.Permission]:
    """Every permission of the kit's catalogue with the built-in roles that grant it."""
    granting: dict[str, list[str]] = {}
    for role in permissions.ROLES.values():
        for name in sorted(role.permissions):
            granting.setdefault(name, []).append(role.name)
    return [
        identity_pb2.Permission(
            name=f"permissions/{p.name}",
            description=p.zh,
            description_en=p.en,
            service_only=p.service_only,
            built_in_roles=granting.get(p.name, []),
        )
        for p in permissions.PERMISSIONS.values()
    ]
