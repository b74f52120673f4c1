"""A customer's copied history is split over events of whole accounts, each under the size limit, so a corporate
customer with hundreds of accounts never makes one event larger than the broker takes."""

from __future__ import annotations

from kam.customer.v1 import events_pb2
from kam_customer.scan.writer import HISTORY_EVENT_BYTES, history_events
from kam_kit.outbox import MAX_EVENT_BYTES


def _account(n: int, days: int) -> events_pb2.AccountHistory:
    history = events_pb2.AccountHistory(account=f"customers/c1/accounts/a{n:04d}")
    for day in range(days):
        history.transaction_days.add(credit_count=day + 1, debit_count=1)
        history.balances.add().balance.units = 1_000_000 + day
    return history


def test_a_large_history_goes_in_several_events_of_whole_accounts_in_order() -> None:
    histories = [_account(n, 455) for n in range(1200)]  # ≈ 8 MB in one event: over every broker's limit
    assert sum(h.ByteSize() for h in histories) > MAX_EVENT_BYTES
    events = history_events("customers/c1", histories)
    assert len(events) > 1
    assert all(e.customer == "customers/c1" for e in events)
    assert [a.account for e in events for a in e.accounts] == [h.account for h in histories]  # none split
    assert all(e.ByteSize() <= HISTORY_EVENT_BYTES + 64 for e in events)


def test_a_small_history_is_one_event_and_one_large_account_is_not_split() -> None:
    small = [_account(n, 10) for n in range(3)]
    (event,) = history_events("customers/c1", small)
    assert list(event.accounts) == small
    big = _account(0, 400)
    assert [list(e.accounts) for e in history_events("customers/c1", [big], limit=100)] == [[big]]
    assert history_events("customers/c1", []) == []
