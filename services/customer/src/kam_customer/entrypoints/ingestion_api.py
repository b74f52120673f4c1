"""IngestionService: the core system's real-time push of transactions (实时推送), gRPC streaming and unary."""

from __future__ import annotations

import logging

from kam.customer.v1 import scan_service_pb2, scan_service_pb2_grpc
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.grpcserver import current_identity

from kam_customer.domain.names import AccountNames
from kam_customer.ingestion import ingest

log = logging.getLogger(__name__)


class IngestionServicer(scan_service_pb2_grpc.IngestionServiceServicer):
    """Each stream message is applied in its own transaction through the idempotent path."""

    def __init__(self, db: Database, clock: Clock, account_names: AccountNames) -> None:
        self.db = db
        self.clock = clock
        self.account_names = account_names

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
            result.add(
                await ingest.apply_transactions(
                    session, batch, origin=ingest.PUSH, clock=self.clock, account_names=self.account_names
                )
            )
            ingest.audit_batch(
                session, batch, result, actor=current_identity(), channel="grpc", clock=self.clock
            )
        return result

    @staticmethod
    def _counts(result: ingest.IngestResult) -> dict:
        """The answer: readable transactions as ``accepted`` whether KAM kept, already had or ignored them (the
        caller must not learn which accounts KAM keeps); the breakdown goes to the log for operators."""
        log.info(
            "transactions ingested",
            extra={
                "stored": result.accepted,
                "duplicates": result.duplicates,
                "ignored": result.ignored,
                "rejected": result.rejected,
            },
        )
        return {
            "accepted": result.accepted + result.duplicates + result.ignored,
            "rejected": result.rejected,
            "errors": result.errors[:20],
        }

    async def StreamTransactions(self, request_iterator, context):
        total = ingest.IngestResult()
        async for request in request_iterator:
            total.add(await self._apply(_transactions(request)))
        return scan_service_pb2.StreamTransactionsResponse(**self._counts(total))

    async def IngestTransactions(self, request, context):
        return scan_service_pb2.IngestTransactionsResponse(
            **self._counts(await self._apply(_transactions(request)))
        )


def _transactions(request) -> list:
    """The request's transactions: the deprecated ``transactions`` (same fields and numbers) first, then
    ``source_transactions``."""
    return [*request.transactions, *request.source_transactions]
