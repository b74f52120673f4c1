"""The task service's copy of key customers and their accounts, from customer events: the newest version wins."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam_kit.timeconv import to_timestamp
from kam_task.adapters.orm import AccountCopy, CustomerCopy
from kam_task.service_layer import customers
from task_testlib import NOW, Bank

C = customer_pb2.Customer
A = customer_pb2.Account


def customer(name: str = "customers/c1", *, tier: str = "tiers/gold", at=NOW, aum: int = 6_000_000) -> C:
    return C(
        name=name,
        display_name="北京某某科技有限公司",
        type=C.TYPE_CORPORATE,
        tier=tier,
        branch="orgUnits/0101",
        relationship_manager="staff/E000010",
        update_time=to_timestamp(at),
        metrics=customer_pb2.CustomerMetrics(
            assets_under_management=money_pb2.Money(currency_code="CNY", units=aum, nanos=500_000_000)
        ),
    )


async def test_customers_and_accounts_are_copied_newest_first(bank: Bank) -> None:
    await bank.apply(customers.on_customer, customer_events.CustomerCreated(customer=customer(at=NOW)))
    await bank.apply(
        customers.on_customer,
        customer_events.CustomerUpdated(customer=customer(tier="tiers/old", at=NOW - timedelta(hours=1))),
    )
    await bank.apply(
        customers.on_tier_changed, customer_events.TierChanged(customer="customers/c1", tier="tiers/diamond")
    )
    on_account = customers.account_copier(bank.clock)
    account = A(
        name="customers/c1/accounts/a1",
        type=A.TYPE_WEALTH,
        product="WM01",
        state=A.STATE_OPEN,
        open_date=date_pb2.Date(year=2026, month=12, day=6),
        balance=money_pb2.Money(currency_code="CNY", units=100_000),
        balance_update_time=to_timestamp(NOW),
    )
    await bank.apply(on_account, customer_events.AccountOpened(account=account))
    loan = A(
        name="customers/c1/accounts/l1",
        type=A.TYPE_LOAN,
        state=A.STATE_OPEN,
        balance=money_pb2.Money(currency_code="CNY", units=900_000),
        balance_update_time=to_timestamp(NOW),
    )
    await bank.apply(on_account, customer_events.AccountOpened(account=loan))
    async with bank.db.read() as session:  # the first scan tells no total: the accounts make it (loans aside)
        summed = await session.get(CustomerCopy, "customers/c1")
        assert summed is not None and summed.aum == Decimal("100000.00")
    closed = A()
    closed.CopyFrom(account)
    closed.state = A.STATE_CLOSED
    closed.balance_update_time.CopyFrom(to_timestamp(NOW - timedelta(days=1)))  # older: ignored
    await bank.apply(on_account, customer_events.AccountUpdated(account=closed))
    await bank.apply(
        customers.on_balance_snapshot,
        customer_events.BalanceSnapshot(
            account="customers/c1/accounts/a1",
            customer_assets_under_management=money_pb2.Money(units=7_000_000),
        ),
    )
    async with bank.db.read() as session:
        row = await session.get(CustomerCopy, "customers/c1")
        assert row is not None
        assert (row.tier, row.type, row.branch, row.relationship_manager) == (
            "tiers/diamond",
            "CORPORATE",
            "orgUnits/0101",
            "staff/E000010",
        )
        assert row.aum == Decimal("7000000.00")
        held = await session.get(AccountCopy, "customers/c1/accounts/a1")
        assert (
            held is not None and held.open and held.type == "WEALTH" and held.balance == Decimal("100000.00")
        )
        assert held.open_date is not None and held.open_date.isoformat() == "2026-12-06"
    await bank.apply(customers.on_customer_deleted, customer_events.CustomerDeleted(customer="customers/c1"))
    async with bank.db.read() as session:
        assert await session.get(CustomerCopy, "customers/c1") is None
