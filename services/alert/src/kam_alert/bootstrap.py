"""Wires the alert service together (composition root)."""

from __future__ import annotations

from pathlib import Path

from kam.alert.v1 import alert_service_pb2_grpc
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp, consumer
from kam_kit.settings import ServiceSettings

from kam_alert.adapters.orm import Base
from kam_alert.entrypoints.grpc_api import AlertServicer
from kam_alert.service_layer.watch import CUSTOMER_EVENTS, on_customer_changed

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    db = Database(settings.database_url)
    return ServiceApp(
        settings=settings, db=db, metadata=Base.metadata, versions_dir=MIGRATIONS, clock=clock,
        servicers=[(alert_service_pb2_grpc.add_AlertServiceServicer_to_server, AlertServicer(db),
                    "kam.alert.v1.AlertService")],
        consumers=[consumer(db, name="alert-customer", producer="customer", settings=settings, clock=clock,
                            handlers=dict.fromkeys(CUSTOMER_EVENTS, on_customer_changed))],
    )
