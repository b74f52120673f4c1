"""Wires the alert service together (composition root)."""

from __future__ import annotations

from pathlib import Path

from kam.customer.v1 import events_pb2 as customer_events
from kam.identity.v1 import events_pb2 as identity_events
from kam.task.v1 import events_pb2 as task_events
from kam_kit import directory, orgtree, pagination
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.consumer import Batched
from kam_kit.db import Database
from kam_kit.partitions import Leases
from kam_kit.runtime import ServiceApp
from kam_kit.settings import ServiceSettings

from kam_alert.adapters.orm import Base, OrgUnitCopy, UserCopy
from kam_alert.entrypoints.grpc_api import AlertServicer
from kam_alert.service_layer.alerts import AlertService
from kam_alert.service_layer.monitor import Monitor
from kam_alert.service_layer.rules import RuleService
from kam_alert.service_layer.scheduler import Scheduler
from kam_alert.service_layer.watch import CUSTOMER_EVENTS, on_customer_changed

MIGRATIONS = Path(__file__).parent / "migrations"
#: After a batch of its events, how long the relay waits for more (the kit's default is 0.1 s).
ALERT_COALESCE = 0.01


def build(settings: ServiceSettings, clock: Clock = SYSTEM_CLOCK) -> ServiceApp:
    db = Database(settings.database_url)
    app = ServiceApp(settings=settings, db=db, metadata=Base.metadata, versions_dir=MIGRATIONS, clock=clock)
    # an alert's events leave as soon as they are committed (issue 15: p99 ≤ 100 ms from transaction to alert)
    app.outbox_coalesce = ALERT_COALESCE
    rules = RuleService(db, clock)
    alerts = AlertService(db, clock)
    monitor = Monitor(clock)
    app.serve(
        AlertServicer(db, rules, alerts, pagination.page_secret(settings.token_secret.reveal()), monitor)
    )
    app.background.append(rules.install_shipped)  # a new installation's rules, once
    # reminders and festivals due, repeats, snoozes ending, escalations: by one replica at a time
    sweeper = Leases(db, "alert-scheduler", partitions=1)
    app.background.extend((sweeper.run, Scheduler(db, clock, monitor=monitor, lease=sweeper.lease(0)).run))
    handlers = {
        **dict.fromkeys(CUSTOMER_EVENTS, on_customer_changed),
        customer_events.TransactionPosted: Batched(monitor.on_transactions_posted),  # a fetch's at once
        customer_events.BalanceSnapshot: monitor.on_balance_snapshot,
        customer_events.TierChanged: monitor.on_tier_changed,
        customer_events.TierRuleSetActivated: monitor.on_rule_set_activated,
        customer_events.KeyDateApproaching: monitor.on_key_date_approaching,
        customer_events.SourceOrgUnitUpdated: orgtree.updater(OrgUnitCopy),
    }
    # a busy transaction feed: larger fetches share one duplicate check and commit (tests/bench/bench_alert_monitor.py);
    # partitioned by customer, so that with several replicas each customer's events are applied by one, in order
    app.consume("customer", handlers, batch_size=500, partitioned=True)
    tasks = dict.fromkeys(
        (task_events.TaskCreated, task_events.TaskUpdated, task_events.TaskStarted, task_events.TaskReturned),
        monitor.on_task_changed,
    )
    tasks.update(
        dict.fromkeys((task_events.TaskCompleted, task_events.TaskCancelled), monitor.on_task_closed)
    )
    app.consume("task", tasks)  # the task service's events, consumed as soon as it publishes them
    users = directory.updater(UserCopy)
    app.consume(
        "identity",
        {
            identity_events.UserCreated: users,
            identity_events.UserUpdated: users,
            # the org tree as the bank runs it in KAM (units an administrator made included)
            **orgtree.identity_updaters(OrgUnitCopy),
        },
    )
    return app
