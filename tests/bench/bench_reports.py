"""Benchmark: the report service's analytical store — loading it from events, and each report's latency (issue 18).

A deterministic bank (org tree 总行 → 10 branches → 5 sub-branches each; one relationship manager per 200
customers; ~2.5 accounts per customer of six product types; 10 % key customers with their tier history; a year of
transactions summed per account and day; end-of-day balances in the 90-day window on each day an account's
balance changed, as the scan copies them) is put into a fresh report database (migrations applied) on SQLite
(file) and, when it answers, PostgreSQL, two ways:

1. **through the real event handlers** (``--customers``, default 500): the events the customer service
   publishes — ``SourceOrgUnitUpdated``, ``SourceStaffUpdated``, then per customer ``CustomerCreated``,
   ``AccountOpened`` per account, ``TierChanged`` (key customers), ``CustomerHistoryCopied`` (the balance window and
   the transaction days), then a sample of live ``TransactionPosted`` and ``BalanceSnapshot`` — serialised, and
   applied by the kit's consumer (``kam_kit.consumer.EventConsumer.handle_batch``: the duplicate check, the
   handlers, the processed-events rows, one transaction per fetch of 100 events) driven with in-memory messages
   instead of NATS: events/s;
2. **bulk-loaded** (``--bulk-customers``, default 200,000, 10 transactions per customer): the same kind of bank
   written directly into the store's tables (SQLite: one executemany per chunk through ``kam_kit.bulk``;
   PostgreSQL: asyncpg ``COPY``), not through the handlers. Transactions are stored summed per account, day and
   direction (``transaction_days``); the script prints how many rows the transactions make.

With ``--events-after N`` each bulk-loaded store then takes the events of N customers joining the bank (numbered
after it; ``--customers``' density of transactions, ``--live`` live ones) through the handlers as in 1.: the
events/s of loading from the streams into a store of the benchmark's size, which a whole rebuild at 1 M customers
(hours through the handlers) cannot measure in a run.

At each size it times every report (``kam_report.service_layer.reports``) and the mining model build
(``Insights().model``) ``--runs`` times (fewer when one run takes long: at most ``--budget`` seconds per report and
caller) for a head-office caller (``EVERYTHING``) and a branch manager (one branch's subtree), against the raw
engine in the same run: ``SELECT customer, sum(balance) FROM balance_days GROUP BY customer``, the as-of
assets-under-management per customer in one hand-written statement (what ``measures`` computes per day), and the
same two in DuckDB over the same rows (exported to Parquet). Each database and size runs in a child process, so the peak resident memory
(``ru_maxrss``) after loading and after querying is that phase's own; the store's size is the SQLite file's (with
its WAL) or ``pg_database_size``.

With ``--duckdb-reports`` the loaded store is then copied into a DuckDB file by the report service's own columnar
copy (``kam_report.adapters.columnar``: the columns of every table of the store as its ORM declares them,
created by SQLAlchemy through duckdb-engine and filled by DuckDB's ``COPY`` from a CSV export of one snapshot of the
row store) — and every report, the raw statements and the mining model run again there, *unchanged*, as the
service runs them on the copy; each answer is compared with the row store's and the differing ones are named.
``--keep-duckdb FILE`` keeps the copy (as ``FILE``'s stem ``.1`` suffix); ``--copy-only`` skips the row store's
reports (nothing compared: for the largest sizes).

    uv run python tests/bench/bench_reports.py [--customers 20000] [--transactions 1000000]
        [--bulk-customers 200000] [--bulk-transactions 2000000] [--runs 10] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import scratch
from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2, events_pb2, tier_pb2
from kam.identity.v1 import identity_pb2
from kam_kit import bulk, events, migrations
from kam_kit.clock import SYSTEM_CLOCK
from kam_kit.consumer import EventConsumer, Subscription
from kam_kit.db import Database
from kam_kit.scope import EVERYTHING, DataScope
from kam_kit.timeconv import to_timestamp
from kam_report.adapters import activity_orm  # noqa: F401 - its tables are part of the store's migrations
from kam_report.adapters.columnar import ColumnarStore
from kam_report.adapters.orm import (
    AccountFact,
    BalanceDay,
    Base,
    CustomerFact,
    OrgUnitCopy,
    StaffFact,
    TierSpan,
    TransactionDay,
)
from kam_report.bootstrap import MIGRATIONS
from kam_report.domain.tables import Query
from kam_report.service_layer import reports, store
from kam_report.service_layer.insights import Insights
from kam_report.service_layer.projections import (
    CUSTOMER_EVENTS,
    on_customer_changed,
    on_org_unit_updated,
    on_tier_changed,
)
from sqlalchemy import text

Account = customer_pb2.Account
Customer = customer_pb2.Customer
Transaction = customer_pb2.Transaction
BANK_TZ = store.BANK_TZ
TODAY = datetime.now(BANK_TZ).date()
WINDOW_DAYS = 90  # the balance window the scan copies
HISTORY_DAYS = 365  # the transactions a first scan backfills
CUSTOMERS_PER_MANAGER = 200
BRANCHES = [f"{b:02d}00" for b in range(1, 11)]
SUBS = [f"{b:02d}{s:02d}" for b in range(1, 11) for s in range(1, 6)]
#: product type, its share of accounts, its products
ACCOUNT_MIX = (
    (Account.TYPE_DEMAND_DEPOSIT, 0.38, ("DMD01", "DMD02")),
    (Account.TYPE_TIME_DEPOSIT, 0.20, ("TD3M", "TD1Y", "TD3Y")),
    (Account.TYPE_WEALTH, 0.15, ("WM01", "WM02", "WM03")),
    (Account.TYPE_FUND, 0.10, ("FD01", "FD02")),
    (Account.TYPE_LOAN, 0.08, ("LN01", "LN02")),
    (Account.TYPE_CREDIT_CARD, 0.09, ("CC01",)),
)
TIERS_INDIVIDUAL = ("tiers/private-banking", "tiers/diamond", "tiers/platinum", "tiers/gold")
TIERS_CORPORATE = ("tiers/strategic", "tiers/core", "tiers/important")
CHUNK = 5_000  # customers generated at a time
EVENTS_PER_FETCH = 100  # the consumer's batch_size


# --- the bank ---------------------------------------------------------------------------------------------------


@dataclass
class AccountPlan:
    name: str
    type: int
    product: str
    open_date: date
    closed: bool
    balances: list[tuple[date, int]]  # (day, cents): the window's end-of-day balances on days it changed
    days: list[tuple[date, int, int, int, int]]  # (day, credits, credit cents, debits, debit cents)

    @property
    def kind(self) -> str:
        return store.account_type(self.type)


@dataclass
class CustomerPlan:
    index: int
    name: str
    display_name: str
    type: int
    branch: str
    manager: str
    create_time: datetime
    tiers: list[tuple[datetime, str]]  # (assigned, tier), oldest first
    accounts: list[AccountPlan]


def manager_count(customers: int) -> int:
    return max(len(SUBS), customers // CUSTOMERS_PER_MANAGER)


def manager_unit(manager: int) -> str:
    return SUBS[manager % len(SUBS)]


def bank(customers: int, transactions: int, seed: int = 18, offset: int = 0) -> Iterator[list[CustomerPlan]]:
    """The bank's customers, ``CHUNK`` at a time (the same for the same arguments, whatever the engine); numbered
    from ``offset`` (customers joining a bank that has ``offset`` already)."""
    managers = manager_count(customers)
    per_account = transactions / (customers * 2.5)
    window_start = TODAY - timedelta(days=WINDOW_DAYS - 1)
    kinds = [k for k, _, _ in ACCOUNT_MIX]
    weights = [w for _, w, _ in ACCOUNT_MIX]
    products = {k: p for k, _, p in ACCOUNT_MIX}
    created = datetime(2020, 1, 1, tzinfo=UTC)
    for first in range(offset, offset + customers, CHUNK):
        rng = random.Random(seed * 1_000_003 + first)
        out = []
        for i in range(first, min(first + CHUNK, offset + customers)):
            manager = i % managers
            corporate = rng.random() < 0.25
            tiers: list[tuple[datetime, str]] = []
            if rng.random() < 0.10:
                choices = TIERS_CORPORATE if corporate else TIERS_INDIVIDUAL
                since = datetime.combine(
                    TODAY - timedelta(days=rng.randint(1, 700)), datetime.min.time(), UTC
                )
                if rng.random() < 0.3:  # graded before, another tier now
                    tiers.append((since - timedelta(days=rng.randint(30, 400)), rng.choice(choices)))
                tiers.append((since, rng.choice(choices)))
            accounts = []
            for k in range(rng.choices((1, 2, 3, 4), (0.2, 0.3, 0.3, 0.2))[0]):
                kind = rng.choices(kinds, weights)[0]
                opened = TODAY - timedelta(
                    days=rng.randint(0, 5 * 365) if rng.random() > 0.1 else rng.randint(0, 89)
                )
                balance = int(rng.lognormvariate(11.5, 1.6) * 100)
                count = int(rng.random() * 2 * per_account + 0.5)
                first_day = max(opened, TODAY - timedelta(days=HISTORY_DAYS - 1))
                span = (TODAY - first_day).days
                sums: dict[date, list[int]] = {}
                for _ in range(count):
                    day = first_day + timedelta(days=rng.randint(0, span))
                    amount = int(rng.lognormvariate(8, 1.5) * 100) + 1
                    row = sums.setdefault(day, [0, 0, 0, 0])
                    if rng.random() < 0.5:
                        row[0] += 1
                        row[1] += amount
                    else:
                        row[2] += 1
                        row[3] += amount
                days = [(d, *v) for d, v in sorted(sums.items())]
                start = max(window_start, opened)
                points, held = [(start, balance)], balance
                for d, _, credit, _, debit in days:
                    if d > start:
                        held = max(held + credit - debit, 0)
                        points.append((d, held))
                if points[-1][0] != TODAY:
                    points.append((TODAY, held))
                accounts.append(
                    AccountPlan(
                        name=f"customers/c{i:07d}/accounts/a{i:07d}{k}",
                        type=kind,
                        product=rng.choice(products[kind]),
                        open_date=opened,
                        closed=rng.random() < 0.03,
                        balances=points,
                        days=days,
                    )
                )
            out.append(
                CustomerPlan(
                    index=i,
                    name=f"customers/c{i:07d}",
                    display_name=f"客户{i}" if not corporate else f"公司{i}有限公司",
                    type=Customer.TYPE_CORPORATE if corporate else Customer.TYPE_INDIVIDUAL,
                    branch=f"orgUnits/{manager_unit(manager)}",
                    manager=f"staff/E{manager:05d}",
                    create_time=created + timedelta(seconds=i),
                    tiers=tiers,
                    accounts=accounts,
                )
            )
        yield out


def org_units() -> list[tuple[str, str | None, str]]:
    units: list[tuple[str, str | None, str]] = [("0000", None, "总行")]
    units += [(b, "0000", f"分行{b}") for b in BRANCHES]
    units += [(s, s[:2] + "00", f"支行{s}") for s in SUBS]
    return units


# --- events -----------------------------------------------------------------------------------------------------


def _money(cents: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", units=cents // 100, nanos=(cents % 100) * 10_000_000)


def _pb_date(day: date) -> date_pb2.Date:
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), BANK_TZ).replace(hour=17)


def customer_events(customer: CustomerPlan, now: datetime) -> Iterator[Any]:
    """One customer's events as a full scan publishes them."""
    stamp = to_timestamp(customer.create_time)
    yield events_pb2.CustomerCreated(
        customer=Customer(
            name=customer.name,
            display_name=customer.display_name,
            type=customer.type,
            branch=customer.branch,
            relationship_manager=customer.manager,
            create_time=stamp,
            update_time=stamp,
        )
    )
    for account in customer.accounts:
        yield events_pb2.AccountOpened(
            account=Account(
                name=account.name,
                type=account.type,
                product=account.product,
                product_display_name=account.product,
                balance=_money(account.balances[-1][1]),
                state=Account.STATE_CLOSED if account.closed else Account.STATE_OPEN,
                open_date=_pb_date(account.open_date),
                balance_update_time=to_timestamp(now),
            ),
            relationship_manager=customer.manager,
        )
    previous = ""
    for assigned, tier in customer.tiers:
        yield events_pb2.TierChanged(
            customer=customer.name,
            previous_tier=previous,
            tier=tier,
            assignment=tier_pb2.TierAssignment(tier=tier, assign_time=to_timestamp(assigned)),
            branch=customer.branch,
            relationship_manager=customer.manager,
        )
        previous = tier
    yield events_pb2.CustomerHistoryCopied(
        customer=customer.name,
        accounts=[
            events_pb2.AccountHistory(
                account=account.name,
                account_type=account.type,
                balance_window_start=_pb_date(account.balances[0][0]),
                balances=[
                    customer_pb2.BalancePoint(date=_pb_date(d), balance=_money(c))
                    for d, c in account.balances
                ],
                transaction_days=[
                    events_pb2.TransactionDay(
                        date=_pb_date(d),
                        credit_count=cn,
                        credit_amount=_money(ca),
                        debit_count=dn,
                        debit_amount=_money(da),
                    )
                    for d, cn, ca, dn, da in account.days
                ],
            )
            for account in customer.accounts
        ],
    )


