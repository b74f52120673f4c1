"""Tasks (任务) as people assign and do them: created for oneself or assigned down the org tree — to one person,
to several, or to every relationship manager of a branch subtree — read within the caller's reach, and moved
through their life (start, complete, accept or return, cancel), each change with an ETag check, a history entry,
an audit record and its event, in one transaction.

Who sees a task: its assigner and assignee, and whoever's data scope takes in the assignee's org unit (a branch
manager sees the tasks of the branch's people; head office and compliance see all). A task out of reach is
``NOT_FOUND`` and left out of lists and counts.

Who may do what (kam_task.domain.tasks): the assignee starts and completes (anyone else ``PERMISSION_DENIED``);
the assigner — or a superior with ``tasks.assign`` over the assignee — changes, reviews and cancels.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kam.task.v1 import events_pb2, task_pb2
from kam_kit import etags, orgtree, outbox
from kam_kit.audit import AuditTrail
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database, earlier_request
from kam_kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, Validator
from kam_kit.filtering import COMPARISONS, boolean, one_of, resource_name, timestamp
from kam_kit.permissions import RELATIONSHIP_MANAGER
from kam_kit.protoconv import timestamp_value
from kam_kit.scope import ORG_PREFIX, DataScope, descendants
from kam_kit.timeconv import aware
from sqlalchemy import ColumnElement, and_, case, func, literal, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_task.adapters.automation_map import playbook_definition, recurring_definition
from kam_task.adapters.orm import (
    CampaignRow,
    OrgUnitCopy,
    PlaybookRow,
    RecurringTaskRow,
    TaskAssignmentRow,
    TaskCommentRow,
    TaskHistoryRow,
    TaskRow,
    UserCopy,
)
from kam_task.adapters.protomap import comment_to_proto, history_to_proto, task_to_proto
from kam_task.domain import tasks as rules
from kam_task.service_layer import attachments
from kam_task.service_layer.customers import public_names

Task = task_pb2.Task
SERVICE = "task"
ME = "users/me"
#: the most people one BatchCreateTasks assigns to
MAX_ASSIGNEES = 500
#: UpdateTask's writable fields
WRITABLE = (
    "title",
    "purpose",
    "description",
    "priority",
    "assignee",
    "due_time",
    "customer",
    "related_customers",
)
_STATES = {n for n in Task.State.keys() if n != "STATE_UNSPECIFIED"}  # noqa: SIM118 (an enum wrapper)


#: ListTasks' filter fields (AIP-160)
FILTERS: dict[str, Callable[[str], object]] = {
    "state": one_of(_STATES, "状态"),
    "priority": one_of(rules.PRIORITIES, "优先级"),
    "assignee": resource_name("users/"),
    "assigner": resource_name("users/"),
    "org_unit": resource_name(ORG_PREFIX),
    "customer": resource_name("customers/"),
    "campaign": resource_name("campaigns/"),
    "parent_task": resource_name("tasks/"),
    "assignment": str,
    "overdue": boolean,
    "active": boolean,
    "origin": str,
    "due_time": timestamp,
    "create_time": timestamp,
}
COMPARABLE = ("due_time", "create_time")
ORDERS = {
    "due_time": TaskRow.due_time,
    "create_time": TaskRow.create_time,
    "priority": case(
        {name: rank for rank, name in enumerate(rules.PRIORITIES)}, value=TaskRow.priority, else_=-1
    ),
}


def task_id(name: str, field: str = "name") -> str:
    prefix, _, rest = name.partition("/")
    if prefix != "tasks" or not rest or "/" in rest or len(rest) > 32:
        raise InvalidArgument.for_field(field, "应为 tasks/{任务} (tasks/{task})")
    return rest


@dataclass(frozen=True)
class Person:
    """An assignee as the task keeps them."""

    name: str
    display_name: str
    org_unit: str


class TaskService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = AuditTrail(SERVICE, clock)

    # --- create -------------------------------------------------------------------------------------------------

    async def create(self, identity: Identity | None, message: Task, *, request_id: str = "") -> Task:
        now = self.clock.now()
        v = Validator()
        due = self._check_new(v, message, now)
        assignee = _me(identity, message.assignee)
        rules.check_resource(v, assignee, "task.assignee", "users/", required=True)
        v.request_id(request_id)
        v.raise_if_any()
        async with self.db.transaction() as session:
            earlier = await earlier_request(session, TaskRow, request_id)
            if earlier is not None:
                return task_to_proto(earlier, now)
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            if message.parent_task:
                await self._visible(
                    session, identity, scope, task_id(message.parent_task, "task.parent_task")
                )
            person = await self._assignee(session, identity, scope, assignee, "task.assignee")
            row = self._new_row(
                identity, message, person, due, now, assignment="", request_id=request_id or None
            )
            session.add(row)
            return await self._created(session, identity, row, now)

    async def batch_create(
        self,
        identity: Identity | None,
        message: Task,
        *,
        assignees: list[str],
        org_unit: str,
        request_id: str = "",
    ) -> list[Task]:
        now = self.clock.now()
        v = Validator()
        due = self._check_new(v, message, now)
        names = list(dict.fromkeys(_me(identity, name) for name in assignees))
        for i, name in enumerate(names):
            rules.check_resource(v, name, f"assignees[{i}]", "users/")
        rules.check_resource(v, org_unit, "org_unit", ORG_PREFIX)
        v.check(bool(names) or bool(org_unit), "assignees", "请指定人员或机构 (name people or an org unit)")
        v.check(
            len(names) <= MAX_ASSIGNEES, "assignees", f"最多 {MAX_ASSIGNEES} 人 (at most {MAX_ASSIGNEES})"
        )
        v.check(not message.parent_task, "task.parent_task", "批量分派不支持上级任务 (not with a batch)")
        v.request_id(request_id)
        v.raise_if_any()
        async with self.db.transaction() as session:
            earlier = await earlier_request(session, TaskAssignmentRow, request_id)
            if earlier is not None:
                rows = await session.scalars(
                    select(TaskRow).where(TaskRow.assignment == earlier.id).order_by(TaskRow.assignee)
                )
                return [task_to_proto(row, now) for row in rows]
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            people = [await self._assignee(session, identity, scope, name, "assignees") for name in names]
            if org_unit:
                people += await self._managers_below(session, identity, scope, org_unit, skip=set(names))
            if len(people) > MAX_ASSIGNEES:
                raise InvalidArgument.for_field(
                    "org_unit", f"超过 {MAX_ASSIGNEES} 人 (more than {MAX_ASSIGNEES})"
                )
            assignment = TaskAssignmentRow(
                id=uuid.uuid4().hex,
                assigner=_who(identity),
                task_count=len(people),
                create_time=now,
                request_id=request_id or None,
            )
            session.add(assignment)
            created = []
            for person in sorted(people, key=lambda p: p.name):
                row = self._new_row(
                    identity, message, person, due, now, assignment=assignment.id, request_id=None
                )
                session.add(row)
                created.append(await self._created(session, identity, row, now))
            return created

    def _check_new(self, v: Validator, message: Task, now: datetime) -> datetime | None:
        rules.check_text(v, message.title, "task.title", rules.MAX_TITLE, required=True)
        rules.check_text(v, message.purpose, "task.purpose", rules.MAX_PURPOSE)
        rules.check_text(v, message.description, "task.description", rules.MAX_DESCRIPTION)
        rules.check_priority(v, message.priority)
        rules.check_resource(v, message.customer, "task.customer", "customers/")
        rules.check_related(v, list(message.related_customers), message.customer)
        rules.check_resource(v, message.campaign, "task.campaign", "campaigns/")
        rules.check_resource(v, message.parent_task, "task.parent_task", "tasks/")
        due = _time(v, message, "due_time", "task.due_time")
        rules.check_due(v, due, now)
        return due

    def _new_row(
        self,
        identity: Identity | None,
        message: Task,
        person: Person,
        due: datetime | None,
        now: datetime,
        *,
        assignment: str,
        request_id: str | None,
    ) -> TaskRow:
        assert due is not None
        return TaskRow(
            id=uuid.uuid4().hex,
            title=message.title.strip(),
            purpose=message.purpose.strip(),
            description=message.description.strip(),
            priority=rules.priority_name(message.priority),
            state=rules.OPEN,
            assigner=_who(identity),
            assigner_display_name=identity.display_name if identity else "",
            assignee=person.name,
            assignee_display_name=person.display_name,
            org_unit=person.org_unit,
            due_time=due.astimezone(UTC),  # stored in UTC, whatever zone the time came in
            customer=message.customer,
            related_customers=" ".join(message.related_customers),
            campaign=message.campaign,
            parent_task=message.parent_task,
            assignment=assignment,
            origin="",
            handling="",
            content="",
            interaction_type=0,
            review_comment="",
            reviewer="",
            return_count=0,
            cancel_reason="",
            create_time=now,
            update_time=now,
            version=1,
            request_id=request_id,
        )

    async def _created(
        self, session: AsyncSession, identity: Identity | None, row: TaskRow, now: datetime
    ) -> Task:
        task = task_to_proto(row, now)
        await self._history(session, identity, row.id, "created", now)
        self.events.record(session, events_pb2.TaskCreated(task=task), resource=task.name)
        self.audit.change(
            session,
            actor=identity,
            action="tasks.create",
            resource=task.name,
            after={
                "title": row.title,
                "assignee": row.assignee,
                "due_time": _text(row.due_time),
                "priority": row.priority,
                "customer": row.customer,
                "related_customers": row.related_customers,
            },
        )
        return task

    async def add_in(
        self,
        session: AsyncSession,
        identity: Identity | None,
        message: Task,
        person: Person,
        due: datetime,
        *,
        origin: str,
    ) -> Task:
        """A task the system makes on the caller's behalf (a campaign's launch …) in the caller's transaction:
        the same row, history entry, event and audit record as CreateTask, with ``origin`` saying what made it."""
        now = self.clock.now()
        row = self._new_row(identity, message, person, due, now, assignment="", request_id=None)
        row.origin = origin
        session.add(row)
        return await self._created(session, identity, row, now)

    async def _assignee(
        self, session: AsyncSession, identity: Identity | None, scope: DataScope, name: str, field: str
    ) -> Person:
        """Whom a task may go to: oneself always; anyone else only with ``tasks.assign`` and in one's subtree."""
        user = await session.get(UserCopy, name)
        if identity is not None and name == identity.subject:
            return Person(
                name,
                identity.display_name or (user.display_name if user else ""),
                identity.org_unit or (user.org_unit if user else ""),
            )
        if identity is not None and not identity.can("tasks.assign"):
            raise PermissionDenied(
                "只能为自己建任务；分派给他人需要「分派任务」权限 (you may create tasks for yourself only; "
                "assigning to others needs tasks.assign)",
                reason="TASK_ASSIGN",
            )
        if user is None or not user.active:
            raise InvalidArgument.for_field(field, f"未知或已停用的用户 {name} (unknown or inactive user)")
        if not (scope.everything or user.org_unit in scope.branches):
            raise PermissionDenied(
                f"只能分派给本机构及下级机构的人员：{user.display_name} 不在您的管辖范围 (the assignee must be in "
                "your org subtree)",
                reason="TASK_ASSIGNEE_OUT_OF_SUBTREE",
            )
        return Person(user.name, user.display_name, user.org_unit)

    async def _managers_below(
        self,
        session: AsyncSession,
        identity: Identity | None,
        scope: DataScope,
        org_unit: str,
        *,
        skip: set[str],
    ) -> list[Person]:
        """Every active relationship manager in ``org_unit`` and the units below it (which must be the caller's)."""
        unit = await session.get(OrgUnitCopy, org_unit.removeprefix(ORG_PREFIX))
        if unit is None:
            raise InvalidArgument.for_field("org_unit", f"未知的机构 {org_unit} (unknown org unit)")
        if not (scope.everything or org_unit in scope.branches):
            raise PermissionDenied(
                f"只能分派给本机构及下级机构：{unit.display_name} 不在您的管辖范围 (not in your org subtree)",
                reason="TASK_ASSIGNEE_OUT_OF_SUBTREE",
            )
        units = await _subtree(session, org_unit)
        rows = await session.scalars(
            select(UserCopy).where(UserCopy.org_unit.in_(sorted(units)), UserCopy.active.is_(True))
        )
        people = [
            Person(u.name, u.display_name, u.org_unit)
            for u in rows
            if RELATIONSHIP_MANAGER in u.roles.split() and u.name not in skip
        ]
        if not people:
            raise InvalidArgument.for_field(
                "org_unit",
                f"{unit.display_name}及其下级机构没有在职的客户经理 (no relationship managers there)",
            )
        return people

    # --- reads --------------------------------------------------------------------------------------------------

    async def get(self, identity: Identity | None, name: str) -> Task:
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._visible(session, identity, scope, task_id(name))
            customers, origins = await _names(session, [row])
            task = task_to_proto(row, self.clock.now(), customers, origins)
            await attachments.fill(session, [task])
            return task

    async def list(
        self, identity: Identity | None, filters: dict[str, object], *, order_by: str, offset: int, limit: int
    ) -> tuple[list[Task], int]:
        now = self.clock.now()
        conditions: list[ColumnElement[bool]] = []
        for field in ("state", "priority", "assignee", "assigner", "campaign", "assignment"):
            if field in filters:
                value = filters[field]
                conditions.append(
                    getattr(TaskRow, field) == (_me(identity, value) if field.startswith("assign") else value)
                )
        for field in ("parent_task", "origin"):
            if field in filters:
                conditions.append(getattr(TaskRow, field) == filters[field])
        if "customer" in filters:
            conditions.append(_concerns(str(filters["customer"])))
        if "active" in filters:
            active = TaskRow.state.in_(rules.ACTIVE)
            conditions.append(active if filters["active"] else not_(active))
        overdue = and_(TaskRow.state.in_(rules.ACTIVE), TaskRow.due_time < now)
        if "overdue" in filters:
            conditions.append(overdue if filters["overdue"] else not_(overdue))
        for field in COMPARABLE:
            column = getattr(TaskRow, field)
            if field in filters:
                conditions.append(column == filters[field])
            for sign, compare in COMPARISONS.items():
                if (moment := filters.get(f"{field} {sign}")) is not None:
                    conditions.append(compare(column, moment))
        order = _order(order_by)
        async with self.db.read() as session:
            if "org_unit" in filters:
                conditions.append(
                    TaskRow.org_unit.in_(sorted(await _subtree(session, str(filters["org_unit"]))))
                )
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            if (visible := _reach(identity, scope)) is not None:
                conditions.append(visible)
            rows = await session.scalars(
                select(TaskRow).where(*conditions).order_by(*order).offset(offset).limit(limit)
            )
            total = await session.scalar(select(func.count()).select_from(TaskRow).where(*conditions))
            found = list(rows)
            customers, origins = await _names(session, found)
            tasks = [task_to_proto(row, now, customers, origins) for row in found]
            await attachments.fill(session, tasks)
            return tasks, int(total or 0)

    async def history(self, identity: Identity | None, name: str) -> list[task_pb2.TaskHistoryEntry]:
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._visible(session, identity, scope, task_id(name))
            entries = await session.scalars(
                select(TaskHistoryRow).where(TaskHistoryRow.task_id == row.id).order_by(TaskHistoryRow.seq)
            )
            return [history_to_proto(entry) for entry in entries]

    async def comments(
        self, identity: Identity | None, parent: str, *, offset: int, limit: int
    ) -> tuple[list[task_pb2.TaskComment], bool]:
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._visible(session, identity, scope, task_id(parent, "parent"))
            found = list(
                await session.scalars(
                    select(TaskCommentRow)
                    .where(TaskCommentRow.task_id == row.id)
                    .order_by(TaskCommentRow.seq)
                    .offset(offset)
                    .limit(limit + 1)
                )
            )
            return [comment_to_proto(c) for c in found[:limit]], len(found) > limit

    # --- changes ------------------------------------------------------------------------------------------------

    async def comment(self, identity: Identity | None, parent: str, text: str) -> task_pb2.TaskComment:
        tid = task_id(parent, "parent")
        text = text.strip()
        v = Validator()
        rules.check_text(v, text, "comment.text", rules.MAX_TEXT, required=True)
        v.raise_if_any()
        now = self.clock.now()
        async with self.db.transaction() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            await self._visible(session, identity, scope, tid)
            row = TaskCommentRow(
                id=uuid.uuid4().hex,
                task_id=tid,
                seq=await _next(session, TaskCommentRow, tid),
                author=_who(identity),
                author_display_name=identity.display_name if identity else "",
                text=text,
                create_time=now,
            )
            session.add(row)
            await self._history(session, identity, tid, "commented", now, note=text)
            self.audit.change(
                session,
                actor=identity,
                action="tasks.comment",
                resource=f"tasks/{tid}/comments/{row.id}",
                after={"text": text},
            )
            return comment_to_proto(row)

    async def update(self, identity: Identity | None, message: Task, paths: list[str], *, etag: str) -> Task:
        tid = task_id(message.name, "task.name")
        now = self.clock.now()
        v = Validator()
        for path in paths:
            v.check(
                path in WRITABLE,
                "update_mask",
                f"不可修改 {path} (not updatable; one of {', '.join(WRITABLE)})",
            )
        v.raise_if_any()
        if "title" in paths:
            rules.check_text(v, message.title, "task.title", rules.MAX_TITLE, required=True)
        if "purpose" in paths:
            rules.check_text(v, message.purpose, "task.purpose", rules.MAX_PURPOSE)
        if "description" in paths:
            rules.check_text(v, message.description, "task.description", rules.MAX_DESCRIPTION)
        if "priority" in paths:
            rules.check_priority(v, message.priority)
        if "customer" in paths:
            rules.check_resource(v, message.customer, "task.customer", "customers/")
        if "related_customers" in paths:
            rules.check_related(v, list(message.related_customers), None)  # the main one: once changed
        assignee = _me(identity, message.assignee)
        if "assignee" in paths:
            rules.check_resource(v, assignee, "task.assignee", "users/", required=True)
        due = None
        if "due_time" in paths:
            due = _time(v, message, "due_time", "task.due_time")
            rules.check_due(v, due, now)
        v.raise_if_any()

        async def change(session: AsyncSession, row: TaskRow, scope: DataScope) -> list[tuple[str, str, str]]:
            changes: list[tuple[str, str, str]] = []

            def put(field: str, value: object, shown: str | None = None) -> None:
                before = getattr(row, field)
                if isinstance(before, datetime):
                    before = aware(before)
                if before != value:
                    changes.append((field, _text(before), shown if shown is not None else _text(value)))
                    setattr(row, field, value)

            for field in ("title", "purpose", "description"):
                if field in paths:
                    put(field, getattr(message, field).strip())
            if "priority" in paths:
                put("priority", rules.priority_name(message.priority))
            if "customer" in paths:
                put("customer", message.customer)
            if "related_customers" in paths:
                put("related_customers", " ".join(message.related_customers))
            if (
                row.customer or row.related_customers
            ):  # the main customer and the further ones, as they end up
                checked = Validator()
                rules.check_related(checked, row.related_customers.split(), row.customer)
                checked.raise_if_any()
            if due is not None:
                put("due_time", due)
            if "assignee" in paths and assignee != row.assignee:
                person = await self._assignee(session, identity, scope, assignee, "task.assignee")
                put("assignee", person.name)
                row.assignee_display_name, row.org_unit = person.display_name, person.org_unit
            return changes

        return await self._change(identity, tid, "update", etag, change, events_pb2.TaskUpdated)

    async def start(self, identity: Identity | None, name: str, *, etag: str) -> Task:
        async def change(session: AsyncSession, row: TaskRow, scope: DataScope) -> list[tuple[str, str, str]]:
            row.state, row.start_time = rules.IN_PROGRESS, self.clock.now()
            return [("state", rules.OPEN, rules.IN_PROGRESS)]

        return await self._change(identity, task_id(name), "start", etag, change, events_pb2.TaskStarted)

    async def complete(
        self, identity: Identity | None, name: str, completion: task_pb2.Completion, *, etag: str
    ) -> Task:
        tid = task_id(name)
        now = self.clock.now()
        v = Validator()
        rules.check_text(v, completion.handling, "completion.handling", rules.MAX_HANDLING, required=True)
        rules.check_text(v, completion.content, "completion.content", rules.MAX_DESCRIPTION, required=True)
        done = _time(v, completion, "complete_time", "completion.complete_time") or now
        v.check(done <= now, "completion.complete_time", "完成时间不能晚于现在 (cannot be in the future)")
        kind = int(completion.interaction_type)
        v.check(
            not kind or kind in rules.LOGGABLE,
            "completion.interaction_type",
            "只能记为拜访、电话、会面、消息、需求或备注 (not a kind staff may log)",
        )
        v.raise_if_any()

        async def change(session: AsyncSession, row: TaskRow, scope: DataScope) -> list[tuple[str, str, str]]:
            if done < aware(row.create_time):
                raise InvalidArgument.for_field(
                    "completion.complete_time", "完成时间早于任务创建时间 (before the task was created)"
                )
            if kind and not row.customer:
                raise InvalidArgument.for_field(
                    "completion.interaction_type",
                    "任务未关联客户，无法记入客户时间线 (the task concerns no customer)",
                )
            before, parties = row.state, _parties(identity, row)
            row.state = rules.completion_state(parties)
            row.handling, row.content = completion.handling.strip(), completion.content.strip()
            row.complete_time, row.close_time, row.interaction_type = done, now, kind
            if row.state == rules.ACCEPTED:
                row.review_accepted, row.reviewer, row.review_time, row.review_comment = (
                    1,
                    row.assignee,
                    now,
                    "",
                )
            return [
                ("state", before, row.state),
                ("handling", "", row.handling),
                ("content", "", row.content),
            ]

        return await self._change(identity, tid, "complete", etag, change, events_pb2.TaskCompleted)

    async def accept(self, identity: Identity | None, name: str, *, comment: str, etag: str) -> Task:
        v = Validator()
        rules.check_text(v, comment, "comment", rules.MAX_TEXT)
        v.raise_if_any()

        async def change(session: AsyncSession, row: TaskRow, scope: DataScope) -> list[tuple[str, str, str]]:
            row.state, row.review_accepted, row.review_comment = rules.ACCEPTED, 1, comment.strip()
            row.reviewer, row.review_time = _who(identity), self.clock.now()
            return [("state", rules.COMPLETED, rules.ACCEPTED)]

        return await self._change(
            identity, task_id(name), "accept", etag, change, events_pb2.TaskAccepted, note=comment.strip()
        )

    async def return_(self, identity: Identity | None, name: str, *, reason: str, etag: str) -> Task:
        v = Validator()
        rules.check_text(v, reason, "reason", rules.MAX_TEXT, required=True)
        v.raise_if_any()

        async def change(session: AsyncSession, row: TaskRow, scope: DataScope) -> list[tuple[str, str, str]]:
            row.state, row.review_accepted, row.review_comment = rules.IN_PROGRESS, 0, reason.strip()
            row.reviewer, row.review_time, row.return_count = (
                _who(identity),
                self.clock.now(),
                row.return_count + 1,
            )
            row.close_time = None
            return [("state", rules.COMPLETED, rules.IN_PROGRESS)]

        return await self._change(
            identity, task_id(name), "return", etag, change, events_pb2.TaskReturned, note=reason.strip()
        )

    async def cancel(self, identity: Identity | None, name: str, *, reason: str, etag: str) -> Task:
        v = Validator()
        rules.check_text(v, reason, "cancel_reason", rules.MAX_TEXT)
        v.raise_if_any()
        now = self.clock.now()

        async def change(session: AsyncSession, row: TaskRow, scope: DataScope) -> list[tuple[str, str, str]]:
            before = row.state
            row.state, row.cancel_reason, row.close_time = rules.CANCELLED, reason.strip(), now
            await self._cancel_below(session, identity, row.id, now)
            return [("state", before, rules.CANCELLED)]

        return await self._change(
            identity, task_id(name), "cancel", etag, change, events_pb2.TaskCancelled, note=reason.strip()
        )

    async def _cancel_below(
        self, session: AsyncSession, identity: Identity | None, tid: str, now: datetime
    ) -> None:
        """The open sub-tasks delegated from a cancelled task are cancelled with it (and theirs, down the chain)."""
        children = await session.scalars(
            select(TaskRow).where(TaskRow.parent_task == f"tasks/{tid}", TaskRow.state.in_(rules.ACTIVE))
        )
        for child in list(children):
            before = child.state
            child.state, child.cancel_reason, child.close_time = rules.CANCELLED, "上级任务已取消", now
            child.update_time, child.version = now, child.version + 1
            await self._history(
                session,
                identity,
                child.id,
                "cancelled",
                now,
                [("state", before, rules.CANCELLED)],
                note=child.cancel_reason,
            )
            task = task_to_proto(child, now)
            self.events.record(session, events_pb2.TaskCancelled(task=task), resource=task.name)
            await self._cancel_below(session, identity, child.id, now)

    async def _change(
        self,
        identity: Identity | None,
        tid: str,
        action: str,
        etag: str,
        change: Callable[[AsyncSession, TaskRow, DataScope], Awaitable[list[tuple[str, str, str]]]],
        event_type: type,
        *,
        note: str = "",
    ) -> Task:
        async with self.db.transaction() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await self._visible(session, identity, scope, tid)
            _allowed(identity, scope, row, action)
            etags.check(etag, row.version, "任务")
            if row.state not in rules.FROM[action]:
                raise FailedPrecondition(
                    f"任务当前为「{rules.STATE_NAMES.get(row.state, row.state)}」，不能{rules.VERBS[action]} "
                    f"(cannot {action} a task in {row.state})",
                    reason="TASK_STATE",
                )
            now = self.clock.now()
            changes = await change(session, row, scope)
            if not changes:
                return task_to_proto(row, now)  # an update that changes nothing: no version, event or history
            row.update_time, row.version = now, row.version + 1
            task = task_to_proto(row, now)
            past = {
                "update": "updated",
                "start": "started",
                "complete": "completed",
                "accept": "accepted",
                "return": "returned",
                "cancel": "cancelled",
            }[action]
            await self._history(session, identity, tid, past, now, changes, note=note)
            if event_type is events_pb2.TaskUpdated:
                event = events_pb2.TaskUpdated(task=task)
                event.update_mask.paths.extend(field for field, _, _ in changes)
            else:
                event = event_type(task=task)
            self.events.record(session, event, resource=task.name)
            self.audit.change(
                session,
                actor=identity,
                action=f"tasks.{action}",
                resource=task.name,
                before={field: before for field, before, _ in changes},
                after={**{field: after for field, _, after in changes}, **({"note": note} if note else {})},
            )
            return task

    async def _history(
        self,
        session: AsyncSession,
        identity: Identity | None,
        tid: str,
        action: str,
        now: datetime,
        changes: list[tuple[str, str, str]] | None = None,
        *,
        note: str = "",
    ) -> None:
        """A history entry; a new task's first needs no look at the others (a batch of hundreds makes no query)."""
        session.add(
            TaskHistoryRow(
                id=uuid.uuid4().hex,
                task_id=tid,
                seq=1 if action == "created" else await _next(session, TaskHistoryRow, tid),
                action=action,
                actor=_who(identity),
                actor_display_name=identity.display_name if identity else "系统",
                time=now,
                changes=json.dumps(changes or [], ensure_ascii=False),
                note=note,
            )
        )

    @staticmethod
    async def _visible(
        session: AsyncSession, identity: Identity | None, scope: DataScope, tid: str
    ) -> TaskRow:
        row = await session.get(TaskRow, tid)
        if row is not None and _sees(identity, scope, row):
            return row
        raise NotFound(f"任务 tasks/{tid} 不存在 (no such task)")


