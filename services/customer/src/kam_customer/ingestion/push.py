"""What the core-banking system pushes through the customer API: ``CreateTransaction`` records one transaction
on a customer's account through the one idempotent ingestion path (:func:`ingest.apply_transactions`, origin
``PUSH``), so a transaction recorded twice, or also pushed by IngestionService/CDC or scanned, is stored and
published once; a repeat returns the stored transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import AlreadyExists, FieldViolation, Validator

from kam_customer.adapters.orm import TransactionRow
from kam_customer.adapters.scope import customer_for
from kam_customer.adapters.trail import trail, values
from kam_customer.domain import names
from kam_customer.ingestion import ingest
from kam_customer.service_layer.accounts import AccountService

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
    #: cash at the counter or an ATM (what the large-cash alert rules watch)
    cash: bool = False
    counterparty: str = ""
    summary: str = ""
    #: Fields the entrypoint could not read (bad dates, amounts, currencies), named with the others.
    unreadable: list[FieldViolation] = field(default_factory=list)


def validate_transaction(transaction_id: str, draft: TransactionDraft, now: datetime) -> None:
    v = Validator()
    v.violations.extend(draft.unreadable)
    unreadable = {violation.field.split(".")[1] for violation in draft.unreadable if "." in violation.field}
    if v.require(
        transaction_id, "transaction_id", "请填写核心系统交易流水号 (the core-banking reference is required)"
    ):
        v.check(
            bool(TRANSACTION_ID.match(transaction_id)),
            "transaction_id",
            "只能包含字母、数字和 . _ : -，最长64位 (letters, digits and . _ : -, at most 64)",
        )
    v.require(
        draft.direction, "transaction.direction", "请指定借贷方向 (DIRECTION_DEBIT or DIRECTION_CREDIT)"
    )
    if draft.amount is not None:
        v.check(draft.amount > 0, "transaction.amount", "金额必须为正 (must be positive)")
    elif "amount" not in unreadable:
        v.add("transaction.amount", "必填 (required)")
    if draft.post_time is None:
        if "post_time" not in unreadable:
            v.add("transaction.post_time", "请填写记账时间 (required)")
    else:
        v.check(
            draft.post_time <= now + ingest.MAX_CLOCK_SKEW,
            "transaction.post_time",
            "记账时间不能晚于当前时间 (must not be in the future)",
        )
    v.check(
        len(draft.counterparty) <= MAX_TEXT,
        "transaction.counterparty",
        f"最长{MAX_TEXT}个字符 (at most {MAX_TEXT})",
    )
    v.check(
        len(draft.summary) <= MAX_TEXT, "transaction.summary", f"最长{MAX_TEXT}个字符 (at most {MAX_TEXT})"
    )
    v.raise_if_any()


class PushService:
    def __init__(
        self, db: Database, clock: Clock, accounts: AccountService, account_names: names.AccountNames
    ) -> None:
        self.db = db
        self.clock = clock
        self.accounts = accounts
        self.account_names = account_names

    async def create_transaction(
        self, identity: Identity | None, parent: str, transaction_id: str, draft: TransactionDraft
    ) -> tuple[TransactionRow, str]:
        """The stored transaction (new or the earlier one with this reference) and its account's key."""
        customer_id, key = names.parse(parent, ("customers", "accounts"), "parent")
        validate_transaction(transaction_id, draft, self.clock.now())
        async with self.db.transaction() as session:
            await customer_for(session, identity, customer_id)
            account = await self.accounts.account_by_key(session, customer_id, key)
            stored = await session.get(TransactionRow, transaction_id)
            if stored is None:
                assert draft.amount is not None and draft.post_time is not None  # validated
                await ingest.apply_transactions(
                    session,
                    [
                        ingest.IncomingTransaction(
                            id=transaction_id,
                            account_id=account.id,
                            direction=draft.direction,
                            amount=draft.amount,
                            post_time=draft.post_time,
                            balance_after=draft.balance_after,
                            channel=draft.channel,
                            cash=draft.cash,
                            counterparty=draft.counterparty,
                            summary=draft.summary,
                        )
                    ],
                    origin=ingest.PUSH,
                    clock=self.clock,
                    account_names=self.account_names,
                )
                stored = await session.get(TransactionRow, transaction_id)
                if stored is not None:
                    trail(self.clock).change(
                        session,
                        actor=identity,
                        action="transactions.create",
                        resource=f"customers/{customer_id}/accounts/{key}/transactions/{transaction_id}",
                        after=values(stored),
                    )
            if stored is None or stored.account_id != account.id:
                raise AlreadyExists(
                    f"流水号 {transaction_id} 已用于其他账户 (the reference is recorded on another account)",
                    metadata={"transaction_id": transaction_id},
                )
        return stored, key
