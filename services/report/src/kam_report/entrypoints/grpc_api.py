"""The report service's gRPC API."""

from __future__ import annotations

from kam.report.v1 import report_pb2
from kam.report.v1 import report_service_pb2 as pb
from kam.report.v1 import report_service_pb2_grpc as pb_grpc
from kam_kit.db import Database
from kam_kit.grpcserver import current_identity
from kam_kit.timeconv import to_timestamp

from kam_report.service_layer.projections import customer_stats, scope_of, tier_counts


class ReportServicer(pb_grpc.ReportServiceServicer):
    def __init__(self, db: Database) -> None:
        self.db = db

    async def GetCustomerStats(
        self, request: pb.GetCustomerStatsRequest, context
    ) -> pb.GetCustomerStatsResponse:
        """Figures over the customers in the caller's data scope (a relationship manager's own, a branch
        manager's branch tree, the whole bank for head office)."""
        async with self.db.read() as session:
            scope = await scope_of(session, current_identity())
            total, individual, corporate, updated = await customer_stats(session, scope)
            tiers = await tier_counts(session, scope)
        stats = report_pb2.CustomerStats(
            name="customerStats",
            customer_count=total,
            individual_count=individual,
            corporate_count=corporate,
            key_customer_count=sum(count for _, count in tiers),
            tier_counts=[report_pb2.TierCount(tier=tier, customer_count=count) for tier, count in tiers],
        )
        if updated is not None:
            stats.update_time.CopyFrom(to_timestamp(updated))
        return pb.GetCustomerStatsResponse(stats=stats)