def bank_events(customers: int, transactions: int, live: int, now: datetime, start: int = 0) -> Iterator[Any]:
    for unit, parent, name in org_units():
        yield events_pb2.SourceOrgUnitUpdated(
            org_unit=identity_pb2.OrgUnit(
                name=f"orgUnits/{unit}", display_name=name, parent=f"orgUnits/{parent}" if parent else ""
            )
        )
    for m in range(manager_count(customers)):
        yield events_pb2.SourceStaffUpdated(
            staff_code=f"E{m:05d}",
            display_name=f"客户经理{m}",
            org_unit=f"orgUnits/{manager_unit(m)}",
            active=True,
        )
    accounts: list[tuple[str, int]] = []
    for chunk in bank(customers, transactions, offset=start):
        for customer in chunk:
            yield from customer_events(customer, now)
            if len(accounts) < 200_000:
                accounts += [(a.name, a.type) for a in customer.accounts if not a.closed]
    rng = random.Random(7)
    for n in range(live):  # the live feed: transactions pushed as they happen, now and then a snapshot
        name, kind = rng.choice(accounts)
        posted = now - timedelta(seconds=rng.randint(0, 3600))
        yield events_pb2.TransactionPosted(
            transaction=Transaction(
                name=f"{name}/transactions/live{n}",
                direction=Transaction.DIRECTION_CREDIT if rng.random() < 0.5 else Transaction.DIRECTION_DEBIT,
                amount=_money(int(rng.lognormvariate(8, 1.5) * 100) + 1),
                post_time=to_timestamp(posted),
            ),
            account_type=kind,
        )
        if n % 4 == 0:
            yield events_pb2.BalanceSnapshot(
                account=name,
                account_type=kind,
                balance=_money(int(rng.lognormvariate(11.5, 1.6) * 100)),
                snapshot_time=to_timestamp(posted),
            )


