"""Transaction monitoring: each ``TransactionPosted`` is evaluated against the enabled rules that watch
transactions, in the consumer's transaction — the rules' window state, the alert raised or updated, its events and
the push to its recipients commit together with the event's "processed" mark, so a redelivered event changes
nothing and a restart continues the windows where they were.

The same rule firing again for the same customer inside its window (the detector's alert key) updates the open
alert — one more occurrence, the latest transactions — instead of raising another. Historical transactions (a first
full scan's) are never announced by the customer service, so they never alert.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from google.protobuf import json_format, struct_pb2
from kam.alert.v1 import alert_pb2, events_pb2
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam.push.v1 import push_pb2
from kam_kit import bulk, outbox
from kam_kit.clock import Clock
from kam_kit.events import EventMeta
from kam_kit.protoconv import money_value
from kam_kit.timeconv import aware, from_timestamp, to_timestamp
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from kam_alert.adapters.orm import (
    AlertRow,
    AlertRuleRow,
    DetectorStateRow,
    ReminderRow,
    RuleSilenceRow,
    TierRank,
    TransactionHistoryRow,
    WatchedCustomer,
)
from kam_alert.adapters.protomap import alert_to_proto
from kam_alert.domain import detection, festivals
from kam_alert.domain import rules as domain
from kam_alert.service_layer.recipients import chain, of_rule

log = logging.getLogger(__name__)
SERVICE = "alert"
Transaction = customer_pb2.Transaction
OPEN, RESOLVED, STOPPED = "STATE_OPEN", "STATE_RESOLVED", "STATE_STOPPED"
#: an alert keeps the latest this many transactions that made it fire
MAX_TRANSACTIONS = 100
_KIND_TITLES = {
    "large_transaction": "大额交易",
    "frequent_withdrawals": "小额多次取款",
    "balance_drop": "资产骤降",
}


def yuan_text(amount: Decimal) -> str:
    """CNY for people: ``¥60,000.00``."""
    return f"¥{amount:,.2f}"


class Monitor:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.events = outbox.Recorder(SERVICE, clock)
        self.evaluated = 0

    async def on_transactions_posted(
        self,
        session: AsyncSession,
        posted: Sequence[tuple[customer_events.TransactionPosted, EventMeta]],
    ) -> None:
        """The transactions of one consumer fetch, in order (the kit's :class:`~kam_kit.consumer.Batched`): what
        they share is read in one query each — their customers, the rules, the window states — the detectors run
        in memory, and each changed state is written once for the batch."""
        observed: list[tuple[customer_events.TransactionPosted, str, str]] = []  # (event, customer, account)
        for event, meta in posted:
            t = event.transaction
            parts = t.name.split("/")
            if len(parts) != 6 or parts[0] != "customers":
                log.warning(
                    "TransactionPosted %s: unexpected transaction name %r; skipped", meta.event_id, t.name
                )
                continue
            observed.append((event, f"customers/{parts[1]}", "/".join(parts[:4])))
        if not observed:
            return
        customers = {customer for _, customer, _ in observed}
        watched = {
            row.customer: row
            for row in await session.execute(
                select(
                    WATCHED.c.customer, WATCHED.c.type, WATCHED.c.display_name, WATCHED.c.last_activity_time
                ).where(WATCHED.c.customer.in_(customers))
            )
        }
        active: dict[str, datetime] = {}  # customer → its newest transaction's time, where that moved
        enabled = await _enabled(session, domain.TRANSACTION_KINDS)
        states = await _states(session, customers, [row.id for row, _ in enabled])
        detectors: dict[tuple[str, str], detection.LargeTransaction | detection.Structuring] = {}
        ancestors: dict[str, set[str]] = {}
        history = []
        self.evaluated += len(observed)
        for event, name, account in observed:
            customer = watched.get(name)
            customer_type = (customer.type if customer else "INDIVIDUAL").lower()
            seen = _observed(event.transaction, name, account, detection.CustomerType(customer_type))
            history.append(
                {
                    "name": seen.id,
                    "customer": seen.customer,
                    "customer_type": customer_type,
                    "tier": event.tier,
                    "branch": event.branch,
                    "amount": seen.amount,
                    "direction": seen.direction.value,
                    "cash": seen.cash,
                    "channel": seen.channel,
                    "post_time": seen.post_time,
                }
            )
            if customer is not None:
                last = active.get(seen.customer) or (
                    customer.last_activity_time and aware(customer.last_activity_time)
                )
                if last is None or last < seen.post_time:
                    active[seen.customer] = seen.post_time
            if event.branch not in ancestors:
                ancestors[event.branch] = await _ancestors(session, event.branch)
            for row, rule in enabled:
                if not domain.applies_to(
                    rule,
                    customer_type=customer_type,
                    tier=event.tier,
                    branch_and_ancestors=ancestors[event.branch],
                ):
                    continue
                if not _prototype(row, rule).applies_to(seen):
                    continue  # its state cannot change: neither read nor written
                key = (row.id, seen.customer)
                detector = detectors.get(key)
                if detector is None:
                    detector = _prototype(row, rule, fresh=True)
                    if (state := states.get(key)) is not None:
                        detector.load_json(json.loads(state))
                    detectors[key] = detector
                for hit in detector.observe(seen):
                    await self._raise_or_update(
                        session,
                        rule_row=row,
                        rule=rule,
                        hit=hit,
                        context={
                            "account": seen.account,
                            "branch": event.branch,
                            "relationship_manager": event.relationship_manager,
                            "customer_name": customer.display_name if customer else seen.customer,
                            "event_time": seen.post_time,
                        },
                    )
        await _keep_states(
            session, {key: detector.to_json() for key, detector in detectors.items()}, self.clock.now()
        )
        await _note_activity(session, active)
        # kept for backtests: plain rows inserted with the batch at commit (a repeat is left out)
        bulk.queue_rows(session, HISTORY, history, skip_existing=("name",))

    async def on_balance_snapshot(
        self, session: AsyncSession, event: customer_events.BalanceSnapshot, meta: EventMeta
    ) -> None:
        """Sudden drops: the customer's AUM (or, for an account-measured rule, the account's balance) against its
        own peak of the rule's window."""
        customer = "/".join(event.account.split("/")[:2])
        watched = await session.get(WatchedCustomer, customer)
        if watched is None or not event.account.startswith("customers/"):
            return
        ancestors = await _ancestors(session, watched.branch)
        when = from_timestamp(event.snapshot_time)
        enabled = await _enabled(session, ("balance_drop",))
        states = await _states(session, {customer}, [row.id for row, _ in enabled])
        changed: dict[tuple[str, str], dict] = {}
        for row, rule in enabled:
            if not domain.applies_to(
                rule, customer_type=watched.type.lower(), tier=watched.tier, branch_and_ancestors=ancestors
            ):
                continue
            detector = domain.drop_detector(row.id, rule)
            if detector is None:
                continue
            per_account = rule.balance_drop.measure == alert_pb2.BalanceDropCondition.BALANCE_MEASURE_ACCOUNT
            subject = event.account if per_account else customer
            level = money_value(
                event.balance if per_account else event.customer_assets_under_management, "balance"
            )
            if (state := states.get((row.id, customer))) is not None:
                detector.load_json(json.loads(state))
            hits = detector.observe(subject, level, when)
            changed[(row.id, customer)] = detector.to_json()
            for hit in hits:
                await self._raise_or_update(
                    session,
                    rule_row=row,
                    rule=rule,
                    hit=detection.Hit(
                        rule=hit.rule,
                        customer=customer,
                        key=hit.key,
                        amount=hit.amount,
                        evidence=hit.evidence,
                    ),
                    context=_context(watched, event_time=when, account=event.account if per_account else ""),
                )
        await _keep_states(session, changed, self.clock.now())

    async def on_tier_changed(
        self, session: AsyncSession, event: customer_events.TierChanged, meta: EventMeta
    ) -> None:
        """A key customer's tier went up or down (leaving the key customers is a downgrade; entering them is a
        customer's first grading, not a key customer's change). The customer copy takes the new tier either way:
        grading comes after a customer is created, so their tier arrives here, not with ``CustomerCreated``."""
        watched = await session.get(WatchedCustomer, event.customer) if event.customer else None
        if watched is not None:
            watched.tier = event.tier
        if event.previous_tier == event.tier or not event.customer or not event.previous_tier:
            return  # entering the key customers is their first grading (a first scan grades thousands), not a change
        tiers = {
            tier: (rank, name)
            for tier, rank, name in (
                await session.execute(select(TierRank.tier, TierRank.rank, TierRank.display_name))
            ).all()
        }
        if not event.tier:
            upgrade = False
        else:
            upgrade = tiers.get(event.tier, (99, ""))[0] < tiers.get(event.previous_tier, (99, ""))[0]
        customer_type = (watched.type if watched else "INDIVIDUAL").lower()
        ancestors = await _ancestors(session, event.branch)
        when = (
            from_timestamp(event.assignment.assign_time)
            if event.assignment.HasField("assign_time")
            else self.clock.now()
        )
        before = tiers.get(event.previous_tier, (0, ""))[1] or event.previous_tier or "非大客户"
        after = tiers.get(event.tier, (0, ""))[1] or event.tier or "非大客户"
        name = watched.display_name if watched else event.customer
        for row, rule in await _enabled(session, ("tier_change",)):
            wanted = rule.tier_change.upgrades if upgrade else rule.tier_change.downgrades
            key_tier = (
                event.tier or event.previous_tier
            )  # a customer leaving the tiers is still a key customer's change
            if not wanted or not domain.applies_to(
                rule, customer_type=customer_type, tier=key_tier, branch_and_ancestors=ancestors
            ):
                continue
            hit = detection.Hit(
                rule=row.id,
                customer=event.customer,
                key=f"{row.id}|{event.customer}|{when.isoformat()}",
                evidence={"原等级": before, "新等级": after, "依据": event.assignment.explanation},
            )
            context = {
                "customer_name": name,
                "branch": event.branch,
                "relationship_manager": event.relationship_manager,
                "event_time": when,
                "account": "",
                "title": f"{name} 等级{'升级' if upgrade else '降级'}：{before} → {after}",
            }
            await self._raise_or_update(session, rule_row=row, rule=rule, hit=hit, context=context)

    async def on_rule_set_activated(
        self, session: AsyncSession, event: customer_events.TierRuleSetActivated, meta: EventMeta
    ) -> None:
        """The tiers' order from the newly active rule set (the first rule met decides: earlier is higher)."""
        seen: set[str] = set()
        for index, tier_rule in enumerate(event.rule_set.rules):
            if tier_rule.tier in seen:
                continue
            seen.add(tier_rule.tier)
            row = await session.get(TierRank, tier_rule.tier)
            if row is None:
                session.add(
                    TierRank(tier=tier_rule.tier, rank=index, display_name=tier_rule.tier_display_name)
                )
            else:
                row.rank, row.display_name = index, tier_rule.tier_display_name or row.display_name

    async def on_key_date_approaching(
        self, session: AsyncSession, event: customer_events.KeyDateApproaching, meta: EventMeta
    ) -> None:
        """A key date within the customer service's horizon: each key-date rule of its kind reminds ``lead_time``
        before the day — now, if that time has come, else as a reminder the scheduler raises when it is due."""
        if not event.HasField("date") or not event.customer:
            return
        day = date(event.date.year, event.date.month, event.date.day)
        watched = await session.get(WatchedCustomer, event.customer)
        customer_type = (watched.type if watched else "INDIVIDUAL").lower()
        ancestors = await _ancestors(session, event.branch)
        word = KEY_DATE_WORDS.get(event.kind, "重要日期")
        who = event.customer_display_name or (watched.display_name if watched else event.customer)
        if event.contact_display_name:
            who = f"{who} {event.contact_title or '联系人'}{event.contact_display_name}"
        amount = money_value(event.amount, "amount") if event.HasField("amount") else None
        ref = event.account or event.contact
        for row, rule in await _enabled(session, ("key_date",)):
            if rule.key_date.kind != event.kind or not domain.applies_to(
                rule, customer_type=customer_type, tier=event.tier, branch_and_ancestors=ancestors
            ):
                continue
            evidence: dict[str, Any] = {"日期": day.isoformat(), "类型": word}
            if amount is not None:
                evidence["金额"] = amount
            context = {
                "customer_name": who,
                "branch": event.branch,
                "relationship_manager": event.relationship_manager,
                "account": event.account,
                "title": f"{who} {word} {day.isoformat()}" + (f" {yuan_text(amount)}" if amount else ""),
            }
            key = f"{row.id}|{event.customer}|{word}|{day.isoformat()}|{ref}"
            await self._remind(
                session,
                row,
                rule,
                event.customer,
                key,
                day,
                domain.span(rule.key_date.lead_time),
                evidence,
                context,
            )

    async def festival_sweep(self, session: AsyncSession) -> int:
        """Festivals within each festival rule's lead time: one greeting reminder per key customer in the rule's
        scope (raised once per festival and customer). Returns how many were raised."""
        now = self.clock.now()
        today = now.astimezone(detection.BANK_TZ).date()
        raised = 0
        customers = list(await session.scalars(select(WatchedCustomer).where(WatchedCustomer.tier != "")))
        for row, rule in await _enabled(session, ("festival",)):
            lead = domain.span(rule.festival.lead_time)
            for festival, day in festivals.occurrences(list(rule.festival.festivals), today, today + lead):
                name = festivals.NAMES[festival]
                for customer in customers:
                    ancestors = await _ancestors(session, customer.branch)
                    if not domain.applies_to(
                        rule,
                        customer_type=customer.type.lower(),
                        tier=customer.tier,
                        branch_and_ancestors=ancestors,
                    ):
                        continue
                    context = _context(customer, event_time=_local_midnight(day), account="")
                    context["title"] = f"{customer.display_name} {name}问候 {day.isoformat()}"
                    hit = detection.Hit(
                        rule=row.id,
                        customer=customer.customer,
                        key=f"{row.id}|{customer.customer}|{name}|{day.isoformat()}",
                        evidence={"节日": name, "日期": day.isoformat()},
                    )
                    if await self._raise_or_update(
                        session, rule_row=row, rule=rule, hit=hit, context=context, once=True
                    ):
                        raised += 1
        return raised

    async def dormancy_sweep(self, session: AsyncSession) -> int:
        """Key customers without a transaction for a dormancy rule's quiet period: one alert per quiet period
        (raised once; a transaction starts a new period). Returns how many were raised."""
        now = self.clock.now()
        raised = 0
        for row, rule in await _enabled(session, ("dormancy",)):
            period = domain.span(rule.dormancy.quiet_period)
            quiet = await session.scalars(
                select(WatchedCustomer).where(
                    WatchedCustomer.tier != "", WatchedCustomer.last_activity_time <= now - period
                )
            )
            for customer in quiet:
                ancestors = await _ancestors(session, customer.branch)
                if not domain.applies_to(
                    rule,
                    customer_type=customer.type.lower(),
                    tier=customer.tier,
                    branch_and_ancestors=ancestors,
                ):
                    continue
                last = aware(customer.last_activity_time)
                days = (now - last).days
                context = _context(customer, event_time=last)
                context["title"] = f"{customer.display_name} 已 {days} 天无交易"
                hit = detection.Hit(
                    rule=row.id,
                    customer=customer.customer,
                    key=f"{row.id}|{customer.customer}|{last.isoformat()}",
                    evidence={
                        "最近交易": last.astimezone(detection.BANK_TZ).date().isoformat(),
                        "静止天数": days,
                    },
                )
                if await self._raise_or_update(
                    session, rule_row=row, rule=rule, hit=hit, context=context, once=True
                ):
                    raised += 1
        return raised

    async def on_task_changed(self, session: AsyncSession, event: Any, meta: EventMeta) -> None:
        """A task assigned or changed (``TaskCreated``, ``TaskUpdated``, ``TaskStarted``): each task-due rule
        reminds its assignee ``lead_time`` before the due time and — with ``alert_when_overdue`` — when it is due.
        A moved due time replaces the pending reminders."""
        task = event.task
        if not task.name or not task.HasField("due_time"):
            return
        await _forget_task(session, task.name)
        if task.state not in (TASK_OPEN, TASK_IN_PROGRESS):
            return
        due = from_timestamp(task.due_time)
        context: dict[str, Any] = {
            "customer_name": task.title,
            "branch": task.org_unit,
            "relationship_manager": task.assignee,
            "account": "",
            "task": task.name,
            "event_time": due,
        }
        local_due = due.astimezone(detection.BANK_TZ).strftime("%Y-%m-%d %H:%M")
        for row, rule in await _enabled(session, ("task_due",)):
            rule = _with_assignee(rule)
            soon = {**context, "title": f"任务即将到期：{task.title}（{local_due}）"}
            hit = detection.Hit(
                rule=row.id, customer=task.customer, key=f"{row.id}|{task.name}|due|{due.isoformat()}"
            )
            when = due - domain.span(rule.task_due.lead_time)
            if when <= self.clock.now() < due:
                await self._raise_or_update(
                    session, rule_row=row, rule=rule, hit=hit, context=soon, once=True
                )
            elif when > self.clock.now():
                await self._hold(session, row, hit, soon, when)
            if rule.task_due.alert_when_overdue:
                late = {**context, "title": f"任务已逾期：{task.title}（{local_due} 到期）"}
                hit = detection.Hit(
                    rule=row.id, customer=task.customer, key=f"{row.id}|{task.name}|overdue|{due.isoformat()}"
                )
                if due <= self.clock.now():
                    await self._raise_or_update(
                        session, rule_row=row, rule=rule, hit=hit, context=late, once=True
                    )
                else:
                    await self._hold(session, row, hit, late, due)

    async def on_task_closed(self, session: AsyncSession, event: Any, meta: EventMeta) -> None:
        """A task completed or cancelled: its pending reminders go, and its open alerts are resolved."""
        task = event.task
        await _forget_task(session, task.name)
        now = self.clock.now()
        note = "任务已完成" if task.state == TASK_COMPLETED else "任务已取消"
        rows = await session.scalars(
            select(AlertRow).where(AlertRow.task == task.name, AlertRow.state.not_in((RESOLVED, STOPPED)))
        )
        for row in rows:
            row.state, row.resolve_time, row.resolution_note = RESOLVED, now, note
            row.next_notify_time = row.escalate_time = row.snooze_expire_time = None
            row.update_time, row.version = now, row.version + 1
            alert = alert_to_proto(row)
            self.events.record(session, events_pb2.AlertResolved(alert=alert), resource=alert.name)

    async def raise_due_reminders(self, session: AsyncSession) -> int:
        """The reminders whose time has come, raised (each once) and removed."""
        now = self.clock.now()
        due = list(await session.scalars(select(ReminderRow).where(ReminderRow.due_time <= now).limit(500)))
        raised = 0
        for reminder in due:
            row = await session.get(AlertRuleRow, reminder.rule_id)
            await session.delete(reminder)
            await session.flush()  # gone before the raise, which may hold it again (still quiet)
            if row is None or not row.enabled:
                continue  # the rule was deleted or switched off meanwhile
            rule = json_format.Parse(row.definition, alert_pb2.AlertRule())
            if row.kind == "task_due":
                rule = _with_assignee(rule)
            saved = json.loads(reminder.context)
            hit = detection.Hit(
                rule=row.id,
                customer=reminder.customer,
                key=reminder.alert_key,
                evidence=dict(saved.pop("evidence")),
                transactions=tuple(saved.pop("transactions", ())),
                amount=Decimal(saved.pop("amount", "0")),
            )
            saved["event_time"] = datetime.fromisoformat(saved["event_time"])
            if await self._raise_or_update(
                session, rule_row=row, rule=rule, hit=hit, context=saved, once=True
            ):
                raised += 1
        return raised

    async def _remind(
        self,
        session: AsyncSession,
        row: AlertRuleRow,
        rule: alert_pb2.AlertRule,
        customer: str,
        key: str,
        day: date,
        lead: timedelta,
        evidence: dict[str, Any],
        context: dict[str, Any],
    ) -> None:
        when = _local_midnight(day)
        due = when - lead
        context = {**context, "event_time": when}
        hit = detection.Hit(rule=row.id, customer=customer, key=key, evidence=evidence)
        if due <= self.clock.now():
            await self._raise_or_update(session, rule_row=row, rule=rule, hit=hit, context=context, once=True)
        elif not await session.scalar(select(AlertRow.id).where(AlertRow.alert_key == key).limit(1)):
            await self._hold(session, row, hit, context, due)

    async def _hold(
        self,
        session: AsyncSession,
        row: AlertRuleRow,
        hit: detection.Hit,
        context: Mapping[str, Any],
        due: datetime,
    ) -> None:
        """Keeps a hit as a reminder the scheduler raises at ``due`` (a key date's lead time, the end of quiet
        hours); a later hit with the same key replaces what it will say."""
        stored = {
            **context,
            "event_time": context["event_time"].isoformat(),
            "evidence": {k: _display(v) for k, v in hit.evidence.items()},
            "transactions": list(hit.transactions)[-MAX_TRANSACTIONS:],
            "amount": str(hit.amount),
        }
        text = json.dumps(stored, ensure_ascii=False)
        reminder = await session.get(ReminderRow, hit.key)
        if reminder is None:
            session.add(
                ReminderRow(
                    alert_key=hit.key,
                    rule_id=row.id,
                    customer=hit.customer,
                    task=str(context.get("task", "")),
                    due_time=due,
                    context=text,
                    create_time=self.clock.now(),
                )
            )
        else:
            reminder.context = text

    async def _raise_or_update(
        self,
        session: AsyncSession,
        *,
        rule_row: AlertRuleRow,
        rule: alert_pb2.AlertRule,
        hit: detection.Hit,
        context: Mapping[str, Any],
        once: bool = False,
    ) -> bool:
        """Raises the hit's alert, or updates the open one with its key; with ``once``, a key that ever had an
        alert is left alone (a birthday or a festival is announced once). True when an alert was raised."""
        now = self.clock.now()
        if once and await session.scalar(select(AlertRow.id).where(AlertRow.alert_key == hit.key).limit(1)):
            return False
        silence = await session.get(RuleSilenceRow, (rule_row.id, hit.customer)) if hit.customer else None
        if silence is not None and aware(silence.expire_time) > now:
            return False  # "do not keep alerting" for this rule and customer, until then
        existing = await session.scalar(
            select(AlertRow)
            .where(AlertRow.alert_key == hit.key, AlertRow.state.not_in((RESOLVED, STOPPED)))
            .order_by(AlertRow.create_time.desc())
            .limit(1)
        )
        transactions = list(hit.transactions)[-MAX_TRANSACTIONS:]
        evidence = [[label, _display(value)] for label, value in hit.evidence.items()]
        title = context.get("title") or (
            f"{context['customer_name']} {_KIND_TITLES.get(rule_row.kind, rule.display_name)} {yuan_text(hit.amount)}"
        )
        if existing is None:
            quiet = domain.quiet_until(rule, now)
            if quiet is not None:  # quiet hours: the alert waits for their end (the scheduler raises it then)
                await self._hold(session, rule_row, hit, {**context, "title": title}, quiet)
                return False
        if existing is not None:  # the rule fired again inside the alert's window: one more occurrence
            existing.occurrence_count += 1
            existing.transactions = json.dumps(transactions)
            existing.evidence = json.dumps(evidence, ensure_ascii=False)
            existing.title = title
            existing.event_time = context["event_time"]
            existing.update_time = now
            existing.version += 1
            return False
        recipients = sorted(
            await of_rule(
                session, rule.recipients, context, await chain(session, str(context.get("branch", "")))
            )
        )
        row = AlertRow(
            id=uuid.uuid4().hex,
            alert_key=hit.key,
            rule_id=rule_row.id,
            rule_version=rule_row.version,
            kind=rule_row.kind,
            customer=hit.customer,
            account=context["account"] if rule_row.kind in ("large_transaction", "balance_drop") else "",
            task=str(context.get("task", "")),
            branch=context["branch"],
            relationship_manager=context["relationship_manager"],
            severity=rule_row.severity,
            state=OPEN,
            title=title,
            description=rule.display_name,
            evidence=json.dumps(evidence, ensure_ascii=False),
            transactions=json.dumps(transactions),
            recipients=json.dumps(recipients),
            occurrence_count=1,
            event_time=context["event_time"],
            create_time=now,
            update_time=now,
            last_notify_time=now if recipients else None,
            next_notify_time=_next_notify(rule, now),
            notify_count=1 if recipients else 0,
            escalation_level=0,
            escalate_time=now + domain.span(rule.escalation.after) if rule.HasField("escalation") else None,
            acknowledger="",
            resolver="",
            resolution_note="",
            version=1,
        )
        session.add(row)
        alert = alert_to_proto(row)
        self.events.record(session, events_pb2.AlertRaised(alert=alert), resource=alert.name)
        if rule.customer_message_template and hit.customer:  # a greeting or notice to the customer, too
            variables = struct_pb2.Struct()
            variables.update(
                {
                    "customer_name": str(context.get("customer_name", "")),
                    **{str(label): str(value) for label, value in evidence},
                }
            )
            self.events.record(
                session,
                events_pb2.CustomerMessageRequested(
                    customer=hit.customer,
                    template=rule.customer_message_template,
                    variables=variables,
                    alert=alert.name,
                ),
                resource=alert.name,
            )
        if recipients:
            data = struct_pb2.Struct()
            data.update(
                {"severity": row.severity, "customer": row.customer, "rule": f"alertRules/{row.rule_id}"}
            )
            self.events.record(
                session,
                push_pb2.PushRequested(
                    recipients=recipients,
                    kind="alert.raised",
                    resource=alert.name,
                    title=title,
                    data=data,
                    time=to_timestamp(now),
                ),
                resource=alert.name,
            )
        return True


