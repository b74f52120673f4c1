"""Benchmark: the alert process's resident memory as the watched accounts grow to 1M, with live window state
(issue 15's target: ≤ 500 MB at 1M accounts, and its growth per 100k accounts).

Grows an alert database (SQLite) by ``--step`` watched key customers (one account each) at a time up to
``--accounts``, each with the window state a busy customer has (the day's cash total and a structuring window of
small withdrawals, as the shipped rules keep them), then evaluates ``--sample`` transactions spread over all
customers through the monitor as the consumer applies them (500 per fetch). After each step it prints the
process's resident memory (VmRSS) and the database's size. The window state lives in the database and a fetch
holds only its own customers' states, so memory should not grow with the accounts; the disk does.

    uv run python tests/bench/bench_alert_memory.py [--accounts 1000000] [--step 100000] [--sample 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bench_alert_monitor import META, _kind
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam_alert.adapters.orm import AlertRuleRow, Base, DetectorStateRow, WatchedCustomer
from kam_alert.bootstrap import MIGRATIONS
from kam_alert.domain import detection
from kam_alert.domain.rules import money
from kam_alert.service_layer.monitor import Monitor
from kam_alert.service_layer.rules import RuleService
from kam_kit import bulk, migrations
from kam_kit.clock import ManualClock
from kam_kit.db import Database
from kam_kit.timeconv import to_timestamp
from sqlalchemy import select

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # 10:00 in Beijing


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _states_of(customer: str, rules: dict[str, str]) -> list[dict]:
    """The window states a customer with a busy morning has: a cash withdrawal counted in the day's total and two
    small withdrawals in the structuring window."""
    large = detection.LargeTransaction(rules["large"], Decimal(50_000), cash=True)
    large.observe(
        detection.Transaction(
            f"{customer}-c1", customer, f"{customer}/a1", Decimal(8_000), detection.Direction.DEBIT, NOW, True
        )
    )
    structuring = detection.Structuring(
        rules["structuring"], timedelta(days=1), 5, Decimal(10_000), Decimal(40_000)
    )
    for i in range(2):
        structuring.observe(
            detection.Transaction(
                f"{customer}-s{i}",
                customer,
                f"{customer}/a1",
                Decimal(9_000),
                detection.Direction.DEBIT,
                NOW - timedelta(hours=i + 1),
            )
        )
    return [
        {
            "rule_id": rules["large"],
            "customer": customer,
            "state": json.dumps(large.to_json()),
            "update_time": NOW,
        },
        {
            "rule_id": rules["structuring"],
            "customer": customer,
            "state": json.dumps(structuring.to_json()),
            "update_time": NOW,
        },
    ]


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--step", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()
    print(
        f"# alert memory benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} cores, up to "
        f"{args.accounts:,} watched accounts in steps of {args.step:,}, {args.sample:,} transactions per step"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alert.db"
        url = f"sqlite+aiosqlite:///{path}"
        await migrations.upgrade_async(url, MIGRATIONS, Base.metadata)
        db = Database(url)
        clock = ManualClock(NOW)
        await RuleService(db, clock).install_shipped()
        async with db.read() as session:
            by_kind = {
                row.display_name: row.id
                for row in await session.scalars(select(AlertRuleRow).where(AlertRuleRow.enabled.is_(True)))
            }
        rules = {
            "large": next(i for name, i in by_kind.items() if "现金" in name),
            "structuring": next(i for name, i in by_kind.items() if "小额多次" in name),
        }
        monitor = Monitor(clock)
        rng = random.Random(11)
        print(f"start: RSS {rss_mb():,.0f} MB")
        print("| watched accounts | RSS after evaluating | database | evaluation |")
        print("|---|---|---|---|")
        first = None
        for done in range(args.step, args.accounts + 1, args.step):
            names = [f"customers/b{i}" for i in range(done - args.step, done)]
            async with db.transaction() as session:
                await bulk.insert_rows(
                    session,
                    WatchedCustomer.__table__,
                    [
                        {
                            "customer": name,
                            "display_name": name,
                            "type": _kind(name).value.upper(),
                            "relationship_manager": "users/rm",
                            "branch": "orgUnits/0101",
                            "tier": "tiers/gold",
                            "update_time": NOW - timedelta(days=30),
                            "last_activity_time": NOW - timedelta(hours=1),
                        }
                        for name in names
                    ],
                )
                await bulk.insert_rows(
                    session,
                    DetectorStateRow.__table__,
                    [row for name in names for row in _states_of(name, rules)],
                )
            sample = [
                customer_events.TransactionPosted(
                    transaction=customer_pb2.Transaction(
                        name=f"customers/b{rng.randrange(done)}/accounts/a1/transactions/d{done}-{i}",
                        direction=customer_pb2.Transaction.DIRECTION_DEBIT,
                        amount=money(rng.randint(100, 9_000)),
                        post_time=to_timestamp(NOW + timedelta(seconds=i)),
                        cash=rng.random() < 0.3,
                    ),
                    tier="tiers/gold",
                    branch="orgUnits/0101",
                    relationship_manager="users/rm",
                )
                for i in range(args.sample)
            ]
            started = time.perf_counter()
            for i in range(0, len(sample), 500):
                async with db.transaction() as session:
                    await monitor.on_transactions_posted(session, [(e, META) for e in sample[i : i + 500]])
            rate = len(sample) / (time.perf_counter() - started)
            size = sum(p.stat().st_size for p in Path(tmp).glob("alert.db*")) / 2**20
            print(f"| {done:,} | {rss_mb():,.0f} MB | {size:,.0f} MB | {rate:,.0f} transactions/s |")
            first = first if first is not None else rss_mb()
        if args.accounts > args.step and first is not None:
            grown = (rss_mb() - first) / ((args.accounts - args.step) / 100_000)
            print(f"growth after the first step: {grown:+,.1f} MB of RSS per 100,000 accounts")
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