class _Message:
    """What :meth:`EventConsumer.handle_batch` reads of a fetched NATS message (no broker here)."""

    __slots__ = ("data", "headers", "metadata", "subject")

    def __init__(self, event: Any, now: datetime) -> None:
        event_id = str(uuid.uuid4())
        self.data = event.SerializeToString()
        self.subject = events.subject_for("customer", event)
        self.headers = events.event_headers(
            event_id=event_id,
            service="customer",
            event_type=event.DESCRIPTOR.full_name,
            time=now,
        )
        self.metadata = SimpleNamespace(num_delivered=1, timestamp=now, num_pending=0)

    async def ack(self) -> None:
        pass

    async def nak(self, delay: float | None = None) -> None:
        raise RuntimeError(f"event not applied: {self.headers[events.CE_TYPE]}")

    async def term(self) -> None:
        raise RuntimeError(f"event parked: {self.headers[events.CE_TYPE]}")


def report_consumer(db: Database) -> EventConsumer:
    """The report service's consumer of the customer service's events, as ``kam_report.bootstrap`` wires it."""
    handlers = {
        **dict.fromkeys(CUSTOMER_EVENTS, on_customer_changed),
        events_pb2.TierChanged: on_tier_changed,
        events_pb2.SourceOrgUnitUpdated: on_org_unit_updated,
        **store.HANDLERS,
    }
    return EventConsumer(
        db,
        None,  # type: ignore[arg-type] - handle_batch needs no broker
        name="report-customer",
        producer="customer",
        subscriptions=[Subscription(message, handler, "customer") for message, handler in handlers.items()],
        batch_size=EVENTS_PER_FETCH,
    )


