"""Issue 11, item 4: the alert service's monitoring figures are bank-wide, so they are restricted by permission
(``alerts.monitoring.read``: administrators and head-office leaders) instead of scoped."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from kam.alert.v1 import alert_service_pb2 as pb
from kam.alert.v1 import alert_service_pb2_grpc as pb_grpc
from kam_alert.adapters.orm import Base
from kam_alert.bootstrap import MIGRATIONS
from kam_alert.entrypoints.grpc_api import AlertServicer
from kam_alert.service_layer.alerts import AlertService
from kam_alert.service_layer.rules import RuleService
from kam_devkit.testing import migrated_database
from kam_kit import auth
from kam_kit.clock import ManualClock
from kam_kit.grpcserver import GrpcServer


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("roles/admin", True),
        ("roles/head_office_leader", True),
        ("roles/compliance", False),
        ("roles/branch_manager", False),
        ("roles/relationship_manager", False),
    ],
)
async def test_item4_monitoring_stats_only_for_bank_wide_roles(
    database_url, token_secret, role, allowed
) -> None:
    clock = ManualClock()
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        server = GrpcServer("alert", 0, token_secret=token_secret, clock=clock)
        servicer = AlertServicer(db, RuleService(db, clock), AlertService(db, clock), b"p" * 32)
        server.add(pb_grpc.add_AlertServiceServicer_to_server, servicer, "kam.alert.v1.AlertService")
        await server.start()
        token = auth.issue_token(
            auth.Identity(subject="users/x", roles=(role,), org_unit="orgUnits/0101"),
            secret=token_secret,
            clock=clock,
            ttl=timedelta(hours=1),
        )
        try:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
                call = pb_grpc.AlertServiceStub(channel).GetMonitoringStats(
                    pb.GetMonitoringStatsRequest(),
                    metadata=((auth.METADATA_KEY, auth.bearer(token)),),
                    timeout=10,
                )
                if allowed:
                    stats = (await call).stats
                    assert (stats.name, stats.watched_customer_count, stats.open_alert_count) == (
                        "alertMonitoringStats",
                        0,
                        0,
                    )
                    assert not stats.HasField("last_event_time")
                else:
                    with pytest.raises(grpc.aio.AioRpcError) as denied:
                        await call
                    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
        finally:
            await server.stop(0)
