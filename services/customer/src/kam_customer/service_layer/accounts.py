"""Accounts, balance history and transactions of a customer (read-only; the scan writes them)."""

from __future__ import annotations

from kam_kit.auth import Identity
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument, NotFound
from sqlalchemy import ColumnElement, func, select

from kam_customer.adapters.orm import AccountRow, BalanceHistoryRow, CustomerRow, TransactionRow
from kam_customer.adapters.scope import ALL_CUSTOMERS, customer_for, parent_condition
from kam_customer.domain import names

ACCOUNT_ORDER = {
    "open_date": AccountRow.open_date,
    "maturity_date": AccountRow.maturity_date,
    "balance": AccountRow.balance,
}
ALL_ACCOUNTS = "-"


def order_clause(order_by: str) -> list:
    """``open_date desc`` (default), ``maturity_date``, ``balance desc`` …; then the account number."""
    text = order_by.strip() or "open_date desc"
    words = text.split()
    if len(words) not in (1, 2) or words[0] not in ACCOUNT_ORDER or (len(words) == 2 and words[1] != "desc"):
        raise InvalidArgument.for_field(
            "order_by", f"支持 {', '.join(ACCOUNT_ORDER)}，可加 desc (unsupported order)"
        )
    column = ACCOUNT_ORDER[words[0]]
    return [column.desc() if len(words) == 2 else column.asc(), AccountRow.id]


class AccountService:
    def __init__(self, db: Database, account_names: names.AccountNames) -> None:
        self.db = db
        self.names = account_names
        self.key = account_names.key

    async def list(
        self,
        identity: Identity | None,
        customer_id: str,
        *,
        conditions: list[ColumnElement[bool]],
        order_by: str,
        offset: int,
        limit: int,
    ) -> tuple[list[AccountRow], int]:
        order = order_clause(order_by)
        async with self.db.read() as session:
            await customer_for(session, identity, customer_id)
            where = [AccountRow.customer_id == customer_id, *conditions]
            rows = (
                await session.scalars(
                    select(AccountRow).where(*where).order_by(*order).offset(offset).limit(limit)
                )
            ).all()
            total = await session.scalar(select(func.count()).select_from(AccountRow).where(*where))
        return list(rows), int(total or 0)

    async def account_by_key(self, session, customer_id: str, key: str) -> AccountRow:
        """The customer's account whose name key is ``key``, else NOT_FOUND (the caller checked the scope)."""
        for row in (
            await session.scalars(select(AccountRow).where(AccountRow.customer_id == customer_id))
        ).all():
            if self.key(row.id) == key:
                return row
        raise NotFound(f"账户 customers/{customer_id}/accounts/{key} 不存在 (not found)")

    async def get(self, identity: Identity | None, name: str) -> tuple[AccountRow, list[BalanceHistoryRow]]:
        customer_id, key = names.parse(name, ("customers", "accounts"), "name")
        async with self.db.read() as session:
            await customer_for(session, identity, customer_id)
            account = await self.account_by_key(session, customer_id, key)
            history = (
                await session.scalars(
                    select(BalanceHistoryRow)
                    .where(BalanceHistoryRow.account_id == account.id)
                    .order_by(BalanceHistoryRow.day)
                )
            ).all()
        return account, list(history)

    async def transactions(
        self,
        identity: Identity | None,
        parent: str,
        *,
        conditions: list[ColumnElement[bool]],
        offset: int,
        limit: int,
    ) -> list[tuple[TransactionRow, str]]:
        """Newest first; each with the key of its account (for its name). ``customers/-/accounts/-`` lists the
        transactions of every customer in the caller's scope (AIP-159)."""
        customer_id, key = names.parse(parent, ("customers", "accounts"), "parent")
        statement = select(TransactionRow)
        async with self.db.read() as session:
            condition = await parent_condition(session, identity, customer_id, TransactionRow.customer_id)
            where = [*conditions] if condition is None else [condition, *conditions]
            if customer_id == ALL_CUSTOMERS:
                if key != ALL_ACCOUNTS:
                    raise InvalidArgument.for_field(
                        "parent", "所有客户时账户须为 - (customers/-/accounts/- only)"
                    )
                if condition is not None:
                    statement = statement.join(CustomerRow, CustomerRow.id == TransactionRow.customer_id)
            elif key != ALL_ACCOUNTS:
                where.append(
                    TransactionRow.account_id == (await self.account_by_key(session, customer_id, key)).id
                )
            rows = (
                await session.scalars(
                    statement.where(*where)
                    .order_by(TransactionRow.post_time.desc(), TransactionRow.id.desc())
                    .offset(offset)
                    .limit(limit)
                )
            ).all()
        return [(row, self.key(row.account_id)) for row in rows]
