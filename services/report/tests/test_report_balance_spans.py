"""Where each balance fact holds (``BalanceDay.until`` / ``earliest``), kept by every writer whatever order the facts
arrive in, and the balances on a day read through it (``reports.holds_on``) — on SQLite and PostgreSQL.

Random days of three accounts arrive as the customer service sends them — account events, live snapshots,
copied windows — in a shuffled order, some in one fetch, some one by one; afterwards every fact's span must be
what sorting the account's days gives, and the balances on every day around them must be the plain reading: the
latest fact on or before the day, else the earliest — and every fact must carry its account's opening and closing
days as the account's fact has them (none while it has none). The migrations span the facts a store already holds
and copy their accounts' dates.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2, events_pb2
from kam_devkit.testing import migrated_database
from kam_kit import migrations
from kam_kit.consumer import Batched
from kam_kit.db import Database
from kam_kit.events import EventMeta
from kam_kit.timeconv import to_timestamp
from kam_report.adapters.orm import AccountFact, BalanceDay, Base
from kam_report.bootstrap import MIGRATIONS
from kam_report.service_layer import store
from kam_report.service_layer.reports import holds_on
from sqlalchemy import select

Account = customer_pb2.Account
META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)
ACCOUNTS = [f"customers/c1/accounts/a{n}" for n in range(3)]
FIRST = date(2026, 10, 1)


def _money(units: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", units=units)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)  # noon in Shanghai


def _event(kind: int, account: str, day: date, amount: int):
    if kind == 0:  # small balances close the account (its closing day: the first such event's)
        opened = FIRST - timedelta(days=10 * ACCOUNTS.index(account))
        return events_pb2.AccountUpdated(
            account=Account(
                name=account,
                type=Account.TYPE_DEMAND_DEPOSIT,
                balance=_money(amount),
                state=Account.STATE_CLOSED if amount < 2_000 else Account.STATE_OPEN,
                open_date=date_pb2.Date(year=opened.year, month=opened.month, day=opened.day),
                balance_update_time=to_timestamp(_noon(day)),
            )
        )
    if kind == 1:
        return events_pb2.BalanceSnapshot(
            account=account,
            account_type=Account.TYPE_DEMAND_DEPOSIT,
            balance=_money(amount),
            snapshot_time=to_timestamp(_noon(day)),
        )
    return events_pb2.CustomerHistoryCopied(
        customer="customers/c1",
        accounts=[
            events_pb2.AccountHistory(
                account=account,
                account_type=Account.TYPE_DEMAND_DEPOSIT,
                balances=[
                    customer_pb2.BalancePoint(
                        date=date_pb2.Date(year=day.year, month=day.month, day=day.day),
                        balance=_money(amount),
                    )
                ],
            )
        ],
    )


async def _apply(db: Database, events: list, rng: random.Random) -> None:
    """In runs of 1–6 events, each run a transaction, its consecutive events of one type handled together."""
    at = 0
    while at < len(events):
        run = events[at : at + rng.randint(1, 6)]
        at += len(run)
        async with db.transaction() as session:
            same: list = []
            for event in [*run, None]:
                if same and (event is None or type(event) is not type(same[0])):
                    handler = store.HANDLERS[type(same[0])]
                    if isinstance(handler, Batched):
                        await handler.handler(session, [(e, META) for e in same])
                    else:
                        for e in same:
                            await handler(session, e, META)
                    same = []
                if event is not None:
                    same.append(event)


def _plain_reading(facts: dict[str, dict[date, Decimal]], day: date) -> dict[str, Decimal]:
    out = {}
    for account, days in facts.items():
        on_or_before = [d for d in days if d <= day]
        out[account] = days[max(on_or_before) if on_or_before else min(days)]
    return out


async def _check(db: Database) -> None:
    async with db.read() as session:
        rows = (await session.scalars(select(BalanceDay))).all()
        dates = {
            a.account: (a.open_date, a.close_date) for a in (await session.scalars(select(AccountFact))).all()
        }
        facts: dict[str, dict[date, Decimal]] = {}
        for row in rows:
            facts.setdefault(row.account, {})[row.day] = row.balance
        for row in rows:
            later = sorted(d for d in facts[row.account] if d > row.day)
            assert row.until == (later[0] if later else None), (row.account, row.day)
            assert row.earliest == (row.day == min(facts[row.account])), (row.account, row.day)
            # the account's dates as its fact has them, none before its fact exists
            assert (row.open_date, row.close_date) == dates.get(row.account, (None, None)), (
                row.account,
                row.day,
            )
        days = sorted({d for f in facts.values() for d in f})
        for day in [days[0] - timedelta(days=2), *days, days[-1] + timedelta(days=2)]:
            held = dict(
                (
                    await session.execute(select(BalanceDay.account, BalanceDay.balance).where(holds_on(day)))
                ).all()
            )
            assert held == _plain_reading(facts, day), day


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_every_fact_knows_where_it_holds_whatever_order_the_days_arrive_in(database_url, seed) -> None:
    rng = random.Random(seed)
    events = []
    for account in ACCOUNTS:
        for day in rng.sample(range(40), 8):
            events.append(
                _event(rng.randrange(3), account, FIRST + timedelta(days=day), rng.randint(1, 10_000))
            )
    rng.shuffle(events)
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        await _apply(db, events, rng)
        await _check(db)
        async with db.read() as session:  # the dates were there to copy
            assert await session.scalar(select(sa.func.count()).where(BalanceDay.open_date.is_not(None)))


async def test_the_migrations_span_the_facts_already_held_and_give_them_their_accounts_dates(
    database_url,
) -> None:
    config = migrations.alembic_config(database_url, MIGRATIONS)
    await asyncio.to_thread(command.upgrade, config, "report_0007")
    rng = random.Random(7)
    rows = [
        {"account": account, "day": FIRST + timedelta(days=day), "balance": rng.randint(1, 10_000)}
        for account in ACCOUNTS
        for day in rng.sample(range(40), 6)
    ]
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await session.execute(
                sa.text(
                    "INSERT INTO balance_days (account, day, customer, type, balance) "
                    "VALUES (:account, :day, 'customers/c1', 'DEMAND_DEPOSIT', :balance)"
                ),
                rows,
            )
            await session.execute(  # two of the accounts known (report_0009 copies their dates)
                sa.text(
                    "INSERT INTO account_facts (account, customer, type, product, product_display_name, state, "
                    "open_date, close_date, balance, update_time) VALUES (:account, 'customers/c1', "
                    "'DEMAND_DEPOSIT', '', '', 'OPEN', :opened, :closed, 0, :now)"
                ),
                [
                    {"account": ACCOUNTS[0], "opened": FIRST, "closed": None, "now": _noon(FIRST)},
                    {
                        "account": ACCOUNTS[1],
                        "opened": FIRST,
                        "closed": FIRST + timedelta(days=20),
                        "now": _noon(FIRST),
                    },
                ],
            )
        await migrations.upgrade_async(database_url, MIGRATIONS, Base.metadata)
        await _check(db)
    finally:
        await db.dispose()
