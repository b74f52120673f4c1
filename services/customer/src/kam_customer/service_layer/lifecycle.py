"""Deleting a customer entered by staff, and recording a transaction pushed through the API.

``delete``: only ``SOURCE_MANUAL`` customers (the scan would copy a core-banking customer back, and the core
system is the master of those); the customer's contacts, timeline, tier state, history and overrides and its
search terms go with it, in one transaction with ``CustomerDeleted``. A customer that is a member of a corporate
group is refused until it is taken out of the group (the group's structure would otherwise break silently).

``create_transaction``: the one idempotent ingestion path (:func:`kam_customer.scan.ingest.apply_transactions`,
origin PUSH), so a transaction recorded twice, or also pushed by IngestionService/CDC or scanned, is stored and
published once; a repeat returns the stored transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from kam.customer.v1 import events_pb2
from kam_kit import etags, outbox
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import AlreadyExists, FailedPrecondition, FieldViolation, Validator
from sqlalchemy import delete

from kam_customer.adapters.orm import (
    ContactRow,
    CreditProfileRow,
    CustomerGroupMemberRow,
    CustomerMetricsRow,
    InteractionRow,
    TransactionRow,
)
from kam_customer.context import SERVICE
from kam_customer.scan import ingest
from kam_customer.search.index import reindex
from kam_customer.service_layer import names
from kam_customer.service_layer.accounts import AccountService
from kam_customer.service_layer.customers import customer_id_from_name
from kam_customer.service_layer.scope import customer_for
from kam_customer.tiering.orm import CustomerTierStateRow, TierHistoryRow, TierOverrideRow

TRANSACTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
MAX_TEXT = 200


@dataclass
class TransactionDraft:
    """A transaction as the API receives it (amounts in CNY)."""

    direction: str  # DEBIT | CREDIT | "" (unspecified)
    amount: Decimal | None  # CNY (the entrypoint checked the currency)
    post_time: datetime | None
    balance_after: Decimal | None = None
    channel: str = ""
    counterparty: str = ""
    summary: str = ""
    #: Fields the entrypoint could not read (bad dates, amounts, currencies), named with the others.
    unreadable: list[FieldViolation] = field(default_factory=list)


def validate_transaction(transaction_id: str, draft: TransactionDraft, now: datetime) -> None:
    v = Validator()
    v.violations.extend(draft.unreadable)
    unreadable = {violation.field.split(".")[1] for violation in draft.unreadable if "." in violation.field}
    if v.require(transaction_id, "transaction_id", "请填写核心系统交易流水号 (the core-banking reference is required)"):
        v.check(bool(TRANSACTION_ID.match(transaction_id)), "transaction_id",
                "只能包含字母、数字和 . _ : -，最长64位 (letters, digits and . _ : -, at most 64)")
    v.require(draft.direction, "transaction.direction", "请指定借贷方向 (DIRECTION_DEBIT or DIRECTION_CREDIT)")
    if draft.amount is not None:
        v.check(draft.amount > 0, "transaction.amount", "金额必须为正 (must be positive)")
    elif "amount" not in unreadable:
        v.add("transaction.amount", "必填 (required)")
    if draft.post_time is None:
        if "post_time" not in unreadable:
            v.add("transaction.post_time", "请填写记账时间 (required)")
    else:
        v.check(draft.post_time <= now + ingest.MAX_CLOCK_SKEW, "transaction.post_time",
                "记账时间不能晚于当前时间 (must not be in the future)")
    v.check(len(draft.counterparty) <= MAX_TEXT, "transaction.counterparty", f"最长{MAX_TEXT}个字符 (at most {MAX_TEXT})")
    v.check(len(draft.summary) <= MAX_TEXT, "transaction.summary", f"最长{MAX_TEXT}个字符 (at most {MAX_TEXT})")
    v.raise_if_any()


class LifecycleService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.events = outbox.Recorder(SERVICE, clock)
        self.accounts = AccountService(db)

    async def delete(self, identity: Identity | None, name: str, *, etag: str) -> None:
        customer_id = customer_id_from_name(name)
        async with self.db.transaction() as session:
            row = await customer_for(session, identity, customer_id)
            if row.source != "MANUAL":
                raise FailedPrecondition(
                    "该客户来自核心系统，不能在KAM中删除；请在核心系统销户，扫描会同步状态 (customers copied from the "
                    "core-banking system cannot be deleted in KAM; close them in the source)",
                    reason="CUSTOMER_FROM_SOURCE", metadata={"name": name})
            etags.check(etag, row.version, "客户")
            member = await session.get(CustomerGroupMemberRow, customer_id)
            if member is not None:
                group = f"customerGroups/{member.group_id}"
                raise FailedPrecondition(f"客户是集团 {group} 的成员，请先将其移出集团 (remove the customer from the "
                                         "group first)", reason="CUSTOMER_IN_GROUP", metadata={"group": group})
            for table in (ContactRow, InteractionRow, CreditProfileRow, CustomerMetricsRow, TierOverrideRow, TierHistoryRow,
                          CustomerTierStateRow):
                await session.execute(delete(table).where(table.customer_id == customer_id))
            await session.delete(row)
            await reindex(session, [customer_id])  # the customer is gone: its search terms are dropped
            self.events.record(session, events_pb2.CustomerDeleted(customer=f"customers/{customer_id}"),
                               resource=f"customers/{customer_id}")

    async def create_transaction(self, identity: Identity | None, parent: str, transaction_id: str,
                                 draft: TransactionDraft) -> tuple[TransactionRow, str]:
        """The stored transaction (new or the earlier one with this reference) and its account's key."""
        customer_id, key = names.parse(parent, ("customers", "accounts"), "parent")
        validate_transaction(transaction_id, draft, self.clock.now())
        async with self.db.transaction() as session:
            await customer_for(session, identity, customer_id)
            account = await self.accounts._account(session, customer_id, key)
            stored = await session.get(TransactionRow, transaction_id)
            if stored is None:
                assert draft.amount is not None and draft.post_time is not None  # validated
                await ingest.apply_transactions(session, [ingest.IncomingTransaction(
                    id=transaction_id, account_id=account.id, direction=draft.direction, amount=draft.amount,
                    post_time=draft.post_time, balance_after=draft.balance_after, channel=draft.channel,
                    counterparty=draft.counterparty, summary=draft.summary,
                )], origin=ingest.PUSH, clock=self.clock)
                stored = await session.get(TransactionRow, transaction_id)
            if stored is None or stored.account_id != account.id:
                raise AlreadyExists(f"流水号 {transaction_id} 已用于其他账户 (the reference is recorded on another "
                                    "account)", metadata={"transaction_id": transaction_id})
        return stored, key
