"""Transaction monitoring without I/O: the detectors of the rule types that watch money move (issue 15, types 1–4).

Each detector is a rule's parameters plus the *state* it keeps between events — plain data that
:meth:`to_json` / :meth:`from_json` turn into what the service stores, so a restart continues a window instead of
replaying history. A detector takes one observation (a transaction, a balance) and returns the hits it causes.
A :class:`Hit` names its **alert key**: the same rule firing again for the same customer inside its window gives
the same key, so the service updates one alert (occurrence count, last time, the transactions) instead of raising
another. Redelivered transactions (an id already counted) change nothing.

- :class:`LargeTransaction` — one transaction at or above a threshold, or the same day's cumulative amount per
  customer and direction (the bank's local day), filtered by direction, cash, channel and customer type; the
  defaults after the PBOC large-value reporting rules (:func:`pboc_large_value_rules`). Comparisons are inclusive
  ("以上" includes the amount itself).
- :class:`Structuring` — within a sliding window at least ``count`` withdrawals each below ``each_below`` whose sum
  reaches ``total_at_least``, per account or per customer across accounts.
- :class:`SuddenDrop` — a balance or AUM down by at least ``percent`` against the highest level of the last
  ``days`` days (the customer's own level).
- :class:`Dormancy` — no activity for ``days`` days (checked by the scheduler with the injected clock).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

#: The bank's time zone: the day of a "same-day cumulative" amount.
BANK_TZ = ZoneInfo("Asia/Shanghai")


class Direction(StrEnum):
    DEBIT = "debit"  # money out (取款, 转出)
    CREDIT = "credit"  # money in (存款, 转入)


class CustomerType(StrEnum):
    INDIVIDUAL = "individual"
    CORPORATE = "corporate"


@dataclass(frozen=True)
class Transaction:
    """One posted transaction as the customer service's event gives it; ``amount`` in CNY yuan, positive."""

    id: str
    customer: str
    account: str
    amount: Decimal
    direction: Direction
    post_time: datetime
    cash: bool = False
    channel: str = ""
    customer_type: CustomerType = CustomerType.INDIVIDUAL

    def __post_init__(self) -> None:
        if self.post_time.tzinfo is None:
            raise ValueError("post_time must carry its offset")
        if self.amount < 0:
            raise ValueError("amount is positive; the direction says which way")


