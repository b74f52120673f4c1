"""Posting new transactions to an existing source, the way the core system would (used by append and live).

One path for every late writer: the transaction row gets the next ``txn_id`` and its ``bal_after``; the account's
``cur_bal`` and ``upd_ts`` follow; the end-of-day row of ``acct_bal_hist`` for that day is inserted or updated.
Runs on SQLAlchemy async connections (aiosqlite / asyncpg), inside the caller's transaction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from kam_demobank import people, schema

#: Business time of the bank: Asia/Shanghai (no daylight saving).
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
TXN_ID_WIDTH = 14


def local_naive(moment: datetime) -> datetime:
    """A clock reading (aware) as the naive Asia/Shanghai business time the source stores."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).replace(tzinfo=None)


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def to_cents(value: object) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


@dataclass
class Account:
    acct_no: str
    cust_no: str
    prod_type: str
    bal: int  # cents
    status: str

    @property
    def liability(self) -> bool:
        return self.prod_type in schema.LIABILITY_TYPES


@dataclass(frozen=True)
class Posting:
    acct_no: str
    ts: datetime  # naive business time
    dc: str
    amt: int  # cents, > 0
    channel: str
    cash: str = "N"
    cp_name: str | None = None
    cp_acct: str | None = None
    memo: str | None = None


def _account_query():
    a, p = schema.acct, schema.prod
    return select(a.c.acct_no, a.c.cust_no, p.c.prod_type, a.c.cur_bal, a.c.acct_status).select_from(
        a.join(p, a.c.prod_cd == p.c.prod_cd)
    )


def _account(row) -> Account:
    return Account(row.acct_no, row.cust_no, row.prod_type, to_cents(row.cur_bal), row.acct_status)


async def load_accounts(conn: AsyncConnection, acct_nos: list[str]) -> dict[str, Account]:
    out: dict[str, Account] = {}
    for i in range(0, len(acct_nos), 500):
        chunk = acct_nos[i : i + 500]
        rows = await conn.execute(_account_query().where(schema.acct.c.acct_no.in_(chunk)))
        out.update((r.acct_no, _account(r)) for r in rows)
    return out


async def postable_accounts(
    conn: AsyncConnection,
    *,
    min_balance: int = 0,
    limit: int | None = None,
    types: tuple[str, ...] = ("DMD", "CARD", "WM", "FUND"),
) -> list[Account]:
    """Normal accounts of the given types, richest first when ``min_balance``/``limit`` are given."""
    query = _account_query().where(schema.acct.c.acct_status == "N", schema.prod.c.prod_type.in_(types))
    if min_balance:
        query = query.where(schema.acct.c.cur_bal >= cents_to_decimal(min_balance))
    if limit is not None:
        query = query.order_by(schema.acct.c.cur_bal.desc(), schema.acct.c.acct_no).limit(limit)
    else:
        query = query.order_by(schema.acct.c.acct_no)
    return [_account(r) for r in await conn.execute(query)]


async def next_txn_seq(conn: AsyncConnection) -> int:
    last = (await conn.execute(select(func.max(schema.txn.c.txn_id)))).scalar()
    return int(last) + 1 if last else 1


async def last_txn_ts(conn: AsyncConnection) -> datetime | None:
    return (await conn.execute(select(func.max(schema.txn.c.txn_ts)))).scalar()


async def apply(conn: AsyncConnection, accounts: dict[str, Account], postings: list[Posting]) -> list[dict]:
    """Insert ``postings`` in order and bring balances, ``upd_ts`` and balance history along. Returns txn rows.

    ``accounts`` must hold every posted account with its current balance; it is updated in place. A deposit may
    not go below zero (ValueError).
    """
    if not postings:
        return []
    seq = await next_txn_seq(conn)
    txns: list[dict] = []
    day_end: dict[tuple[str, object], int] = {}
    for k, posting in enumerate(postings):
        account = accounts[posting.acct_no]
        if posting.amt <= 0 or posting.dc not in ("D", "C"):
            raise ValueError(f"bad posting {posting}")
        sign = 1 if (posting.dc == "C") != account.liability else -1
        new_bal = account.bal + sign * posting.amt
        if new_bal < 0 and not account.liability:
            raise ValueError(f"posting would overdraw {posting.acct_no}: {account.bal} - {posting.amt}")
        account.bal = new_bal
        txns.append(
            {
                "txn_id": f"{seq + k:0{TXN_ID_WIDTH}d}",
                "acct_no": posting.acct_no,
                "txn_ts": posting.ts,
                "dc_flag": posting.dc,
                "amt": cents_to_decimal(posting.amt),
                "bal_after": cents_to_decimal(new_bal),
                "channel": posting.channel,
                "cash_flag": posting.cash,
                "cp_name": posting.cp_name,
                "cp_acct": posting.cp_acct,
                "memo": posting.memo,
            }
        )
        day_end[(posting.acct_no, posting.ts.date())] = new_bal
    await conn.execute(insert(schema.txn), txns)
    last_ts: dict[str, datetime] = {}
    for posting in postings:
        last_ts[posting.acct_no] = max(posting.ts, last_ts.get(posting.acct_no, posting.ts))
    await conn.execute(
        update(schema.acct)
        .where(schema.acct.c.acct_no == bindparam("k_acct"))
        .values(cur_bal=bindparam("k_bal"), upd_ts=bindparam("k_ts")),
        [
            {"k_acct": no, "k_bal": cents_to_decimal(accounts[no].bal), "k_ts": ts}
            for no, ts in last_ts.items()
        ],
    )
    await _upsert_day_end(conn, day_end)
    return txns


