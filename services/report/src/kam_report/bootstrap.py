"""Wires the report service together (composition root)."""

from __future__ import annotations

from pathlib import Path

from kam.customer.v1 import events_pb2
from kam.report.v1 import report_service_pb2_grpc
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp, consumer
from kam_kit.settings import ServiceSettings

from kam_report.adapters.orm import Base
from kam_report.entrypoints.grpc_api import ReportServicer
from kam_report.service_layer.projections import (
    CUSTOMER_EVENTS,
    on_customer_changed,
    on_org_unit_updated,
    on_tier_changed,
)

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    db = Database(settings.database_url)
    return ServiceApp(
        settings=settings, db=db, metadata=Base.metadata, versions_dir=MIGRATIONS, clock=clock,
        servicers=[(report_service_pb2_grpc.add_ReportServiceServicer_to_server, ReportServicer(db),
                    "kam.report.v1.ReportService")],
        consumers=[consumer(db, name="report-customer", producer="customer", settings=settings, clock=clock,
                            handlers={**dict.fromkeys(CUSTOMER_EVENTS, on_customer_changed),
                                      events_pb2.TierChanged: on_tier_changed,
                                      events_pb2.SourceOrgUnitUpdated: on_org_unit_updated})],
        produces_events=True,
    )
