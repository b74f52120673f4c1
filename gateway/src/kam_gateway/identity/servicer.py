"""``kam.identity.v1.IdentityService`` on the identity store: sign-in (throttled per account and address, locked
per user), sessions, users, the org tree, roles, the permission catalogue and service accounts.

Reads of users are scoped like every other read (``kam_kit.scope``): a caller sees the users of the org units in
their data scope (a branch manager their branch tree, a relationship manager their own record, head office and
administrators everyone); anyone else's user is ``NOT_FOUND``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import grpc
from google.protobuf.message import Message
from kam.identity.v1 import identity_pb2, identity_service_pb2, identity_service_pb2_grpc
from kam_kit import grpcserver, scope
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.errors import InvalidArgument, NotFound, ResourceExhausted, Unauthenticated, Validator, bounded
from kam_kit.grpcserver import current_identity
from kam_kit.timeconv import to_timestamp
from sqlalchemy import select

from kam_gateway.identity.adapters.orm import OrgUnitRow, UserRow
from kam_gateway.identity.adapters.protomap import (
    ORG_TYPE_NAMES,
    SCOPE_NAMES,
    org_unit_to_proto,
    permission_catalogue,
    role_to_proto,
    service_account_to_proto,
    session_to_proto,
    user_to_proto,
)
from kam_gateway.identity.service_layer.directory import Directory, OrgUnitDraft, RoleDraft
from kam_gateway.identity.service_layer.service_accounts import ServiceAccountDraft, ServiceAccounts
from kam_gateway.identity.service_layer.sign_in import Grant, SignIn
from kam_gateway.identity.service_layer.users import UserDraft, Users
from kam_gateway.identity.throttle import LoginThrottle, audit_log, retry_after_seconds

log = logging.getLogger(__name__)

SERVICE_NAME = "kam.identity.v1.IdentityService"
#: The HTTP client's address and user agent, which the gateway's transcoder forwards. Believed only from a
#: loopback peer (the transcoder runs in the same process); any other caller is known by its own peer address.
#: Whose forwarded client address sign-in believes (throttling per address): the gateway's own transcoder only.
_LOOPBACK = grpcserver.trusted_forwarders({"KAM_TRUSTED_FORWARDERS": "127.0.0.0/8,::1/128"})

pb = identity_service_pb2


class IdentityServicer(identity_service_pb2_grpc.IdentityServiceServicer):
    def __init__(
        self,
        *,
        sign_in: SignIn,
        users: Users,
        directory: Directory,
        accounts: ServiceAccounts,
        clock: Clock,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self.sign_in = sign_in
        self.users = users
        self.directory = directory
        self.accounts = accounts
        self.clock = clock
        self.throttle = throttle or LoginThrottle(clock=clock)

    # ---- signing in

    async def Login(self, request: pb.LoginRequest, context: grpc.aio.ServicerContext) -> pb.LoginResponse:
        v = Validator()
        v.require(request.username, "username")
        v.require(request.password, "password")
        v.raise_if_any()
        address, user_agent = client_origin(context)
        username = bounded(request.username, 64)
        wait = self.throttle.retry_after(request.username, address)
        if wait is not None:
            seconds = retry_after_seconds(wait)
            audit_log.warning(
                "login throttled",
                extra={
                    "event": "login.throttled",
                    "username": username,
                    "client_address": address,
                    "retry_after_seconds": seconds,
                },
            )
            raise ResourceExhausted(
                f"登录尝试过多，请 {seconds} 秒后重试 (too many sign-in attempts, retry in {seconds} s)",
                reason="LOGIN_THROTTLED",
                retry_after=timedelta(seconds=seconds),
                metadata={"retry_after_seconds": str(seconds)},
            )
        try:
            grant = await self.sign_in.login(
                request.username,
                request.password,
                client_address=address,
                user_agent=user_agent,
            )
        except (Unauthenticated, ResourceExhausted) as refused:
            self.throttle.failed(request.username, address)
            audit_log.warning(
                "login failed",
                extra={
                    "event": "login.failed",
                    "username": username,
                    "client_address": address,
                    "reason": refused.reason,
                },
            )
            raise
        self.throttle.succeeded(request.username)
        audit_log.info(
            "login succeeded",
            extra={
                "event": "login.succeeded",
                "username": username,
                "client_address": address,
                "session": grant.session_id,
            },
        )
        return pb.LoginResponse(
            access_token=grant.access_token,
            expire_time=to_timestamp(grant.access_expire_time),
            user=user_to_proto(grant.user, grant.roles, with_permissions=True),
            refresh_token=grant.refresh_token,
            refresh_expire_time=to_timestamp(grant.refresh_expire_time),
            session=f"users/{grant.user.id}/sessions/{grant.session_id}",
        )

    async def RefreshSession(self, request: pb.RefreshSessionRequest, context) -> pb.RefreshSessionResponse:
        grant: Grant = await self.sign_in.refresh(request.refresh_token)
        return pb.RefreshSessionResponse(
            access_token=grant.access_token,
            expire_time=to_timestamp(grant.access_expire_time),
            refresh_token=grant.refresh_token,
            refresh_expire_time=to_timestamp(grant.refresh_expire_time),
        )

    async def Logout(self, request: pb.LogoutRequest, context) -> pb.LogoutResponse:
        await self.sign_in.logout(_caller())
        return pb.LogoutResponse()

    async def IssueServiceToken(
        self, request: pb.IssueServiceTokenRequest, context
    ) -> pb.IssueServiceTokenResponse:
        token, expire = await self.accounts.issue_token(request.client_id, request.client_secret)
        return pb.IssueServiceTokenResponse(access_token=token, expire_time=to_timestamp(expire))

    async def GetCurrentUser(self, request: pb.GetCurrentUserRequest, context) -> pb.GetCurrentUserResponse:
        caller = _caller()
        if caller.kind == "user":
            try:
                row, roles = await self.users.get(caller.subject.removeprefix("users/"))
                return pb.GetCurrentUserResponse(user=user_to_proto(row, roles, with_permissions=True))
            except NotFound:
                pass  # a token issued outside the store (kam_kit.auth's CLI): described from the token
        return pb.GetCurrentUserResponse(
            user=identity_pb2.User(
                name=caller.subject,
                username=caller.subject.rsplit("/", 1)[-1],
                display_name=caller.display_name,
                roles=list(caller.roles),
                org_unit=caller.org_unit,
                permissions=sorted(caller.granted),
                state=identity_pb2.User.STATE_ACTIVE,
            )
        )

    async def ChangePassword(self, request: pb.ChangePasswordRequest, context) -> pb.ChangePasswordResponse:
        await self.users.change_password(_caller(), request.old_password, request.new_password)
        return pb.ChangePasswordResponse()

    async def ListSessions(self, request: pb.ListSessionsRequest, context) -> pb.ListSessionsResponse:
        caller = _caller()
        rows = await self.sign_in.sessions(caller, _id(request.parent, "users/", "parent"))
        return pb.ListSessionsResponse(
            sessions=[session_to_proto(row, current_session=caller.session_id) for row in rows]
        )

    async def RevokeSession(self, request: pb.RevokeSessionRequest, context) -> pb.RevokeSessionResponse:
        parts = request.name.split("/")
        if len(parts) != 4 or parts[0] != "users" or parts[2] != "sessions" or not parts[1] or not parts[3]:
            raise InvalidArgument.for_field(
                "name", "应为 users/{user}/sessions/{session} (must be users/*/sessions/*)"
            )
        await self.sign_in.revoke(_caller(), parts[1], parts[3])
        return pb.RevokeSessionResponse()

    # ---- users

    async def CreateUser(self, request: pb.CreateUserRequest, context) -> pb.CreateUserResponse:
        row, roles = await self.users.create(
            _user_draft(request.user), user_id=request.user_id, initial_password=request.initial_password
        )
        return pb.CreateUserResponse(user=user_to_proto(row, roles))

    async def GetUser(self, request: pb.GetUserRequest, context) -> pb.GetUserResponse:
        caller = _caller()
        user_id = _id(request.name, "users/", "name")
        if user_id == "me":
            user_id = caller.subject.removeprefix("users/")
        row, roles = await self.users.get(user_id)
        await self._check_visible(caller, row)
        return pb.GetUserResponse(user=user_to_proto(row, roles))

    async def ListUsers(self, request: pb.ListUsersRequest, context) -> pb.ListUsersResponse:
        caller = _caller()
        allowed = await self._visible_units(caller)
        page, token, total = await self.users.list(
            request.filter,
            request.page_size,
            request.page_token,
            org_units=allowed,
            only_user=_own_only(caller),
        )
        return pb.ListUsersResponse(
            users=[user_to_proto(row, roles) for row, roles in page], next_page_token=token, total_size=total
        )

    async def UpdateUser(self, request: pb.UpdateUserRequest, context) -> pb.UpdateUserResponse:
        user_id = _id(request.user.name, "users/", "user.name")
        mask = _mask(
            request.update_mask.paths, request.user, {"org_unit", "manager", "staff_code", "data_scope"}
        )
        row, roles = await self.users.update(user_id, _user_draft(request.user), mask, request.user.etag)
        return pb.UpdateUserResponse(user=user_to_proto(row, roles))

    async def DisableUser(self, request: pb.DisableUserRequest, context) -> pb.DisableUserResponse:
        row, roles = await self.users.set_state(_caller(), _id(request.name, "users/", "name"), "DISABLED")
        return pb.DisableUserResponse(user=user_to_proto(row, roles))

    async def EnableUser(self, request: pb.EnableUserRequest, context) -> pb.EnableUserResponse:
        row, roles = await self.users.set_state(_caller(), _id(request.name, "users/", "name"), "ACTIVE")
        return pb.EnableUserResponse(user=user_to_proto(row, roles))

    async def ResetUserPassword(
        self, request: pb.ResetUserPasswordRequest, context
    ) -> pb.ResetUserPasswordResponse:
        await self.users.reset_password(_id(request.name, "users/", "name"), request.new_password)
        return pb.ResetUserPasswordResponse()

    async def UnlockUser(self, request: pb.UnlockUserRequest, context) -> pb.UnlockUserResponse:
        row, roles = await self.users.unlock(_id(request.name, "users/", "name"))
        return pb.UnlockUserResponse(user=user_to_proto(row, roles))

    # ---- org units

    async def CreateOrgUnit(self, request: pb.CreateOrgUnitRequest, context) -> pb.CreateOrgUnitResponse:
        row = await self.directory.create_org_unit(request.org_unit_id, _org_draft(request.org_unit))
        return pb.CreateOrgUnitResponse(org_unit=org_unit_to_proto(row))

    async def GetOrgUnit(self, request: pb.GetOrgUnitRequest, context) -> pb.GetOrgUnitResponse:
        return pb.GetOrgUnitResponse(
            org_unit=org_unit_to_proto(
                await self.directory.get_org_unit(_id(request.name, "orgUnits/", "name"))
            )
        )

    async def ListOrgUnits(self, request: pb.ListOrgUnitsRequest, context) -> pb.ListOrgUnitsResponse:
        rows, token, total = await self.directory.list_org_units(
            request.filter, request.page_size, request.page_token
        )
        return pb.ListOrgUnitsResponse(
            org_units=[org_unit_to_proto(row) for row in rows], next_page_token=token, total_size=total
        )

    async def UpdateOrgUnit(self, request: pb.UpdateOrgUnitRequest, context) -> pb.UpdateOrgUnitResponse:
        org_id = _id(request.org_unit.name, "orgUnits/", "org_unit.name")
        mask = _mask(request.update_mask.paths, request.org_unit, {"parent", "region"})
        row = await self.directory.update_org_unit(
            org_id, _org_draft(request.org_unit), mask, request.org_unit.etag
        )
        return pb.UpdateOrgUnitResponse(org_unit=org_unit_to_proto(row))

    async def DeleteOrgUnit(self, request: pb.DeleteOrgUnitRequest, context) -> pb.DeleteOrgUnitResponse:
        await self.directory.delete_org_unit(_id(request.name, "orgUnits/", "name"))
        return pb.DeleteOrgUnitResponse()

    # ---- roles and permissions

    async def CreateRole(self, request: pb.CreateRoleRequest, context) -> pb.CreateRoleResponse:
        row = await self.directory.create_role(request.role_id, _role_draft(request.role))
        return pb.CreateRoleResponse(role=role_to_proto(row))

    async def GetRole(self, request: pb.GetRoleRequest, context) -> pb.GetRoleResponse:
        return pb.GetRoleResponse(
            role=role_to_proto(await self.directory.get_role(_id(request.name, "roles/", "name")))
        )

    async def ListRoles(self, request: pb.ListRolesRequest, context) -> pb.ListRolesResponse:
        return pb.ListRolesResponse(roles=[role_to_proto(row) for row in await self.directory.list_roles()])

    async def UpdateRole(self, request: pb.UpdateRoleRequest, context) -> pb.UpdateRoleResponse:
        role_id = _id(request.role.name, "roles/", "role.name")
        mask = _mask(request.update_mask.paths, request.role, {"permissions"})
        row = await self.directory.update_role(role_id, _role_draft(request.role), mask, request.role.etag)
        return pb.UpdateRoleResponse(role=role_to_proto(row))

    async def DeleteRole(self, request: pb.DeleteRoleRequest, context) -> pb.DeleteRoleResponse:
        await self.directory.delete_role(_id(request.name, "roles/", "name"))
        return pb.DeleteRoleResponse()

    async def ListPermissions(
        self, request: pb.ListPermissionsRequest, context
    ) -> pb.ListPermissionsResponse:
        return pb.ListPermissionsResponse(permissions=permission_catalogue())

    # ---- service accounts

    async def CreateServiceAccount(
        self, request: pb.CreateServiceAccountRequest, context
    ) -> pb.CreateServiceAccountResponse:
        account = request.service_account
        row, secret = await self.accounts.create(
            request.service_account_id,
            ServiceAccountDraft(display_name=account.display_name, permissions=list(account.permissions)),
        )
        return pb.CreateServiceAccountResponse(
            service_account=service_account_to_proto(row), client_secret=secret
        )

    async def GetServiceAccount(
        self, request: pb.GetServiceAccountRequest, context
    ) -> pb.GetServiceAccountResponse:
        row = await self.accounts.get(_id(request.name, "serviceAccounts/", "name"))
        return pb.GetServiceAccountResponse(service_account=service_account_to_proto(row))

    async def ListServiceAccounts(
        self, request: pb.ListServiceAccountsRequest, context
    ) -> pb.ListServiceAccountsResponse:
        rows, token = await self.accounts.list(request.page_size, request.page_token)
        return pb.ListServiceAccountsResponse(
            service_accounts=[service_account_to_proto(r) for r in rows], next_page_token=token
        )

    async def RotateServiceAccountSecret(
        self, request: pb.RotateServiceAccountSecretRequest, context
    ) -> pb.RotateServiceAccountSecretResponse:
        row, secret = await self.accounts.rotate(_id(request.name, "serviceAccounts/", "name"))
        return pb.RotateServiceAccountSecretResponse(
            service_account=service_account_to_proto(row), client_secret=secret
        )

    async def DisableServiceAccount(
        self, request: pb.DisableServiceAccountRequest, context
    ) -> pb.DisableServiceAccountResponse:
        row = await self.accounts.disable(_id(request.name, "serviceAccounts/", "name"))
        return pb.DisableServiceAccountResponse(service_account=service_account_to_proto(row))

    # ---- data scope over users

    async def _visible_units(self, caller: Identity) -> frozenset[str] | None:
        """Org unit ids whose users the caller may see; None: every unit."""
        if caller.data_scope == "ALL" or caller.kind == "service":
            return None
        if caller.data_scope == "OWN":
            return frozenset()
        async with self.users.db.read() as session:
            parents = dict((await session.execute(select(OrgUnitRow.id, OrgUnitRow.parent_id))).all())
        resolved = scope.resolve(caller, parents)
        return frozenset(unit.removeprefix("orgUnits/") for unit in resolved.branches)

    async def _check_visible(self, caller: Identity, row: UserRow) -> None:
        if f"users/{row.id}" == caller.subject:
            return
        allowed = await self._visible_units(caller)
        if allowed is not None and row.org_unit_id not in allowed:
            raise NotFound(f"用户 users/{row.id} 不存在 (not found)", metadata={"name": f"users/{row.id}"})


def _own_only(caller: Identity) -> str:
    """A caller whose scope is their own records sees only their own user."""
    return (
        caller.subject.removeprefix("users/") if caller.kind == "user" and caller.data_scope == "OWN" else ""
    )


def _caller() -> Identity:
    caller = current_identity()
    if caller is None:
        raise Unauthenticated("未登录 (not signed in)", reason="TOKEN_MISSING")
    return caller


def _id(name: str, prefix: str, field_path: str) -> str:
    rest = name[len(prefix) :] if name.startswith(prefix) else ""
    if not rest or "/" in rest:
        raise InvalidArgument.for_field(field_path, f"应为 {prefix}{{id}} (must be {prefix}{{id}})")
    return rest


def _mask(paths, message: Message, clearable: set[str]) -> set[str]:
    """The fields to change: the mask's paths, or (no mask) every populated field and ``clearable`` ones."""
    if paths:
        return set(paths)
    populated = {descriptor.name for descriptor, _ in message.ListFields()}
    ignored = {
        "name",
        "etag",
        "username",
        "state",
        "create_time",
        "update_time",
        "last_login_time",
        "permissions",
        "password_change_required",
        "lock_expire_time",
        "origin",
        "built_in",
    }
    return (populated - ignored) | (clearable & populated)