@dataclass(frozen=True)
class Hit:
    """A rule fired. ``key`` is the alert it raises or updates; ``transactions`` the ids that made it fire."""

    rule: str
    customer: str
    key: str
    transactions: tuple[str, ...] = ()
    amount: Decimal = Decimal(0)
    #: facts for display, label → value (zh-CN labels; values formatted by the caller)
    evidence: Mapping[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------- large transactions


@dataclass
class LargeTransaction:
    """Type 1: a transaction at or above ``threshold`` (inclusive), or — with ``cumulative`` — the customer's
    same-day total in one direction reaching it. ``None`` filters match anything."""

    rule: str
    threshold: Decimal
    direction: Direction | None = None
    cash: bool | None = None
    channel: str | None = None
    customer_type: CustomerType | None = None
    cumulative: bool = True
    tz: ZoneInfo = BANK_TZ
    #: state: (customer, direction, local day) → {transaction id: amount} counted that day
    days: dict[tuple[str, str, str], dict[str, Decimal]] = field(default_factory=dict)
    _newest_day: date | None = field(default=None, repr=False)

    def applies_to(self, t: Transaction) -> bool:
        return (
            (self.direction is None or t.direction == self.direction)
            and (self.cash is None or t.cash == self.cash)
            and (self.channel is None or t.channel == self.channel)
            and (self.customer_type is None or t.customer_type == self.customer_type)
        )

    def observe(self, t: Transaction) -> list[Hit]:
        if not self.applies_to(t):
            return []
        day = t.post_time.astimezone(self.tz).date()
        key = (t.customer, t.direction.value, day.isoformat())
        counted = self.days.setdefault(key, {})
        if t.id in counted:
            return []  # redelivered
        counted[t.id] = t.amount
        if self._newest_day is None or day > self._newest_day:  # a new day: forget the ones before yesterday
            self._newest_day = day
            self._forget_before(day - timedelta(days=1))
        total = sum(counted.values(), Decimal(0))
        single = t.amount >= self.threshold
        if not (single or (self.cumulative and total >= self.threshold)):
            return []
        # one alert per customer, direction and day: later transactions of the day update it
        contributing = (t.id,) if single and not self.cumulative else tuple(counted)
        return [
            Hit(
                rule=self.rule,
                customer=t.customer,
                key=f"{self.rule}|{t.customer}|{t.direction.value}|{day.isoformat()}",
                transactions=contributing,
                amount=total if self.cumulative else t.amount,
                evidence={"单笔金额": t.amount, "当日累计": total, "日期": day.isoformat()},
            )
        ]

    def empty(self) -> LargeTransaction:
        """The same rule with no state (cheaper than building it from the rule again)."""
        clone = copy.copy(self)
        clone.days, clone._newest_day = {}, None
        return clone

    def _forget_before(self, day: date) -> None:
        """Days before ``day`` can no longer change (late events of yesterday are still taken)."""
        for key in [k for k in self.days if k[2] < day.isoformat()]:
            del self.days[key]

    def to_json(self) -> dict[str, Any]:
        return {"days": [[*k, {i: str(a) for i, a in v.items()}] for k, v in self.days.items()]}

    def load_json(self, data: Mapping[str, Any]) -> None:
        self.days = {
            (c, d, day): {i: Decimal(a) for i, a in v.items()} for c, d, day, v in data.get("days", [])
        }


def pboc_large_value_rules() -> list[LargeTransaction]:
    """The shipped defaults, after the PBOC's large-value transaction reporting rules (中国人民银行令〔2016〕第3号):
    cash deposits or withdrawals of 50,000 CNY or more; an individual's transfers of 500,000 CNY or more; an
    institution's transfers of 2,000,000 CNY or more — each a single transaction or the same day's total."""
    return [
        LargeTransaction("large-cash", Decimal(50_000), cash=True),
        LargeTransaction(
            "large-transfer-individual", Decimal(500_000), cash=False, customer_type=CustomerType.INDIVIDUAL
        ),
        LargeTransaction(
            "large-transfer-corporate", Decimal(2_000_000), cash=False, customer_type=CustomerType.CORPORATE
        ),
    ]


# ------------------------------------------------------------------------------------------------- structuring


@dataclass
class Structuring:
    """Type 2: within ``window`` at least ``count`` withdrawals each below ``each_below`` summing to at least
    ``total_at_least`` — per account (``per_account``) or per customer across its accounts."""

    rule: str
    window: timedelta
    count: int
    each_below: Decimal
    total_at_least: Decimal
    per_account: bool = False
    #: state: scope key → [(post time, transaction id, amount)] within the window, in time order
    windows: dict[str, list[tuple[datetime, str, Decimal]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.window <= timedelta(0) or self.count < 1:
            raise ValueError("the window must be positive and the count at least 1")

    def applies_to(self, t: Transaction) -> bool:
        return t.direction == Direction.DEBIT and t.amount < self.each_below

    def empty(self) -> Structuring:
        """The same rule with no state."""
        clone = copy.copy(self)
        clone.windows = {}
        return clone

    def observe(self, t: Transaction) -> list[Hit]:
        if not self.applies_to(t):
            return []
        scope = f"{t.customer}/{t.account}" if self.per_account else t.customer
        entries = self.windows.setdefault(scope, [])
        if any(entry[1] == t.id for entry in entries):
            return []  # redelivered
        entries.append((t.post_time, t.id, t.amount))
        entries.sort(key=lambda entry: entry[0])
        newest = entries[-1][0]
        # the window ends at the newest withdrawal seen: a late one inside it still counts
        entries[:] = [entry for entry in entries if newest - entry[0] < self.window]
        inside = [
            entry for entry in entries if entry[0] <= t.post_time and t.post_time - entry[0] < self.window
        ]
        total = sum((entry[2] for entry in inside), Decimal(0))
        if len(inside) < self.count or total < self.total_at_least:
            return []
        return [
            Hit(
                rule=self.rule,
                customer=t.customer,
                # one alert per scope: while it is open, further withdrawals of the run update it
                key=f"{self.rule}|{scope}",
                transactions=tuple(entry[1] for entry in inside),
                amount=total,
                evidence={"笔数": len(inside), "合计金额": total, "窗口": str(self.window)},
            )
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "windows": {
                scope: [[when.isoformat(), tid, str(amount)] for when, tid, amount in entries]
                for scope, entries in self.windows.items()
            }
        }

    def load_json(self, data: Mapping[str, Any]) -> None:
        self.windows = {
            scope: [(datetime.fromisoformat(when), tid, Decimal(amount)) for when, tid, amount in entries]
            for scope, entries in data.get("windows", {}).items()
        }


# ------------------------------------------------------------------------------------------------ sudden drop


@dataclass
class SuddenDrop:
    """Type 3: a level (balance or AUM, CNY) down by at least ``percent`` % — and by ``minimum_drop`` CNY —
    against the highest level of the customer's last ``days`` days, a churn signal. ``minimum_level`` ignores
    customers whose peak is small."""

    rule: str
    percent: Decimal
    days: int
    minimum_level: Decimal = Decimal(0)
    #: and the drop itself at least this much (CNY)
    minimum_drop: Decimal = Decimal(0)
    tz: ZoneInfo = BANK_TZ
    #: state: customer → {local day: highest level that day}
    levels: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (Decimal(0) < self.percent <= Decimal(100)) or self.days < 1:
            raise ValueError("percent must be in (0, 100] and days at least 1")

    def observe(self, customer: str, level: Decimal, when: datetime) -> list[Hit]:
        day = when.astimezone(self.tz).date()
        history = self.levels.setdefault(customer, {})
        oldest = (day - timedelta(days=self.days)).isoformat()
        for old in [d for d in history if d < oldest]:
            del history[old]
        peak_day, peak = max(history.items(), key=lambda kv: kv[1], default=("", None))
        today = day.isoformat()
        history[today] = max(history.get(today, level), level)
        if peak is None or peak <= 0 or peak < self.minimum_level:
            return []
        drop = (peak - level) / peak * 100
        if drop < self.percent or peak - level < self.minimum_drop:
            return []
        return [
            Hit(
                rule=self.rule,
                customer=customer,
                key=f"{self.rule}|{customer}|{peak_day}",
                amount=peak - level,
                evidence={
                    "此前最高": peak,
                    "当前": level,
                    "降幅%": drop.quantize(Decimal("0.1")),
                    "最高日": peak_day,
                },
            )
        ]

    def to_json(self) -> dict[str, Any]:
        return {"levels": {c: {d: str(v) for d, v in h.items()} for c, h in self.levels.items()}}

    def load_json(self, data: Mapping[str, Any]) -> None:
        self.levels = {c: {d: Decimal(v) for d, v in h.items()} for c, h in data.get("levels", {}).items()}


# --------------------------------------------------------------------------------------------------- dormancy


@dataclass
class Dormancy:
    """Type 4: a watched customer with no transaction for ``days`` days. :meth:`observe` notes activity;
    :meth:`sweep` (the scheduler, with the injected clock's now) returns one hit per dormant period."""

    rule: str
    days: int
    #: state: customer → time of the last transaction
    last_activity: dict[str, datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError("days must be at least 1")

    def observe(self, t: Transaction) -> None:
        if t.post_time > self.last_activity.get(t.customer, t.post_time - timedelta(seconds=1)):
            self.last_activity[t.customer] = t.post_time

    def watch(self, customers: Iterable[str], since: datetime) -> None:
        """Start watching customers without a known transaction (e.g. a new key customer) from ``since``."""
        for customer in customers:
            self.last_activity.setdefault(customer, since)

    def sweep(self, now: datetime) -> list[Hit]:
        limit = timedelta(days=self.days)
        return [
            Hit(
                rule=self.rule,
                customer=customer,
                # the same quiet period is one alert; activity and a new quiet period make another
                key=f"{self.rule}|{customer}|{last.isoformat()}",
                evidence={"最近交易": last.isoformat(), "静止天数": (now - last).days},
            )
            for customer, last in sorted(self.last_activity.items())
            if now - last >= limit
        ]

    def to_json(self) -> dict[str, Any]:
        return {"last_activity": {c: t.isoformat() for c, t in self.last_activity.items()}}

    def load_json(self, data: Mapping[str, Any]) -> None:
        self.last_activity = {c: datetime.fromisoformat(t) for c, t in data.get("last_activity", {}).items()}
