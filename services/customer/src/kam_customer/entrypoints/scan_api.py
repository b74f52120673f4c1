"""ScanService: scan jobs of the core-banking source (根据定义寻找大客户)."""

from __future__ import annotations

from kam.customer.v1 import scan_pb2, scan_service_pb2, scan_service_pb2_grpc
from kam_kit.grpcserver import current_identity

from kam_customer.scan import messages
from kam_customer.scan.jobs import ScanManager, job_id_from_name

MODES = {scan_pb2.ScanJob.MODE_FULL: "FULL", scan_pb2.ScanJob.MODE_INCREMENTAL: "INCREMENTAL"}


def _creator() -> str:
    identity = current_identity()
    return identity.subject if identity is not None else ""


class ScanServicer(scan_service_pb2_grpc.ScanServiceServicer):
    def __init__(self, manager: ScanManager) -> None:
        self.manager = manager

    async def CreateScanJob(self, request, context):
        creator = _creator()
        job = await self.manager.create(
            mode=MODES.get(request.scan_job.mode),
            trigger="MANUAL",
            creator=creator,
            request_id=request.request_id,
            identity=current_identity(),
        )
        return scan_service_pb2.CreateScanJobResponse(scan_job=messages.scan_job_to_proto(job))

    async def GetScanJob(self, request, context):
        job = await self.manager.get(job_id_from_name(request.name))
        return scan_service_pb2.GetScanJobResponse(scan_job=messages.scan_job_to_proto(job))

    async def ListScanJobs(self, request, context):
        rows, token = await self.manager.list(
            page_size=request.page_size, page_token=request.page_token, filter_text=request.filter
        )
        return scan_service_pb2.ListScanJobsResponse(
            scan_jobs=[messages.scan_job_to_proto(r) for r in rows], next_page_token=token
        )

    async def CancelScanJob(self, request, context):
        job = await self.manager.cancel(job_id_from_name(request.name), current_identity())
        return scan_service_pb2.CancelScanJobResponse(scan_job=messages.scan_job_to_proto(job))
