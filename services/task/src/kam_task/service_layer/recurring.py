"""The recurring-work sweeper: the tasks of each recurring task's occurrences, made as the injected clock passes
them (every few seconds in the service, on the replica holding the ``task-recurring`` lease; called directly in
tests after moving a manual clock).

Exactly once: an occurrence's tasks are made in one transaction together with its record in
``recurring_task_runs``, whose key is the recurring task and the occurrence time. A second sweep — a restart, a
replica that has just lost the lease, a sweep that saw the same due row — finds the record (or fails on its key
and rolls back) and makes nothing. Each transaction is fenced by the lease.

Missed occurrences (the service down over several): only the latest one due is made, and the next occurrence is
the first one after now. Its tasks are due ``due_after`` after that occurrence, or — that time already past —
``due_after`` after they are made.

Whom: the named people and every active relationship manager of ``assignee_org_unit`` as they are at the
occurrence (one task each; someone no longer active is skipped and counted), or one task per customer of the
segment in the copy of key customers to that customer's relationship manager (``staff/{code}`` resolved through
the copy of the users; nobody active: no task, counted and logged). The assigner is the recurring task's creator;
each task's ``origin`` is the recurring task, with its history entry, audit record and ``TaskCreated`` as
CreateTask makes them.
"""

from __future__ import annotations

import logging
from datetime import datetime

from kam.task.v1 import automation_pb2, task_pb2
from kam_kit import partitions
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument
from kam_kit.partitions import Lease, LeaseLost
from kam_kit.scope import EVERYTHING
from kam_kit.timeconv import aware
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_task.adapters import automation_map as amap
from kam_task.adapters.orm import CustomerCopy, RecurringTaskRow, RecurringTaskRunRow
from kam_task.domain import automation as auto
from kam_task.service_layer.automation import creator_identity, managers_of
from kam_task.service_layer.tasks import Person, TaskService, _subtree

log = logging.getLogger(__name__)
#: recurring tasks looked at per sweep
BATCH = 200
#: the most tasks one occurrence makes (a customer segment larger than this: the rest are counted as unassigned
#: and logged)
MAX_TASKS_PER_OCCURRENCE = 5000


class RecurringSweeper:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        tasks: TaskService,
        *,
        interval: float = 5.0,
        lease: Lease | None = None,
    ) -> None:
        """``lease``: with several replicas, the one holding it sweeps (each occurrence's transaction fenced)."""
        self.db = db
        self.clock = clock
        self.tasks = tasks
        self.interval = interval
        self.lease = lease

    async def run(self) -> None:
        await partitions.every(self.interval, self.lease, self.tick, what="recurring task sweep")

    def _transaction(self):
        return partitions.fenced_transaction(self.db, self.lease)

    async def tick(self) -> int:
        """The occurrences due by now; returns how many tasks were made."""
        now = self.clock.now()
        async with self.db.read() as session:
            due = list(
                await session.scalars(
                    select(RecurringTaskRow.id)
                    .where(RecurringTaskRow.enabled.is_(True), RecurringTaskRow.next_run_time <= now)
                    .order_by(RecurringTaskRow.next_run_time)
                    .limit(BATCH)
                )
            )
        made = 0
        for rid in due:
            try:
                async with self._transaction() as session:
                    made += await self._occurrence(session, rid, now)
            except LeaseLost:
                raise
            except (
                Exception
            ):  # one recurring task that fails does not stop the others; it is tried next sweep
                log.exception("recurring task not run", extra={"recurring_task": f"recurringTasks/{rid}"})
        return made

    async def _occurrence(self, session: AsyncSession, rid: str, now: datetime) -> int:
        row = await session.get(RecurringTaskRow, rid, with_for_update=True, populate_existing=True)
        if row is None or not row.enabled or row.next_run_time is None or aware(row.next_run_time) > now:
            return 0  # changed meanwhile
        definition = amap.recurring_definition(row)
        schedule = auto.schedule_of(definition.schedule)
        due_from = aware(row.next_run_time)
        occurrence = schedule.latest_on_or_before(now)  # after downtime: the latest missed one only
        row.next_run_time = schedule.next_after(now)
        if occurrence is None or occurrence < due_from:
            return 0
        if await session.get(RecurringTaskRunRow, (rid, occurrence)) is not None:
            return 0  # made before
        run = RecurringTaskRunRow(
            recurring_task_id=rid, occurrence_time=occurrence, run_time=now, task_count=0, unassigned_count=0
        )
        session.add(run)
        await session.flush()  # the occurrence's key first: a concurrent sweep fails here, before any task
        whom, unassigned = await _whom(session, definition, self.tasks)
        if len(whom) > MAX_TASKS_PER_OCCURRENCE:
            log.warning(
                "recurring task occurrence capped",
                extra={"recurring_task": f"recurringTasks/{rid}", "wanted": len(whom)},
            )
            unassigned += len(whom) - MAX_TASKS_PER_OCCURRENCE
            whom = whom[:MAX_TASKS_PER_OCCURRENCE]
        assigner = creator_identity(row)
        due = auto.due_time(occurrence, auto.span(definition.due_after), now)
        origin = f"recurringTasks/{rid}"
        template = definition.task
        for person, customer in whom:
            message = task_pb2.Task(
                title=template.title,
                purpose=template.purpose,
                description=template.description,
                priority=template.priority,
                customer=customer,
            )
            await self.tasks.add_in(session, assigner, message, person, due, origin=origin)
        run.task_count, run.unassigned_count = len(whom), unassigned
        row.last_run_time, row.last_run_task_count, row.last_run_unassigned_count = (
            occurrence,
            len(whom),
            unassigned,
        )
        if unassigned:
            log.info(
                "recurring task occurrence left some without a task",
                extra={"recurring_task": origin, "tasks": len(whom), "unassigned": unassigned},
            )
        return len(whom)


async def _whom(
    session: AsyncSession, definition: automation_pb2.RecurringTask, tasks: TaskService
) -> tuple[list[tuple[Person, str]], int]:
    """Each task's assignee and customer (empty: none), and how many could not be given one."""
    if definition.HasField("customer_segment"):
        return await _segment(session, definition.customer_segment)
    people: dict[str, Person] = {}
    unassigned = 0
    for name in definition.assignees:
        try:  # the reach was checked when saved; now only whether they are still there and active
            people[name] = await tasks._assignee(session, None, EVERYTHING, name, "assignees")
        except InvalidArgument:
            unassigned += 1
    if definition.assignee_org_unit:
        try:
            found = await tasks._managers_below(
                session, None, EVERYTHING, definition.assignee_org_unit, skip=set(people)
            )
            people.update((person.name, person) for person in found)
        except InvalidArgument as error:  # the unit gone, or nobody there any more
            log.info("no relationship managers for a recurring task", extra={"reason": str(error)})
    return [(people[name], "") for name in sorted(people)], unassigned


async def _segment(
    session: AsyncSession, segment: automation_pb2.CustomerCriteria
) -> tuple[list[tuple[Person, str]], int]:
    query = select(CustomerCopy.customer, CustomerCopy.relationship_manager).order_by(CustomerCopy.customer)
    if segment.tiers:
        query = query.where(CustomerCopy.tier.in_(sorted(segment.tiers)))
    if segment.org_unit:
        query = query.where(CustomerCopy.branch.in_(sorted(await _subtree(session, segment.org_unit))))
    customers = (await session.execute(query)).all()
    managers = await managers_of(session, {manager for _, manager in customers})
    whom = [(managers[manager], customer) for customer, manager in customers if manager in managers]
    return whom, len(customers) - len(whom)
