"""Live mode: keep appending transactions to the source so KAM can be watched reacting in real time.

Each step posts one transaction at the injected clock's time (as naive Asia/Shanghai business time):

* mostly everyday activity (shopping, transfers, card repayments) on ordinary and key accounts;
* now and then (``large_share``) a **large withdrawal** from a key customer's demand account: at least
  500,000 CNY or 30-80% of the balance, whichever is larger (capped at the balance);
* now and then (``run_share``) the start of a **run of small cash withdrawals**: 3-6 ATM/counter withdrawals of
  2,000-9,900 CNY from one key account on consecutive steps (seconds apart at the default rate).

Key accounts are the richest demand accounts (balance ≥ ``key_balance``), reloaded every ``refresh_steps``.
``run()`` sleeps ``1/rate`` seconds between steps (the sleep function is injectable) until cancelled.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from kam_kit.clock import Clock
from sqlalchemy.engine import URL

from kam_demobank import bulk
from kam_demobank import posting as post

log = logging.getLogger(__name__)

LARGE_WITHDRAWAL = 500_000_00  # cents


@dataclass
class LiveStats:
    steps: int = 0
    large_withdrawals: int = 0
    small_withdrawals: int = 0
    last_txn_id: str | None = None
    kinds: list[str] = field(default_factory=list)


class LiveFeed:
    def __init__(
        self,
        url: str | URL,
        *,
        clock: Clock,
        rate: float = 2.0,
        seed: int = 0,
        large_share: float = 0.03,
        run_share: float = 0.03,
        key_balance: int = 500_000_00,
        key_share: float = 0.3,
        refresh_steps: int = 500,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_posted: Callable[[list[dict]], Awaitable[None]] | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.url = url
        self.clock = clock
        self.rate = rate
        self.rng = random.Random(f"{seed}:live")
        self.large_share = large_share
        self.run_share = run_share
        self.key_balance = key_balance
        self.key_share = key_share
        self.refresh_steps = refresh_steps
        self.sleep = sleep
        #: Called with the committed source rows of each step (e.g. to push them on the CDC subject).
        self.on_posted = on_posted
        self.stats = LiveStats()
        self._engine = bulk.async_engine(url)
        self._key: list[str] = []
        self._ordinary: list[str] = []
        self._run: list[tuple[str, int]] = []  # pending small withdrawals (account, cents)

    async def close(self) -> None:
        await self._engine.dispose()

    async def _refresh(self, conn) -> None:
        key = await post.postable_accounts(conn, min_balance=self.key_balance, limit=300, types=("DMD",))
        self._key = [a.acct_no for a in key]
        everyone = await post.postable_accounts(conn, types=("DMD", "CARD"))
        step = max(1, len(everyone) // 5000)
        self._ordinary = [a.acct_no for a in everyone[::step]]
        if not self._ordinary:
            raise RuntimeError("the source has no account to post to; generate it first")

    async def step(self) -> str:
        """Post one transaction; returns its kind: ``everyday`` | ``large`` | ``small``."""
        rnd = self.rng.random
        ts = post.local_naive(self.clock.now())
        async with self._engine.begin() as conn:
            if self.stats.steps % self.refresh_steps == 0 or not self._ordinary:
                await self._refresh(conn)
            kind = "everyday"
            if self._run:
                acct_no, amount = self._run.pop(0)
                kind = "small"
            elif self._key and rnd() < self.large_share:
                acct_no, kind = self._key[int(rnd() * len(self._key))], "large"
            elif self._key and rnd() < self.run_share:
                acct_no, kind = self._key[int(rnd() * len(self._key))], "small"
                self._run = [
                    (acct_no, (2_000 + int(rnd() * 80) * 100) * 100) for _ in range(2 + int(rnd() * 4))
                ]
                amount = (2_000 + int(rnd() * 80) * 100) * 100
            else:
                pool = self._key if self._key and rnd() < self.key_share else self._ordinary
                acct_no = pool[int(rnd() * len(pool))]
            account = (await post.load_accounts(conn, [acct_no]))[acct_no]
            if kind == "large":
                amount = min(account.bal, max(LARGE_WITHDRAWAL, int(account.bal * (0.3 + 0.5 * rnd()))))
                name, cp_acct = post.counterparty(self.rng)
                posting = post.Posting(
                    acct_no,
                    ts,
                    "D",
                    amount,
                    "NET" if rnd() < 0.5 else "CTR",
                    cp_name=name,
                    cp_acct=cp_acct,
                    memo="大额转出",
                )
            elif kind == "small":
                amount = min(amount, account.bal)
                posting = post.Posting(
                    acct_no, ts, "D", amount, "ATM" if rnd() < 0.7 else "CTR", cash="Y", memo="ATM取款"
                )
            else:
                posting = post.everyday_posting(self.rng, account, ts)
            if posting.amt <= 0:  # an emptied account: deposit instead
                kind = "everyday"
                posting = post.Posting(acct_no, ts, "C", 100_000, "MOB", memo="转入")
            rows = await post.apply(conn, {acct_no: account}, [posting])
        if self.on_posted is not None:
            await self.on_posted(rows)
        self.stats.steps += 1
        self.stats.kinds.append(kind)
        if kind == "large":
            self.stats.large_withdrawals += 1
        elif kind == "small":
            self.stats.small_withdrawals += 1
        self.stats.last_txn_id = rows[0]["txn_id"]
        return kind

    async def run(self, max_steps: int | None = None) -> LiveStats:
        """Post transactions at ``rate`` per second until cancelled (or ``max_steps`` were posted)."""
        try:
            while max_steps is None or self.stats.steps < max_steps:
                try:
                    await self.step()
                except (asyncio.CancelledError, KeyboardInterrupt):
                    raise
                except Exception:
                    log.exception("live feed step failed; continuing")
                if self.stats.steps and self.stats.steps % 100 == 0:
                    log.info(
                        "live feed",
                        extra={
                            "steps": self.stats.steps,
                            "large": self.stats.large_withdrawals,
                            "small": self.stats.small_withdrawals,
                        },
                    )
                await self.sleep(1.0 / self.rate)
        finally:
            await self.close()
        return self.stats
