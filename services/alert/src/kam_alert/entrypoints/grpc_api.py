"""The alert service's gRPC API."""

from __future__ import annotations

from kam.alert.v1 import alert_pb2
from kam.alert.v1 import alert_service_pb2 as pb
from kam.alert.v1 import alert_service_pb2_grpc as pb_grpc
from kam_kit.db import Database
from kam_kit.timeconv import to_timestamp

from kam_alert.service_layer.watch import watched_count


class AlertServicer(pb_grpc.AlertServiceServicer):
    def __init__(self, db: Database) -> None:
        self.db = db

    async def GetMonitoringStats(
        self, request: pb.GetMonitoringStatsRequest, context
    ) -> pb.GetMonitoringStatsResponse:
        async with self.db.read() as session:
            count, latest = await watched_count(session)
        stats = alert_pb2.MonitoringStats(name="alertMonitoringStats", watched_customer_count=count)
        if latest is not None:
            stats.last_event_time.CopyFrom(to_timestamp(latest))
        return pb.GetMonitoringStatsResponse(stats=stats)
