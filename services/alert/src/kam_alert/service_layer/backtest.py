"""Backtest (回测): a candidate rule, or a changed threshold, replayed over the transactions the service kept for
the last days (``transaction_history``, pruned after :data:`KEEP_DAYS`) without raising anything — how many alerts
it would have raised, for which customers and on which days, side by side with the rule as it is now. The same
detectors as live evaluation (kam_alert.domain.detection), on fresh state.
"""

from __future__ import annotations

import collections
from datetime import timedelta

from google.protobuf import json_format
from kam.alert.v1 import alert_pb2
from kam.alert.v1 import alert_service_pb2 as pb
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import delete, select

from kam_alert.adapters.orm import AlertRuleRow, TransactionHistoryRow, WatchedCustomer
from kam_alert.domain import detection
from kam_alert.domain import rules as domain
from kam_alert.service_layer.recipients import chain
from kam_alert.service_layer.rules import rule_id

KEEP_DAYS = 90
DEFAULT_DAYS = 30


class Backtester:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def run(self, candidate: alert_pb2.AlertRule, days: int) -> pb.BacktestAlertRuleResponse:
        days = days or DEFAULT_DAYS
        problems = domain.problems(candidate)
        problems.check(1 <= days <= KEEP_DAYS, "days", f"应为 1 到 {KEEP_DAYS} 天 (1 to {KEEP_DAYS} days)")
        problems.check(
            domain.kind(candidate) in domain.TRANSACTION_KINDS,
            "alert_rule.condition",
            "回测仅支持大额交易与小额多次取款规则 (only large-transaction and structuring rules)",
        )
        problems.raise_if_any()
        end = self.clock.now()
        start = end - timedelta(days=days)
        async with self.db.read() as session:
            current = None
            if candidate.name:
                row = await session.get(AlertRuleRow, rule_id(candidate.name, "alert_rule.name"))
                if row is None:
                    raise InvalidArgument.for_field("alert_rule.name", "没有这条规则 (no such alert rule)")
                current = json_format.Parse(row.definition, alert_pb2.AlertRule())
            history = list(
                await session.scalars(
                    select(TransactionHistoryRow)
                    .where(TransactionHistoryRow.post_time > start)
                    .order_by(TransactionHistoryRow.post_time, TransactionHistoryRow.name)
                )
            )
            branches = {row.branch for row in history}
            ancestors = {branch: set(await chain(session, branch)) for branch in branches}
            names = dict(
                (
                    await session.execute(
                        select(WatchedCustomer.customer, WatchedCustomer.display_name).where(
                            WatchedCustomer.customer.in_({row.customer for row in history})
                        )
                    )
                ).all()
            )
        response = pb.BacktestAlertRuleResponse(
            candidate=_replay(candidate, history, ancestors, names),
            transaction_count=len(history),
            start_time=to_timestamp(start),
            end_time=to_timestamp(end),
        )
        if current is not None:
            response.current.CopyFrom(_replay(current, history, ancestors, names))
        return response

    async def prune(self) -> None:
        """Forgets transactions older than :data:`KEEP_DAYS`."""
        async with self.db.transaction() as session:
            await session.execute(
                delete(TransactionHistoryRow).where(
                    TransactionHistoryRow.post_time < self.clock.now() - timedelta(days=KEEP_DAYS)
                )
            )


def _replay(
    rule: alert_pb2.AlertRule,
    history: list[TransactionHistoryRow],
    ancestors: dict[str, set[str]],
    names: dict[str, str],
) -> pb.BacktestResult:
    detector = domain.transaction_detector("backtest", rule)
    keys: dict[str, tuple[str, str]] = {}  # alert key → (customer, local date of its first firing)
    if detector is not None:
        for row in history:
            if not domain.applies_to(
                rule,
                customer_type=row.customer_type,
                tier=row.tier,
                branch_and_ancestors=ancestors[row.branch],
            ):
                continue
            observed = detection.Transaction(
                id=row.name,
                customer=row.customer,
                account="/".join(row.name.split("/")[:4]),
                amount=row.amount,
                direction=detection.Direction(row.direction),
                post_time=aware(row.post_time),
                cash=row.cash,
                channel=row.channel,
                customer_type=detection.CustomerType(row.customer_type),
            )
            for hit in detector.observe(observed):
                day = observed.post_time.astimezone(detection.BANK_TZ).date().isoformat()
                keys.setdefault(hit.key, (hit.customer, day))
    per_customer = collections.Counter(customer for customer, _ in keys.values())
    per_day = collections.Counter(day for _, day in keys.values())
    return pb.BacktestResult(
        alert_count=len(keys),
        customer_count=len(per_customer),
        customers=[
            pb.BacktestCustomer(customer=customer, display_name=names.get(customer, ""), alert_count=count)
            for customer, count in sorted(per_customer.items(), key=lambda item: (-item[1], item[0]))[:100]
        ],
        days=[pb.BacktestDay(date=day, alert_count=count) for day, count in sorted(per_day.items())],
    )
