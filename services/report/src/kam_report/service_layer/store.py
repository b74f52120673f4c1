"""The analytical store's facts about money, built only from the customer service's events: accounts (the product
dimension), daily balances, transactions summed per account and day, and staff (relationship managers' names).

- ``AccountOpened`` / ``AccountUpdated``: the account row (newest by the balance's time) and its balance on that
  day; a closing is dated the first time it is seen.
- ``BalanceSnapshot``: the balance on the snapshot's day (a later snapshot of the same day wins).
- ``TransactionPosted``: one more transaction on its account and business day (live, origin ``L``).
- ``CustomerHistoryCopied``: the past a scan copied without announcing it — the balance window's end-of-day
  balances (the core's record of those days) and the quiet transactions per day (origin ``H``; each transaction
  is in exactly one event).
- ``SourceStaffUpdated``: names and units of the core's staff.

Every event is applied once (the kit's processed-events table, in the same transaction), and the rows are keyed by
what they describe, so redelivery changes nothing and a rebuild from the streams gives the same store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from google.type import money_pb2
from kam.customer.v1 import customer_pb2, events_pb2
from kam_kit import bulk
from kam_kit.consumer import Batched
from kam_kit.events import EventMeta
from kam_kit.timeconv import aware, from_timestamp
from sqlalchemy import bindparam, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kam_report.adapters.orm import AccountFact, BalanceDay, StaffFact, TierLabel, TransactionDay

Account = customer_pb2.Account
Transaction = customer_pb2.Transaction
#: The bank's business day is taken in its own time zone.
BANK_TZ = ZoneInfo("Asia/Shanghai")
_NANOS = Decimal(1_000_000_000)
_CENT = Decimal("0.01")
#: a day's history row's counters and sums, added to by each event that brings more of its transactions
SUMS = ("credit_count", "credit_amount", "debit_count", "debit_amount")


def yuan(money: money_pb2.Money) -> Decimal:
    return (Decimal(money.units) + Decimal(money.nanos) / _NANOS).quantize(_CENT)


def account_type(value: int) -> str:
    """``TYPE_WEALTH`` → ``WEALTH``."""
    return Account.Type.Name(value).removeprefix("TYPE_") if value in Account.Type.values() else ""


def bank_day(moment: datetime) -> date:
    return aware(moment).astimezone(BANK_TZ).date()


def customer_of(account: str) -> str:
    """``customers/c/accounts/a`` → ``customers/c``."""
    return account.split("/accounts/")[0]


def event_time(meta: EventMeta) -> datetime:
    """When the event happened (its ``time`` header), else when the broker stored it."""
    try:
        return aware(datetime.fromisoformat(meta.time))
    except ValueError:
        return meta.publish_time or datetime.min.replace(tzinfo=BANK_TZ)


def _date(message) -> date | None:
    return date(message.year, message.month, message.day) if message.year else None


Held = dict  # rows of one table by primary key, read for a run of events; a key missing is a row not held


def _balance_on(
    session: AsyncSession,
    held: Held,
    account: str,
    kind: str,
    day: date,
    balance: Decimal,
    as_of: datetime | None,
) -> bool:
    """The balance of ``account`` at the end of ``day``: a time-stamped value replaces an older one of the same
    day; a value without a time (the core's end-of-day record) replaces what is there. True when the day is new
    to the account (its spans change: :func:`respan`)."""
    row = held.get((account, day))
    if row is None:
        row = BalanceDay(
            account=account,
            day=day,
            customer=customer_of(account),
            type=kind,
            balance=balance,
            as_of=as_of,
        )
        held[(account, day)] = row
        session.add(row)
        return True
    if as_of is None or row.as_of is None or aware(as_of) >= aware(row.as_of):
        row.balance, row.as_of, row.type = balance, as_of, kind
    return False


_SPANNED = BalanceDay.__table__
_NEXT = _SPANNED.alias("next_fact")
_EARLIER = _SPANNED.alias("earlier_fact")
_UNTIL = (
    select(func.min(_NEXT.c.day))
    .where(_NEXT.c.account == _SPANNED.c.account, _NEXT.c.day > _SPANNED.c.day)
    .scalar_subquery()
)
_EARLIEST = ~exists().where(_EARLIER.c.account == _SPANNED.c.account, _EARLIER.c.day < _SPANNED.c.day)
_ACCOUNT = AccountFact.__table__
_OPENED = select(_ACCOUNT.c.open_date).where(_ACCOUNT.c.account == _SPANNED.c.account).scalar_subquery()
_CLOSED = select(_ACCOUNT.c.close_date).where(_ACCOUNT.c.account == _SPANNED.c.account).scalar_subquery()
#: every balance fact of some accounts told where it holds (from its day, or from the beginning for the earliest,
#: until the account's next fact) and its account's opening and closing days — written only where that changed: a
#: day added after the last touches two rows (the former last one's end, the new one's start), not the account's
#: whole history; an account event that changes no date touches none
_RESPAN = (
    update(_SPANNED)
    .where(
        _SPANNED.c.account.in_(bindparam("accounts", expanding=True)),
        or_(
            _SPANNED.c.until.is_distinct_from(_UNTIL),
            _SPANNED.c.earliest != _EARLIEST,
            _SPANNED.c.open_date.is_distinct_from(_OPENED),
            _SPANNED.c.close_date.is_distinct_from(_CLOSED),
        ),
    )
    .values(until=_UNTIL, earliest=_EARLIEST, open_date=_OPENED, close_date=_CLOSED)
)

#: accounts spanned per statement (bind parameters stay well under SQLite's and asyncpg's limits)
RESPAN_CHUNK = 500


async def respan(session: AsyncSession, accounts: Iterable[str]) -> None:
    """Span the balance facts of ``accounts`` again and copy their accounts' dates onto them (after days were added
    to them or their account changed; pending rows flushed first)."""
    wanted = sorted(set(accounts))
    if not wanted:
        return
    await session.flush()
    for start in range(0, len(wanted), RESPAN_CHUNK):
        await session.execute(
            _RESPAN,
            {"accounts": wanted[start : start + RESPAN_CHUNK]},
            execution_options={"synchronize_session": False},
        )


async def _held(session: AsyncSession, model, keys: set[tuple]) -> Held:
    """The rows of ``model`` with these primary keys (accounts first, then days …), in one query for a run of
    events — what each event then finds without a query of its own."""
    if not keys:
        return {}
    columns = [c for c in model.__table__.primary_key.columns]
    conditions = [
        getattr(model, column.name).in_({key[n] for key in keys}) for n, column in enumerate(columns)
    ]
    rows = await session.scalars(select(model).where(*conditions))
    return {key: row for row in rows if (key := tuple(getattr(row, c.name) for c in columns)) in keys}


async def on_accounts(session: AsyncSession, items: Sequence[tuple[Any, EventMeta]]) -> None:
    """``AccountOpened`` / ``AccountUpdated``: the whole account (newest balance time wins: product, state, open,
    close and maturity dates) and its balance — a run of them with the rows they touch read in two queries."""
    balances = await _held(
        session,
        BalanceDay,
        {
            (e.account.name, bank_day(from_timestamp(e.account.balance_update_time)))
            for e, _ in items
            if e.account.HasField("balance_update_time")
        },
    )
    facts = {
        key[0]: row
        for key, row in (await _held(session, AccountFact, {(e.account.name,) for e, _ in items})).items()
    }
    with session.no_autoflush:
        for event, meta in items:
            _account(session, facts, balances, event, meta)
    # the days added, and the account's dates on every fact of it
    await respan(session, {event.account.name for event, _ in items})


def _account(session: AsyncSession, facts: dict, balances: Held, event, meta: EventMeta) -> bool:
    """Apply one account event; True when it added a balance day."""
    account = event.account
    changed = from_timestamp(account.balance_update_time) if account.HasField("balance_update_time") else None
    kind = account_type(account.type)
    row = facts.get(account.name)
    if row is None:
        row = AccountFact(account=account.name, customer=customer_of(account.name))
        facts[account.name] = row
        session.add(row)
    elif changed is not None and aware(row.update_time) > changed:
        return False
    closed = account.state == Account.STATE_CLOSED
    state = Account.State.Name(account.state).removeprefix("STATE_")
    if closed and row.close_date is None:
        row.close_date = bank_day(changed or event_time(meta))
    row.type, row.state = kind, state
    row.product, row.product_display_name = account.product[:64], account.product_display_name[:200]
    row.open_date = _date(account.open_date)
    row.maturity_date = _date(account.maturity_date)
    row.balance = yuan(account.balance)
    row.update_time = changed or event_time(meta)
    return changed is not None and _balance_on(
        session, balances, account.name, kind, bank_day(changed), row.balance, changed
    )


async def on_account(session: AsyncSession, event, meta: EventMeta) -> None:
    """One ``AccountOpened`` / ``AccountUpdated`` (:func:`on_accounts` of one event)."""
    await on_accounts(session, [(event, meta)])


async def on_balance_snapshots(
    session: AsyncSession, items: Sequence[tuple[events_pb2.BalanceSnapshot, EventMeta]]
) -> None:
    """``BalanceSnapshot``: the balance on the snapshot's day (a later snapshot of the same day wins)."""
    moments = [(event, from_timestamp(event.snapshot_time)) for event, _ in items]
    balances = await _held(session, BalanceDay, {(e.account, bank_day(m)) for e, m in moments})
    with session.no_autoflush:
        added = [
            event.account
            for event, moment in moments
            if _balance_on(
                session,
                balances,
                event.account,
                account_type(event.account_type),
                bank_day(moment),
                yuan(event.balance),
                moment,
            )
        ]
    await respan(session, added)


