"""Checks of KAM's proto contract: generated code is fresh, every RPC is mapped to HTTP, buf lint passes."""

from __future__ import annotations

import importlib
import pkgutil
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kam
import pytest
from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor
from kam_kit import authz, registry

REPO_ROOT = Path(__file__).resolve().parents[2]
PROTOS_DIR = REPO_ROOT / "protos"
BUF = PROTOS_DIR / "node_modules" / ".bin" / "buf"
# Every registry process serves one proto package (the gateway: identity); the others hold messages and options
# only: the authorization option, the core system's CDC feed, the shared audit record, the push envelope.
PACKAGES = tuple(entry.proto_package for entry in registry.processes({}))
MESSAGE_ONLY_PACKAGES = ("cdc", "api", "audit", "push")


def _pb2_modules() -> list[str]:
    return sorted(
        info.name for info in pkgutil.walk_packages(kam.__path__, prefix="kam.") if info.name.endswith("_pb2")
    )


#: Services every process serves for the platform itself, never through the gateway (no HTTP rule):
#: kam.api.v1.StatusService and BackupService, which the control center asks each process (kam_kit.status,
#: kam_kit.backup).
INTERNAL_SERVICES = ("kam.api.v1.BackupService", "kam.api.v1.StatusService")


def _services(*, internal: bool = False) -> list[descriptor.ServiceDescriptor]:
    """The public services (their rpcs have HTTP rules); with ``internal``, the platform's own ones too."""
    services = []
    for module_name in _pb2_modules():
        module = importlib.import_module(module_name)
        services.extend(
            service
            for service in module.DESCRIPTOR.services_by_name.values()
            if internal or service.full_name not in INTERNAL_SERVICES
        )
    return services


def _methods() -> list[descriptor.MethodDescriptor]:
    return [method for service in _services() for method in service.methods]


def _http_rule(method: descriptor.MethodDescriptor) -> http_pb2.HttpRule:
    return method.GetOptions().Extensions[annotations_pb2.http]


def _resolve_field(message: descriptor.Descriptor, path: str) -> descriptor.FieldDescriptor:
    """Follow a dotted field path (`customer.name`) through message fields."""
    field = None
    for part in path.split("."):
        assert message is not None, f"{path}: {part} is inside a non-message field"
        field = message.fields_by_name.get(part)
        assert field is not None, f"{message.full_name} has no field {part!r} (path {path!r})"
        message = field.message_type
    assert field is not None
    return field