async def load_by_events(
    db: Database, args: argparse.Namespace, customers: int = 0, start: int = 0
) -> dict[str, Any]:
    """The events of ``customers`` (default ``--customers``) numbered from ``start``, through the consumer."""
    consumer = report_consumer(db)
    now = datetime.now(UTC)
    counts: dict[str, int] = {}
    applying = 0.0
    batch: list[_Message] = []
    total = 0
    started = time.perf_counter()

    async def apply() -> None:
        nonlocal applying
        t0 = time.perf_counter()
        await consumer.handle_batch(batch)  # type: ignore[arg-type]
        applying += time.perf_counter() - t0
        batch.clear()

    customers = customers or args.customers
    transactions = args.transactions * customers // args.customers
    for event in bank_events(customers, transactions, args.live, now, start):
        name = event.DESCRIPTOR.name
        counts[name] = counts.get(name, 0) + 1
        batch.append(_Message(event, now))
        total += 1
        if len(batch) == EVENTS_PER_FETCH:
            await apply()
            if total % 20_000 < EVENTS_PER_FETCH:
                print(f"  … {total:,} events, {total / applying:,.0f}/s", file=sys.stderr, flush=True)
    if batch:
        await apply()
    return {
        "events": total,
        "apply_seconds": applying,
        "wall_seconds": time.perf_counter() - started,
        "counts": counts,
    }


# --- bulk loading -----------------------------------------------------------------------------------------------


