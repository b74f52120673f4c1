"""Every rpc of the gateway's gRPC server — IdentityService, SystemService, AuditTrailService — (enumerated from
the protos, not a hand list) called by every demo role over real gRPC
against the gateway's identity service: without the declared permission the answer is ``PERMISSION_DENIED`` and
nothing else; with it the call is served (never an internal error, never ``UNIMPLEMENTED``). Users are scoped: a
branch manager reaches the users of their branch tree, a relationship manager only themselves, others read as
``NOT_FOUND`` exactly like a user that does not exist, and lists leave them out."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from google.protobuf import message_factory
from gw_testlib import gateway_settings
from kam.identity.v1 import (
    audit_trail_service_pb2,
    identity_pb2,
    identity_service_pb2,
    identity_service_pb2_grpc,
    system_service_pb2,
)
from kam_gateway.identity.demo_users import DEMO_USERS, DemoDirectory
from kam_gateway.identity.domain.passwords import PasswordHashing
from kam_gateway.identity.service_layer.users import UserDraft
from kam_gateway.server import GatewayServer
from kam_kit import auth, authz
from kam_kit.clock import ManualClock

pb = identity_service_pb2
SERVICE = identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"]
#: Every rpc the gateway's gRPC server serves: identity, the control center's system health, the audit trail.
METHODS = [
    method
    for module in (identity_service_pb2, system_service_pb2, audit_trail_service_pb2)
    for service in module.DESCRIPTOR.services_by_name.values()
    for method in service.methods
]
NOBODY = "users/nobody"
STRONG = "Kam-Strong-42"

#: A request per method aimed at nothing that exists (or harmless): a caller allowed to call it gets a domain
#: answer (NOT_FOUND, INVALID_ARGUMENT, OK …), never PERMISSION_DENIED. A new rpc without an entry fails the test.
REQUESTS = {
    "Login": pb.LoginRequest(username="nobody", password="x"),
    "GetCurrentUser": pb.GetCurrentUserRequest(),
    "ChangePassword": pb.ChangePasswordRequest(old_password="Wrong-pass-1", new_password="Another-Strong-7"),
    "CreateUser": pb.CreateUserRequest(
        user=identity_pb2.User(username="matrix", display_name="x", org_unit="orgUnits/none"),
        initial_password=STRONG,
    ),
    "GetUser": pb.GetUserRequest(name=NOBODY),
    "ListUsers": pb.ListUsersRequest(),
    "UpdateUser": pb.UpdateUserRequest(
        user=identity_pb2.User(name=NOBODY, display_name="x"), update_mask={"paths": ["display_name"]}
    ),
    "DisableUser": pb.DisableUserRequest(name=NOBODY),
    "EnableUser": pb.EnableUserRequest(name=NOBODY),
    "ResetUserPassword": pb.ResetUserPasswordRequest(name=NOBODY, new_password=STRONG),
    "CreateOrgUnit": pb.CreateOrgUnitRequest(org_unit=identity_pb2.OrgUnit(display_name="x"), org_unit_id=""),
    "GetOrgUnit": pb.GetOrgUnitRequest(name="orgUnits/none"),
    "ListOrgUnits": pb.ListOrgUnitsRequest(),
    "UpdateOrgUnit": pb.UpdateOrgUnitRequest(
        org_unit=identity_pb2.OrgUnit(name="orgUnits/none", display_name="x"),
        update_mask={"paths": ["display_name"]},
    ),
    "DeleteOrgUnit": pb.DeleteOrgUnitRequest(name="orgUnits/none"),
    "CreateRole": pb.CreateRoleRequest(role=identity_pb2.Role(display_name="x"), role_id=""),
    "GetRole": pb.GetRoleRequest(name="roles/none"),
    "ListRoles": pb.ListRolesRequest(),
    "UpdateRole": pb.UpdateRoleRequest(
        role=identity_pb2.Role(name="roles/none", display_name="x"), update_mask={"paths": ["display_name"]}
    ),
    "DeleteRole": pb.DeleteRoleRequest(name="roles/none"),
    "RefreshSession": pb.RefreshSessionRequest(refresh_token="bogus"),
    "Logout": pb.LogoutRequest(),
    "IssueServiceToken": pb.IssueServiceTokenRequest(client_id="nobody", client_secret="x"),
    "ListSessions": pb.ListSessionsRequest(parent="users/me"),
    "RevokeSession": pb.RevokeSessionRequest(name="users/nobody/sessions/none"),
    "UnlockUser": pb.UnlockUserRequest(name=NOBODY),
    "ListPermissions": pb.ListPermissionsRequest(),
    "CreateServiceAccount": pb.CreateServiceAccountRequest(
        service_account=identity_pb2.ServiceAccount(display_name="x"), service_account_id=""
    ),
    "GetServiceAccount": pb.GetServiceAccountRequest(name="serviceAccounts/none"),
    "ListServiceAccounts": pb.ListServiceAccountsRequest(),
    "RotateServiceAccountSecret": pb.RotateServiceAccountSecretRequest(name="serviceAccounts/none"),
    "DisableServiceAccount": pb.DisableServiceAccountRequest(name="serviceAccounts/none"),
    "GetSystemHealth": system_service_pb2.GetSystemHealthRequest(),
    "ListBackups": system_service_pb2.ListBackupsRequest(),
    "GetBackup": system_service_pb2.GetBackupRequest(name="backups/none"),
    "CreateBackup": system_service_pb2.CreateBackupRequest(
        backup=system_service_pb2.Backup(services=["gateway"])
    ),
    "RestoreBackup": system_service_pb2.RestoreBackupRequest(name="backups/none", validate_only=True),
    "DeleteBackup": system_service_pb2.DeleteBackupRequest(name="backups/none"),
    "ListAuditRecords": audit_trail_service_pb2.ListAuditRecordsRequest(filter='actor = "users/nobody"'),
    "VerifyAuditChains": audit_trail_service_pb2.VerifyAuditChainsRequest(),
    "ExportAuditRecords": audit_trail_service_pb2.ExportAuditRecordsRequest(filter='actor = "users/nobody"'),
}
ROLES = {user.username: user for user in DEMO_USERS}


@pytest.fixture(scope="module")
async def identity(token_secret):
    clock = ManualClock()
    server = GatewayServer(
        gateway_settings(token_secret),
        services=[SERVICE],
        clock=clock,
        instrument=False,
        environ={},
        directory=DemoDirectory("demo-pass"),
        hashing=PasswordHashing(time_cost=1, memory_cost_kib=8, parallelism=1),
    )
    await server.start()
    users = server.identity.users
    await server.identity.directory.create_org_unit("0200", _org("上海分行"))
    for username, org in (("in_user", "0101"), ("out_user", "0200")):
        await users.create(
            UserDraft(username=username, display_name=username, org_unit=org, roles=["relationship_manager"]),
            user_id=username,
            initial_password=STRONG,
        )
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.grpc.port}")
    stub = identity_service_pb2_grpc.IdentityServiceStub(channel)

    def md(username: str) -> tuple:
        demo = ROLES[username]
        token = auth.issue_token(demo.identity(), secret=token_secret, clock=clock, ttl=timedelta(minutes=5))
        return ((auth.METADATA_KEY, auth.bearer(token)),)

    def call(method, request, metadata):
        response = message_factory.GetMessageClass(method.output_type)
        unary = channel.unary_unary(
            f"/{method.containing_service.full_name}/{method.name}",
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=response.FromString,
        )
        return unary(request, metadata=metadata, timeout=10)

    stub.call = call
    yield stub, md
    await channel.close()
    await server.stop()


def _org(name: str):
    from kam_gateway.identity.service_layer.directory import OrgUnitDraft

    return OrgUnitDraft(display_name=name, type="BRANCH", parent="0000")


async def _code(call) -> grpc.StatusCode:
    try:
        await call
        return grpc.StatusCode.OK
    except grpc.aio.AioRpcError as error:
        return error.code()


def test_every_rpc_has_a_request() -> None:
    assert sorted(m.name for m in METHODS) == sorted(REQUESTS)


@pytest.mark.parametrize("username", sorted(ROLES))
async def test_every_rpc_every_role_permission_is_enforced(identity, username: str) -> None:
    stub, md = identity
    caller = ROLES[username].identity()
    wrong = []
    for method in METHODS:
        rule = authz.declared_rule(method)
        allowed = rule.public or rule.signed_in or caller.can(rule.permission)
        code = await _code(stub.call(method, REQUESTS[method.name], md(username)))
        if allowed and code in (
            grpc.StatusCode.PERMISSION_DENIED,
            grpc.StatusCode.INTERNAL,
            grpc.StatusCode.UNKNOWN,
            grpc.StatusCode.UNIMPLEMENTED,
        ):
            wrong.append((method.name, code.name))
        if not allowed and code != grpc.StatusCode.PERMISSION_DENIED:
            wrong.append((method.name, code.name))
    assert wrong == []


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("admin", {"in_user", "out_user"}),
        ("hq_leader", {"in_user", "out_user"}),
        ("compliance", {"in_user", "out_user"}),
        ("branch_manager", {"in_user"}),
        ("rm_zhang", set()),
    ],
)
async def test_users_out_of_scope_read_as_not_found_and_are_left_out_of_lists(
    identity, username, sees
) -> None:
    stub, md = identity
    for target in ("in_user", "out_user"):
        code = await _code(
            stub.GetUser(pb.GetUserRequest(name=f"users/{target}"), metadata=md(username), timeout=10)
        )
        assert code == (grpc.StatusCode.OK if target in sees else grpc.StatusCode.NOT_FOUND), (
            username,
            target,
        )
    absent = await _code(stub.GetUser(pb.GetUserRequest(name=NOBODY), metadata=md(username), timeout=10))
    assert absent == grpc.StatusCode.NOT_FOUND
    listed = await stub.ListUsers(pb.ListUsersRequest(page_size=500), metadata=md(username), timeout=10)
    names = {user.username for user in listed.users}
    assert names & {"in_user", "out_user"} == sees and listed.total_size == len(names)
    if username == "rm_zhang":
        assert names == {"rm_zhang"}  # their own record only
    me = await stub.GetUser(pb.GetUserRequest(name="users/me"), metadata=md(username), timeout=10)
    assert me.user.username == username
