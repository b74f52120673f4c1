"""Recurring work (周期任务) and playbooks (任务模板) as people set them up: created, read within reach, changed
(ETag) and deleted, each change with an audit record in its transaction. What they make is in
:mod:`kam_task.service_layer.recurring` (the clock-driven sweeper) and :mod:`kam_task.service_layer.playbooks`
(customer events).

Who sees one: its creator, and whoever's data scope takes in the creator's org unit (a branch manager sees those
of the branch's people; head office all); out of reach is ``NOT_FOUND`` and left out of lists and counts. The
creator changes it; a superior who sees it may only enable or disable it (``update_mask`` = ``enabled``) and may
delete it (``PERMISSION_DENIED`` otherwise).

Reach: the people, org units and branches it names must be within the org subtree of whoever saves them — the
same rules as CreateTask and BatchCreateTasks (TaskService's own checks). What a creator without bank-wide data
scope leaves as "every branch" of a customer segment or playbook condition is their own org unit. The creator is
the assigner of the tasks it makes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from google.protobuf import field_mask_pb2
from kam.task.v1 import automation_pb2
from kam_kit import etags, orgtree
from kam_kit.audit import AuditTrail
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database, earlier_request
from kam_kit.errors import InvalidArgument, NotFound, PermissionDenied, Validator
from kam_kit.filtering import boolean, one_of, resource_name
from kam_kit.scope import ORG_PREFIX, DataScope
from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_task.adapters import automation_map as amap
from kam_task.adapters.orm import (
    OrgUnitCopy,
    PlaybookRow,
    PlaybookRunRow,
    RecurringTaskRow,
    RecurringTaskRunRow,
    UserCopy,
)
from kam_task.domain import automation as auto
from kam_task.service_layer.tasks import Person, TaskService, _me

RecurringTask = automation_pb2.RecurringTask
Playbook = automation_pb2.Playbook
SERVICE = "task"
#: UpdateRecurringTask's and UpdatePlaybook's writable fields (a path may go inside a message: ``task.title``)
RECURRING_WRITABLE = (
    "task",
    "schedule",
    "due_after",
    "assignees",
    "assignee_org_unit",
    "customer_segment",
    "enabled",
)
PLAYBOOK_WRITABLE = (
    "display_name",
    "description",
    "trigger",
    "conditions",
    "maturity_kinds",
    "steps",
    "enabled",
)
#: the fields whose change is checked against the saver's reach
_RECURRING_TARGETS = {"assignees", "assignee_org_unit", "customer_segment"}
_PLAYBOOK_TARGETS = {"conditions"}
_TRIGGERS = [n for n in Playbook.Trigger.keys() if n != "TRIGGER_UNSPECIFIED"]  # noqa: SIM118 (enum wrapper)
#: ListRecurringTasks' and ListPlaybooks' filter fields (AIP-160)
RECURRING_FILTERS: dict[str, Callable[[str], object]] = {
    "enabled": boolean,
    "creator": resource_name("users/"),
}
PLAYBOOK_FILTERS: dict[str, Callable[[str], object]] = {
    **RECURRING_FILTERS,
    "trigger": one_of(_TRIGGERS, "触发条件"),
}
_CHUNK = 500


def resource_id(name: str, collection: str, field: str = "name") -> str:
    prefix, _, rest = name.partition("/")
    if prefix != collection or not rest or "/" in rest or len(rest) > 32:
        raise InvalidArgument.for_field(field, f"应为 {collection}/{{id}} (a {collection}/… name)")
    return rest


class AutomationService:
    def __init__(self, db: Database, clock: Clock, tasks: TaskService) -> None:
        self.db = db
        self.clock = clock
        self.tasks = tasks
        self.audit = AuditTrail(SERVICE, clock)

    # --- recurring tasks ----------------------------------------------------------------------------------------

    async def create_recurring(
        self, identity: Identity | None, message: RecurringTask, *, request_id: str = ""
    ) -> RecurringTask:
        now = self.clock.now()
        definition = _normalized(identity, message)
        v = Validator()
        schedule = auto.check_recurring_task(v, definition, now)
        v.request_id(request_id)
        v.raise_if_any()
        assert schedule is not None
        async with self.db.transaction() as session:
            earlier = await earlier_request(session, RecurringTaskRow, request_id)
            if earlier is not None:
                return amap.recurring_to_proto(earlier)
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            await self._recurring_reach(session, identity, scope, definition)
            creator, display_name, org_unit = await _creator(session, identity)
            row = RecurringTaskRow(
                id=uuid.uuid4().hex,
                definition=amap.definition_json(definition),
                enabled=message.enabled,
                next_run_time=schedule.next_on_or_after(now) if message.enabled else None,
                last_run_task_count=0,
                last_run_unassigned_count=0,
                creator=creator,
                creator_display_name=display_name,
                creator_org_unit=org_unit,
                create_time=now,
                update_time=now,
                version=1,
                request_id=request_id or None,
            )
            session.add(row)
            created = amap.recurring_to_proto(row)
            self.audit.change(
                session,
                actor=identity,
                action="recurring_tasks.create",
                resource=created.name,
                after={"definition": row.definition, "enabled": row.enabled},
            )
            return created

    async def get_recurring(self, identity: Identity | None, name: str) -> RecurringTask:
        rid = resource_id(name, "recurringTasks")
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            return amap.recurring_to_proto(await _visible(session, identity, scope, RecurringTaskRow, rid))

    async def list_recurring(
        self, identity: Identity | None, filters: dict[str, object], *, offset: int, limit: int
    ) -> tuple[list[RecurringTask], int]:
        rows, total = await self._list(identity, RecurringTaskRow, filters, offset=offset, limit=limit)
        return [amap.recurring_to_proto(row) for row in rows], total

    async def update_recurring(
        self, identity: Identity | None, message: RecurringTask, paths: list[str], *, etag: str
    ) -> RecurringTask:
        rid = resource_id(message.name, "recurringTasks", "recurring_task.name")
        _check_paths(paths, RECURRING_WRITABLE)
        incoming = _normalized(identity, message)
        now = self.clock.now()
        async with self.db.transaction() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await _visible(session, identity, scope, RecurringTaskRow, rid)
            _may_change(identity, row, paths)
            etags.check(etag, row.version, "周期任务")
            merged = amap.recurring_definition(row)
            _merge(incoming, merged, paths)
            _default_time(merged)
            enabled = message.enabled if "enabled" in paths else row.enabled
            rescheduled = enabled and (_touches(paths, {"schedule"}) or not row.enabled)
            v = Validator()
            schedule = auto.check_recurring_task(v, merged, now if rescheduled else None)
            v.raise_if_any()
            if _touches(paths, _RECURRING_TARGETS):
                await self._recurring_reach(session, identity, scope, merged)
            definition = amap.definition_json(merged)
            if definition == row.definition and enabled == row.enabled:
                return amap.recurring_to_proto(row)  # nothing changes: no version, no audit record
            before = {"definition": row.definition, "enabled": row.enabled}
            row.definition, row.enabled = definition, enabled
            if not enabled:
                row.next_run_time = None
            elif rescheduled and schedule is not None:
                row.next_run_time = schedule.next_on_or_after(now)
            row.update_time, row.version = now, row.version + 1
            changed = amap.recurring_to_proto(row)
            self.audit.change(
                session,
                actor=identity,
                action="recurring_tasks.update",
                resource=changed.name,
                before=before,
                after={"definition": row.definition, "enabled": row.enabled},
            )
            return changed

    async def delete_recurring(self, identity: Identity | None, name: str, *, etag: str) -> None:
        rid = resource_id(name, "recurringTasks")
        await self._delete(identity, RecurringTaskRow, rid, etag, RecurringTaskRunRow.recurring_task_id)

    async def _recurring_reach(
        self, session: AsyncSession, identity: Identity | None, scope: DataScope, definition: RecurringTask
    ) -> None:
        """The people and org units named must be the saver's to assign to (TaskService's rules)."""
        for i, name in enumerate(definition.assignees):
            await self.tasks._assignee(session, identity, scope, name, f"recurring_task.assignees[{i}]")
        if definition.assignee_org_unit:
            try:
                await self.tasks._managers_below(
                    session, identity, scope, definition.assignee_org_unit, skip=set()
                )
            except InvalidArgument as error:
                raise InvalidArgument.for_field(
                    "recurring_task.assignee_org_unit", error.violations[0].description
                ) from None
        if definition.HasField("customer_segment"):
            segment = definition.customer_segment
            if not segment.org_unit and not scope.everything:
                segment.org_unit = identity.org_unit if identity is not None else ""
            await _unit_in_reach(session, scope, segment.org_unit, "recurring_task.customer_segment.org_unit")

    # --- playbooks ----------------------------------------------------------------------------------------------

    async def create_playbook(
        self, identity: Identity | None, message: Playbook, *, request_id: str = ""
    ) -> Playbook:
        now = self.clock.now()
        definition = _normalized(identity, message)
        v = Validator()
        auto.check_playbook(v, definition)
        v.request_id(request_id)
        v.raise_if_any()
        async with self.db.transaction() as session:
            earlier = await earlier_request(session, PlaybookRow, request_id)
            if earlier is not None:
                return amap.playbook_to_proto(earlier)
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            await _playbook_reach(session, identity, scope, definition)
            creator, display_name, org_unit = await _creator(session, identity)
            row = PlaybookRow(
                id=uuid.uuid4().hex,
                definition=amap.definition_json(definition),
                trigger=Playbook.Trigger.Name(definition.trigger),
                enabled=message.enabled,
                trigger_count=0,
                creator=creator,
                creator_display_name=display_name,
                creator_org_unit=org_unit,
                create_time=now,
                update_time=now,
                version=1,
                request_id=request_id or None,
            )
            session.add(row)
            created = amap.playbook_to_proto(row)
            self.audit.change(
                session,
                actor=identity,
                action="playbooks.create",
                resource=created.name,
                after={"definition": row.definition, "enabled": row.enabled},
            )
            return created

    async def get_playbook(self, identity: Identity | None, name: str) -> Playbook:
        pid = resource_id(name, "playbooks")
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            return amap.playbook_to_proto(await _visible(session, identity, scope, PlaybookRow, pid))

    async def list_playbooks(
        self, identity: Identity | None, filters: dict[str, object], *, offset: int, limit: int
    ) -> tuple[list[Playbook], int]:
        rows, total = await self._list(identity, PlaybookRow, filters, offset=offset, limit=limit)
        return [amap.playbook_to_proto(row) for row in rows], total

    async def update_playbook(
        self, identity: Identity | None, message: Playbook, paths: list[str], *, etag: str
    ) -> Playbook:
        pid = resource_id(message.name, "playbooks", "playbook.name")
        _check_paths(paths, PLAYBOOK_WRITABLE)
        incoming = _normalized(identity, message)
        now = self.clock.now()
        async with self.db.transaction() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await _visible(session, identity, scope, PlaybookRow, pid)
            _may_change(identity, row, paths)
            etags.check(etag, row.version, "任务模板")
            merged = amap.playbook_definition(row)
            _merge(incoming, merged, paths)
            enabled = message.enabled if "enabled" in paths else row.enabled
            v = Validator()
            auto.check_playbook(v, merged)
            v.raise_if_any()
            if _touches(paths, _PLAYBOOK_TARGETS):
                await _playbook_reach(session, identity, scope, merged)
            definition = amap.definition_json(merged)
            if definition == row.definition and enabled == row.enabled:
                return amap.playbook_to_proto(row)
            before = {"definition": row.definition, "enabled": row.enabled}
            row.definition, row.enabled = definition, enabled
            row.trigger = Playbook.Trigger.Name(merged.trigger)
            row.update_time, row.version = now, row.version + 1
            changed = amap.playbook_to_proto(row)
            self.audit.change(
                session,
                actor=identity,
                action="playbooks.update",
                resource=changed.name,
                before=before,
                after={"definition": row.definition, "enabled": row.enabled},
            )
            return changed

    async def delete_playbook(self, identity: Identity | None, name: str, *, etag: str) -> None:
        pid = resource_id(name, "playbooks")
        await self._delete(identity, PlaybookRow, pid, etag, PlaybookRunRow.playbook_id)

    # --- shared -------------------------------------------------------------------------------------------------

    async def _list(
        self,
        identity: Identity | None,
        model: type[RecurringTaskRow | PlaybookRow],
        filters: dict[str, object],
        *,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Any], int]:
        conditions: list[ColumnElement[bool]] = []
        if "enabled" in filters:
            conditions.append(model.enabled == filters["enabled"])
        if "creator" in filters:
            conditions.append(model.creator == _me(identity, filters["creator"]))
        if "trigger" in filters:
            conditions.append(PlaybookRow.trigger == filters["trigger"])
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            if (visible := _reach(identity, scope, model)) is not None:
                conditions.append(visible)
            rows = list(
                await session.scalars(
                    select(model)
                    .where(*conditions)
                    .order_by(model.create_time.desc(), model.id.asc())
                    .offset(offset)
                    .limit(limit)
                )
            )
            total = await session.scalar(select(func.count()).select_from(model).where(*conditions))
            return rows, int(total or 0)

    async def _delete(
        self,
        identity: Identity | None,
        model: type[RecurringTaskRow | PlaybookRow],
        rid: str,
        etag: str,
        runs: Any,
    ) -> None:
        async with self.db.transaction() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            row = await _visible(session, identity, scope, model, rid)
            etags.check(etag, row.version, _WHAT[model])
            resource = f"{_COLLECTION[model]}/{rid}"
            self.audit.change(
                session,
                actor=identity,
                action=f"{_ACTION[model]}.delete",
                resource=resource,
                before={"definition": row.definition, "enabled": row.enabled},
            )
            await session.execute(delete(runs.table).where(runs == rid))
            await session.delete(row)


_WHAT: dict[type, str] = {RecurringTaskRow: "周期任务", PlaybookRow: "任务模板"}
_COLLECTION: dict[type, str] = {RecurringTaskRow: "recurringTasks", PlaybookRow: "playbooks"}
_ACTION: dict[type, str] = {RecurringTaskRow: "recurring_tasks", PlaybookRow: "playbooks"}


def _normalized(identity: Identity | None, message: RecurringTask | Playbook) -> Any:
    """The definition as kept: text trimmed, ``users/me`` resolved, people named once, a schedule's time of day
    09:00 when not given."""
    kept = type(message)()
    kept.CopyFrom(message)
    templates = [kept.task] if isinstance(kept, RecurringTask) else [step.task for step in kept.steps]
    for template in templates:
        template.title, template.purpose = template.title.strip(), template.purpose.strip()
        template.description = template.description.strip()
    if isinstance(kept, RecurringTask):
        people = list(dict.fromkeys(_me(identity, name) for name in kept.assignees))
        del kept.assignees[:]
        kept.assignees.extend(people)
        _default_time(kept)
    else:
        kept.display_name, kept.description = kept.display_name.strip(), kept.description.strip()
    return kept


def _default_time(message: RecurringTask) -> None:
    """A schedule without a time of day runs at 09:00 (kept, so that it is shown)."""
    if message.HasField("schedule") and not message.schedule.HasField("time_of_day"):
        message.schedule.time_of_day.hours, message.schedule.time_of_day.minutes = auto.DEFAULT_TIME


def _check_paths(paths: Iterable[str], writable: tuple[str, ...]) -> None:
    v = Validator()
    for path in paths:
        v.check(
            path.split(".")[0] in writable,
            "update_mask",
            f"不可修改 {path} (not updatable; one of {', '.join(writable)})",
        )
    v.raise_if_any()


def _touches(paths: Iterable[str], fields: set[str]) -> bool:
    return any(path.split(".")[0] in fields for path in paths)


def _merge(incoming: Any, merged: Any, paths: list[str]) -> None:
    """``paths`` of ``incoming`` into ``merged`` (AIP-134: a message or list named is replaced as a whole; one
    not given is cleared). ``enabled`` is a column, not part of a definition."""
    kept = [path for path in paths if path != "enabled"]
    if kept:
        field_mask_pb2.FieldMask(paths=kept).MergeMessage(
            incoming, merged, replace_message_field=True, replace_repeated_field=True
        )


async def _playbook_reach(
    session: AsyncSession, identity: Identity | None, scope: DataScope, definition: Playbook
) -> None:
    conditions = definition.conditions
    if not conditions.org_unit and not scope.everything:
        conditions.org_unit = identity.org_unit if identity is not None else ""
    await _unit_in_reach(session, scope, conditions.org_unit, "playbook.conditions.org_unit")


async def _unit_in_reach(session: AsyncSession, scope: DataScope, org_unit: str, field: str) -> None:
    """A segment's branches: a known org unit within the saver's subtree (empty: every branch, head office only)."""
    if not org_unit:
        if not scope.everything:
            raise PermissionDenied(
                "请指定本机构或下级机构 (name an org unit within your subtree)",
                reason="TASK_ASSIGNEE_OUT_OF_SUBTREE",
            )
        return
    unit = await session.get(OrgUnitCopy, org_unit.removeprefix(ORG_PREFIX))
    if unit is None:
        raise InvalidArgument.for_field(field, f"未知的机构 {org_unit} (unknown org unit)")
    if not (scope.everything or org_unit in scope.branches):
        raise PermissionDenied(
            f"只能选择本机构及下级机构：{unit.display_name} 不在您的管辖范围 (not in your org subtree)",
            reason="TASK_ASSIGNEE_OUT_OF_SUBTREE",
        )


async def _creator(session: AsyncSession, identity: Identity | None) -> tuple[str, str, str]:
    """The creator's name, display name and org unit (as the token says, else as the copy of the users does)."""
    if identity is None:
        return "", "系统", ""
    user = await session.get(UserCopy, identity.subject)
    return (
        identity.subject,
        identity.display_name or (user.display_name if user else ""),
        identity.org_unit or (user.org_unit if user else ""),
    )