async def _upsert_day_end(conn: AsyncConnection, day_end: dict[tuple[str, object], int]) -> None:
    h = schema.acct_bal_hist
    keys = list(day_end)
    existing: set[tuple[str, object]] = set()
    for i in range(0, len(keys), 200):
        chunk = keys[i : i + 200]
        rows = await conn.execute(
            select(h.c.acct_no, h.c.bal_dt).where(
                or_(*(and_(h.c.acct_no == no, h.c.bal_dt == day) for no, day in chunk))
            )
        )
        existing.update((r.acct_no, r.bal_dt) for r in rows)
    updates = [
        {"k_acct": no, "k_dt": day, "k_bal": cents_to_decimal(bal)}
        for (no, day), bal in day_end.items()
        if (no, day) in existing
    ]
    inserts = [
        {"acct_no": no, "bal_dt": day, "bal": cents_to_decimal(bal)}
        for (no, day), bal in day_end.items()
        if (no, day) not in existing
    ]
    if updates:
        await conn.execute(
            update(h)
            .where(h.c.acct_no == bindparam("k_acct"), h.c.bal_dt == bindparam("k_dt"))
            .values(bal=bindparam("k_bal")),
            updates,
        )
    if inserts:
        await conn.execute(insert(h), inserts)


# ------------------------------------------------------------------------------------- everyday activity

_POOL_SIZE = 500


def counterparty(rng: random.Random) -> tuple[str, str]:
    name = people.person_name(rng, "M" if rng.random() < 0.5 else "F")
    return name, f"6{rng.randrange(10**18):018d}"


def everyday_posting(rng: random.Random, account: Account, ts: datetime) -> Posting:
    """An ordinary transaction on ``account`` that its balance allows (shopping, transfers, cash)."""
    rnd = rng.random
    scale = max(account.bal * 0.05, 5_000) if not account.liability else 20_000
    amt = max(int(scale * (0.2 + 2 * rnd() ** 2)), 100)
    if account.prod_type == "CARD":
        if account.bal > 0 and rnd() < 0.25:
            return Posting(
                account.acct_no, ts, "C", account.bal, "MOB", memo="信用卡还款", cp_name="本人还款"
            )
        return Posting(
            account.acct_no,
            ts,
            "D",
            amt,
            "POS",
            cp_name=people.MERCHANTS[int(rnd() * len(people.MERCHANTS))],
            memo="消费",
        )
    if account.prod_type in ("WM", "FUND"):
        if account.bal > 100_000 and rnd() < 0.5:
            return Posting(
                account.acct_no,
                ts,
                "D",
                min(account.bal, max(account.bal // 5, 100_000)),
                "MOB",
                cp_name="本人账户",
                memo="赎回",
            )
        return Posting(
            account.acct_no, ts, "C", 100_000 * (1 + int(rnd() * 10)), "MOB", cp_name="本人账户", memo="申购"
        )
    if account.bal >= amt and rnd() < 0.55:
        r = rnd()
        if r < 0.35 and amt <= 500_000:
            return Posting(
                account.acct_no,
                ts,
                "D",
                amt,
                "POS",
                cp_name=people.MERCHANTS[int(rnd() * len(people.MERCHANTS))],
                memo="消费",
            )
        name, no = counterparty(rng)
        return Posting(
            account.acct_no, ts, "D", amt, "MOB" if r < 0.8 else "NET", cp_name=name, cp_acct=no, memo="转账"
        )
    name, no = counterparty(rng)
    return Posting(
        account.acct_no, ts, "C", amt, "MOB" if rnd() < 0.7 else "NET", cp_name=name, cp_acct=no, memo="转账"
    )
