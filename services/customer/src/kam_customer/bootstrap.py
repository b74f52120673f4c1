"""Wires the customer service together (composition root)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings

from kam_customer import scan, search, tiering
from kam_customer.adapters.orm import Base
from kam_customer.context import CustomerContext
from kam_customer.entrypoints.audit_api import AccessAuditServicer
from kam_customer.entrypoints.grpc_api import CustomerServicer
from kam_customer.service_layer import key_dates, names
from kam_customer.service_layer.customers import CustomerService
from kam_customer.settings import CustomerSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK,
          customer_settings: CustomerSettings | None = None) -> ServiceApp:
    db = Database(settings.database_url)
    ctx = CustomerContext(
        db=db, clock=clock, settings=settings,
        customer_settings=customer_settings or CustomerSettings.from_env(),
        page_secret=hashlib.sha256(b"page:" + settings.token_secret.reveal().encode()).digest(),
    )
    names.configure_account_names(ctx.page_secret)
    servicer = CustomerServicer(CustomerService(db, clock), ctx.page_secret)
    app = ServiceApp(settings=settings, db=db, metadata=Base.metadata, versions_dir=MIGRATIONS, clock=clock)
    app.serve(servicer, AccessAuditServicer(servicer.access_audit, ctx.page_secret))
    for part in (tiering, scan, search):
        part.install(app, ctx)
    key_dates.install(app, ctx)
    return app
