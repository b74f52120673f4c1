"""``kam.api.v1.StatusService`` on every service (registered by :class:`kam_kit.runtime.ServiceApp`): the process's
version, start time, outbox backlog, unsealed audit records, and facts the service adds (``details``), for the
control center (the gateway's ``SystemService.GetSystemHealth``). Reading it needs ``system.read``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from importlib import metadata

from kam.api.v1 import status_pb2, status_pb2_grpc
from sqlalchemy import func, select

from kam_kit.db import Database, audit_table, outbox_table
from kam_kit.timeconv import aware, to_timestamp

#: A service's own facts for its status, e.g. the customer service's last scan.
Details = Callable[[Database], Awaitable[dict[str, str]]]


def package_version(service: str) -> str:
    for distribution in (f"kam-{service}", "kam-gateway" if service == "identity" else ""):
        if distribution:
            try:
                return metadata.version(distribution)
            except metadata.PackageNotFoundError:
                continue
    return "unknown"


class StatusServicer(status_pb2_grpc.StatusServiceServicer):
    def __init__(
        self, db: Database, *, service: str, started: datetime, details: Details | None = None
    ) -> None:
        self.db = db
        self.service = service
        self.started = started
        self.details = details
        self.version = package_version(service)

    async def GetServiceStatus(self, request, context) -> status_pb2.GetServiceStatusResponse:
        async with self.db.read() as session:
            pending, oldest = (
                await session.execute(
                    select(func.count(), func.min(outbox_table.c.created_at)).where(
                        outbox_table.c.published_at.is_(None)
                    )
                )
            ).one()
            unsealed = await session.scalar(
                select(func.count()).select_from(audit_table).where(audit_table.c.sequence.is_(None))
            )
        status = status_pb2.ServiceStatus(
            service=self.service,
            version=self.version,
            start_time=to_timestamp(self.started),
            outbox_pending=pending or 0,
            audit_unsealed=unsealed or 0,
        )
        if oldest is not None:
            status.oldest_pending_time.CopyFrom(to_timestamp(aware(oldest)))
        if self.details is not None:
            status.details.update(await self.details(self.db))
        return status_pb2.GetServiceStatusResponse(status=status)
