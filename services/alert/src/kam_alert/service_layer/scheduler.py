"""The alert clock: what happens to alerts as time passes, driven by the injected clock.

Each :meth:`Scheduler.tick` (every ``interval`` seconds in the service; called directly in tests with a manual
clock), in one transaction per batch:

- reminders whose lead time has come (key dates announced earlier) are raised, and once a day the festivals
  within each festival rule's lead time give a greeting reminder per key customer in its scope, and key customers
  quiet for a dormancy rule's period an alert (and the transactions kept for backtests are pruned);
- a snoozed alert whose time is up is open again and notified again (``AlertRepeated``);
- an open alert whose repeat interval has elapsed is notified again (``AlertRepeated``), at most the rule's
  ``max_notify_count`` times in all;
- an open (unacknowledged) alert whose escalation time has come is escalated (``AlertEscalated``) to the rule's
  escalation recipients, and again one period later, up to :data:`MAX_ESCALATIONS` levels.

Every notification also goes to the recipients' consoles (``PushRequested``). Acknowledging, stopping or resolving
clears the times, so nothing more happens to that alert.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime

from google.protobuf import json_format, struct_pb2
from kam.alert.v1 import alert_pb2, events_pb2
from kam.push.v1 import push_pb2
from kam_kit import outbox, partitions
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.partitions import Lease
from kam_kit.timeconv import to_timestamp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_alert.adapters.orm import AlertRow, AlertRuleRow, AlertRuleVersionRow
from kam_alert.adapters.protomap import alert_to_proto
from kam_alert.domain import rules as domain
from kam_alert.domain.detection import BANK_TZ
from kam_alert.service_layer.backtest import Backtester
from kam_alert.service_layer.monitor import Monitor
from kam_alert.service_layer.recipients import of_escalation

log = logging.getLogger(__name__)
SERVICE = "alert"
MAX_ESCALATIONS = 3
BATCH = 500


class Scheduler:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        interval: float = 30.0,
        monitor: Monitor | None = None,
        lease: Lease | None = None,
    ) -> None:
        """``lease``: with several replicas, the one holding it sweeps (each sweep's transactions fenced by it)."""
        self.db = db
        self.lease = lease
        self.clock = clock
        self.interval = interval
        self.events = outbox.Recorder(SERVICE, clock)
        self.monitor = monitor or Monitor(clock)
        self._festivals_swept: date | None = None

    async def run(self) -> None:
        await partitions.every(self.interval, self.lease, self.tick, what="alert scheduler")

    def _transaction(self):
        return partitions.fenced_transaction(self.db, self.lease)

    async def tick(self) -> int:
        """Everything due by now; returns how many alerts changed."""
        now = self.clock.now()
        changed = 0
        async with self._transaction() as session:
            changed += await self.monitor.raise_due_reminders(session)
        today = now.astimezone(BANK_TZ).date()
        if self._festivals_swept != today:  # once a day (and at start)
            async with self._transaction() as session:
                changed += await self.monitor.festival_sweep(session)
            async with self._transaction() as session:
                changed += await self.monitor.dormancy_sweep(session)
            await Backtester(self.db, self.clock).prune()
            self._festivals_swept = today
        async with self._transaction() as session:
            rules: dict[tuple[str, int], alert_pb2.AlertRule] = {}
            woken = await session.scalars(
                select(AlertRow)
                .where(AlertRow.state == "STATE_SNOOZED", AlertRow.snooze_expire_time <= now)
                .limit(BATCH)
            )
            for row in woken:
                rule = await _rule(session, rules, row)
                row.state, row.snooze_expire_time, row.next_notify_time = "STATE_OPEN", None, now
                if rule.HasField("escalation") and row.escalation_level < MAX_ESCALATIONS:
                    row.escalate_time = now + domain.span(rule.escalation.after)
            await session.flush()
            due = await session.scalars(
                select(AlertRow)
                .where(AlertRow.state == "STATE_OPEN", AlertRow.next_notify_time <= now)
                .limit(BATCH)
            )
            for row in due:
                rule = await _rule(session, rules, row)
                if self._repeat(session, row, rule, now):
                    changed += 1
            escalating = await session.scalars(
                select(AlertRow)
                .where(AlertRow.state == "STATE_OPEN", AlertRow.escalate_time <= now)
                .limit(BATCH)
            )
            for row in escalating:
                rule = await _rule(session, rules, row)
                await self._escalate(session, row, rule, now)
                changed += 1
        return changed

    def _repeat(self, session: AsyncSession, row: AlertRow, rule: alert_pb2.AlertRule, now: datetime) -> bool:
        quiet = domain.quiet_until(rule, now)
        if quiet is not None:  # quiet hours: the next notification waits for their end
            row.next_notify_time = quiet
            return False
        limit = rule.max_notify_count
        if limit and row.notify_count >= limit:
            row.next_notify_time = None
            return False
        row.notify_count += 1
        row.last_notify_time = now
        every = domain.span(rule.repeat_interval)
        more = every.total_seconds() > 0 and (not limit or row.notify_count < limit)
        row.next_notify_time = now + every if more else None
        row.update_time, row.version = now, row.version + 1
        alert = alert_to_proto(row)
        self.events.record(session, events_pb2.AlertRepeated(alert=alert), resource=alert.name)
        self._push(session, row, list(alert.recipients), "alert.repeated", now)
        return True

    async def _escalate(
        self, session: AsyncSession, row: AlertRow, rule: alert_pb2.AlertRule, now: datetime
    ) -> None:
        recipients = json.loads(row.recipients or "[]")
        context = {"branch": row.branch, "relationship_manager": row.relationship_manager}
        wanted = await of_escalation(session, rule.escalation, context, row.escalation_level + 1)
        added = sorted(wanted - set(recipients))
        row.recipients = json.dumps(sorted({*recipients, *added}))
        row.escalation_level += 1
        more = rule.escalation.up_the_org_tree and row.escalation_level < MAX_ESCALATIONS
        row.escalate_time = now + domain.span(rule.escalation.after) if more else None
        row.update_time, row.version = now, row.version + 1
        alert = alert_to_proto(row)
        self.events.record(
            session, events_pb2.AlertEscalated(alert=alert, escalated_recipients=added), resource=alert.name
        )
        self._push(session, row, added, "alert.escalated", now)

    def _push(
        self, session: AsyncSession, row: AlertRow, recipients: list[str], kind: str, now: datetime
    ) -> None:
        if not recipients:
            return
        data = struct_pb2.Struct()
        data.update({"severity": row.severity, "customer": row.customer, "rule": f"alertRules/{row.rule_id}"})
        self.events.record(
            session,
            push_pb2.PushRequested(
                recipients=recipients,
                kind=kind,
                resource=f"alerts/{row.id}",
                title=row.title,
                data=data,
                time=to_timestamp(now),
            ),
            resource=f"alerts/{row.id}",
        )


async def _rule(
    session: AsyncSession, cache: dict[tuple[str, int], alert_pb2.AlertRule], row: AlertRow
) -> alert_pb2.AlertRule:
    """The rule as it is now (repeats and escalation follow the current settings), else — deleted — the version
    that raised the alert."""
    key = (row.rule_id, row.rule_version)
    if key not in cache:
        current = await session.get(AlertRuleRow, row.rule_id)
        if current is not None:
            definition = current.definition
        else:
            kept = await session.get(AlertRuleVersionRow, key)
            definition = kept.definition if kept is not None else "{}"
        cache[key] = json_format.Parse(definition, alert_pb2.AlertRule())
    return cache[key]