def creator_identity(row: RecurringTaskRow | PlaybookRow) -> Identity | None:
    """Whom the tasks of a recurring task or playbook are assigned by: its creator."""
    if not row.creator:
        return None
    return Identity(subject=row.creator, display_name=row.creator_display_name, org_unit=row.creator_org_unit)


def _sees(identity: Identity | None, scope: DataScope, row: RecurringTaskRow | PlaybookRow) -> bool:
    if identity is None or scope.everything:
        return True
    return identity.subject == row.creator or row.creator_org_unit in scope.branches


def _reach(
    identity: Identity | None, scope: DataScope, model: type[RecurringTaskRow | PlaybookRow]
) -> ColumnElement[bool] | None:
    """:func:`_sees` as a WHERE condition (None when unrestricted)."""
    if identity is None or scope.everything:
        return None
    terms = [model.creator == identity.subject]
    if scope.branches:
        terms.append(model.creator_org_unit.in_(sorted(scope.branches)))
    return or_(*terms)


async def _visible(
    session: AsyncSession,
    identity: Identity | None,
    scope: DataScope,
    model: type[RecurringTaskRow | PlaybookRow],
    rid: str,
) -> Any:
    row = await session.get(model, rid)
    if row is not None and _sees(identity, scope, row):
        return row
    raise NotFound(f"{_WHAT[model]} {_COLLECTION[model]}/{rid} 不存在 (no such {_ACTION[model][:-1]})")