async def _names(session: AsyncSession, rows: list[TaskRow]) -> tuple[dict[str, str], dict[str, str]]:
    """The names a page of tasks shows: their customers' (a person's masked) and their origins' — the recurring
    task's title, the playbook's or the campaign's name — one query per kind."""
    origins: dict[str, str] = {}
    by_kind: dict[str, list[str]] = {}
    for row in rows:
        kind, _, rid = row.origin.partition("/")
        if rid:
            by_kind.setdefault(kind, []).append(rid)
    if ids := by_kind.get("campaigns"):
        found = await session.execute(
            select(CampaignRow.id, CampaignRow.display_name).where(CampaignRow.id.in_(ids))
        )
        origins.update({f"campaigns/{i}": name for i, name in found})
    if ids := by_kind.get("recurringTasks"):
        for recurring in await session.scalars(select(RecurringTaskRow).where(RecurringTaskRow.id.in_(ids))):
            origins[f"recurringTasks/{recurring.id}"] = recurring_definition(recurring).task.title
    if ids := by_kind.get("playbooks"):
        for playbook in await session.scalars(select(PlaybookRow).where(PlaybookRow.id.in_(ids))):
            origins[f"playbooks/{playbook.id}"] = playbook_definition(playbook).display_name
    return await public_names(session, [row.customer for row in rows]), origins