def _user_draft(user: identity_pb2.User) -> UserDraft:
    return UserDraft(
        username=user.username,
        display_name=user.display_name,
        org_unit=user.org_unit.removeprefix("orgUnits/"),
        roles=[role.removeprefix("roles/") for role in user.roles],
        email=user.email,
        phone=user.phone,
        staff_code=user.staff_code,
        manager=user.manager.removeprefix("users/"),
        data_scope=SCOPE_NAMES.get(user.data_scope, ""),
        keep_kam_changes=user.keep_kam_changes,
    )


def _org_draft(org: identity_pb2.OrgUnit) -> OrgUnitDraft:
    return OrgUnitDraft(
        display_name=org.display_name,
        type=ORG_TYPE_NAMES.get(org.type, ""),
        parent=org.parent.removeprefix("orgUnits/"),
        region=org.region,
        keep_kam_changes=org.keep_kam_changes,
    )


def _role_draft(role: identity_pb2.Role) -> RoleDraft:
    return RoleDraft(
        display_name=role.display_name,
        permissions=list(role.permissions),
        data_scope=SCOPE_NAMES.get(role.data_scope, ""),
    )


def client_origin(context: grpc.aio.ServicerContext) -> tuple[str, str]:
    """The caller's (address, client): the HTTP client the transcoder forwards (x-forwarded-for / -user-agent) when
    the peer is loopback, otherwise the peer's own address and user agent (:func:`kam_kit.grpcserver.origin`)."""
    address, client = grpcserver.origin(
        dict(context.invocation_metadata() or ()), context.peer() or "", _LOOPBACK
    )
    return address or "unknown", client
