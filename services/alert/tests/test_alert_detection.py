"""The transaction-monitoring detectors at their edges: equal to the threshold, one below, window edges, the
cumulative day boundary in the bank's time zone, redelivery, and state that survives a round trip through JSON
(what a restart reads back)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from kam_alert.domain.detection import (
    CustomerType,
    Direction,
    Dormancy,
    LargeTransaction,
    Structuring,
    SuddenDrop,
    Transaction,
    pboc_large_value_rules,
)

T0 = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
_ids = iter(range(1, 1_000_000))


def txn(amount: str, *, at: datetime = T0, customer: str = "c1", account: str = "a1", **kw) -> Transaction:
    kw.setdefault("direction", Direction.DEBIT)
    return Transaction(f"t{next(_ids)}", customer, account, Decimal(amount), post_time=at, **kw)


def restart(detector, fresh):
    """The detector as a restarted service has it: a new one with the stored state read back."""
    fresh.load_json(json.loads(json.dumps(detector.to_json())))
    return fresh


# ------------------------------------------------------------------------------------------- large transactions


def test_a_cash_transaction_at_the_threshold_fires_and_one_yuan_below_does_not() -> None:
    cash = LargeTransaction("cash", Decimal(50_000), cash=True, cumulative=False)
    assert cash.observe(txn("50000.00", cash=True))
    assert not cash.observe(txn("49999.99", cash=True, customer="c2"))
    assert not cash.observe(txn("80000", cash=False, customer="c3"))  # a transfer is not cash


def test_the_same_days_total_fires_once_it_reaches_the_threshold_and_updates_one_alert() -> None:
    rule = LargeTransaction("cash", Decimal(50_000), cash=True)
    assert not rule.observe(txn("30000", cash=True))
    first = rule.observe(txn("19999.99", cash=True, at=T0 + timedelta(hours=1)))
    assert not first
    hit = rule.observe(txn("0.01", cash=True, at=T0 + timedelta(hours=2)))
    assert hit and hit[0].amount == Decimal(50_000) and len(hit[0].transactions) == 3
    again = rule.observe(txn("100", cash=True, at=T0 + timedelta(hours=3)))
    assert again[0].key == hit[0].key and len(again[0].transactions) == 4


def test_the_cumulative_day_is_the_banks_local_day() -> None:
    rule = LargeTransaction("cash", Decimal(50_000), cash=True)
    # 23:30 and 00:30 in Beijing are two days, although both are 4 December in UTC (15:30, 16:30)
    late = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)
    assert not rule.observe(txn("30000", cash=True, at=late))
    assert not rule.observe(txn("30000", cash=True, at=late + timedelta(hours=1)))
    # the same two amounts within one Beijing day do add up
    assert rule.observe(txn("30000", cash=True, at=late + timedelta(hours=2)))


def test_directions_add_up_separately_and_filters_apply() -> None:
    rule = LargeTransaction("transfer", Decimal(500_000), cash=False, customer_type=CustomerType.INDIVIDUAL)
    assert not rule.observe(txn("300000", direction=Direction.DEBIT))
    assert not rule.observe(txn("300000", direction=Direction.CREDIT))
    assert not rule.observe(txn("600000", customer_type=CustomerType.CORPORATE, customer="corp"))
    assert rule.observe(txn("200000", direction=Direction.DEBIT))


def test_a_redelivered_transaction_counts_once() -> None:
    rule = LargeTransaction("cash", Decimal(50_000), cash=True)
    once = txn("30000", cash=True)
    rule.observe(once)
    assert not rule.observe(once)
    assert not rule.observe(txn("19999", cash=True))


def test_the_pboc_defaults() -> None:
    rules = {r.rule: r for r in pboc_large_value_rules()}
    fired = lambda t: sorted(name for name, r in rules.items() if r.observe(t))
    assert fired(txn("50000", cash=True, customer="p1")) == ["large-cash"]
    assert fired(txn("500000", customer="p2")) == ["large-transfer-individual"]
    assert fired(txn("499999.99", customer="p3")) == []
    assert fired(txn("1999999.99", customer="e1", customer_type=CustomerType.CORPORATE)) == []
    assert fired(txn("2000000", customer="e2", customer_type=CustomerType.CORPORATE)) == [
        "large-transfer-corporate"
    ]


def test_a_restart_continues_the_days_total() -> None:
    rule = LargeTransaction("cash", Decimal(50_000), cash=True)
    seen = txn("40000", cash=True)
    rule.observe(seen)
    again = restart(rule, LargeTransaction("cash", Decimal(50_000), cash=True))
    assert not again.observe(seen)  # the redelivery after the restart
    assert again.observe(txn("10000", cash=True))


# ------------------------------------------------------------------------------------------------- structuring


def structuring(**kw) -> Structuring:
    params = {
        "rule": "smurf",
        "window": timedelta(hours=24),
        "count": 3,
        "each_below": Decimal(10_000),
        "total_at_least": Decimal(25_000),
    }
    return Structuring(**{**params, **kw})


def test_many_small_withdrawals_in_the_window_fire() -> None:
    rule = structuring()
    assert not rule.observe(txn("9000"))
    assert not rule.observe(txn("9000", at=T0 + timedelta(hours=5)))
    hit = rule.observe(txn("9000", at=T0 + timedelta(hours=23, minutes=59)))
    assert hit and hit[0].amount == Decimal(27_000) and len(hit[0].transactions) == 3


def test_window_edges_amount_edges_and_deposits() -> None:
    rule = structuring()
    rule.observe(txn("9000"))
    rule.observe(txn("9000", at=T0 + timedelta(hours=5)))
    # exactly one window after the first: the first has left it
    assert not rule.observe(txn("9000", at=T0 + timedelta(hours=24)))
    other = structuring()
    other.observe(txn("10000", customer="c2"))  # not below 10,000
    other.observe(txn("9999.99", customer="c2"))
    other.observe(txn("9999.99", customer="c2", direction=Direction.CREDIT))  # a deposit
    other.observe(txn("9999.99", customer="c2"))
    assert not other.observe(txn("5000", customer="c2"))  # three small ones would be 24,999.98 < 25,000
    assert other.observe(txn("0.02", customer="c2"))  # now four, summing to 25,000.00


def test_per_customer_across_accounts_or_per_account() -> None:
    across, per_account = structuring(), structuring(per_account=True)
    for i, account in enumerate(("a1", "a2", "a3")):
        t = txn("9000", account=account, at=T0 + timedelta(hours=i))
        a, b = across.observe(t), per_account.observe(t)
    assert a and not b


def test_structuring_survives_a_restart_and_ignores_redelivery() -> None:
    rule = structuring()
    first = txn("9000")
    rule.observe(first)
    rule.observe(txn("9000", at=T0 + timedelta(hours=1)))
    again = restart(rule, structuring())
    assert not again.observe(first)
    assert again.observe(txn("9000", at=T0 + timedelta(hours=2)))


def test_bad_structuring_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        structuring(window=timedelta(0))
    with pytest.raises(ValueError):
        structuring(count=0)


# ------------------------------------------------------------------------------------------------ sudden drop


def test_a_drop_against_the_customers_own_recent_peak() -> None:
    rule = SuddenDrop("drop", Decimal(30), days=7)
    assert not rule.observe("c1", Decimal(1_000_000), T0)
    assert not rule.observe("c1", Decimal(700_001), T0 + timedelta(days=2))  # 29.9999 %
    hit = rule.observe("c1", Decimal(700_000), T0 + timedelta(days=3))  # exactly 30 %
    assert hit and hit[0].amount == Decimal(300_000)
    # the peak is older than the window: measured against the newer levels only
    assert not rule.observe("c1", Decimal(600_000), T0 + timedelta(days=9))


def test_small_accounts_are_ignored_and_state_survives_a_restart() -> None:
    rule = SuddenDrop("drop", Decimal(50), days=30, minimum_level=Decimal(100_000))
    rule.observe("small", Decimal(50_000), T0)
    assert not rule.observe("small", Decimal(1_000), T0 + timedelta(days=1))
    rule.observe("big", Decimal(2_000_000), T0)
    again = restart(rule, SuddenDrop("drop", Decimal(50), days=30, minimum_level=Decimal(100_000)))
    assert again.observe("big", Decimal(900_000), T0 + timedelta(days=1))


# --------------------------------------------------------------------------------------------------- dormancy


def test_dormancy_fires_after_the_quiet_days_once_per_quiet_period() -> None:
    rule = Dormancy("dormant", days=90)
    rule.observe(txn("100", customer="c1"))
    rule.watch(["c2"], since=T0 + timedelta(days=10))
    assert not rule.sweep(T0 + timedelta(days=89, hours=23))
    hits = rule.sweep(T0 + timedelta(days=90))
    assert [h.customer for h in hits] == ["c1"]
    assert [h.key for h in rule.sweep(T0 + timedelta(days=95))] == [hits[0].key]  # the same alert
    rule.observe(txn("100", customer="c1", at=T0 + timedelta(days=96)))
    assert [h.customer for h in rule.sweep(T0 + timedelta(days=100))] == ["c2"]
    # an older transaction arriving late does not move the last activity back
    rule.observe(txn("100", customer="c1", at=T0))
    again = restart(rule, Dormancy("dormant", days=90))
    assert [h.customer for h in again.sweep(T0 + timedelta(days=100))] == ["c2"]


def test_quiet_hours_span_midnight_and_end_in_the_banks_time() -> None:
    from kam.alert.v1 import alert_pb2
    from kam_alert.domain.rules import quiet_until

    rule = alert_pb2.AlertRule(
        severity=alert_pb2.SEVERITY_HIGH,
        quiet_hours=alert_pb2.QuietHours(start_minute=22 * 60, end_minute=8 * 60),
    )
    at = lambda h, m=0: datetime(2026, 12, 4, h, m, tzinfo=UTC) - timedelta(hours=8)
    assert quiet_until(rule, at(21, 59)) is None
    assert quiet_until(rule, at(22)) == at(8) + timedelta(days=1)
    assert quiet_until(rule, at(7, 59)) == at(8)
    assert quiet_until(rule, at(8)) is None
    rule.severity = alert_pb2.SEVERITY_CRITICAL  # urgent ones go through
    assert quiet_until(rule, at(23)) is None