def _concerns(customer: str) -> ColumnElement[bool]:
    """Tasks concerning ``customer``: as their main customer or a further one (a whole name among the
    space-separated ones — ``customers/1`` is not ``customers/10``)."""
    padded = literal(" ") + TaskRow.related_customers + literal(" ")
    return or_(TaskRow.customer == customer, padded.contains(f" {customer} ", autoescape=True))


def _sees(identity: Identity | None, scope: DataScope, row: TaskRow) -> bool:
    if identity is None or scope.everything:
        return True
    return identity.subject in (row.assignee, row.assigner) or row.org_unit in scope.branches


def _reach(identity: Identity | None, scope: DataScope) -> ColumnElement[bool] | None:
    """:func:`_sees` as a WHERE condition (None when unrestricted)."""
    if identity is None or scope.everything:
        return None
    terms = [TaskRow.assignee == identity.subject, TaskRow.assigner == identity.subject]
    if scope.branches:
        terms.append(TaskRow.org_unit.in_(sorted(scope.branches)))
    return or_(*terms)


async def _next(session: AsyncSession, model: type[TaskCommentRow | TaskHistoryRow], tid: str) -> int:
    """The next number in a task's comments or history (their order, whatever the clock says)."""
    last = await session.scalar(select(func.max(model.seq)).where(model.task_id == tid))
    return int(last or 0) + 1