@dataclass(frozen=True)
class RuleRef:
    """What evaluation needs of a stored rule besides its definition (cached between transactions)."""

    id: str
    version: int
    kind: str
    severity: str


#: enabled rules per database and kinds, with the stamp they were read at: (count, newest change, sum of versions)
_RULES: dict[tuple[str, tuple[str, ...]], tuple[tuple, list[tuple[RuleRef, alert_pb2.AlertRule]]]] = {}


async def _enabled(
    session: AsyncSession, kinds: tuple[str, ...]
) -> list[tuple[RuleRef, alert_pb2.AlertRule]]:
    """The enabled rules of ``kinds``, parsed once per change: a cheap aggregate tells whether any rule changed
    since (every change moves its version and update time; a deletion the count)."""
    with session.no_autoflush:  # rules are not written in the transactions that evaluate them
        stamp = tuple(
            (
                await session.execute(
                    select(
                        func.count(), func.max(AlertRuleRow.update_time), func.sum(AlertRuleRow.version)
                    ).where(AlertRuleRow.enabled.is_(True))
                )
            ).one()
        )
    key = (str(session.bind.url), kinds)
    cached = _RULES.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    rows = await session.scalars(
        select(AlertRuleRow).where(AlertRuleRow.enabled.is_(True), AlertRuleRow.kind.in_(kinds))
    )
    rules = [
        (
            RuleRef(row.id, row.version, row.kind, row.severity),
            json_format.Parse(row.definition, alert_pb2.AlertRule()),
        )
        for row in rows
    ]
    _RULES[key] = (stamp, rules)
    return rules