async def on_balance_snapshot(
    session: AsyncSession, event: events_pb2.BalanceSnapshot, meta: EventMeta
) -> None:
    """One ``BalanceSnapshot`` (:func:`on_balance_snapshots` of one event)."""
    await on_balance_snapshots(session, [(event, meta)])


async def on_transactions(
    session: AsyncSession, items: Sequence[tuple[events_pb2.TransactionPosted, EventMeta]]
) -> None:
    """``TransactionPosted``: one more transaction on its account and business day (live, origin ``L``)."""
    posted = []
    for event, _ in items:
        txn = event.transaction
        account = txn.name.split("/transactions/")[0]
        posted.append((account, bank_day(from_timestamp(txn.post_time)), event))
    days = await _held(session, TransactionDay, {(account, day, "L") for account, day, _ in posted})
    with session.no_autoflush:
        for account, day, event in posted:
            row = days.get((account, day, "L"))
            if row is None:
                row = TransactionDay(
                    account=account,
                    day=day,
                    origin="L",
                    customer=customer_of(account),
                    type=account_type(event.account_type),
                    credit_count=0,
                    credit_amount=Decimal(0),
                    debit_count=0,
                    debit_amount=Decimal(0),
                )
                days[(account, day, "L")] = row
                session.add(row)
            amount = yuan(event.transaction.amount)
            if event.transaction.direction == Transaction.DIRECTION_CREDIT:
                row.credit_count += 1
                row.credit_amount += amount
            else:
                row.debit_count += 1
                row.debit_amount += amount