def _d(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def bulk_rows(customers: list[CustomerPlan], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """The rows the handlers would make of these customers' events (as-of times of the window left empty, as the
    history's end-of-day records leave them)."""
    facts, accounts, balances, days, spans = [], [], [], [], []
    for c in customers:
        tier, tier_time = (c.tiers[-1][1], c.tiers[-1][0]) if c.tiers else ("", None)
        facts.append(
            {
                "customer": c.name,
                "display_name": c.display_name,
                "type": "CORPORATE" if c.type == Customer.TYPE_CORPORATE else "INDIVIDUAL",
                "branch": c.branch,
                "relationship_manager": c.manager,
                "tier": tier,
                "tier_time": tier_time,
                "create_time": c.create_time,
                "update_time": c.create_time,
            }
        )
        spans += [{"customer": c.name, "valid_from": at, "tier": t} for at, t in c.tiers]
        for a in c.accounts:
            kind = a.kind
            accounts.append(
                {
                    "account": a.name,
                    "customer": c.name,
                    "type": kind,
                    "product": a.product,
                    "product_display_name": a.product,
                    "state": "CLOSED" if a.closed else "OPEN",
                    "open_date": a.open_date,
                    "close_date": TODAY if a.closed else None,
                    "balance": _d(a.balances[-1][1]),
                    "update_time": now,
                }
            )
            held = sorted(a.balances)
            balances += [
                {
                    "account": a.name,
                    "day": d,
                    "customer": c.name,
                    "type": kind,
                    "balance": _d(v),
                    "as_of": None,
                    "until": held[n + 1][0] if n + 1 < len(held) else None,  # where it holds, as store.respan
                    "earliest": n == 0,
                    "open_date": a.open_date,  # the account's dates, as store.respan copies them
                    "close_date": TODAY if a.closed else None,
                }
                for n, (d, v) in enumerate(held)
            ]
            days += [
                {
                    "account": a.name,
                    "day": d,
                    "origin": "H",
                    "customer": c.name,
                    "type": kind,
                    "credit_count": cn,
                    "credit_amount": _d(ca),
                    "debit_count": dn,
                    "debit_amount": _d(da),
                }
                for d, cn, ca, dn, da in a.days
            ]
    return {
        "customer_facts": facts,
        "tier_spans": spans,
        "account_facts": accounts,
        "balance_days": balances,
        "transaction_days": days,
    }


TABLES = {
    "customer_facts": CustomerFact.__table__,
    "tier_spans": TierSpan.__table__,
    "account_facts": AccountFact.__table__,
    "balance_days": BalanceDay.__table__,
    "transaction_days": TransactionDay.__table__,
    "org_units": OrgUnitCopy.__table__,
    "staff_facts": StaffFact.__table__,
}


async def _write(db: Database, tables: dict[str, list[dict[str, Any]]]) -> None:
    async with db.transaction() as session:
        if db.is_sqlite:
            for name, rows in tables.items():
                await bulk.insert_rows(session, TABLES[name], rows)
            return
        raw = (await (await session.connection()).get_raw_connection()).driver_connection
        for name, rows in tables.items():
            if rows:
                columns = list(rows[0])
                await raw.copy_records_to_table(
                    name, records=[tuple(r[c] for c in columns) for r in rows], columns=columns
                )


async def load_bulk(db: Database, args: argparse.Namespace) -> dict[str, Any]:
    now = datetime.now(UTC)
    started = time.perf_counter()
    managers = manager_count(args.bulk_customers)
    await _write(
        db,
        {
            "org_units": [{"id": u, "parent_id": p, "display_name": n} for u, p, n in org_units()],
            "staff_facts": [
                {
                    "staff": f"staff/E{m:05d}",
                    "display_name": f"客户经理{m}",
                    "org_unit": f"orgUnits/{manager_unit(m)}",
                }
                for m in range(managers)
            ],
        },
    )
    rows = {name: 0 for name in TABLES}
    transactions = 0
    for chunk in bank(args.bulk_customers, args.bulk_transactions):
        tables = bulk_rows(chunk, now)
        transactions += sum(r["credit_count"] + r["debit_count"] for r in tables["transaction_days"])
        for name, values in tables.items():
            rows[name] += len(values)
        await _write(db, tables)
        done = chunk[-1].index + 1
        if done % 50_000 < CHUNK:
            print(
                f"  … {done:,} customers, {time.perf_counter() - started:,.0f} s", file=sys.stderr, flush=True
            )
    seconds = time.perf_counter() - started
    analysed = time.perf_counter()
    async with db.transaction() as session:  # fresh statistics, as autovacuum / a DBA would have them
        await session.execute(text("ANALYZE"))
    return {
        "seconds": seconds,
        "analyze_seconds": time.perf_counter() - analysed,
        "rows": rows,
        "transactions": transactions,
    }


# --- the reports --------------------------------------------------------------------------------------------------


def branch_scope() -> DataScope:
    """A branch manager of 分行0100: the branch and its sub-branches, and their own customers."""
    units = {f"orgUnits/{u}" for u, p, _ in org_units() if u == "0100" or p == "0100"}
    return DataScope(
        everything=False, branches=frozenset(units), managers=frozenset({"users/bm0100", "staff/bm0100"})
    )


def cases(scope: DataScope) -> list[tuple[str, Any, Query]]:
    start, end = TODAY - timedelta(days=WINDOW_DAYS - 1), TODAY
    q = Query(start=start, end=end, scope=scope)
    # one level down: a branch for head office, a sub-branch for the branch manager; the RM is in both
    down = ("orgUnits/0100",) if scope.everything else ("orgUnits/0101",)
    rm = "staff/E00000"  # in 支行0101 of 分行0100
    r = reports.REPORTS
    return [
        ("REGIONAL_SALES top", r["REGIONAL_SALES"], q),
        ("REGIONAL_SALES one level down", r["REGIONAL_SALES"], replace(q, org_units=down)),
        (
            "REGIONAL_SALES by customer, one RM",
            r["REGIONAL_SALES"],
            replace(q, dimension="customer", relationship_managers=(rm,)),
        ),
        ("DEPOSIT_ANALYSIS", r["DEPOSIT_ANALYSIS"], q),
        ("TOP_CUSTOMERS", r["TOP_CUSTOMERS"], q),
        ("TOP_RELATIONSHIP_MANAGERS", r["TOP_RELATIONSHIP_MANAGERS"], q),
        ("CUSTOMER_SALES", r["CUSTOMER_SALES"], q),
        ("CROSS_SELLING matrix", r["CROSS_SELLING"], q),
        ("SALES_SUMMARY by product", r["SALES_SUMMARY"], q),
        ("SALES_SUMMARY by month", r["SALES_SUMMARY"], replace(q, dimension="month")),
        ("TIER_DISTRIBUTION", r["TIER_DISTRIBUTION"], q),
    ]


RAW_GROUP_BY = "SELECT customer, sum(balance) FROM balance_days GROUP BY customer"
#: What ``measures`` computes for one day, by hand: per account the balance fact holding on the day (the latest on
#: or before it, else the earliest), summed per customer over the assets.
RAW_AS_OF = """
SELECT b.customer, sum(b.balance)
FROM balance_days b
JOIN (SELECT account, coalesce(max(CASE WHEN day <= {day} THEN day END), min(day)) AS day
      FROM balance_days GROUP BY account) p ON p.account = b.account AND p.day = b.day
WHERE b.type IN ('DEMAND_DEPOSIT', 'TIME_DEPOSIT', 'WEALTH', 'FUND')
GROUP BY b.customer
"""
#: The same through the facts' spans (``until``, ``earliest``: what ``reports.holds_on`` filters by)
RAW_AS_OF_SPANS = """
SELECT customer, sum(balance)
FROM balance_days
WHERE (day <= {day} OR earliest) AND (until IS NULL OR until > {day})
  AND type IN ('DEMAND_DEPOSIT', 'TIME_DEPOSIT', 'WEALTH', 'FUND')
GROUP BY customer
"""


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered),
        # nearest rank: with 10 runs or fewer the p99 is the slowest run
        "p99": ordered[max(int(len(ordered) * 0.99 + 0.999999) - 1, 0)],
        "runs": len(ordered),
    }


