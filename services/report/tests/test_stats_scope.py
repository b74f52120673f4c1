"""Issue 11, item 4: GetCustomerStats counts only the customers in the caller's data scope (over gRPC, as the
gateway and internal systems call it), with the org tree the report service builds from SourceOrgUnitUpdated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from kam.customer.v1 import customer_pb2, events_pb2, tier_pb2
from kam.identity.v1 import identity_pb2
from kam.report.v1 import report_service_pb2 as pb
from kam.report.v1 import report_service_pb2_grpc as pb_grpc
from kam_devkit.testing import migrated_database
from kam_kit import auth
from kam_kit.clock import ManualClock
from kam_kit.events import EventMeta
from kam_kit.grpcserver import GrpcServer
from kam_kit.pagination import OffsetPages
from kam_kit.timeconv import to_timestamp
from kam_report.adapters.orm import Base
from kam_report.bootstrap import MIGRATIONS
from kam_report.entrypoints.grpc_api import ReportServicer
from kam_report.service_layer.center import ReportCenter
from kam_report.service_layer.projections import on_customer_changed, on_org_unit_updated, on_tier_changed

T0 = datetime(2026, 6, 1, tzinfo=UTC)
META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)
Customer = customer_pb2.Customer
UNITS = (("0000", ""), ("0100", "0000"), ("0101", "0100"), ("0200", "0000"))
#: (customer, branch, relationship manager, tier)
CUSTOMERS = (
    ("c1", "0101", "staff/rm_zhang", "tiers/diamond"),
    ("c2", "0100", "staff/rm_wang", "tiers/gold"),
    ("c3", "0200", "staff/rm_li", "tiers/private-banking"),
    ("c4", "0200", "staff/rm_zhang", ""),
)


@pytest.fixture
async def report(database_url, token_secret):
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        async with db.transaction() as session:
            for unit, parent in UNITS:
                await on_org_unit_updated(
                    session,
                    events_pb2.SourceOrgUnitUpdated(
                        org_unit=identity_pb2.OrgUnit(
                            name=f"orgUnits/{unit}",
                            display_name=unit,
                            parent=f"orgUnits/{parent}" if parent else "",
                        )
                    ),
                    META,
                )
            for name, branch, manager, tier in CUSTOMERS:
                await on_customer_changed(
                    session,
                    events_pb2.CustomerCreated(
                        customer=Customer(
                            name=f"customers/{name}",
                            type=Customer.TYPE_INDIVIDUAL,
                            branch=f"orgUnits/{branch}",
                            relationship_manager=manager,
                            create_time=to_timestamp(T0),
                            update_time=to_timestamp(T0),
                        )
                    ),
                    META,
                )
                if tier:
                    await on_tier_changed(
                        session,
                        events_pb2.TierChanged(
                            customer=f"customers/{name}",
                            tier=tier,
                            assignment=tier_pb2.TierAssignment(tier=tier, assign_time=to_timestamp(T0)),
                        ),
                        META,
                    )
        clock = ManualClock(T0)
        server = GrpcServer("report", 0, token_secret=token_secret, clock=clock)
        server.add(
            pb_grpc.add_ReportServiceServicer_to_server,
            ReportServicer(db, ReportCenter(db, clock), OffsetPages(b"t")),
            "kam.report.v1.ReportService",
        )
        await server.start()
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")

        async def stats(*roles: str, org_unit: str = "", subject: str = "users/x"):
            token = auth.issue_token(
                auth.Identity(subject=subject, roles=roles, org_unit=org_unit),
                secret=token_secret,
                clock=clock,
                ttl=timedelta(hours=1),
            )
            reply = await pb_grpc.ReportServiceStub(channel).GetCustomerStats(
                pb.GetCustomerStatsRequest(), metadata=((auth.METADATA_KEY, auth.bearer(token)),), timeout=10
            )
            return reply.stats

        yield stats
        await channel.close()
        await server.stop(0)


def _tiers(stats) -> dict[str, int]:
    return {count.tier: count.customer_count for count in stats.tier_counts}


async def test_item4_customer_stats_follow_the_callers_scope(report) -> None:
    bank = await report("roles/head_office_leader", org_unit="orgUnits/0000")
    assert (bank.name, bank.customer_count, bank.key_customer_count) == ("customerStats", 4, 3)
    branch = await report("roles/branch_manager", org_unit="orgUnits/0100")  # 0100 and its sub-branch 0101
    assert (branch.customer_count, _tiers(branch)) == (2, {"tiers/diamond": 1, "tiers/gold": 1})
    rm = await report("roles/relationship_manager", org_unit="orgUnits/0101", subject="users/rm_zhang")
    # the customers they manage: c1 in 东城支行 and c4 in Shanghai, nothing of c2 or c3
    assert (rm.customer_count, rm.key_customer_count, _tiers(rm)) == (2, 1, {"tiers/diamond": 1})
    # a relationship manager's scope is their own customers, not their branch's: rm_wu manages none
    stranger = await report("roles/relationship_manager", org_unit="orgUnits/0200", subject="users/rm_wu")
    assert (stranger.customer_count, _tiers(stranger)) == (0, {})


async def test_item4_customer_stats_need_a_permission(report) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await report("roles/unknown")
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