async def on_transaction(session: AsyncSession, event: events_pb2.TransactionPosted, meta: EventMeta) -> None:
    """One ``TransactionPosted`` (:func:`on_transactions` of one event)."""
    await on_transactions(session, [(event, meta)])


async def on_histories(
    session: AsyncSession, items: Sequence[tuple[events_pb2.CustomerHistoryCopied, EventMeta]]
) -> None:
    """Customers' copied windows — hundreds of daily rows an event, tens of thousands a fetch — as two upserts: the
    core's end-of-day balances replace what was held for their days (a later event's over an earlier one's), the
    quiet transactions are added to their day's history row (each transaction is in exactly one event).

    Rows the session holds as objects (an earlier event of the same transaction) are written first and read again
    after, so the events apply in their order whatever mix a fetch brings."""
    balances: dict[tuple[str, date], dict[str, Any]] = {}
    days: dict[tuple[str, date], dict[str, Any]] = {}
    for event, _ in items:
        customer = event.customer
        for history in event.accounts:
            kind = account_type(history.account_type)
            for point in history.balances:
                day = _date(point.date)
                if day is not None:
                    balances[(history.account, day)] = {
                        "account": history.account,
                        "day": day,
                        "customer": customer,
                        "type": kind,
                        "balance": yuan(point.balance),
                        "as_of": None,  # the core's end-of-day record of the day
                    }
            for summed in history.transaction_days:
                day = _date(summed.date)
                if day is None:
                    continue
                row = days.setdefault(
                    (history.account, day),
                    {
                        "account": history.account,
                        "day": day,
                        "origin": "H",
                        "customer": customer,
                        "type": kind,
                        "credit_count": 0,
                        "credit_amount": Decimal(0),
                        "debit_count": 0,
                        "debit_amount": Decimal(0),
                    },
                )
                row["type"] = kind
                row["credit_count"] += summed.credit_count
                row["credit_amount"] += yuan(summed.credit_amount)
                row["debit_count"] += summed.debit_count
                row["debit_amount"] += yuan(summed.debit_amount)
    await session.flush()
    await bulk.insert_rows(
        session,
        BalanceDay.__table__,
        list(balances.values()),
        replace_existing=("account", "day"),
    )
    await respan(session, {account for account, _ in balances})
    await bulk.insert_rows(
        session,
        TransactionDay.__table__,
        list(days.values()),
        replace_existing=("account", "day", "origin"),
        add_to=SUMS,
    )
    for held in list(session.identity_map.values()):
        if isinstance(held, (BalanceDay, TransactionDay)):
            session.expire(held)


