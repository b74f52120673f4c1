"""Customer service: scan of the core-banking source (mapping, pushed-down metrics, jobs, push ingestion).

``install`` registers ScanService and IngestionService, the CDC consumer (stream ``KAM_CDC``) and one
background job that resumes unfinished scans, runs the first full scan when KAM has never scanned
(``KAM_CUSTOMER_SCAN_ON_START``) and then follows the schedule (``KAM_CUSTOMER_SCAN_CRON``).
"""

from __future__ import annotations

from kam_kit.runtime import ServiceApp

from kam_customer.context import CustomerContext
from kam_customer.scan import orm  # noqa: F401 - registers the scan tables on the service metadata


def install(app: ServiceApp, ctx: CustomerContext) -> None:
    """Add this part's servicers and background jobs to the service (called by bootstrap.build)."""
    from kam.customer.v1 import scan_service_pb2_grpc

    from kam_customer.scan import cdc
    from kam_customer.scan.cron import Cron
    from kam_customer.scan.jobs import ScanManager
    from kam_customer.scan.schedule import run_schedule, start_scans
    from kam_customer.scan.service import IngestionServicer, ScanServicer

    settings = ctx.customer_settings
    cron = Cron.parse(settings.scan_cron)
    manager = ScanManager(ctx.db, ctx.clock, source_url=settings.source_url, mapping_path=settings.mapping_path,
                          page_secret=ctx.page_secret, key_date_lead_days=settings.key_date_lead_days,
                          batch_size=settings.scan_batch_size, fx_rates=settings.fx_rates)
    app.servicers.append((scan_service_pb2_grpc.add_ScanServiceServicer_to_server, ScanServicer(manager),
                          "kam.customer.v1.ScanService"))
    app.servicers.append((scan_service_pb2_grpc.add_IngestionServiceServicer_to_server,
                          IngestionServicer(ctx.db, ctx.clock), "kam.customer.v1.IngestionService"))
    secret = ctx.settings.token_secret.reveal()
    app.consumers.append(lambda js: cdc.consumer(ctx.db, js, ctx.clock, token_secret=secret))

    async def scans() -> None:
        try:
            await start_scans(manager, scan_on_start=settings.scan_on_start)
            await run_schedule(manager, cron, ctx.clock)
        finally:
            await manager.stop()

    app.background.append(scans)
    app.scan_manager = manager  # type: ignore[attr-defined]  # for tests and the CLI
