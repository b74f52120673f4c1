"""Wires the task service together (composition root).

TaskService (tasks), CampaignService (marketing plans) and TaskAutomationService (recurring tasks, swept on the
clock, and playbooks, set off by customer events); the copies of key customers, their accounts, users and
the org tree from the customer and identity services' events.
"""

from __future__ import annotations

from pathlib import Path

from kam.customer.v1 import events_pb2 as customer_events
from kam.identity.v1 import events_pb2 as identity_events
from kam_kit import directory, orgtree, pagination
from kam_kit.attachments import max_bytes_setting
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.partitions import Leases
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings, env_bool

from kam_task.adapters.orm import Base, OrgUnitCopy, UserCopy
from kam_task.entrypoints.automation_api import TaskAutomationServicer
from kam_task.entrypoints.campaign_api import CampaignServicer
from kam_task.entrypoints.grpc_api import TaskServicer
from kam_task.service_layer import customers
from kam_task.service_layer.attachments import TaskAttachments
from kam_task.service_layer.automation import AutomationService
from kam_task.service_layer.campaigns import CampaignService, on_account_handler
from kam_task.service_layer.demo import seed_demo
from kam_task.service_layer.demo_campaign import seed_demo_campaign
from kam_task.service_layer.playbooks import PlaybookRunner, in_order
from kam_task.service_layer.recurring import RecurringSweeper
from kam_task.service_layer.tasks import TaskService

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    db = Database(settings.database_url)
    app = ServiceApp(settings=settings, db=db, metadata=Base.metadata, versions_dir=MIGRATIONS, clock=clock)
    tasks = TaskService(db, clock)
    marketing = CampaignService(db, clock, tasks)
    pages = pagination.page_secret(settings.token_secret.reveal())
    automation = AutomationService(db, clock, tasks)
    files = TaskAttachments(tasks, attachment_max_bytes())
    app.serve(
        TaskServicer(tasks, pages, attachments=files),
        CampaignServicer(marketing, pages),
        TaskAutomationServicer(automation, pages),
    )
    if env_bool("KAM_DEMO_MODE", False):  # the demo's tasks, recurring task and playbook (once)
        app.background.append(lambda: seed_demo(db, tasks, clock, automation))
        app.background.append(lambda: seed_demo_campaign(db, marketing, clock))  # once the first scan is in
    # recurring tasks' occurrences: by one replica at a time
    sweeper = Leases(db, "task-recurring", partitions=1)
    app.background.extend((sweeper.run, RecurringSweeper(db, clock, tasks, lease=sweeper.lease(0)).run))
    playbooks = PlaybookRunner(tasks, clock)  # after the copy of the customer has taken the event in
    accounts = on_account_handler(marketing, customers.account_copier(clock))  # copied, then attributed
    app.consume(
        "customer",
        {
            customer_events.CustomerCreated: in_order(customers.on_customer, playbooks.on_customer_created),
            customer_events.CustomerUpdated: customers.on_customer,
            customer_events.CustomerDeleted: customers.on_customer_deleted,
            customer_events.TierChanged: in_order(customers.on_tier_changed, playbooks.on_tier_changed),
            customer_events.KeyDateApproaching: playbooks.on_key_date,
            customer_events.AccountOpened: accounts,
            customer_events.AccountUpdated: accounts,
            customer_events.BalanceSnapshot: customers.on_balance_snapshot,
            customer_events.SourceOrgUnitUpdated: orgtree.updater(OrgUnitCopy),
        },
        batch_size=500,
    )
    users = directory.updater(UserCopy)
    app.consume(
        "identity",
        {
            identity_events.UserCreated: users,
            identity_events.UserUpdated: users,
            **orgtree.identity_updaters(OrgUnitCopy),
        },
    )
    return app


def attachment_max_bytes() -> int:
    """The largest task attachment, ``KAM_TASK_ATTACHMENT_MAX_BYTES`` (10 MiB; at most 15 MiB, as a gRPC request to
    the service is at most 16 MiB)."""
    return max_bytes_setting("KAM_TASK_ATTACHMENT_MAX_BYTES")
