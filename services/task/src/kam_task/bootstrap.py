"""Wires the task service together (composition root).

TaskService is served; CampaignService is declared in protos/kam/task/v1 and still answers UNIMPLEMENTED (issue
17's marketing half).
"""

from __future__ import annotations

from pathlib import Path

from kam.customer.v1 import events_pb2 as customer_events
from kam.identity.v1 import events_pb2 as identity_events
from kam.task.v1 import campaign_service_pb2_grpc as campaigns
from kam_kit import directory, orgtree, pagination
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings, env_bool

from kam_task.adapters.orm import Base, OrgUnitCopy, UserCopy
from kam_task.entrypoints.grpc_api import TaskServicer
from kam_task.service_layer import customers
from kam_task.service_layer.demo import seed_demo
from kam_task.service_layer.tasks import TaskService

MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    db = Database(settings.database_url)
    app = ServiceApp(settings=settings, db=db, metadata=Base.metadata, versions_dir=MIGRATIONS, clock=clock)
    tasks = TaskService(db, clock)
    app.serve(
        TaskServicer(tasks, pagination.page_secret(settings.token_secret.reveal())),
        campaigns.CampaignServiceServicer(),
    )
    if env_bool("KAM_DEMO_MODE", False):  # the demo's tasks (once)
        app.background.append(lambda: seed_demo(db, tasks, clock))
    accounts = customers.account_copier(clock)
    app.consume(
        "customer",
        {
            customer_events.CustomerCreated: customers.on_customer,
            customer_events.CustomerUpdated: customers.on_customer,
            customer_events.CustomerDeleted: customers.on_customer_deleted,
            customer_events.TierChanged: customers.on_tier_changed,
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