async def _timed(call, runs: int, budget: float) -> tuple[dict[str, float], Any]:
    samples: list[float] = []
    result = None
    spent = 0.0
    while len(samples) < runs and (len(samples) < 2 or spent < budget):
        t0 = time.perf_counter()
        result = await call()
        samples.append(time.perf_counter() - t0)
        spent += samples[-1]
        if samples[0] > budget:  # one run already takes the budget: once is what there is time for
            break
    return _percentiles(samples), result


Read = Callable[[], contextlib.AbstractAsyncContextManager[Any]]


async def query_all(
    db: Database,
    args: argparse.Namespace,
    *,
    read: Read | None = None,
    dialect: str = "",
    answers: dict | None = None,
) -> list[dict[str, Any]]:
    """Every report (and the raw statements, the mining model) timed for both callers, on ``db`` — or on whatever
    ``read`` opens (the DuckDB copy). ``answers`` collects each one's last result, by label and caller."""
    read = read or db.read
    dialect = dialect or ("sqlite" if db.is_sqlite else "postgresql")
    out: list[dict[str, Any]] = []

    async def record(label: str, caller: str, call) -> None:
        figures, result = await _timed(call, args.runs, args.budget)
        rows = (
            result
            if isinstance(result, int)
            else len(result.rows)
            if hasattr(result, "rows")
            else len(result)
            if result is not None
            else 0
        )
        out.append({"report": label, "caller": caller, "rows": rows, **figures})
        if answers is not None:
            answers[label, caller] = result
        print(
            f"  {label:40s} {caller:15s} p50 {figures['p50'] * 1000:9.0f} ms  p99 {figures['p99'] * 1000:9.0f} ms"
            f"  ({figures['runs']} runs, {rows} rows)",
            file=sys.stderr,
            flush=True,
        )

    for statement, label in (
        (RAW_GROUP_BY, "raw: sum(balance) GROUP BY customer"),
        (RAW_AS_OF, "raw: as-of AUM per customer"),
        (RAW_AS_OF_SPANS, "raw: as-of AUM per customer, by spans"),
    ):
        sql = statement.format(day=f"'{TODAY.isoformat()}'" if dialect == "sqlite" else f"DATE '{TODAY}'")

        async def raw(sql: str = sql) -> int:
            async with read() as session:  # counted, not kept: the bench's own rows are no report's memory
                return len((await session.execute(text(sql))).all())

        await record(label, "engine", raw)
    for caller, scope in (("head office", EVERYTHING), ("branch manager", branch_scope())):
        for label, report, query in cases(scope):

            async def run(report=report, query=query):
                async with read() as session:
                    return await report(session, query)

            await record(label, caller, run)
    print(f"  peak RSS before the mining model: {_peak_mb():,.0f} MB", file=sys.stderr, flush=True)
    for caller in ("(whole bank)",):

        async def mine():
            async with read() as session:
                model = await Insights().model(session, TODAY)
            return sorted(model.segments.items())

        await record("mining model build (Insights.model)", caller, mine)
    return out


# --- DuckDB ---------------------------------------------------------------------------------------------------------


async def duckdb_figures(db: Database, url: str, runs: int, budget: float) -> list[dict[str, Any]] | str:
    """The raw statements in DuckDB over the same ``balance_days`` rows (exported to Parquet)."""
    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        csv_path, parquet = Path(tmp) / "balance_days.csv", Path(tmp) / "balance_days.parquet"
        await ColumnarStore(db, Path(tmp) / "unused.duckdb", SYSTEM_CLOCK).export(
            [BalanceDay.__table__], Path(tmp)
        )
        con = duckdb.connect()
        con.execute(
            f"COPY (SELECT account, CAST(day AS DATE) AS day, customer, type, CAST(balance AS DECIMAL(20, 2)) AS balance "
            f"FROM read_csv('{csv_path}', header = true, nullstr = '\\N')) TO '{parquet}' (FORMAT parquet)"
        )
        exported = time.perf_counter() - started
        con.execute(f"CREATE VIEW balance_days AS SELECT * FROM read_parquet('{parquet}')")
        out: list[dict[str, Any]] = []
        for label, sql in (
            ("raw: sum(balance) GROUP BY customer", RAW_GROUP_BY),
            ("raw: as-of AUM per customer", RAW_AS_OF.format(day=f"DATE '{TODAY}'")),
        ):
            samples, rows = [], 0
            while len(samples) < runs and (len(samples) < 2 or sum(samples) < budget):
                t0 = time.perf_counter()
                rows = len(con.execute(sql).fetchall())
                samples.append(time.perf_counter() - t0)
            out.append({"report": label, "caller": "DuckDB (Parquet)", "rows": rows, **_percentiles(samples)})
        con.close()
        print(f"  DuckDB: export to Parquet {exported:.1f} s (not in the figures)", file=sys.stderr)
        return out