def test_generated_code_is_fresh() -> None:
    result = subprocess.run(
        [sys.executable, str(PROTOS_DIR / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_package_has_a_service() -> None:
    packages = {service.full_name.split(".")[1] for service in _services()}
    assert packages == set(PACKAGES)


def test_internal_services_are_declared_and_authorized_but_not_routed() -> None:
    internal = [s for s in _services(internal=True) if s.full_name in INTERNAL_SERVICES]
    assert [s.full_name for s in internal] == list(INTERNAL_SERVICES)
    for method in (m for s in internal for m in s.methods):
        assert _http_rule(method).WhichOneof("pattern") is None, method.full_name  # not on the public API
        assert authz.declared_rule(method) is not None, method.full_name


def test_proto_packages_are_the_registry_services_plus_the_message_only_ones() -> None:
    directories = {path.name for path in (PROTOS_DIR / "kam").iterdir() if path.is_dir()}
    assert directories == {*PACKAGES, *MESSAGE_ONLY_PACKAGES}


@pytest.mark.parametrize("method", _methods(), ids=lambda m: m.full_name)
def test_every_rpc_declares_who_may_call_it(method: descriptor.MethodDescriptor) -> None:
    """Fail closed: each rpc names exactly one rule, and a permission it names is in the kit's catalogue and held
    by some role (or, service-only, grantable to a service token)."""
    from kam_kit import authz, permissions

    rule = authz.declared_rule(method)
    assert rule is not None, f"{method.full_name} lacks option (kam.api.v1.authorization)"
    if rule.permission:
        assert rule.permission in permissions.PERMISSIONS, f"{method.full_name}: unknown {rule.permission}"
        holders = [r.name for r in permissions.ROLES.values() if rule.permission in r.permissions]
        assert holders or rule.permission in permissions.SERVICE_ONLY, rule.permission
    else:
        assert rule.public or rule.signed_in
        assert method.full_name.startswith("kam.identity.v1."), "only sign-in and one's own profile are open"


def test_every_permission_is_used_by_some_rpc() -> None:
    from kam_kit import authz, permissions

    used = {rule.permission for rule in map(authz.declared_rule, _methods()) if rule is not None}
    # the ones checked on data, not on a method: unmasked PII, and changing someone else's announcement
    assert set(permissions.PERMISSIONS) - used == {"customers.pii.read", "announcements.manage"}


@pytest.mark.parametrize("module_name", [m for m in _pb2_modules() if m.endswith("_service_pb2")])
def test_service_modules_have_grpc_stubs(module_name: str) -> None:
    module = importlib.import_module(module_name)
    grpc_module = importlib.import_module(module_name + "_grpc")
    for service in module.DESCRIPTOR.services_by_name.values():
        assert hasattr(grpc_module, f"{service.name}Stub")
        assert hasattr(grpc_module, f"{service.name}Servicer")
        assert hasattr(grpc_module, f"add_{service.name}Servicer_to_server")


@pytest.mark.parametrize("method", _methods(), ids=lambda m: m.full_name)
def test_every_rpc_has_a_valid_http_rule(method: descriptor.MethodDescriptor) -> None:
    rule = _http_rule(method)
    verb = rule.WhichOneof("pattern")
    assert verb in {"get", "post", "patch", "put", "delete"}, (
        f"{method.full_name} has no google.api.http rule"
    )
    path = getattr(rule, verb)
    assert path.startswith("/v1/"), path
    for variable in re.findall(r"\{([^}=]+)(?:=[^}]*)?\}", path):
        field = _resolve_field(method.input_type, variable)
        assert field.type == descriptor.FieldDescriptor.TYPE_STRING, f"{variable} in {path} is not a string"
    if verb in {"get", "delete"}:
        assert not rule.body, f"{method.full_name}: {verb} must not have a body"
    else:
        assert rule.body, f"{method.full_name}: {verb} needs a body ('*' or a field)"
    if rule.body and rule.body != "*":
        _resolve_field(method.input_type, rule.body)
    if rule.response_body:
        _resolve_field(method.output_type, rule.response_body)


def test_http_routes_are_unique() -> None:
    routes: dict[tuple[str, str], str] = {}
    for method in _methods():
        rule = _http_rule(method)
        verb = rule.WhichOneof("pattern")
        # Normalise `{customer.name=customers/*}` and `{name=customers/*}` to the same template.
        template = re.sub(r"\{[^}=]+=([^}]*)\}", r"\1", getattr(rule, verb))
        key = (verb, template)
        assert key not in routes, f"{method.full_name} and {routes[key]} share {verb.upper()} {template}"
        routes[key] = method.full_name


def test_skeleton_contract() -> None:
    """The names other parts of KAM build on (field numbers matter on the wire)."""
    from kam.alert.v1 import alert_service_pb2
    from kam.customer.v1 import customer_pb2, customer_service_pb2, events_pb2
    from kam.identity.v1 import identity_service_pb2
    from kam.report.v1 import report_service_pb2

    def numbers(message: type) -> dict[str, int]:
        return {f.name: f.number for f in message.DESCRIPTOR.fields}

    assert numbers(customer_service_pb2.CreateCustomerRequest) == {
        "customer": 1,
        "customer_id": 2,
        "request_id": 3,
    }
    assert numbers(customer_service_pb2.ListCustomersResponse) == {
        "customers": 1,
        "next_page_token": 2,
        "total_size": 3,
    }
    customer = numbers(customer_pb2.Customer)
    expected = {"name": 1, "type": 2, "display_name": 3, "id_number": 4, "phone": 5, "branch": 6}
    assert expected.items() <= customer.items()
    assert {"relationship_manager", "tier", "create_time", "update_time", "etag"} <= customer.keys()
    assert customer_pb2.Customer.TYPE_CORPORATE == 2
    assert numbers(events_pb2.CustomerUpdated) == {"customer": 1, "update_mask": 2}
    stats = numbers(report_service_pb2.GetCustomerStatsResponse)
    assert stats == {"stats": 1}
    assert numbers(identity_service_pb2.LoginResponse) == {
        "access_token": 1,
        "expire_time": 2,
        "user": 3,
        "refresh_token": 4,
        "refresh_expire_time": 5,
        "session": 6,
    }
    assert numbers(alert_service_pb2.GetMonitoringStatsResponse) == {"stats": 1}


def test_event_files_declare_messages_only() -> None:
    for module_name in _pb2_modules():
        if module_name.endswith(".events_pb2"):
            module = importlib.import_module(module_name)
            assert not module.DESCRIPTOR.services_by_name, module_name
            assert module.DESCRIPTOR.message_types_by_name, module_name


def test_buf_lint_and_format() -> None:
    if not BUF.exists():
        if shutil.which("npm") is None:
            pytest.skip("buf is not installed (npm ci --prefix protos) and npm is not available")
        pytest.skip("buf is not installed: run `npm ci --prefix protos` (make test does)")
    subprocess.run(
        [sys.executable, str(PROTOS_DIR / "generate.py"), "--third-party"], check=True, capture_output=True
    )
    for command in (["lint"], ["format", "--diff", "--exit-code", "--path", "kam"]):
        result = subprocess.run(
            [str(BUF), *command], cwd=PROTOS_DIR, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"buf {command[0]}:\n{result.stdout}{result.stderr}"


def test_api_doc_names_each_methods_permission_and_the_role_table_is_current() -> None:
    """docs/api.md's permission column and permission × role table are what the protos and the kit say
    (regenerate with ``python tests/protos/api_doc.py --write``)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import api_doc

    text = api_doc.DOC.read_text(encoding="utf-8")
    assert text == api_doc.expected(text), "docs/api.md is stale: run python tests/protos/api_doc.py --write"
    assert text.count(" | `customers.read` | ") >= 10
    listed = set()
    service = ""
    for line in text.splitlines():
        if header := api_doc._SERVICE_HEADER.match(line):
            service = header.group(1)
        elif (row := api_doc._ROW.match(line)) and service:
            listed.add(f"{service}.{row.group(1)}")
    missing = sorted(set(api_doc.rules()) - listed)
    assert not missing, f"docs/api.md lists no row for {missing}"


def test_the_cdc_feed_message_and_its_deprecated_copy_agree_on_the_wire_and_in_json() -> None:
    """kam.cdc.v1.SourceTransaction replaced kam.customer.v1.SourceTransaction (deprecated, kept until v2): a
    sender on either produces the same bytes and JSON, and the feed's enums match the customer API's."""
    from kam.cdc.v1 import cdc_pb2
    from kam.customer.v1 import customer_pb2, scan_pb2

    def fields(message) -> dict:
        return {
            f.name: (
                f.number,
                f.type,
                f.is_repeated,
                f.json_name,
                f.message_type.full_name if f.message_type else "",
            )
            for f in message.DESCRIPTOR.fields
        }

    def values(enum) -> dict:
        return {v.name: v.number for v in enum.values}

    new, old = cdc_pb2.SourceTransaction, scan_pb2.SourceTransaction
    assert fields(new) == fields(old)
    assert old.DESCRIPTOR.GetOptions().deprecated and not new.DESCRIPTOR.GetOptions().deprecated
    transaction = customer_pb2.Transaction.DESCRIPTOR
    for name in ("Direction", "Channel"):
        assert values(new.DESCRIPTOR.enum_types_by_name[name]) == values(transaction.enum_types_by_name[name])
    sample = new(
        transaction_id="T1",
        account_number="6222",
        direction=new.DIRECTION_CREDIT,
        channel=new.CHANNEL_MOBILE,
        cash=True,
        summary="工资",
    )
    sample.amount.currency_code, sample.amount.units = "CNY", 12
    assert old.FromString(sample.SerializeToString()).SerializeToString() == sample.SerializeToString()
