"""Wires the report service together (composition root)."""

from __future__ import annotations

import functools
from pathlib import Path

from kam.customer.v1 import events_pb2
from kam_kit import pagination
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings

from kam_report.adapters.orm import Base
from kam_report.entrypoints.grpc_api import ReportServicer
from kam_report.service_layer import activity, store
from kam_report.service_layer.center import ReportCenter
from kam_report.service_layer.projections import (
    CUSTOMER_EVENTS,
    on_customer_changed,
    on_org_unit_updated,
    on_tier_changed,
)

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    db = Database(settings.database_url)
    app = ServiceApp(settings=settings, db=db, metadata=Base.metadata, versions_dir=MIGRATIONS, clock=clock)
    pages = pagination.OffsetPages(pagination.page_secret(settings.token_secret.reveal()))
    center = ReportCenter(db, clock)
    app.serve(ReportServicer(db, center, pages))
    app.background.append(functools.partial(center.insights.keep_warm, db, clock))
    app.consume(
        "customer",
        {
            **dict.fromkeys(CUSTOMER_EVENTS, on_customer_changed),
            events_pb2.TierChanged: on_tier_changed,
            events_pb2.SourceOrgUnitUpdated: on_org_unit_updated,
            **store.HANDLERS,
        },
    )
    app.consume("alert", activity.ALERT_HANDLERS)
    app.consume("task", activity.TASK_HANDLERS)
    return app