async def duckdb_reports(
    db: Database, url: str, args: argparse.Namespace, answers: dict
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The store copied into DuckDB by the service's own columnar copy (``kam_report.adapters.columnar``), then
    every report run there unchanged; each answer compared with the row store's."""
    facts = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep_duckdb) if args.keep_duckdb else Path(tmp) / "report.duckdb"
        columnar = ColumnarStore(db, path, SYSTEM_CLOCK, max_age=86_400)
        snapshot = await columnar.refresh()
        facts["copy_seconds"], facts["bytes"] = snapshot.seconds, snapshot.bytes
        print(
            f"  DuckDB: copied in {snapshot.seconds:.1f} s, {snapshot.bytes / 1e6:,.0f} MB", file=sys.stderr
        )

        @contextlib.asynccontextmanager
        async def read():
            async with columnar.read() as session:
                yield session

        mine: dict = {}
        # nothing kept to compare with (--copy-only): the answers are not held (the process's peak is the reports')
        figures = await query_all(db, args, read=read, dialect="duckdb", answers=mine if answers else None)
        for key, answer in mine.items() if answers else ():  # nothing to compare with: --copy-only
            theirs = answers.get(key)
            if key[1] != "engine" and _comparable(answer) != _comparable(theirs):
                pairs = list(zip(getattr(answer, "rows", answer), getattr(theirs, "rows", theirs) or []))
                first = next(((a, b) for a, b in pairs if a != b), None)
                print(f"  DuckDB differs: {key}: {first}", file=sys.stderr)
        facts["differs"] = [
            f"{label} · {caller}"
            for (label, caller), answer in mine.items()
            if answers
            and caller != "engine"
            and _comparable(answer) != _comparable(answers.get((label, caller)))
        ]
        if args.keep_duckdb:
            snapshot.engine.dispose()
            print(f"  DuckDB: kept {snapshot.path}", file=sys.stderr)
        else:
            await columnar.close()
    return figures, facts


def _comparable(answer: Any) -> Any:
    return list(getattr(answer, "rows", answer) or [])


# --- one database, one size (a child process) ------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _size(db: Database, url: str) -> int:
    if db.is_sqlite:
        path = Path(url.split("///", 1)[1])
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    async with db.read() as session:
        return int(await session.scalar(text("SELECT pg_database_size(current_database())")))


async def child(args: argparse.Namespace) -> dict[str, Any]:
    engine, how = args.child.split(":")
    context = scratch.sqlite("report") if engine == "sqlite" else scratch.postgres()
    async with context as url:
        await migrations.upgrade_async(url, MIGRATIONS, Base.metadata)
        db = Database(url)
        try:
            loaded = await (load_by_events(db, args) if how == "events" else load_bulk(db, args))
            loaded["peak_mb"] = _peak_mb()
            loaded["bytes"] = await _size(db, url)
            print(f"  loaded: {json.dumps(loaded, default=str)}", file=sys.stderr, flush=True)
            if how == "bulk" and args.events_after:  # customers joining the loaded bank, through the handlers
                joined = await load_by_events(db, args, args.events_after, start=args.bulk_customers)
                loaded["events_after"] = joined
                print(f"  events into the loaded store: {json.dumps(joined)}", file=sys.stderr, flush=True)
            counted = {}
            async with db.read() as session:
                for name in (
                    "customer_facts",
                    "account_facts",
                    "balance_days",
                    "transaction_days",
                    "tier_spans",
                ):
                    counted[name] = int(await session.scalar(text(f"SELECT count(*) FROM {name}")))
            loaded["counted"] = counted
            answers: dict = {}
            figures = [] if args.copy_only else await query_all(db, args, answers=answers)
            result: dict[str, Any] = {"load": loaded, "reports": figures, "query_peak_mb": _peak_mb()}
            if args.duckdb_reports:
                result["duckdb_reports"], result["duckdb_copy"] = await duckdb_reports(db, url, args, answers)
                result["duckdb_copy"]["peak_mb"] = _peak_mb()
            if not args.no_duckdb:
                result["duckdb"] = await duckdb_figures(db, url, args.runs, args.budget)
        finally:
            await db.dispose()
    return result


# --- the parent: runs the children, prints the tables ---------------------------------------------------------


def run_child(engine: str, how: str, argv: list[str]) -> dict[str, Any] | None:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, __file__, *argv, "--child", f"{engine}:{how}", "--result", out.name]
        started = time.perf_counter()
        finished = subprocess.run(command, check=False)
        if finished.returncode != 0:
            print(f"# {engine} {how}: child failed with {finished.returncode}")
            return None
        result = json.loads(Path(out.name).read_text())
        result["child_seconds"] = time.perf_counter() - started
        return result


