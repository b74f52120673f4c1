"""Playbooks set off by customer events, handled on the task service's ``customer`` consumer in the transaction
that applies the event — after the copy of the customer has taken it in (:func:`in_order`):

- ``CustomerCreated`` → TRIGGER_NEW_KEY_CUSTOMER, once per customer;
- ``TierChanged`` into one of a playbook's tiers (and not the tier it had) → TRIGGER_TIER_CHANGED, once per
  customer, new tier and bank day;
- ``KeyDateApproaching`` of a maturity kind → TRIGGER_MATURITY, once per customer, kind, date and account.

Exactly once: each firing is recorded in ``playbook_runs`` (playbook + customer + the trigger's identity above, not
the event id) in the same transaction as its tasks, so a redelivered or repeated event makes nothing twice; a
trigger older than the playbook (a backlog, an old event replayed) is ignored.

Each step is a task to the customer's relationship manager (``users/{user}``, or the active user with the staff
code of ``staff/{code}``; nobody active: no task, logged — the firing still counts), assigned by the playbook's
creator, with the customer set and ``origin`` the playbook, due the step's offset after the trigger's time (the
customer's creation, the tier's assignment, the maturity's detection; made so late that this has passed: the
offset after now).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from kam.task.v1 import automation_pb2, task_pb2
from kam_kit.clock import Clock
from kam_kit.errors import InvalidArgument
from kam_kit.events import EventMeta
from kam_kit.protoconv import date_value
from kam_kit.timeconv import aware, from_timestamp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_task.adapters import automation_map as amap
from kam_task.adapters.orm import CustomerCopy, PlaybookRow, PlaybookRunRow
from kam_task.domain import automation as auto
from kam_task.service_layer.automation import creator_identity, managers_of
from kam_task.service_layer.tasks import TaskService, _subtree

log = logging.getLogger(__name__)
Handler = Callable[[AsyncSession, Any, EventMeta], Awaitable[Any]]
Playbook = automation_pb2.Playbook
_CACHE = "kam_task.playbooks"


def in_order(*handlers: Handler) -> Handler:
    """One event handler that runs ``handlers`` in turn in the event's transaction (the copy of the customer first,
    then what reacts to it)."""

    async def handle(session: AsyncSession, event: Any, meta: EventMeta) -> None:
        for handler in handlers:
            await handler(session, event, meta)

    return handle


class PlaybookRunner:
    def __init__(self, tasks: TaskService, clock: Clock) -> None:
        self.tasks = tasks
        self.clock = clock

    async def on_customer_created(self, session: AsyncSession, event: Any, meta: EventMeta) -> None:
        customer = event.customer
        if not customer.name:
            return
        when = from_timestamp(customer.create_time) if customer.HasField("create_time") else None
        await self._fire(
            session,
            auto.NEW_KEY_CUSTOMER,
            customer.name,
            auto.NEW_CUSTOMER_KEY,
            when or self._received(meta),
            tier=customer.tier,
            branch=customer.branch,
            manager=customer.relationship_manager,
        )

    async def on_tier_changed(self, session: AsyncSession, event: Any, meta: EventMeta) -> None:
        if not event.customer or not event.tier or event.tier == event.previous_tier:
            return
        assignment = event.assignment
        when = (
            from_timestamp(assignment.assign_time)
            if event.HasField("assignment") and assignment.HasField("assign_time")
            else self._received(meta)
        )
        await self._fire(
            session,
            auto.TIER_CHANGED,
            event.customer,
            auto.tier_key(event.tier, when),
            when,
            tier=event.tier,
            branch=event.branch,
            manager=event.relationship_manager,
        )

    async def on_key_date(self, session: AsyncSession, event: Any, meta: EventMeta) -> None:
        if not event.customer or event.kind not in auto.MATURITIES:
            return
        try:
            day = date_value(event.date, "date")
        except InvalidArgument:
            day = None
        when = from_timestamp(event.detect_time) if event.HasField("detect_time") else self._received(meta)
        await self._fire(
            session,
            auto.MATURITY,
            event.customer,
            auto.maturity_key(event.kind, day, event.account),
            when,
            tier=event.tier,
            branch=event.branch,
            manager=event.relationship_manager,
            kind=event.kind,
        )

    def _received(self, meta: EventMeta) -> datetime:
        """An event's time when it carries none of its own: when the broker stored it, else now."""
        return meta.publish_time or self.clock.now()

    async def _fire(
        self,
        session: AsyncSession,
        trigger: int,
        customer: str,
        key: str,
        when: datetime,
        *,
        tier: str,
        branch: str,
        manager: str,
        kind: int = 0,
    ) -> None:
        playbooks = await _enabled(session, trigger)
        if not playbooks:
            return
        copy = await session.get(CustomerCopy, customer)
        if copy is not None:  # the copy as the event left it (a key date's event carries no newer facts)
            branch, manager = copy.branch or branch, copy.relationship_manager or manager
            if trigger != auto.TIER_CHANGED:
                tier = copy.tier or tier
        now = self.clock.now()
        for row, definition in playbooks:
            if when < aware(row.create_time) or not auto.applies(definition, tier=tier, kind=kind):
                continue
            if definition.conditions.org_unit and branch not in await _units(
                session, definition.conditions.org_unit
            ):
                continue
            if await session.get(PlaybookRunRow, (row.id, customer, key)) is not None:
                continue  # fired for this trigger before
            run = PlaybookRunRow(
                playbook_id=row.id,
                customer=customer,
                trigger_key=key,
                trigger_time=when,
                run_time=now,
                task_count=0,
            )
            session.add(run)
            await session.flush()  # the firing's key first (the same trigger twice in one batch: once)
            row.trigger_count, row.last_trigger_time = row.trigger_count + 1, when
            person = (await managers_of(session, [manager])).get(manager)
            if person is None:
                log.info(
                    "playbook fired for a customer whose relationship manager is nobody active: no task",
                    extra={"playbook": f"playbooks/{row.id}", "customer": customer, "manager": manager},
                )
                continue
            assigner = creator_identity(row)
            for step in definition.steps:
                template = step.task
                message = task_pb2.Task(
                    title=template.title,
                    purpose=template.purpose,
                    description=template.description,
                    priority=template.priority,
                    customer=customer,
                )
                due = auto.due_time(when, auto.span(step.due_offset), now)
                await self.tasks.add_in(session, assigner, message, person, due, origin=f"playbooks/{row.id}")
            run.task_count = len(definition.steps)


async def _enabled(session: AsyncSession, trigger: int) -> list[tuple[PlaybookRow, Playbook]]:
    """The enabled playbooks of ``trigger``, read once per transaction (a consumer's batch of events)."""
    cache: dict[int, list[tuple[PlaybookRow, Playbook]]] = session.info.setdefault(_CACHE, {})
    if trigger not in cache:
        rows = await session.scalars(
            select(PlaybookRow)
            .where(PlaybookRow.trigger == Playbook.Trigger.Name(trigger), PlaybookRow.enabled.is_(True))
            .order_by(PlaybookRow.create_time, PlaybookRow.id)
        )
        cache[trigger] = [(row, amap.playbook_definition(row)) for row in rows]
    return cache[trigger]


async def _units(session: AsyncSession, org_unit: str) -> set[str]:
    """``org_unit`` and the units below it, read once per transaction."""
    cache: dict[str, set[str]] = session.info.setdefault(f"{_CACHE}.units", {})
    if org_unit not in cache:
        cache[org_unit] = await _subtree(session, org_unit)
    return cache[org_unit]
