"""The one idempotent path for transactions, scanned or pushed.

:func:`apply_transactions` inserts transactions keyed by the source transaction id with
``INSERT … ON CONFLICT DO NOTHING RETURNING id`` (SQLite ≥ 3.35 and PostgreSQL), so a transaction that arrives
twice — pushed and scanned, pushed twice, or by two replicas at once — is stored once, and TransactionPosted is
recorded (outbox, same transaction) only for the ids this call inserted — and only for live ones: a scan marks
the history it copies (transactions the previous successful scan already saw, or every transaction of the first
scan) ``announce=False``, so a backfill stores them without announcing them (docs/architecture.md §21).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from kam.cdc.v1 import cdc_pb2
from kam.customer.v1 import events_pb2, scan_pb2
from kam_kit import bulk, outbox, protoconv
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.errors import InvalidArgument
from kam_kit.timeconv import aware
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters import protomap
from kam_customer.adapters.orm import AccountRow, CustomerRow, TransactionRow
from kam_customer.adapters.trail import trail
from kam_customer.context import SERVICE
from kam_customer.domain import names

PUSH, SCAN = "PUSH", "SCAN"


@dataclass(frozen=True)
class IncomingTransaction:
    id: str
    account_id: str
    direction: str  # DEBIT | CREDIT
    amount: Decimal
    post_time: datetime  # timezone-aware
    balance_after: Decimal | None = None
    channel: str = ""
    cash: bool = False
    counterparty: str = ""
    summary: str = ""
    #: False for history a scan backfills: stored, but no TransactionPosted.
    announce: bool = True
    #: The source's business date and entry time, when the mapping names them (scans only).
    business_date: date | None = None
    entry_time: datetime | None = None


#: Ids per ``IN`` list when checking which transactions are already stored.
_ID_CHUNK = 5000


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    ignored: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    accepted_ids: list[str] = field(default_factory=list)

    def add(self, other: IngestResult) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.ignored += other.ignored
        self.rejected += other.rejected
        self.errors.extend(other.errors[: max(0, 20 - len(self.errors))])
        self.accepted_ids.extend(other.accepted_ids)


#: How far a pushed post_time may be ahead of KAM's clock (clock skew between the systems).
MAX_CLOCK_SKEW = timedelta(minutes=5)


def from_proto(
    message: cdc_pb2.SourceTransaction | scan_pb2.SourceTransaction, now: datetime
) -> IncomingTransaction:
    """A pushed transaction (the feed's message, or the deprecated copy with the same fields and numbers); raises ValueError naming the problem when it cannot be read (also a post_time
    more than :data:`MAX_CLOCK_SKEW` after ``now``: a balance from the future would pin the account)."""
    if not message.transaction_id.strip():
        raise ValueError("transaction_id: 缺少交易流水号 (missing)")
    if not message.account_number.strip():
        raise ValueError(f"{message.transaction_id}: account_number: 缺少账号 (missing)")
    direction = protomap.DIRECTION_FROM_ENUM.get(message.direction)
    if direction is None:
        raise ValueError(f"{message.transaction_id}: direction: 借贷方向未指定 (unspecified)")
    if not message.HasField("post_time"):
        raise ValueError(f"{message.transaction_id}: post_time: 缺少记账时间 (missing)")
    try:
        amount = protoconv.money_value(message.amount, "amount", positive=True)
        balance_after = (
            protoconv.money_value(message.balance_after, "balance_after")
            if message.HasField("balance_after")
            else None
        )
        post_time = protoconv.timestamp_value(message.post_time, "post_time")
    except InvalidArgument as error:
        problem = error.violations[0]
        raise ValueError(f"{message.transaction_id}: {problem.field}: {problem.description}") from None
    if post_time > now + MAX_CLOCK_SKEW:
        raise ValueError(
            f"{message.transaction_id}: post_time: 记账时间不能晚于当前时间 (must not be in the future)"
        )
    return IncomingTransaction(
        id=message.transaction_id.strip(),
        account_id=message.account_number.strip(),
        direction=direction,
        amount=amount,
        post_time=post_time,
        balance_after=balance_after,
        channel=protomap.CHANNEL_FROM_ENUM.get(message.channel, ""),
        cash=message.cash,
        counterparty=message.counterparty,
        summary=message.summary,
    )


#: An ingestion batch's audit record names at most this many transactions (its counts cover them all).
AUDITED_IDS = 100


def audit_batch(
    session: AsyncSession,
    txns: Sequence[IncomingTransaction],
    result: IngestResult,
    *,
    actor: Identity | None,
    channel: str,
    clock: Clock,
) -> None:
    """One audit record for one ingestion batch (a push request, a CDC message): who sent it, through which
    channel, what was stored, and the first transactions' ids."""
    trail(clock).change(
        session,
        actor=actor,
        action="transactions.ingest",
        resource="transactions",
        details={
            "channel": channel,
            "transactions": [txn.id for txn in txns[:AUDITED_IDS]],
            "received": len(txns),
            "stored": result.accepted,
            "duplicates": result.duplicates,
            "ignored": result.ignored,
            "rejected": result.rejected,
        },
    )