def print_results(label: str, how: str, result: dict[str, Any], args: argparse.Namespace) -> None:
    load = result["load"]
    counted = load["counted"]
    size_mb = load["bytes"] / 1e6

    def through_handlers(heading: str, customers: int, load: dict[str, Any]) -> None:
        counts = ", ".join(f"{k} {v:,}" for k, v in sorted(load["counts"].items()))
        print(
            f"{heading}: {customers:,} customers — {load['events']:,} events in "
            f"{load['apply_seconds']:.1f} s applying = **{load['events'] / load['apply_seconds']:,.0f} events/s** "
            f"(wall {load['wall_seconds']:.1f} s with generating and serialising); {counts}"
        )

    if how == "events":
        through_handlers(f"## {label}, through the event handlers", args.customers, load)
    else:
        print(
            f"## {label}, bulk-loaded: {args.bulk_customers:,} customers, {load['transactions']:,} transactions — "
            f"{load['seconds']:.1f} s (+ ANALYZE {load['analyze_seconds']:.1f} s)"
        )
        if "events_after" in load:
            through_handlers(
                "then through the event handlers, joining it", args.events_after, load["events_after"]
            )
    print(
        f"store: {', '.join(f'{k} {v:,}' for k, v in counted.items())}; **{size_mb:,.0f} MB** on disk; "
        f"peak RSS loading {load['peak_mb']:,.0f} MB, after the queries {result['query_peak_mb']:,.0f} MB; "
        f"child process {result['child_seconds']:.0f} s"
    )
    print("| report | caller | p50 (ms) | p99 (ms) | runs | rows |")
    print("|---|---|---|---|---|---|")
    rows = list(result["reports"])
    if isinstance(result.get("duckdb"), list):
        rows[2:2] = result["duckdb"]
    for r in rows:
        print(
            f"| {r['report']} | {r['caller']} | {r['p50'] * 1000:,.0f} | {r['p99'] * 1000:,.0f} | {r['runs']} "
            f"| {r['rows']:,} |"
        )
    if isinstance(result.get("duckdb"), str):
        print(f"DuckDB: {result['duckdb']}")
    if "duckdb_reports" in result:
        copy = result["duckdb_copy"]
        print(
            f"\nThe same reports on a DuckDB copy of this store (copied in {copy['copy_seconds']:.1f} s, "
            f"{copy['bytes'] / 1e6:,.0f} MB; the process's peak RSS after copying and querying it "
            f"{copy['peak_mb']:,.0f} MB); answers differing from the row store's: "
            + ("not compared (--copy-only)" if args.copy_only else ", ".join(copy["differs"]) or "none")
        )
        print("| report | caller | p50 (ms) | p99 (ms) | runs | rows |")
        print("|---|---|---|---|---|---|")
        for r in result["duckdb_reports"]:
            print(
                f"| {r['report']} | {r['caller']} | {r['p50'] * 1000:,.0f} | {r['p99'] * 1000:,.0f} | {r['runs']} "
                f"| {r['rows']:,} |"
            )
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=500, help="loaded through the event handlers")
    parser.add_argument("--transactions", type=int, default=25_000, help="history of the event-loaded bank")
    parser.add_argument("--live", type=int, default=1_000, help="live TransactionPosted (a snapshot per 4)")
    parser.add_argument(
        "--sizes",
        default="20000:1000000,100000:1000000",
        help="bulk-loaded banks, customers:transactions,… ('' for none)",
    )
    parser.add_argument("--runs", type=int, default=10, help="runs per report and caller")
    parser.add_argument("--budget", type=float, default=6.0, help="seconds per report and caller, at most ~")
    parser.add_argument("--only", choices=("sqlite", "postgres"), default=None)
    parser.add_argument("--skip-events", action="store_true")
    parser.add_argument("--no-duckdb", action="store_true")
    parser.add_argument(
        "--duckdb-reports",
        action="store_true",
        help="also copy the store into DuckDB (the service's columnar copy) and run every report there",
    )
    parser.add_argument("--keep-duckdb", metavar="FILE", default="", help="the DuckDB copy in FILE, kept")
    parser.add_argument(
        "--copy-only",
        action="store_true",
        help="with --duckdb-reports: the reports on the copy only (none on the row store, nothing compared)",
    )
    parser.add_argument(
        "--events-after",
        type=int,
        default=0,
        metavar="N",
        help="after each bulk load, N more customers' events through the handlers (--customers' density): the "
        "rate into a store of that size",
    )
    parser.add_argument("--bulk-customers", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--bulk-transactions", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--result", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = asyncio.run(child(args))
        Path(args.result).write_text(json.dumps(result, default=str))
        return
    argv = [a for a in sys.argv[1:]]
    print(
        f"# report store benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} cores; "
        f"period {TODAY - timedelta(days=WINDOW_DAYS - 1)} … {TODAY}; runs {args.runs}, budget {args.budget:.0f} s",
        flush=True,
    )
    engines = [e for e in ("sqlite", "postgres") if args.only in (None, e)]
    if "postgres" in engines:
        missing = asyncio.run(scratch.postgres_available())
        if missing:
            print(f"# PostgreSQL not measured: {missing}")
            engines.remove("postgres")
    started = time.perf_counter()
    sizes = [tuple(int(n) for n in size.split(":")) for size in args.sizes.split(",") if size]
    for engine in engines:
        label = "SQLite" if engine == "sqlite" else "PostgreSQL"
        runs: list[tuple[str, list[str]]] = [] if args.skip_events else [("events", [])]
        runs += [("bulk", ["--bulk-customers", str(c), "--bulk-transactions", str(t)]) for c, t in sizes]
        for how, extra in runs:
            result = run_child(engine, how, [*argv, *extra])
            if result is not None:
                sized = argparse.Namespace(**{**vars(args), "bulk_customers": int(extra[1]) if extra else 0})
                sized.bulk_transactions = int(extra[3]) if extra else 0
                print_results(label, how, result, sized)
    print(f"# whole run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
