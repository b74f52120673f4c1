"""Declared authorization and the data scope rules of the kit (pure; the per-role matrix over real services is in
services/customer/tests/security)."""

from __future__ import annotations

import pytest
from kam.customer.v1 import customer_service_pb2
from kam.identity.v1 import identity_service_pb2
from kam_kit import authz, permissions, scope
from kam_kit.auth import Identity
from kam_kit.errors import PermissionDenied


def test_rules_come_from_the_protos() -> None:
    get = customer_service_pb2.DESCRIPTOR.services_by_name["CustomerService"].methods_by_name["GetCustomer"]
    assert authz.declared_rule(get) == authz.Rule(permission="customers.read")
    assert (
        authz.rule_for("/kam.customer.v1.CustomerService/CreateTransaction").permission
        == "transactions.ingest"
    )
    identity = identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"]
    assert authz.declared_rule(identity.methods_by_name["Login"]).public
    assert authz.declared_rule(identity.methods_by_name["GetCurrentUser"]).signed_in
    assert authz.rule_for("/grpc.health.v1.Health/Check") is None
    assert authz.rule_for("/no.such.Service/Method") is None


def test_require_names_the_missing_permission() -> None:
    rule = authz.Rule(permission="tiers.manage")
    authz.require(rule, Identity(subject="users/a", roles=(permissions.ADMIN,)))
    with pytest.raises(PermissionDenied) as denied:
        authz.require(rule, Identity(subject="users/r", roles=(permissions.RELATIONSHIP_MANAGER,)))
    assert denied.value.metadata == {"permission": "tiers.manage"} and "tiers.manage" in denied.value.message
    authz.require(authz.Rule(signed_in=True), Identity(subject="users/nobody"))


def test_built_in_roles_grant_known_permissions_and_admins_never_ingest() -> None:
    for role in permissions.ROLES.values():
        assert role.permissions <= permissions.PERMISSIONS.keys()
        assert role.data_scope in permissions.SCOPES
    assert "transactions.ingest" not in permissions.ROLES[permissions.ADMIN].permissions
    assert "transactions.ingest" not in permissions.ROLES[permissions.SERVICE].permissions
    assert permissions.role_scope(("roles/relationship_manager", "roles/head_office_leader")) == "ALL"
    assert permissions.role_scope(()) == "OWN"


def test_scope_resolution() -> None:
    parents = {"0000": None, "0100": "0000", "0101": "0100", "0200": "0000"}
    manager = Identity(subject="users/bm", roles=(permissions.BRANCH_MANAGER,), org_unit="orgUnits/0100")
    resolved = scope.resolve(manager, parents)
    assert resolved.branches == {"orgUnits/0100", "orgUnits/0101"}
    assert resolved.managers == {"users/bm", "staff/bm"}
    assert (
        scope.resolve(None).everything
        and scope.resolve(Identity(subject="services/x", kind="service")).everything
    )
    nobody = scope.resolve(
        Identity(subject="users/n", roles=("roles/unknown",), org_unit="orgUnits/0000"), parents
    )
    assert nobody.branches == frozenset()  # OWN: only the customers they manage

    class Record:
        branch, relationship_manager = "orgUnits/0200", "staff/bm"

    assert resolved.allows(Record()) and not scope.resolve(
        Identity(subject="users/x", roles=(permissions.BRANCH_MANAGER,), org_unit="orgUnits/0100"), parents
    ).allows(Record())


def test_own_scope_covers_the_callers_staff_code() -> None:
    person = Identity(
        subject="users/wang",
        roles=("roles/relationship_manager",),
        org_unit="orgUnits/0101",
        staff_code="E000123",
        scope="OWN",
    )
    resolved = scope.resolve(person, {"0101": "0100", "0100": None})
    assert not resolved.everything and resolved.branches == frozenset()
    assert {"users/wang", "staff/wang", "staff/E000123"} == resolved.managers