def _insert(session: AsyncSession):
    return (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(
        TransactionRow.__table__
    )


async def apply_transactions(
    session: AsyncSession,
    txns: Sequence[IncomingTransaction],
    *,
    origin: str,
    clock: Clock,
    account_names: names.AccountNames,
) -> IngestResult:
    """Store the transactions KAM keeps (accounts of customers copied in detail) once each, publish
    TransactionPosted for the new ones, and (pushed ones) move the account balance forward. The caller commits."""
    result = IngestResult()
    if not txns:
        return result
    unique: dict[str, IncomingTransaction] = {}
    for txn in txns:
        if txn.id in unique:
            result.duplicates += 1
        else:
            unique[txn.id] = txn
    account_ids = sorted({t.account_id for t in unique.values()})
    # Plain rows (no ORM instances): this path runs for every copied transaction.
    accounts = {
        row.id: row
        for row in (
            await session.execute(
                select(
                    AccountRow.id, AccountRow.customer_id, AccountRow.type, AccountRow.balance_update_time
                ).where(AccountRow.id.in_(account_ids))
            )
        ).all()
    }
    announced = any(t.announce for t in unique.values())
    customers = (
        {
            row.id: row
            for row in (
                await session.execute(
                    select(
                        CustomerRow.id, CustomerRow.tier, CustomerRow.branch, CustomerRow.relationship_manager
                    ).where(CustomerRow.id.in_({a.customer_id for a in accounts.values()}))
                )
            ).all()
        }
        if announced
        else {}
    )
    now = clock.now()
    values = []
    for txn in unique.values():
        account = accounts.get(txn.account_id)
        if account is None:
            result.ignored += 1
            continue
        values.append(
            {
                "id": txn.id,
                "account_id": txn.account_id,
                "customer_id": account.customer_id,
                "direction": txn.direction,
                "amount": txn.amount,
                "balance_after": txn.balance_after,
                "channel": txn.channel,
                "cash": txn.cash,
                "counterparty": (txn.counterparty or "")[:200],
                "summary": (txn.summary or "")[:200],
                "post_time": txn.post_time,
                "receive_time": now,
                "origin": origin,
                "business_date": txn.business_date,
                "entry_time": txn.entry_time,
            }
        )
    if not values:
        return result
    table = TransactionRow.__table__
    inserted: set[str] = set()
    # History a scan stores without announcing it: the ids already stored are read first and the rest go in one
    # plain executemany (no RETURNING needed: nothing is published for them; ON CONFLICT skips a row that a
    # concurrent writer stored in between).
    quiet = [v for v in values if not unique[v["id"]].announce] if origin == SCAN else []
    for start in range(0, len(quiet), _ID_CHUNK):
        part = quiet[start : start + _ID_CHUNK]
        stored = set(
            (await session.scalars(select(table.c.id).where(table.c.id.in_([v["id"] for v in part])))).all()
        )
        fresh = [v for v in part if v["id"] not in stored]
        await bulk.insert_rows(session, table, fresh, skip_existing=["id"])
        inserted.update(v["id"] for v in fresh)
    loud = [v for v in values if unique[v["id"]].announce] if quiet else values
    if loud:
        # executemany (SQLAlchemy's "insertmanyvalues"): batched, compiled once; RETURNING gives the inserted
        # ids, so that exactly the newly stored transactions are announced.
        statement = _insert(session).on_conflict_do_nothing(index_elements=["id"]).returning(table.c.id)
        inserted.update((await session.execute(statement, loud)).scalars().all())
    result.duplicates += len(values) - len(inserted)
    keys: dict[str, str] = {}
    for value in values:
        if value["id"] not in inserted:
            continue
        result.accepted += 1
        result.accepted_ids.append(value["id"])
        if not unique[value["id"]].announce:
            continue
        account = accounts[value["account_id"]]
        customer = customers.get(account.customer_id)
        row = SimpleNamespace(**value)
        if account.id not in keys:
            keys[account.id] = account_names.key(account.id)
        name = f"customers/{account.customer_id}/accounts/{keys[account.id]}"
        outbox.record(
            session,
            events_pb2.TransactionPosted(
                transaction=protomap.transaction_to_proto(row, keys[account.id], masked=False),
                account_type=protomap.ACCOUNT_TYPE_TO_PROTO.get(account.type, 0),
                tier=customer.tier if customer else "",
                branch=customer.branch if customer else "",
                relationship_manager=customer.relationship_manager if customer else "",
            ),
            service=SERVICE,
            clock=clock,
            resource=f"{name}/transactions/{value['id']}",
            event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"txn:{value['id']}")),
        )
    if origin == PUSH:
        await _advance_balances(session, [v for v in values if v["id"] in inserted], accounts)
    return result


async def _advance_balances(
    session: AsyncSession, values: list[dict], accounts: dict[str, AccountRow]
) -> None:
    """A pushed transaction with a balance moves the account's balance forward (never back in time), marked
    ``PUSH``: provisional until the next scan reads the account from the source, whose balance then wins."""
    latest: dict[str, dict] = {}
    for value in values:
        if value["balance_after"] is None:
            continue
        current = latest.get(value["account_id"])
        if current is None or value["post_time"] >= current["post_time"]:
            latest[value["account_id"]] = value
    for account_id, value in latest.items():
        seen = accounts[account_id].balance_update_time
        if seen is not None and aware(seen) > aware(value["post_time"]):
            continue
        await session.execute(
            update(AccountRow)
            .where(AccountRow.id == account_id)
            .values(
                balance=value["balance_after"], balance_update_time=value["post_time"], balance_origin="PUSH"
            )
        )


def decimal_or_none(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