HISTORY = TransactionHistoryRow.__table__
#: a transaction rule's detector with empty state, per rule and version: it tells which transactions can change
#: the rule's state at all (most rules filter on direction, cash, type or amount)
_PROTOTYPES: dict[tuple[str, int], detection.LargeTransaction | detection.Structuring] = {}


def _prototype(
    row: RuleRef, rule: alert_pb2.AlertRule, *, fresh: bool = False
) -> detection.LargeTransaction | detection.Structuring:
    """The rule's transaction detector: the shared empty one, or with ``fresh`` a new one to load state into."""
    key = (row.id, row.version)
    detector = _PROTOTYPES.get(key)
    if detector is None:
        detector = domain.transaction_detector(row.id, rule)
        assert detector is not None  # only transaction rules get here
        _PROTOTYPES[key] = detector
    return detector.empty() if fresh else detector


STATES = DetectorStateRow.__table__
WATCHED = WatchedCustomer.__table__


async def _note_activity(session: AsyncSession, active: Mapping[str, datetime]) -> None:
    """The customers' latest activity, one executemany (and in the copies the transaction holds as objects)."""
    if not active:
        return
    await session.execute(
        update(WATCHED)
        .where(WATCHED.c.customer == bindparam("key"))
        .values(last_activity_time=bindparam("when")),
        [{"key": customer, "when": when} for customer, when in active.items()],
        execution_options={"synchronize_session": False},
    )
    held = session.sync_session.identity_map
    for customer, when in active.items():
        row = held.get(identity_key(WatchedCustomer, customer))
        if row is not None:
            set_committed_value(row, "last_activity_time", when)


