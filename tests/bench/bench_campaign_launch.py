"""Benchmark: launching a campaign over 100,000 target customers across all branches (issue 17).

The task service's copy holds ``--customers`` key customers in 50 sub-branches of 10 branches, managed by 500
relationship managers (by staff code); a campaign over every branch (all customers, 10 % held out) is launched as
``LaunchCampaign`` does it (``CampaignService.launch``: the segment selected, the target list bulk-inserted, the
hold-out drawn, each customer to their manager, quotas split, one task per manager, accounts attributed, events and
audit in one transaction). Meanwhile relationship managers keep logging activities on another, running campaign
(``CampaignService.record``, 8 concurrent loggers), and each call's latency is kept: what an RM in the field sees
while head office launches. Beside it, the raw engine in the same run: the same 100,000 target rows in one
executemany of SQLAlchemy Core in one transaction. On SQLite and, when it answers, PostgreSQL.

    uv run python tests/bench/bench_campaign_launch.py [--customers 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import scratch
from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2
from kam.task.v1 import task_pb2
from kam_kit import bulk, migrations
from kam_kit.auth import Identity
from kam_kit.clock import SYSTEM_CLOCK
from kam_kit.db import Database
from kam_kit.timeconv import to_timestamp
from kam_task.adapters.orm import Base, CampaignTargetRow, CustomerCopy, OrgUnitCopy, UserCopy
from kam_task.bootstrap import MIGRATIONS
from kam_task.service_layer.campaigns import BANK_TZ, CampaignService
from kam_task.service_layer.tasks import TaskService
from sqlalchemy import delete

HQ = Identity(
    subject="users/hq", roles=("roles/head_office_leader",), org_unit="orgUnits/0000", display_name="总行"
)
BRANCHES = [f"{b:02d}00" for b in range(1, 11)]
SUBS = [f"{b:02d}{s:02d}" for b in range(1, 11) for s in range(1, 6)]
MANAGERS = 500
LOGGERS = 8


def _rm(i: int) -> Identity:
    return Identity(
        subject=f"users/rm{i:03d}",
        roles=("roles/relationship_manager",),
        org_unit=f"orgUnits/{SUBS[i % len(SUBS)]}",
        display_name=f"客户经理{i}",
    )


async def _database(url: str, customers: int) -> Database:
    await migrations.upgrade_async(url, MIGRATIONS, Base.metadata)
    db = Database(url)
    now = datetime.now(UTC)
    async with db.transaction() as session:
        units = [{"id": "0000", "parent_id": None, "display_name": "总行", "from_identity": True}]
        units += [
            {"id": b, "parent_id": "0000", "display_name": f"分行{b}", "from_identity": True}
            for b in BRANCHES
        ]
        units += [
            {"id": s, "parent_id": s[:2] + "00", "display_name": f"支行{s}", "from_identity": True}
            for s in SUBS
        ]
        await bulk.insert_rows(session, OrgUnitCopy.__table__, units)
        await bulk.insert_rows(
            session,
            UserCopy.__table__,
            [
                {
                    "name": f"users/rm{i:03d}",
                    "display_name": f"客户经理{i}",
                    "org_unit": f"orgUnits/{SUBS[i % len(SUBS)]}",
                    "roles": "roles/relationship_manager",
                    "staff_code": f"E{i:05d}",
                    "active": True,
                    "update_time": now,
                }
                for i in range(MANAGERS)
            ],
        )
        await bulk.insert_rows(
            session,
            CustomerCopy.__table__,
            [
                {
                    "customer": f"customers/c{i:06d}",
                    "display_name": f"客户{i}",
                    "type": "CORPORATE" if i % 3 else "INDIVIDUAL",
                    "tier": "tiers/diamond" if i % 10 == 0 else "tiers/gold",
                    # customer i is managed by manager i % 500, in that manager's sub-branch
                    "branch": f"orgUnits/{SUBS[(i % MANAGERS) % len(SUBS)]}",
                    "relationship_manager": f"staff/E{i % MANAGERS:05d}",
                    "aum": Decimal(1_000_000 + i),
                    "update_time": now,
                }
                for i in range(customers)
            ],
        )
    return db


def _plan(name: str, units: list[str]) -> task_pb2.Campaign:
    today = datetime.now(BANK_TZ).date()
    end = today + timedelta(days=30)
    return task_pb2.Campaign(
        display_name=name,
        product_type=customer_pb2.Account.TYPE_WEALTH,
        measure=task_pb2.Campaign.MEASURE_AMOUNT,
        target_amount=money_pb2.Money(currency_code="CNY", units=1_000_000_000),
        org_units=units,
        start_date=date_pb2.Date(year=today.year, month=today.month, day=today.day),
        end_date=date_pb2.Date(year=end.year, month=end.month, day=end.day),
        holdout_percent=10,
    )


async def _log_meanwhile(
    service: CampaignService, running: str, targets: list[tuple[str, str]], done: asyncio.Event
) -> list[float]:
    latencies: list[float] = []
    A = task_pb2.CampaignActivity

    async def logger(k: int) -> None:
        i = k
        while not done.is_set():
            customer, manager = targets[i % len(targets)]
            i += LOGGERS
            activity = A(
                customer=customer,
                outcome=A.OUTCOME_CONTACTED,
                channel=A.CHANNEL_CALL,
                occur_time=to_timestamp(datetime.now(UTC)),
            )
            started = time.perf_counter()
            await service.record(_rm(int(manager.removeprefix("users/rm"))), running, activity)
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(logger(k) for k in range(LOGGERS)))
    return latencies


async def measure(url: str, customers: int) -> tuple[float, int, float, float, int, float, float, float]:
    db = await _database(url, customers)
    service = CampaignService(db, SYSTEM_CLOCK, TaskService(db, SYSTEM_CLOCK))
    # a running campaign in one branch, its targets worked while the big one launches
    small = await service.create(HQ, _plan("进行中的活动", ["orgUnits/0100"]))
    small = await service.launch(HQ, small.name, etag=small.etag)
    worked, _ = await service.list_targets(None, small.name, {"holdout": False}, offset=0, limit=2000)
    pairs = [(t.customer, t.relationship_manager) for t in worked if t.relationship_manager]
    big = await service.create(HQ, _plan("全行理财冲刺", [f"orgUnits/{b}" for b in BRANCHES]))
    quiet = asyncio.Event()  # the same loggers with nothing else going on, for comparison
    calm = asyncio.create_task(_log_meanwhile(service, small.name, pairs, quiet))
    await asyncio.sleep(4)
    quiet.set()
    at_rest = sorted(await calm)
    done = asyncio.Event()
    logging = asyncio.create_task(_log_meanwhile(service, small.name, pairs, done))
    await asyncio.sleep(0.5)  # the loggers under way
    started = time.perf_counter()
    launched = await service.launch(HQ, big.name, etag=big.etag)
    seconds = time.perf_counter() - started
    done.set()
    latencies = sorted(await logging)
    count = int(launched.target_customer_count)
    assert count == customers, count
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan")
    # the raw engine: the same rows, one executemany in one transaction
    async with db.transaction() as session:
        await session.execute(
            delete(CampaignTargetRow).where(
                CampaignTargetRow.campaign_id == big.name.removeprefix("campaigns/")
            )
        )
    rows = [
        {
            "campaign_id": "raw",
            "customer": f"customers/c{i:06d}",
            "display_name": f"客户{i}",
            "tier": "tiers/gold",
            "branch": "orgUnits/0101",
            "unit": "orgUnits/0100",
            "customer_manager": f"staff/E{i % MANAGERS:05d}",
            "relationship_manager": f"users/rm{i % MANAGERS:03d}",
            "aum": Decimal(1_000_000),
            "holdout": False,
            "stage": 1,
            "converted_amount": Decimal(0),
            "attributed_count": 0,
            "attributed_amount": Decimal(0),
        }
        for i in range(customers)
    ]
    raw_started = time.perf_counter()
    async with db.transaction() as session:
        await session.execute(CampaignTargetRow.__table__.insert(), rows)
    raw = time.perf_counter() - raw_started
    await db.dispose()
    median = statistics.median(latencies) if latencies else float("nan")
    rest_p99 = at_rest[int(len(at_rest) * 0.99) - 1]
    return (
        seconds,
        count,
        p99 * 1000,
        median * 1000,
        len(latencies),
        raw,
        rest_p99 * 1000,
        statistics.median(at_rest) * 1000,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    print(
        f"# campaign launch benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} cores, "
        f"{args.customers:,} target customers in {len(SUBS)} sub-branches, {MANAGERS} managers, {LOGGERS} loggers"
    )
    print(
        "| database | launch (s) | targets/s | raw engine insert (s) | activity log during launch: p50 / p99 (ms), "
        "calls | the same with no launch: p50 / p99 (ms) |"
    )
    print("|---|---|---|---|---|---|")

    async def one(label: str, url: str) -> None:
        seconds, count, p99, p50, calls, raw, rest_p99, rest_p50 = await measure(url, args.customers)
        print(
            f"| {label} | {seconds:.1f} | {count / seconds:,.0f} | {raw:.1f} | {p50:.0f} / {p99:.0f}, {calls:,} "
            f"| {rest_p50:.0f} / {rest_p99:.0f} |"
        )

    async with scratch.sqlite("task") as url:
        await one("SQLite", url)
    missing = await scratch.postgres_available()
    if missing:
        print(f"| PostgreSQL | not measured: {missing} | | | | |")
        return
    async with scratch.postgres() as url:
        await one("PostgreSQL", url)


if __name__ == "__main__":
    asyncio.run(main())