def _parties(identity: Identity | None, row: TaskRow) -> rules.Parties:
    return rules.Parties(caller=_who(identity), assigner=row.assigner, assignee=row.assignee)


def _allowed(identity: Identity | None, scope: DataScope, row: TaskRow, action: str) -> None:
    if identity is None:
        return
    parties = _parties(identity, row)
    if action in ("start", "complete"):
        if not parties.is_assignee:
            raise PermissionDenied(
                "只有任务的执行人可以开始或完成任务 (only the assignee may start or complete a task)",
                reason="TASK_NOT_ASSIGNEE",
            )
        return
    over = scope.everything or row.org_unit in scope.branches
    if parties.is_assignee and not parties.self_made:
        raise PermissionDenied(
            f"不能{rules.VERBS[action]}分派给自己的任务 (you cannot {action} a task assigned to you)",
            reason="TASK_ASSIGNED_TO_YOU",
        )
    if not rules.may_direct(parties, can_assign=identity.can("tasks.assign"), over_assignee=over):
        raise PermissionDenied(
            f"只有分派人或其上级可以{rules.VERBS[action]}任务 (only the assigner or a superior may {action} it)",
            reason="TASK_NOT_ASSIGNER",
        )
    if action in ("accept", "return") and parties.is_assignee and not parties.self_made:
        raise PermissionDenied(
            "不能验收自己完成的任务 (you cannot review your own work)", reason="TASK_OWN_REVIEW"
        )