async def _states(
    session: AsyncSession, customers: set[str], rule_ids: list[str]
) -> dict[tuple[str, str], str]:
    """The customers' window states (JSON) of these rules, in one query of plain rows. States this transaction
    has read or written already (a fetch applies several events of one customer) come from the session."""
    held: dict[tuple[str, str], str] = session.info.setdefault("alert_states", {})
    missing = {customer for customer in customers if any((rule, customer) not in held for rule in rule_ids)}
    if missing and rule_ids:
        rows = await session.execute(
            select(STATES.c.rule_id, STATES.c.customer, STATES.c.state).where(
                STATES.c.customer.in_(missing), STATES.c.rule_id.in_(rule_ids)
            )
        )
        for rule_id, customer, state in rows:
            held.setdefault((rule_id, customer), state)
    return {
        (rule, customer): held[(rule, customer)]
        for customer in customers
        for rule in rule_ids
        if (rule, customer) in held
    }


async def _keep_states(session: AsyncSession, states: Mapping[tuple[str, str], dict], now: datetime) -> None:
    """Writes window states, one upsert for all of them (and keeps them for the transaction's later events)."""
    held: dict[tuple[str, str], str] = session.info.setdefault("alert_states", {})
    rows = []
    for (rule_id, customer), data in states.items():
        text = json.dumps(data, separators=(",", ":"))
        if held.get((rule_id, customer)) == text:
            continue  # unchanged (a redelivered transaction, one that only aged nothing out)
        held[(rule_id, customer)] = text
        rows.append({"rule_id": rule_id, "customer": customer, "state": text, "update_time": now})
    if rows:
        await bulk.insert_rows(session, STATES, rows, replace_existing=("rule_id", "customer"))


