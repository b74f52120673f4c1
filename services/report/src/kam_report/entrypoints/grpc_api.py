"""The report service's gRPC API."""

from __future__ import annotations

from kam.report.v1 import report_pb2
from kam.report.v1 import report_service_pb2 as pb
from kam.report.v1 import report_service_pb2_grpc as pb_grpc
from kam_kit import pagination
from kam_kit.db import Database
from kam_kit.filtering import one_of, parse_equalities, timestamp
from kam_kit.grpcserver import current_identity
from kam_kit.protoconv import required_message
from kam_kit.timeconv import to_timestamp

from kam_report.service_layer.center import STATES, TITLES, ReportCenter
from kam_report.service_layer.projections import customer_stats, scope_of, tier_counts
from kam_report.service_layer.schedules import ReportSchedules

FILTERS = {
    "kind": lambda v: one_of(TITLES, "报表类型")(v.removeprefix("REPORT_KIND_")),
    "state": lambda v: one_of(STATES, "状态")(v.removeprefix("STATE_")),
    "create_time": timestamp,
}


class ReportServicer(pb_grpc.ReportServiceServicer):
    def __init__(
        self,
        db: Database,
        center: ReportCenter,
        pages: pagination.OffsetPages,
        schedules: ReportSchedules | None = None,
    ) -> None:
        self.db = db
        self.center = center
        self.pages = pages
        self.schedules = schedules or ReportSchedules(db, center, center.clock)

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

    async def CreateReport(self, request: pb.CreateReportRequest, context) -> pb.CreateReportResponse:
        required_message(request, "report")
        report = await self.center.create(current_identity(), request.report, request.request_id)
        return pb.CreateReportResponse(report=report)

    async def GetReport(self, request: pb.GetReportRequest, context) -> pb.GetReportResponse:
        return pb.GetReportResponse(report=await self.center.get(current_identity(), request.name))

    async def ListReports(self, request: pb.ListReportsRequest, context) -> pb.ListReportsResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        filters = parse_equalities(request.filter, FILTERS, comparable=("create_time",))
        bound = f"reports|{request.filter}"
        offset = self.pages.offset(request.page_token, bound)
        found, total = await self.center.list(current_identity(), filters, offset=offset, limit=size)
        return pb.ListReportsResponse(
            reports=found,
            next_page_token=self.pages.next(offset, len(found), offset + len(found) < total, bound),
            total_size=total,
        )

    async def DeleteReport(self, request: pb.DeleteReportRequest, context) -> pb.DeleteReportResponse:
        await self.center.delete(current_identity(), request.name, request.etag)
        return pb.DeleteReportResponse()

    async def GetCustomerInsight(
        self, request: pb.GetCustomerInsightRequest, context
    ) -> pb.GetCustomerInsightResponse:
        return pb.GetCustomerInsightResponse(
            insight=await self.center.insight(current_identity(), request.name)
        )

    async def ExportReport(self, request: pb.ExportReportRequest, context) -> pb.ExportReportResponse:
        filename, content_type, content = await self.center.export(
            current_identity(), request.name, request.format
        )
        return pb.ExportReportResponse(filename=filename, content_type=content_type, content=content)

    async def CreateReportSchedule(
        self, request: pb.CreateReportScheduleRequest, context
    ) -> pb.CreateReportScheduleResponse:
        required_message(request, "report_schedule")
        schedule = await self.schedules.create(
            current_identity(), request.report_schedule, request.request_id
        )
        return pb.CreateReportScheduleResponse(report_schedule=schedule)

    async def GetReportSchedule(
        self, request: pb.GetReportScheduleRequest, context
    ) -> pb.GetReportScheduleResponse:
        return pb.GetReportScheduleResponse(
            report_schedule=await self.schedules.get(current_identity(), request.name)
        )

    async def ListReportSchedules(
        self, request: pb.ListReportSchedulesRequest, context
    ) -> pb.ListReportSchedulesResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        offset = self.pages.offset(request.page_token, "reportSchedules")
        found, total = await self.schedules.list(current_identity(), offset=offset, limit=size)
        return pb.ListReportSchedulesResponse(
            report_schedules=found,
            next_page_token=self.pages.next(
                offset, len(found), offset + len(found) < total, "reportSchedules"
            ),
            total_size=total,
        )

    async def UpdateReportSchedule(
        self, request: pb.UpdateReportScheduleRequest, context
    ) -> pb.UpdateReportScheduleResponse:
        required_message(request, "report_schedule")
        schedule = await self.schedules.update(
            current_identity(), request.report_schedule, list(request.update_mask.paths)
        )
        return pb.UpdateReportScheduleResponse(report_schedule=schedule)

    async def DeleteReportSchedule(
        self, request: pb.DeleteReportScheduleRequest, context
    ) -> pb.DeleteReportScheduleResponse:
        await self.schedules.delete(current_identity(), request.name, request.etag)
        return pb.DeleteReportScheduleResponse()

    async def RunReportSchedule(
        self, request: pb.RunReportScheduleRequest, context
    ) -> pb.RunReportScheduleResponse:
        return pb.RunReportScheduleResponse(
            report=await self.schedules.run_now(current_identity(), request.name)
        )