async def on_history(session: AsyncSession, event: events_pb2.CustomerHistoryCopied, meta: EventMeta) -> None:
    """One customer's copied window (:func:`on_histories` of one event)."""
    await on_histories(session, [(event, meta)])


async def on_staff(session: AsyncSession, event: events_pb2.SourceStaffUpdated, meta: EventMeta) -> None:
    name = f"staff/{event.staff_code}"
    row = await session.get(StaffFact, name)
    if row is None:
        row = StaffFact(staff=name)
        session.add(row)
    row.display_name, row.org_unit = event.display_name[:200], event.org_unit


async def on_rule_set_activated(
    session: AsyncSession, event: events_pb2.TierRuleSetActivated, meta: EventMeta
) -> None:
    """The tiers' names and order (the rules' order: the first rule grades the highest tier)."""
    seen: dict[str, str] = {}
    for rule in event.rule_set.rules:
        seen.setdefault(rule.tier, rule.tier_display_name or rule.tier.removeprefix("tiers/"))
    for rank, (tier, display_name) in enumerate(seen.items()):
        row = await session.get(TierLabel, tier)
        if row is None:
            row = TierLabel(tier=tier)
            session.add(row)
        row.display_name, row.rank = display_name[:100], rank


async def staff_names(session: AsyncSession, names: set[str]) -> dict[str, str]:
    rows = await session.execute(
        select(StaffFact.staff, StaffFact.display_name).where(StaffFact.staff.in_(names))
    )
    return {staff: display for staff, display in rows}


HANDLERS = {
    events_pb2.AccountOpened: Batched(on_accounts),
    events_pb2.AccountUpdated: Batched(on_accounts),
    events_pb2.BalanceSnapshot: Batched(on_balance_snapshots),
    events_pb2.TransactionPosted: Batched(on_transactions),
    events_pb2.CustomerHistoryCopied: Batched(on_histories),
    events_pb2.SourceStaffUpdated: on_staff,
    events_pb2.TierRuleSetActivated: on_rule_set_activated,
}


async def reset_store(session: AsyncSession) -> None:
    """Empty every table built from events (the reports people asked for stay): before a rebuild."""
    from kam_report.adapters import activity_orm  # noqa: F401 - its tables are part of the store
    from kam_report.adapters.orm import Base

    for table in reversed(Base.metadata.sorted_tables):
        if table.name != "reports":
            await session.execute(table.delete())
