"""Each rpc's declared authorization (``option (kam.api.v1.authorization)`` in the protos), enforced for every
call by the gRPC interceptor (:mod:`kam_kit.grpcserver`) before the handler runs.

- ``public``: no token needed (sign-in);
- ``signed_in``: any caller with a valid token;
- ``permission``: a valid token whose identity holds the permission (:attr:`kam_kit.auth.Identity.granted`),
  else ``PERMISSION_DENIED`` naming the permission.

Methods that declare nothing (test services, gRPC's own health and reflection) need a signed-in caller unless the
server lists them as public; every KAM rpc declares a rule (tests/protos checks it). The data scope of what a
method reads or writes is the service's to apply (out of scope → ``NOT_FOUND``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pool
from google.protobuf.descriptor import MethodDescriptor
from kam.api.v1 import authorization_pb2

from kam_kit.auth import Identity
from kam_kit.errors import PermissionDenied
from kam_kit.permissions import PERMISSIONS


@dataclass(frozen=True)
class Rule:
    permission: str = ""
    public: bool = False
    signed_in: bool = False

    def describe(self) -> str:
        return "public" if self.public else "signed-in" if self.signed_in else self.permission


def declared_rule(method: MethodDescriptor) -> Rule | None:
    """The method's rule as its proto declares it, or None when it declares none."""
    options = method.GetOptions()
    extension: Any = authorization_pb2.authorization  # the generated stub types it as a plain FieldDescriptor
    if not options.HasExtension(extension):
        return None
    declared: authorization_pb2.Authorization = options.Extensions[extension]
    kind = declared.WhichOneof("rule")
    if kind is None:
        return None
    return Rule(permission=declared.permission, public=declared.public, signed_in=declared.signed_in)


@functools.lru_cache(maxsize=1024)
def rule_for(path: str) -> Rule | None:
    """The rule of a gRPC method path (``/kam.customer.v1.CustomerService/GetCustomer``), None when undeclared."""
    try:
        method = descriptor_pool.Default().FindMethodByName(path.strip("/").replace("/", "."))
    except KeyError:
        return None
    return declared_rule(method)


def require(rule: Rule | None, identity: Identity) -> None:
    """PERMISSION_DENIED unless ``identity`` satisfies ``rule`` (public and signed-in rules: any identity)."""
    if rule is None or not rule.permission or identity.can(rule.permission):
        return
    known = PERMISSIONS.get(rule.permission)
    label = f"{rule.permission}（{known.zh}）" if known else rule.permission
    raise PermissionDenied(
        f"没有权限：需要 {label} (permission {rule.permission} required)",
        metadata={"permission": rule.permission},
    )
