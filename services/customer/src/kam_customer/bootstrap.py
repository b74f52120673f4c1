"""Wires the customer service together (composition root): the use cases, the servicers that serve them, the CDC
consumer, the task service's events and the background jobs, from the settings."""

from __future__ import annotations

from functools import partial

from kam.task.v1 import events_pb2 as task_events
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.cron import Cron
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings

from kam_customer import keydates, scan, search, tiering  # noqa: F401 - each registers its tables
from kam_customer.adapters.orm import Base
from kam_customer.context import MIGRATIONS, derive_secret
from kam_customer.domain.names import AccountNames
from kam_customer.entrypoints import cdc, jobs, tasks
from kam_customer.entrypoints.audit_api import AccessAuditServicer
from kam_customer.entrypoints.grpc_api import CustomerServicer, CustomerUseCases
from kam_customer.entrypoints.ingestion_api import IngestionServicer
from kam_customer.entrypoints.scan_api import ScanServicer
from kam_customer.entrypoints.tier_api import TierServicer
from kam_customer.ingestion.push import PushService
from kam_customer.keydates.listing import KeyDateListing
from kam_customer.keydates.service import KeyDateSweep
from kam_customer.scan.jobs import ScanManager, last_scan_facts
from kam_customer.service_layer.accounts import AccountService
from kam_customer.service_layer.audit import AccessAudit
from kam_customer.service_layer.contacts import ContactService
from kam_customer.service_layer.customers import CustomerService
from kam_customer.service_layer.groups import GroupService
from kam_customer.service_layer.lifecycle import LifecycleService
from kam_customer.service_layer.listing import ContactListing, CustomerListing
from kam_customer.service_layer.searching import SearchService
from kam_customer.service_layer.standing import StandingService
from kam_customer.service_layer.summary import CustomerSummaries
from kam_customer.service_layer.timeline import TimelineService
from kam_customer.service_layer.unit_of_work import SqlAlchemyUnitOfWork
from kam_customer.settings import CustomerSettings
from kam_customer.tiering.service import TieringService

__all__ = ["MIGRATIONS", "build"]


def build(
    settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK, customer_settings: CustomerSettings | None = None
) -> ServiceApp:
    db = Database(settings.database_url)
    options = customer_settings or CustomerSettings.from_env()
    token_secret = settings.token_secret.reveal()
    secret = derive_secret(token_secret)
    account_names = AccountNames(secret)
    accounts = AccountService(db, account_names)
    # the use cases converted to the unit of work (Cosmic Python) get a new one per call
    units_of_work = partial(SqlAlchemyUnitOfWork, db, clock)
    use_cases = CustomerUseCases(
        customers=CustomerService(units_of_work, clock),
        listing=CustomerListing(db),
        accounts=accounts,
        contacts=ContactService(units_of_work, clock),
        contact_listing=ContactListing(db),
        timeline=TimelineService(db, clock),
        standing=StandingService(db, clock),
        searcher=SearchService(db),
        access_audit=AccessAudit(db, clock),
        groups=GroupService(db, clock),
        lifecycle=LifecycleService(units_of_work),
        push=PushService(db, clock, accounts, account_names),
        key_dates=KeyDateListing(db),
        summaries=CustomerSummaries(db),
    )
    manager = ScanManager(
        db,
        clock,
        source_url=options.source_url,
        mapping_path=options.mapping_path,
        account_names=account_names,
        timezone=options.bank_timezone,
        page_secret=secret,
        key_date_lead_days=options.key_date_lead_days,
        batch_size=options.scan_batch_size,
        fx_rates=options.fx_rates,
    )
    sweep = KeyDateSweep(
        db,
        clock,
        lead_days=options.key_date_lead_days,
        account_names=account_names,
        timezone=options.bank_timezone,
    )

    app = ServiceApp(
        settings=settings,
        db=db,
        metadata=Base.metadata,
        versions_dir=MIGRATIONS,
        clock=clock,
        status_details=last_scan_facts,
    )
    app.serve(
        CustomerServicer(use_cases, secret),
        AccessAuditServicer(use_cases.access_audit, secret),
        TierServicer(TieringService(db, clock), secret),
        ScanServicer(manager),
        IngestionServicer(db, clock, account_names),
    )
    app.consumers.append(
        lambda js: cdc.consumer(db, js, clock, token_secret=token_secret, account_names=account_names)
    )
    # a task completed for a customer with an interaction type is logged on its timeline (durable `customer-task`)
    app.consume("task", {task_events.TaskCompleted: tasks.on_task_completed(use_cases.timeline)})
    scan_cron, sweep_cron = Cron.parse(options.scan_cron), Cron.parse(options.key_date_cron)

    async def scans() -> None:
        await jobs.scans(
            manager, scan_cron, clock, scan_on_start=options.scan_on_start, timezone=options.bank_timezone
        )

    async def key_date_sweep() -> None:
        await jobs.key_date_sweeps(sweep, sweep_cron)

    # access records' customers into their index by customer, after the answering commits
    app.background += [scans, key_date_sweep, use_cases.access_audit.run_indexer]
    app.scan_manager = manager  # type: ignore[attr-defined]  # for tests
    app.access_audit = use_cases.access_audit  # type: ignore[attr-defined]
    app.key_date_sweep = sweep  # type: ignore[attr-defined]
    app.account_names = account_names  # type: ignore[attr-defined]
    return app
