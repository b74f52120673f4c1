"""Benchmark: the alert service's evaluation of transactions with its database (issue 15's throughput target:
≥ 5,000 transactions/s sustained in one process).

Applies ``--transactions`` ``TransactionPosted`` events for ``--customers`` key customers to the alert service's
handler (``Monitor.on_transaction_posted``: the shipped rules, window state per rule and customer, the
transaction kept for backtests, alerts raised or updated), ``--batch`` events per transaction as the kit's
consumer applies one fetch — on SQLite and, when it answers, PostgreSQL. No broker: this is the handler's rate, the
upper bound of the consumer's. Prints transactions/s per database and the detectors' own rate for comparison.

    uv run python tests/bench/bench_alert_monitor.py [--customers 2000] [--transactions 20000] [--batch 100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from kam.customer.v1 import customer_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam_alert.adapters.orm import Base
from kam_alert.bootstrap import MIGRATIONS
from kam_alert.domain.rules import money
from kam_alert.service_layer.monitor import Monitor
from kam_alert.service_layer.rules import RuleService
from kam_alert.service_layer.watch import on_customer_changed
from kam_kit import migrations
from kam_kit.clock import ManualClock
from kam_kit.db import Database
from kam_kit.events import EventMeta
from kam_kit.timeconv import to_timestamp

META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)
START = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
POSTGRES = os.environ.get("KAM_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


async def run(url: str, customers: int, count: int, batch: int) -> float:
    await migrations.upgrade_async(url, MIGRATIONS, Base.metadata)
    db = Database(url)
    clock = ManualClock(START)
    await RuleService(db, clock).install_shipped()
    names = [f"customers/b{i}" for i in range(customers)]
    async with db.transaction() as session:
        for name in names:
            customer = customer_pb2.Customer(
                name=name,
                type=customer_pb2.Customer.TYPE_INDIVIDUAL,
                display_name=name,
                relationship_manager="users/rm",
                branch="orgUnits/0101",
                tier="tiers/gold",
                update_time=to_timestamp(START),
            )
            await on_customer_changed(session, customer_events.CustomerCreated(customer=customer), META)
    rng = random.Random(3)
    events = []
    for i in range(count):
        name = rng.choice(names)
        events.append(
            customer_events.TransactionPosted(
                transaction=customer_pb2.Transaction(
                    name=f"{name}/accounts/a1/transactions/t{i}",
                    direction=customer_pb2.Transaction.DIRECTION_DEBIT,
                    amount=money(rng.randint(100, 20_000)),
                    post_time=to_timestamp(START + timedelta(seconds=i * 5)),
                    cash=rng.random() < 0.3,
                ),
                tier="tiers/gold",
                branch="orgUnits/0101",
                relationship_manager="users/rm",
            )
        )
    monitor = Monitor(clock)
    started = time.perf_counter()
    for i in range(0, count, batch):
        async with db.transaction() as session:
            for event in events[i : i + batch]:
                await monitor.on_transaction_posted(session, event, META)
    elapsed = time.perf_counter() - started
    await db.dispose()
    return count / elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--transactions", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    print(
        f"# alert evaluation benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} cores, "
        f"{args.customers:,} customers, {args.transactions:,} transactions, {args.batch} per database transaction"
    )
    with tempfile.TemporaryDirectory() as tmp:
        rate = await run(f"sqlite+aiosqlite:///{tmp}/alert.db", args.customers, args.transactions, args.batch)
        print(f"| SQLite | {rate:,.0f} transactions/s |")
    try:
        import asyncpg

        admin = await asyncpg.connect(POSTGRES.replace("postgresql+asyncpg", "postgresql"))
    except Exception as exc:  # noqa: BLE001 (no PostgreSQL here: say so)
        print(f"| PostgreSQL | not measured: {exc} |")
        return
    name = f"kam_bench_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = POSTGRES.rsplit("/", 1)[0] + f"/{name}"
        rate = await run(url, args.customers, args.transactions, args.batch)
        print(f"| PostgreSQL | {rate:,.0f} transactions/s |")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
