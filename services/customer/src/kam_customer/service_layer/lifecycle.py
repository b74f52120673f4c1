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
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from kam.customer.v1 import events_pb2
from kam_kit import outbox
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import Aborted, AlreadyExists, FailedPrecondition, PermissionDenied, Validator
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
from kam_customer.domain import customers as domain
from kam_customer.scan import ingest
from kam_customer.search.index import reindex
from kam_customer.service_layer import names
from kam_customer.service_layer.accounts import AccountService
from kam_customer.service_layer.customers import customer_id_from_name
from kam_customer.service_layer.scope import scope_for, visible_customer
from kam_customer.tiering.orm import CustomerTierStateRow, TierHistoryRow, TierOverrideRow

#: Who may delete a (manual) customer, within their data scope; service tokens may too.
DELETE_ROLES = frozenset({"roles/admin", "roles/head_office_leader", "roles/branch_manager"})
#: Who may record a transaction by hand: the core-banking system (a service token) and administrators (to
#: replay a push that was lost). Staff never invent transactions.
TRANSACTION_ROLES = frozenset({"roles/admin"})
TRANSACTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
#: How far a pushed post_time may be ahead of KAM's clock (clock skew between the systems).
MAX_CLOCK_SKEW = timedelta(minutes=5)
MAX_TEXT = 200


def require_role(identity: Identity | None, roles: frozenset[str], message: str, reason: str) -> None:
    """In-process calls (no identity) and service tokens pass; users need one of ``roles``."""
    if identity is None or identity.kind == "service" or roles.intersection(identity.roles):
        return
    raise PermissionDenied(message, reason=reason)


@dataclass
class TransactionDraft:
    """A transaction as the API receives it (amounts in CNY)."""

    direction: str  # DEBIT | CREDIT | "" (unspecified)
    amount: Decimal | None
    currency: str
    post_time: datetime | None
    balance_after: Decimal | None = None
    balance_currency: str = ""
    channel: str = ""
    counterparty: str = ""
    summary: str = ""


def validate_transaction(transaction_id: str, draft: TransactionDraft, now: datetime) -> None:
    v = Validator()
    if v.require(transaction_id, "transaction_id", "请填写核心系统交易流水号 (the core-banking reference is required)"):
        v.check(bool(TRANSACTION_ID.match(transaction_id)), "transaction_id",
                "只能包含字母、数字和 . _ : -，最长64位 (letters, digits and . _ : -, at most 64)")
    v.require(draft.direction, "transaction.direction", "请指定借贷方向 (DIRECTION_DEBIT or DIRECTION_CREDIT)")
    if draft.amount is None:
        v.add("transaction.amount", "必填 (required)")
    else:
        v.check(draft.amount > 0, "transaction.amount", "金额必须为正 (must be positive)")
        v.check(draft.currency in ("", "CNY"), "transaction.amount.currency_code", "仅支持人民币 (only CNY)")
    if draft.balance_after is not None:
        v.check(draft.balance_currency in ("", "CNY"), "transaction.balance_after.currency_code",
                "仅支持人民币 (only CNY)")
    if draft.post_time is None:
        v.add("transaction.post_time", "请填写记账时间 (required)")
    else:
        v.check(draft.post_time <= now + MAX_CLOCK_SKEW, "transaction.post_time",
                "记账时间不能晚于当前时间 (must not be in the future)")
    v.check(len(draft.counterparty) <= MAX_TEXT, "transaction.counterparty", f"最长{MAX_TEXT}个字符 (at most {MAX_TEXT})")
    v.check(len(draft.summary) <= MAX_TEXT, "transaction.summary", f"最长{MAX_TEXT}个字符 (at most {MAX_TEXT})")
    v.raise_if_any()


class LifecycleService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.accounts = AccountService(db)

    async def delete(self, identity: Identity | None, name: str, *, etag: str) -> None:
        customer_id = customer_id_from_name(name)
        require_role(identity, DELETE_ROLES, "只有管理员、总行领导或支行行长可以删除客户 (deleting a customer needs "
                     "roles/admin, roles/head_office_leader or roles/branch_manager)", "CUSTOMER_DELETE_NOT_ALLOWED")
        async with self.db.transaction() as session:
            row = await visible_customer(session, await scope_for(session, identity), customer_id)
            if row.source != "MANUAL":
                raise FailedPrecondition(
                    "该客户来自核心系统，不能在KAM中删除；请在核心系统销户，扫描会同步状态 (customers copied from the "
                    "core-banking system cannot be deleted in KAM; close them in the source)",
                    reason="CUSTOMER_FROM_SOURCE", metadata={"name": name})
            if etag and etag != domain.etag_for(row.version):
                raise Aborted(f"客户已被他人修改，请刷新后重试 (etag {etag} is stale)",
                              metadata={"current_etag": domain.etag_for(row.version)})
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
            outbox.record(session, events_pb2.CustomerDeleted(customer=f"customers/{customer_id}"),
                          service=SERVICE, clock=self.clock, resource=f"customers/{customer_id}")

    async def create_transaction(self, identity: Identity | None, parent: str, transaction_id: str,
                                 draft: TransactionDraft) -> tuple[TransactionRow, str]:
        """The stored transaction (new or the earlier one with this reference) and its account's key."""
        require_role(identity, TRANSACTION_ROLES, "只有核心系统（服务令牌）或管理员可以记录交易 (transactions are "
                     "recorded by the core-banking system or an administrator)", "TRANSACTION_CREATE_NOT_ALLOWED")
        customer_id, key = names.parse(parent, ("customers", "accounts"), "parent")
        validate_transaction(transaction_id, draft, self.clock.now())
        async with self.db.transaction() as session:
            await visible_customer(session, await scope_for(session, identity), customer_id)
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
