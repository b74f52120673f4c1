"""Copied history applied in bulk (store.on_histories) gives the store the events give one by one, on SQLite and
PostgreSQL: whatever the mix of a fetch — an account's live balance and transactions before and after its copied
window in the same transaction, two windows of one account in one call — balances are the latest event's and the
history's transactions are summed."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2, events_pb2
from kam_devkit.testing import migrated_database
from kam_kit.consumer import Batched
from kam_kit.db import Database
from kam_kit.events import EventMeta
from kam_kit.timeconv import to_timestamp
from kam_report.adapters.orm import BalanceDay, Base, TransactionDay
from kam_report.bootstrap import MIGRATIONS
from kam_report.service_layer import store
from sqlalchemy import select

Account = customer_pb2.Account
Txn = customer_pb2.Transaction
META = EventMeta(
    event_id="e", event_type="", source="kam/customer", time="", subject="", resource="", delivery=1
)
A1, A2 = "customers/c1/accounts/a1", "customers/c1/accounts/a2"
DAY1, DAY2 = date(2026, 11, 2), date(2026, 11, 3)


def _money(units: int) -> money_pb2.Money:
    return money_pb2.Money(currency_code="CNY", units=units)


def _d(day: date) -> date_pb2.Date:
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)  # noon in Shanghai


def _history(balances: dict[str, list[tuple[date, int]]], days: dict[str, list[tuple[date, int, int]]]):
    return events_pb2.CustomerHistoryCopied(
        customer="customers/c1",
        accounts=[
            events_pb2.AccountHistory(
                account=account,
                account_type=Account.TYPE_DEMAND_DEPOSIT,
                balances=[
                    customer_pb2.BalancePoint(date=_d(day), balance=_money(amount))
                    for day, amount in balances.get(account, [])
                ],
                transaction_days=[
                    events_pb2.TransactionDay(
                        date=_d(day),
                        credit_count=count,
                        credit_amount=_money(amount),
                        debit_count=1,
                        debit_amount=_money(1),
                    )
                    for day, count, amount in days.get(account, [])
                ],
            )
            for account in sorted({*balances, *days})
        ],
    )


def _events() -> list:
    return [
        events_pb2.AccountOpened(
            account=Account(
                name=A1,
                type=Account.TYPE_DEMAND_DEPOSIT,
                balance=_money(500),
                state=Account.STATE_OPEN,
                balance_update_time=to_timestamp(_noon(DAY1)),
            )
        ),
        events_pb2.AccountOpened(
            account=Account(
                name=A2,
                type=Account.TYPE_DEMAND_DEPOSIT,
                balance=_money(8),
                state=Account.STATE_OPEN,
                balance_update_time=to_timestamp(_noon(DAY1)),
            )
        ),
        events_pb2.TransactionPosted(
            transaction=Txn(
                name=f"{A1}/transactions/live1",
                direction=Txn.DIRECTION_CREDIT,
                amount=_money(70),
                post_time=to_timestamp(_noon(DAY1)),
            ),
            account_type=Account.TYPE_DEMAND_DEPOSIT,
        ),
        events_pb2.TransactionPosted(  # the same day again, in the same run
            transaction=Txn(
                name=f"{A1}/transactions/live2",
                direction=Txn.DIRECTION_DEBIT,
                amount=_money(20),
                post_time=to_timestamp(_noon(DAY1)),
            ),
            account_type=Account.TYPE_DEMAND_DEPOSIT,
        ),
        # the core's end-of-day record of DAY1 replaces the live balance; DAY2's quiet transactions
        _history({A1: [(DAY1, 1_000), (DAY2, 1_200)]}, {A1: [(DAY1, 2, 300), (DAY2, 1, 200)]}),
        # a later snapshot of DAY2 wins over the record (it has a time)
        events_pb2.BalanceSnapshot(
            account=A1,
            account_type=Account.TYPE_DEMAND_DEPOSIT,
            balance=_money(1_250),
            snapshot_time=to_timestamp(_noon(DAY2)),
        ),
        # more of the window: another account, and more quiet transactions of A1's DAY2
        _history({A2: [(DAY1, 9)]}, {A1: [(DAY2, 3, 30)], A2: [(DAY2, 1, 5)]}),
        # and the record of DAY2 once more, after the snapshot: the record replaces what is there
        _history({A1: [(DAY2, 1_300)]}, {}),
    ]


async def _apply_one_by_one(db: Database) -> None:
    for event in _events():
        async with db.transaction() as session:
            await _handle(session, [event])


async def _apply_in_one_transaction(db: Database) -> None:
    """As a fetch applies them: one transaction, each run of consecutive events of one type in one call."""
    async with db.transaction() as session:
        for _, run in itertools.groupby(_events(), key=type):
            await _handle(session, list(run))


async def _handle(session, events: list) -> None:
    handler = store.HANDLERS[type(events[0])]
    if isinstance(handler, Batched):
        await handler.handler(session, [(event, META) for event in events])
    else:
        for event in events:
            await handler(session, event, META)


async def _store(db: Database) -> tuple[dict, dict]:
    async with db.read() as session:
        balances = {
            (r.account, r.day): (r.balance, r.as_of is None)
            for r in await session.scalars(select(BalanceDay))
        }
        days = {
            (r.account, r.day, r.origin): (r.credit_count, r.credit_amount, r.debit_count, r.debit_amount)
            for r in await session.scalars(select(TransactionDay))
        }
    return balances, days


@pytest.mark.parametrize(
    "apply", [_apply_one_by_one, _apply_in_one_transaction], ids=["one-by-one", "one-fetch"]
)
async def test_copied_history_in_bulk_gives_what_the_events_say_in_order(database_url, apply) -> None:
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        await apply(db)
        balances, days = await _store(db)
    assert balances == {
        (A1, DAY1): (Decimal("1000.00"), True),  # the record replaced the live balance
        (A1, DAY2): (Decimal("1300.00"), True),  # the last record, after the snapshot
        (A2, DAY1): (Decimal("9.00"), True),
    }
    assert days == {
        (A1, DAY1, "L"): (1, Decimal("70.00"), 1, Decimal("20.00")),
        (A1, DAY1, "H"): (2, Decimal("300.00"), 1, Decimal("1.00")),
        (A1, DAY2, "H"): (4, Decimal("230.00"), 2, Decimal("2.00")),  # two events' quiet transactions, summed
        (A2, DAY2, "H"): (1, Decimal("5.00"), 1, Decimal("1.00")),
    }
