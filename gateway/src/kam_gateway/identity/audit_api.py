"""``kam.identity.v1.AuditTrailService``: the central audit trail for compliance (service_layer/audit_trail.py)."""

from __future__ import annotations

from datetime import datetime

from kam.identity.v1 import audit_trail_service_pb2 as pb
from kam.identity.v1 import audit_trail_service_pb2_grpc
from kam_kit import protoconv
from kam_kit.errors import Validator

from kam_gateway.identity.service_layer.audit_trail import AuditTrail


def _time(message, name: str, v: Validator) -> datetime | None:
    return (
        protoconv.collect(v, protoconv.timestamp_value, getattr(message, name), name)
        if message.HasField(name)
        else None
    )


class AuditTrailServicer(audit_trail_service_pb2_grpc.AuditTrailServiceServicer):
    def __init__(self, trail: AuditTrail) -> None:
        self.trail = trail

    def _window(self, request) -> tuple[datetime | None, datetime | None]:
        v = Validator()
        start, end = _time(request, "start_time", v), _time(request, "end_time", v)
        if start is not None and end is not None:
            v.check(start < end, "end_time", "结束时间应晚于开始时间 (must be after start_time)")
        v.raise_if_any()
        return start, end

    async def ListAuditRecords(
        self, request: pb.ListAuditRecordsRequest, context
    ) -> pb.ListAuditRecordsResponse:
        start, end = self._window(request)
        records, token, total = await self.trail.list(
            request.filter, start, end, request.page_size, request.page_token
        )
        return pb.ListAuditRecordsResponse(audit_records=records, next_page_token=token, total_size=total)

    async def VerifyAuditChains(self, request, context) -> pb.VerifyAuditChainsResponse:
        return pb.VerifyAuditChainsResponse(
            chains=[
                pb.AuditChainCheck(
                    service=c.service,
                    records=c.records,
                    last_sequence=c.last_sequence,
                    intact=c.intact,
                    broken_sequence=c.broken_sequence,
                    problem=c.problem,
                )
                for c in await self.trail.verify()
            ]
        )

    async def ExportAuditRecords(
        self, request: pb.ExportAuditRecordsRequest, context
    ) -> pb.ExportAuditRecordsResponse:
        start, end = self._window(request)
        xlsx = request.format == pb.ExportAuditRecordsRequest.FORMAT_XLSX
        filename, content_type, content, count = await self.trail.export(
            request.filter, start, end, xlsx=xlsx
        )
        return pb.ExportAuditRecordsResponse(
            filename=filename, content_type=content_type, content=content, record_count=count
        )
