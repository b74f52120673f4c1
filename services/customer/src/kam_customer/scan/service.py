"""gRPC servicers of the scan part: ScanService (jobs) and IngestionService (real-time push)."""

from __future__ import annotations

import logging

from kam.customer.v1 import scan_pb2, scan_service_pb2, scan_service_pb2_grpc
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.grpcserver import current_identity

from kam_customer.scan import ingest, messages
from kam_customer.scan.jobs import ScanManager, job_id_from_name

log = logging.getLogger(__name__)
MODES = {scan_pb2.ScanJob.MODE_FULL: "FULL", scan_pb2.ScanJob.MODE_INCREMENTAL: "INCREMENTAL"}


def _creator() -> str:
    identity = current_identity()
    return identity.subject if identity is not None else ""


class ScanServicer(scan_service_pb2_grpc.ScanServiceServicer):
    def __init__(self, manager: ScanManager) -> None:
        self.manager = manager

    async def CreateScanJob(self, request, context):
        creator = _creator()
        job = await self.manager.create(mode=MODES.get(request.scan_job.mode), trigger="MANUAL", creator=creator,
                                        request_id=request.request_id)
        return scan_service_pb2.CreateScanJobResponse(scan_job=messages.scan_job_to_proto(job))

    async def GetScanJob(self, request, context):
        job = await self.manager.get(job_id_from_name(request.name))
        return scan_service_pb2.GetScanJobResponse(scan_job=messages.scan_job_to_proto(job))

    async def ListScanJobs(self, request, context):
        rows, token = await self.manager.list(page_size=request.page_size, page_token=request.page_token,
                                              filter_text=request.filter)
        return scan_service_pb2.ListScanJobsResponse(scan_jobs=[messages.scan_job_to_proto(r) for r in rows],
                                                     next_page_token=token)

    async def CancelScanJob(self, request, context):
        job = await self.manager.cancel(job_id_from_name(request.name))
        return scan_service_pb2.CancelScanJobResponse(scan_job=messages.scan_job_to_proto(job))


class IngestionServicer(scan_service_pb2_grpc.IngestionServiceServicer):
    """Each stream message is applied in its own transaction through the idempotent path."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def _apply(self, messages) -> ingest.IngestResult:
        batch, result = [], ingest.IngestResult()
        now = self.clock.now()
        for message in messages:
            try:
                batch.append(ingest.from_proto(message, now))
            except ValueError as exc:
                result.rejected += 1
                result.errors.append(str(exc))
        async with self.db.transaction() as session:
            result.add(await ingest.apply_transactions(session, batch, origin=ingest.PUSH, clock=self.clock))
        return result

    @staticmethod
    def _counts(result: ingest.IngestResult) -> dict:
        """The answer: readable transactions as ``accepted`` whether KAM kept, already had or ignored them (the
        caller must not learn which accounts KAM keeps); the breakdown goes to the log for operators."""
        log.info("transactions ingested", extra={"stored": result.accepted, "duplicates": result.duplicates,
                                                 "ignored": result.ignored, "rejected": result.rejected})
        return {"accepted": result.accepted + result.duplicates + result.ignored, "rejected": result.rejected,
                "errors": result.errors[:20]}

    async def StreamTransactions(self, request_iterator, context):
        total = ingest.IngestResult()
        async for request in request_iterator:
            total.add(await self._apply(request.transactions))
        return scan_service_pb2.StreamTransactionsResponse(**self._counts(total))

    async def IngestTransactions(self, request, context):
        return scan_service_pb2.IngestTransactionsResponse(**self._counts(await self._apply(request.transactions)))