def _may_change(identity: Identity | None, row: RecurringTaskRow | PlaybookRow, paths: list[str]) -> None:
    """The creator changes anything; a superior who sees it (the caller holds ``tasks.assign``) only ``enabled``."""
    if identity is None or identity.subject == row.creator or set(paths) <= {"enabled"}:
        return
    raise PermissionDenied(
        "只有创建人可以修改；上级只能启用或停用 (only the creator may change it; a superior may only enable or "
        "disable it)",
        reason="AUTOMATION_NOT_CREATOR",
    )


async def managers_of(session: AsyncSession, names: Iterable[str]) -> dict[str, Person]:
    """The active user behind each customer's relationship manager: ``users/{user}`` as it is, ``staff/{code}``
    the active user with that staff code (the first by name, should several share it). Names that are nobody
    active are left out."""
    wanted = set(names)
    users = sorted(n for n in wanted if n.startswith("users/"))
    codes = sorted({n.removeprefix("staff/") for n in wanted if n.startswith("staff/") and n != "staff/"})
    found: dict[str, Person] = {}
    for i in range(0, len(users), _CHUNK):
        for user in await session.scalars(
            select(UserCopy).where(UserCopy.name.in_(users[i : i + _CHUNK]), UserCopy.active.is_(True))
        ):
            found[user.name] = Person(user.name, user.display_name, user.org_unit)
    for i in range(0, len(codes), _CHUNK):
        for user in await session.scalars(
            select(UserCopy)
            .where(UserCopy.staff_code.in_(codes[i : i + _CHUNK]), UserCopy.active.is_(True))
            .order_by(UserCopy.name)
        ):
            found.setdefault(f"staff/{user.staff_code}", Person(user.name, user.display_name, user.org_unit))
    return found
