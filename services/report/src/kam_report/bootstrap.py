"""Wires the report service together (composition root)."""

from __future__ import annotations

import functools
from pathlib import Path

from kam.customer.v1 import events_pb2
from kam.identity.v1 import events_pb2 as identity_events
from kam_kit import directory, pagination
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings

from kam_report.adapters.columnar import ColumnarStore
from kam_report.adapters.orm import Base, UserCopy
from kam_report.entrypoints.grpc_api import ReportServicer
from kam_report.service_layer import activity, store
from kam_report.service_layer.center import ReportCenter
from kam_report.service_layer.projections import (
    CUSTOMER_EVENTS,
    on_customer_changed,
    on_org_unit_updated,
    on_tier_changed,
)
from kam_report.service_layer.schedules import ReportSchedules
from kam_report.settings import ReportSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build(
    settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK, report_settings: ReportSettings | None = None
) -> ServiceApp:
    db = Database(settings.database_url)
    app = ServiceApp(settings=settings, db=db, metadata=Base.metadata, versions_dir=MIGRATIONS, clock=clock)
    pages = pagination.OffsetPages(pagination.page_secret(settings.token_secret.reveal()))
    own = report_settings or ReportSettings.from_env()
    columnar = None
    if own.columnar_path is not None:
        columnar = ColumnarStore(
            db,
            own.columnar_path,
            clock,
            max_age=own.columnar_max_age,
            quick=own.columnar_quick,
            memory_limit=own.columnar_memory,
        )
        app.background.append(columnar.keep_fresh)
        app.after_restore.append(columnar.forget)
    center = ReportCenter(db, clock, columnar)
    schedules = ReportSchedules(db, center, clock)
    app.serve(ReportServicer(db, center, pages, schedules))
    app.background.append(functools.partial(center.insights.keep_warm, db, clock))
    app.background.append(schedules.keep_running)
    watch = columnar.watch if columnar is not None else dict  # the copy knows when the store has moved on
    app.consume(
        "customer",
        watch(
            {
                **dict.fromkeys(CUSTOMER_EVENTS, on_customer_changed),
                events_pb2.TierChanged: on_tier_changed,
                events_pb2.SourceOrgUnitUpdated: on_org_unit_updated,
                **store.HANDLERS,
            }
        ),
    )
    app.consume("alert", watch(activity.ALERT_HANDLERS))
    app.consume("task", watch(activity.TASK_HANDLERS))
    users = directory.updater(UserCopy)
    app.consume("identity", watch({identity_events.UserCreated: users, identity_events.UserUpdated: users}))
    return app
