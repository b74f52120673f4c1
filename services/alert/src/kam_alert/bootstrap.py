"""Wires the alert service together (composition root)."""

from __future__ import annotations

from pathlib import Path

from kam_kit import pagination
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings

from kam_alert.adapters.orm import Base
from kam_alert.entrypoints.grpc_api import AlertServicer
from kam_alert.service_layer.rules import RuleService
from kam_alert.service_layer.watch import CUSTOMER_EVENTS, on_customer_changed

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    db = Database(settings.database_url)
    app = ServiceApp(settings=settings, db=db, metadata=Base.metadata, versions_dir=MIGRATIONS, clock=clock)
    rules = RuleService(db, clock)
    app.serve(AlertServicer(db, rules, pagination.page_secret(settings.token_secret.reveal())))
    app.background.append(rules.install_shipped)  # a new installation's rules, once
    app.consume("customer", dict.fromkeys(CUSTOMER_EVENTS, on_customer_changed))
    return app
