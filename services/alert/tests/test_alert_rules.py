"""Alert rules through the real gRPC server, on SQLite and PostgreSQL: the shipped rules, create / get / list /
update / delete with versions, etags and idempotency, every bad parameter named by its field, and an audit record
for each change."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from google.protobuf import duration_pb2, field_mask_pb2
from google.rpc import error_details_pb2, status_pb2
from kam.alert.v1 import alert_pb2
from kam.alert.v1 import alert_service_pb2 as pb
from kam.alert.v1 import alert_service_pb2_grpc as pb_grpc
from kam_alert.adapters.orm import Base
from kam_alert.bootstrap import MIGRATIONS
from kam_alert.domain.rules import money, shipped_rules
from kam_alert.entrypoints.grpc_api import AlertServicer
from kam_alert.service_layer.alerts import AlertService
from kam_alert.service_layer.rules import RuleService
from kam_devkit.testing import migrated_database
from kam_kit import auth, authz, permissions
from kam_kit.clock import ManualClock
from kam_kit.db import audit_table
from kam_kit.grpcserver import GrpcServer
from sqlalchemy import select

C = alert_pb2
DAY = duration_pb2.Duration(seconds=86_400)


class Client:
    def __init__(self, stub: pb_grpc.AlertServiceStub, secret: str, clock: ManualClock) -> None:
        self.stub, self.secret, self.clock = stub, secret, clock

    def metadata(self, role: str = "roles/admin") -> tuple[tuple[str, str], ...]:
        token = auth.issue_token(
            auth.Identity(subject="users/tester", roles=(role,), org_unit="orgUnits/0000"),
            secret=self.secret,
            clock=self.clock,
            ttl=timedelta(hours=1),
        )
        return ((auth.METADATA_KEY, auth.bearer(token)),)

    async def __call__(self, method: str, request, role: str = "roles/admin"):
        return await getattr(self.stub, method)(request, metadata=self.metadata(role), timeout=10)


@pytest.fixture
async def api(database_url, token_secret):
    clock = ManualClock()
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        rules = RuleService(db, clock)
        server = GrpcServer("alert", 0, token_secret=token_secret, clock=clock)
        server.add(
            pb_grpc.add_AlertServiceServicer_to_server,
            AlertServicer(db, rules, AlertService(db, clock), b"p" * 32),
            "kam.alert.v1.AlertService",
        )
        await server.start()
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
                client = Client(pb_grpc.AlertServiceStub(channel), token_secret, clock)
                client.rules, client.db = rules, db  # type: ignore[attr-defined]
                yield client
        finally:
            await server.stop(0)


def cash_rule(**overrides) -> alert_pb2.AlertRule:
    rule = alert_pb2.AlertRule(
        display_name="大额现金（测试）",
        large_transaction=C.LargeTransactionCondition(
            threshold=money(50_000), cash=C.CASH_FILTER_CASH, same_day_cumulative=True
        ),
        severity=C.SEVERITY_HIGH,
        recipients=C.Recipients(relationship_manager=True),
        enabled=True,
    )
    for key, value in overrides.items():
        field = getattr(rule, key)
        if hasattr(field, "CopyFrom"):
            field.CopyFrom(value)
        elif isinstance(value, list):
            field.extend(value)
        else:
            setattr(rule, key, value)
    return rule


def violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    bad = error_details_pb2.BadRequest()
                    detail.Unpack(bad)
                    return {v.field: v.description for v in bad.field_violations}
    return {}


async def test_a_new_installation_gets_the_shipped_rules_once(api) -> None:
    assert await api.rules.install_shipped() == len(shipped_rules())
    assert await api.rules.install_shipped() == 0
    listed = await api("ListAlertRules", pb.ListAlertRulesRequest(page_size=500))
    kinds = {rule.WhichOneof("condition") for rule in listed.alert_rules}
    assert kinds == {
        "large_transaction",
        "frequent_withdrawals",
        "balance_drop",
        "dormancy",
        "key_date",
        "festival",
        "tier_change",
        "task_due",
    }
    assert all(rule.enabled and rule.version == 1 for rule in listed.alert_rules)
    cash = await api("ListAlertRules", pb.ListAlertRulesRequest(filter="kind = large_transaction"))
    assert len(cash.alert_rules) == 3
    thresholds = sorted(r.large_transaction.threshold.units for r in cash.alert_rules)
    assert thresholds == [50_000, 500_000, 2_000_000]


async def test_create_get_list_update_delete_with_versions_and_etags(api) -> None:
    created = (await api("CreateAlertRule", pb.CreateAlertRuleRequest(alert_rule=cash_rule()))).alert_rule
    assert (
        created.name.startswith("alertRules/") and created.version == 1 and created.creator == "users/tester"
    )
    got = (await api("GetAlertRule", pb.GetAlertRuleRequest(name=created.name))).alert_rule
    assert got == created

    change = alert_pb2.AlertRule(
        name=created.name,
        etag=created.etag,
        large_transaction=C.LargeTransactionCondition(threshold=money(80_000), cash=C.CASH_FILTER_CASH),
    )
    updated = (
        await api(
            "UpdateAlertRule",
            pb.UpdateAlertRuleRequest(
                alert_rule=change, update_mask=field_mask_pb2.FieldMask(paths=["large_transaction"])
            ),
        )
    ).alert_rule
    assert updated.version == 2 and updated.large_transaction.threshold.units == 80_000
    assert not updated.large_transaction.same_day_cumulative  # the condition is replaced whole
    assert updated.display_name == created.display_name  # what the mask did not name stays
    history = await api.rules.versions(created.name)
    assert [r.version for r in history] == [2, 1]
    assert history[1].large_transaction.threshold.units == 50_000

    with pytest.raises(grpc.aio.AioRpcError) as stale:  # the first etag is spent
        await api(
            "UpdateAlertRule",
            pb.UpdateAlertRuleRequest(
                alert_rule=alert_pb2.AlertRule(name=created.name, etag=created.etag, enabled=False),
                update_mask=field_mask_pb2.FieldMask(paths=["enabled"]),
            ),
        )
    assert stale.value.code() == grpc.StatusCode.ABORTED

    disabled = (
        await api(
            "UpdateAlertRule",
            pb.UpdateAlertRuleRequest(
                alert_rule=alert_pb2.AlertRule(name=created.name, etag=updated.etag, enabled=False),
                update_mask=field_mask_pb2.FieldMask(paths=["enabled"]),
            ),
        )
    ).alert_rule
    assert not disabled.enabled and disabled.version == 3
    enabled = await api("ListAlertRules", pb.ListAlertRulesRequest(filter="enabled = true"))
    assert created.name not in {r.name for r in enabled.alert_rules}

    await api("DeleteAlertRule", pb.DeleteAlertRuleRequest(name=created.name, etag=disabled.etag))
    with pytest.raises(grpc.aio.AioRpcError) as gone:
        await api("GetAlertRule", pb.GetAlertRuleRequest(name=created.name))
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND

    async with api.db.read() as session:
        actions = (await session.execute(select(audit_table.c.action, audit_table.c.resource))).all()
    assert [a for a, r in actions if r == created.name] == [
        "alertRules.create",
        "alertRules.update",
        "alertRules.update",
        "alertRules.delete",
    ]


async def test_a_repeated_create_with_the_same_request_id_returns_the_first_rule(api) -> None:
    request = pb.CreateAlertRuleRequest(
        alert_rule=cash_rule(), request_id="4f1c3c1e-0000-4000-8000-000000000001"
    )
    first, again = (
        (await api("CreateAlertRule", request)).alert_rule,
        (await api("CreateAlertRule", request)).alert_rule,
    )
    assert first.name == again.name
    assert len((await api("ListAlertRules", pb.ListAlertRulesRequest())).alert_rules) == 1
    too_long = pb.CreateAlertRuleRequest(alert_rule=cash_rule(), request_id="x" * 65)
    with pytest.raises(grpc.aio.AioRpcError) as error:  # not a database error: the column holds 64
        await api("CreateAlertRule", too_long)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "request_id" in violations(error.value)


@pytest.mark.parametrize(
    "rule, field",
    [
        (
            cash_rule(large_transaction=C.LargeTransactionCondition(threshold=money(-1))),
            "alert_rule.large_transaction.threshold",
        ),
        (
            alert_pb2.AlertRule(
                display_name="x",
                severity=C.SEVERITY_HIGH,
                recipients=C.Recipients(relationship_manager=True),
                frequent_withdrawals=C.FrequentWithdrawalsCondition(
                    max_amount=money(10_000), min_count=5, window=duration_pb2.Duration(seconds=0)
                ),
            ),
            "alert_rule.frequent_withdrawals.window",
        ),
        (
            alert_pb2.AlertRule(
                display_name="x",
                severity=C.SEVERITY_LOW,
                recipients=C.Recipients(relationship_manager=True),
                key_date=C.KeyDateCondition(
                    kind=C.KeyDateCondition.KIND_BIRTHDAY,
                    lead_time=duration_pb2.Duration(seconds=367 * 86_400),
                ),
            ),
            "alert_rule.key_date.lead_time",
        ),
        (cash_rule(tiers=["gold"]), "alert_rule.tiers[0]"),
        (cash_rule(recipients=C.Recipients()), "alert_rule.recipients"),
        (cash_rule(severity=C.SEVERITY_UNSPECIFIED), "alert_rule.severity"),
        (alert_pb2.AlertRule(display_name="x", severity=C.SEVERITY_LOW), "alert_rule.condition"),
    ],
)
async def test_bad_parameters_are_invalid_argument_naming_the_field(api, rule, field) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await api("CreateAlertRule", pb.CreateAlertRuleRequest(alert_rule=rule))
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in violations(bad.value), violations(bad.value)
    assert not (await api("ListAlertRules", pb.ListAlertRulesRequest())).alert_rules  # nothing written


async def test_every_problem_of_a_rule_is_named_at_once(api) -> None:
    rule = cash_rule(
        display_name="",
        large_transaction=C.LargeTransactionCondition(threshold=money(0)),
        repeat_interval=duration_pb2.Duration(seconds=60),
        max_notify_count=1_000,
    )
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await api("CreateAlertRule", pb.CreateAlertRuleRequest(alert_rule=rule))
    assert {
        "alert_rule.display_name",
        "alert_rule.large_transaction.threshold",
        "alert_rule.repeat_interval",
        "alert_rule.max_notify_count",
    } <= set(violations(bad.value))


async def test_an_update_may_not_touch_output_fields_and_may_not_break_the_rule(api) -> None:
    created = (await api("CreateAlertRule", pb.CreateAlertRuleRequest(alert_rule=cash_rule()))).alert_rule
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await api(
            "UpdateAlertRule",
            pb.UpdateAlertRuleRequest(
                alert_rule=alert_pb2.AlertRule(name=created.name, version=9),
                update_mask=field_mask_pb2.FieldMask(paths=["version"]),
            ),
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "update_mask" in violations(bad.value)
    with pytest.raises(grpc.aio.AioRpcError) as broken:  # clearing the condition leaves a rule without one
        await api(
            "UpdateAlertRule",
            pb.UpdateAlertRuleRequest(
                alert_rule=alert_pb2.AlertRule(name=created.name),
                update_mask=field_mask_pb2.FieldMask(paths=["large_transaction"]),
            ),
        )
    assert "alert_rule.condition" in violations(broken.value)
    got = (await api("GetAlertRule", pb.GetAlertRuleRequest(name=created.name))).alert_rule
    assert got.version == 1


async def test_reading_needs_alert_rules_read_and_changing_alert_rules_manage(api) -> None:
    created = (await api("CreateAlertRule", pb.CreateAlertRuleRequest(alert_rule=cash_rule()))).alert_rule
    # a relationship manager reads the rules (to know why an alert came) but may not change them
    got = await api(
        "GetAlertRule", pb.GetAlertRuleRequest(name=created.name), role="roles/relationship_manager"
    )
    assert got.alert_rule.name == created.name
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await api(
            "CreateAlertRule",
            pb.CreateAlertRuleRequest(alert_rule=cash_rule()),
            role="roles/relationship_manager",
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED


RULE_METHODS = ("CreateAlertRule", "GetAlertRule", "ListAlertRules", "UpdateAlertRule", "DeleteAlertRule")


@pytest.mark.parametrize("role", sorted(permissions.ROLES))
async def test_each_rule_method_refuses_exactly_the_roles_its_proto_does_not_allow(api, role: str) -> None:
    """Generated from the protos: each method's declared permission against what the role grants."""
    created = (await api("CreateAlertRule", pb.CreateAlertRuleRequest(alert_rule=cash_rule()))).alert_rule
    requests = {
        "CreateAlertRule": pb.CreateAlertRuleRequest(alert_rule=cash_rule()),
        "GetAlertRule": pb.GetAlertRuleRequest(name=created.name),
        "ListAlertRules": pb.ListAlertRulesRequest(),
        "UpdateAlertRule": pb.UpdateAlertRuleRequest(
            alert_rule=alert_pb2.AlertRule(name=created.name, display_name="改名"),
            update_mask=field_mask_pb2.FieldMask(paths=["display_name"]),
        ),
        "DeleteAlertRule": pb.DeleteAlertRuleRequest(name=created.name),
    }
    service = pb.DESCRIPTOR.services_by_name["AlertService"]
    granted = permissions.role_permissions((role,))
    for method in RULE_METHODS:
        rule = authz.declared_rule(service.methods_by_name[method])
        assert rule is not None and rule.permission, method
        if rule.permission in granted:
            await api(method, requests[method], role=role)
        else:
            with pytest.raises(grpc.aio.AioRpcError) as denied:
                await api(method, requests[method], role=role)
            assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED, (method, role)