def _observed(
    t: customer_pb2.Transaction, customer: str, account: str, customer_type: detection.CustomerType
) -> detection.Transaction:
    """A posted transaction as the detectors see it."""
    return detection.Transaction(
        id=t.name,
        customer=customer,
        account=account,
        amount=money_value(t.amount, "amount"),
        direction=(
            detection.Direction.DEBIT
            if t.direction == Transaction.DIRECTION_DEBIT
            else detection.Direction.CREDIT
        ),
        post_time=from_timestamp(t.post_time),
        cash=t.cash,
        channel=Transaction.Channel.Name(t.channel),
        customer_type=customer_type,
    )


def _context(watched: WatchedCustomer, *, event_time: datetime, account: str = "") -> dict[str, Any]:
    return {
        "customer_name": watched.display_name,
        "branch": watched.branch,
        "relationship_manager": watched.relationship_manager,
        "event_time": event_time,
        "account": account,
    }


#: KeyDateKind (customer events) → words
KEY_DATE_WORDS = {
    customer_pb2.KEY_DATE_KIND_BIRTHDAY: "生日",
    customer_pb2.KEY_DATE_KIND_ESTABLISHMENT_ANNIVERSARY: "成立纪念日",
    customer_pb2.KEY_DATE_KIND_RELATIONSHIP_ANNIVERSARY: "建立关系纪念日",
    customer_pb2.KEY_DATE_KIND_DEPOSIT_MATURITY: "定期存款到期",
    customer_pb2.KEY_DATE_KIND_LOAN_MATURITY: "贷款到期",
    customer_pb2.KEY_DATE_KIND_WEALTH_MATURITY: "理财产品到期",
    customer_pb2.KEY_DATE_KIND_CONTACT_BIRTHDAY: "生日",
}