async def _subtree(session: AsyncSession, org_unit: str) -> set[str]:
    """``org_unit`` and the units below it (names)."""
    rows = (await session.execute(select(OrgUnitCopy.id, OrgUnitCopy.parent_id))).all()
    root = org_unit.removeprefix(ORG_PREFIX)
    return {ORG_PREFIX + unit for unit in descendants(root, {unit: parent for unit, parent in rows})}


def _me(identity: Identity | None, name: object) -> str:
    value = str(name)
    return identity.subject if identity is not None and value == ME else value


def _who(identity: Identity | None) -> str:
    return identity.subject if identity else ""


def _time(v: Validator, message, field: str, path: str) -> datetime | None:
    if not message.HasField(field):
        return None
    try:
        return timestamp_value(getattr(message, field), path)
    except InvalidArgument as error:
        v.violations.extend(error.violations)
        return None


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return aware(value).isoformat()
    return "" if value is None else str(value)


def _order(order_by: str) -> list:
    if not order_by.strip():
        return [TaskRow.due_time.asc(), TaskRow.id.asc()]
    out = []
    for term in order_by.split(","):
        words = term.split()
        if not words or words[0] not in ORDERS or len(words) > 2 or (len(words) == 2 and words[1] != "desc"):
            raise InvalidArgument.for_field(
                "order_by",
                "支持 due_time、priority、create_time，可加 desc (due_time, priority or create_time, optionally desc)",
            )
        column = ORDERS[words[0]]
        out.append(column.desc() if len(words) == 2 else column.asc())
    return [*out, TaskRow.id.asc()]
