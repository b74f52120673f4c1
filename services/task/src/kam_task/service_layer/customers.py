"""The task service's copy of key customers and their accounts, kept from the customer service's events (the newest
version wins; a redelivery or a late older version changes nothing). Campaign segments, recurring work and
playbooks select on it; a customer's relationship manager is whom their tasks and campaign targets go to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from kam.customer.v1 import customer_pb2
from kam_kit.clock import Clock
from kam_kit.events import EventMeta
from kam_kit.masking import mask_name
from kam_kit.projection import newer_row
from kam_kit.timeconv import aware, from_timestamp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_task.adapters.orm import AccountCopy, CustomerCopy

Account = customer_pb2.Account
Customer = customer_pb2.Customer
_CENT = Decimal("0.01")


def yuan(money) -> Decimal:
    """A ``google.type.Money`` as yuan to the cent (events carry valid amounts; nothing is rejected here)."""
    return (Decimal(money.units) + Decimal(money.nanos) / Decimal(1_000_000_000)).quantize(_CENT)


def public_name(customer: CustomerCopy) -> str:
    """A customer's name as staff lists show it without an access record: a company's as it is, a person's
    masked (the 360 shows it whole to whoever may see it, and records that they did)."""
    return customer.display_name if customer.type == "CORPORATE" else mask_name(customer.display_name)


async def public_names(session: AsyncSession, names: Iterable[str]) -> dict[str, str]:
    """:func:`public_name` of the copied customers among ``names``."""
    wanted = sorted({n for n in names if n})
    if not wanted:
        return {}
    rows = await session.scalars(select(CustomerCopy).where(CustomerCopy.customer.in_(wanted)))
    return {row.customer: public_name(row) for row in rows}


def account_type(value: int) -> str:
    """``TYPE_WEALTH`` → ``WEALTH`` (the copy's and a segment's product names)."""
    return Account.Type.Name(value).removeprefix("TYPE_") if value in Account.Type.values() else ""


async def on_customer(session: AsyncSession, event, meta: EventMeta) -> None:
    """``CustomerCreated`` / ``CustomerUpdated``: who the customer is and whose."""
    customer = event.customer
    updated = from_timestamp(customer.update_time)
    row = await newer_row(session, CustomerCopy, customer.name, updated)
    if row is None:
        return  # an older version arriving late
    row.display_name = customer.display_name[:200]
    row.type = Customer.Type.Name(customer.type).removeprefix("TYPE_")
    row.tier = customer.tier
    row.branch = customer.branch
    row.relationship_manager = customer.relationship_manager
    if customer.HasField("metrics") and customer.metrics.HasField("assets_under_management"):
        row.aum = yuan(customer.metrics.assets_under_management)
    elif row.aum is None:
        row.aum = Decimal(0)
    row.update_time = updated


async def on_customer_deleted(session: AsyncSession, event, meta: EventMeta) -> None:
    row = await session.get(CustomerCopy, event.customer)
    if row is not None:
        await session.delete(row)


async def on_tier_changed(session: AsyncSession, event, meta: EventMeta) -> None:
    """``TierChanged``: the copy's tier (grading comes after a customer is created)."""
    row = await session.get(CustomerCopy, event.customer) if event.customer else None
    if row is not None:
        row.tier = event.tier


def account_copier(clock: Clock) -> Callable[[AsyncSession, Any, EventMeta], Awaitable[AccountCopy | None]]:
    """The handler of ``AccountOpened`` / ``AccountUpdated``: the account's product, state, opening date and balance
    (the newest balance time wins; an account without one is stamped with the clock's time when applied)."""

    async def on_account(session: AsyncSession, event, meta: EventMeta) -> AccountCopy | None:
        account = event.account
        customer = account.name.split("/accounts/")[0]
        if not account.name.startswith("customers/") or "/accounts/" not in account.name:
            return None
        changed = (
            from_timestamp(account.balance_update_time) if account.HasField("balance_update_time") else None
        )
        row = await session.get(AccountCopy, account.name)
        if row is None:
            row = AccountCopy(account=account.name, customer=customer)
            session.add(row)
        elif changed is not None and aware(row.update_time) > changed:
            return None
        row.type = account_type(account.type)
        row.product = account.product[:64]
        row.open = account.state != Account.STATE_CLOSED
        opened = account.open_date
        if opened.year:
            row.open_date = date(opened.year, opened.month, opened.day)
        row.balance = yuan(account.balance)
        row.update_time = changed or clock.now()
        await _sum_assets(session, customer)
        return row

    return on_account


#: the products whose balances make a customer's assets under management (as the customer service counts them:
#: deposits, wealth products and funds; not loans nor credit cards)
ASSET_TYPES = ("DEMAND_DEPOSIT", "TIME_DEPOSIT", "WEALTH", "FUND")


async def _sum_assets(session: AsyncSession, customer: str) -> None:
    """The customer's assets under management from the accounts copied: a scan tells the balances of every
    account (``AccountOpened`` / ``AccountUpdated``) but not the customer's total, until a balance changes."""
    row = await session.get(CustomerCopy, customer)
    if row is None:
        return
    total = await session.scalar(
        select(func.sum(AccountCopy.balance)).where(
            AccountCopy.customer == customer, AccountCopy.open.is_(True), AccountCopy.type.in_(ASSET_TYPES)
        )
    )
    row.aum = Decimal(total or 0).quantize(_CENT)


async def on_balance_snapshot(session: AsyncSession, event, meta: EventMeta) -> None:
    """``BalanceSnapshot``: the customer's assets under management as the scan saw them."""
    if not event.HasField("customer_assets_under_management"):
        return
    customer = event.account.split("/accounts/")[0]
    row = await session.get(CustomerCopy, customer)
    if row is not None:
        row.aum = yuan(event.customer_assets_under_management)