def _local_midnight(day: date) -> datetime:
    """The start of ``day`` in the bank's time zone, in UTC (what is stored and compared)."""
    return datetime.combine(day, time(0), tzinfo=detection.BANK_TZ).astimezone(UTC)


TASK_OPEN, TASK_IN_PROGRESS, TASK_COMPLETED = 1, 2, 3  # kam.task.v1.Task.State


def _with_assignee(rule: alert_pb2.AlertRule) -> alert_pb2.AlertRule:
    """A task reminder always reaches the task's assignee (carried as the context's relationship manager)."""
    copy = alert_pb2.AlertRule()
    copy.CopyFrom(rule)
    copy.recipients.relationship_manager = True
    return copy


async def _forget_task(session: AsyncSession, task: str) -> None:
    for reminder in await session.scalars(select(ReminderRow).where(ReminderRow.task == task)):
        await session.delete(reminder)
    await session.flush()


def _display(value: object) -> str:
    if isinstance(value, Decimal):
        return yuan_text(value)
    return str(value)


def _next_notify(rule: alert_pb2.AlertRule, now: datetime) -> datetime | None:
    every = domain.span(rule.repeat_interval)
    return now + every if every.total_seconds() > 0 else None


async def _ancestors(session: AsyncSession, branch: str) -> set[str]:
    """``branch`` and the org units above it (a rule's org unit takes its subtree)."""
    return set(await chain(session, branch))
