"""Task attachments (任务附件): upload, download and removal, kept in the service's own database.

Who may do what follows the task: anyone who can see it (its assigner, its assignee, whoever's data scope takes in
the assignee's unit) attaches files and downloads them; anyone else gets ``NOT_FOUND``, as for the task itself. A
file is removed by whoever uploaded it or by the task's assigner (anyone else who sees it ``PERMISSION_DENIED``).
A cancelled or accepted task is a closed record: its files are neither added nor removed (``FAILED_PRECONDITION``).
What may be attached — the type recognised from the content, the size, the name — is kam_kit.attachments, the
rules of announcement attachments. Each upload and removal writes a history entry (``attached`` / ``detached``,
the file name as its note) and an audit record in its transaction. Attachments are not part of the task's ETag:
adding a file does not make an open editor's copy stale.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

from kam.task.v1 import task_pb2
from kam_kit import orgtree
from kam_kit.attachments import DEFAULT_MAX_BYTES, MAX_FILES, check_upload, clean_file_name
from kam_kit.auth import Identity
from kam_kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, Validator
from kam_kit.timeconv import to_timestamp
from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_task.adapters.orm import OrgUnitCopy, TaskAttachmentRow, TaskRow
from kam_task.domain import tasks as rules
from kam_task.service_layer import tasks as task_layer  # a module, as it imports this one

PREFIX = "tasks/"
COLLECTION = "/attachments/"
#: A task whose files no longer change.
CLOSED = (rules.CANCELLED, rules.ACCEPTED)
#: Every column but the content: what a task lists.
_LISTED = (
    TaskAttachmentRow.id,
    TaskAttachmentRow.task_id,
    TaskAttachmentRow.file_name,
    TaskAttachmentRow.content_type,
    TaskAttachmentRow.size_bytes,
    TaskAttachmentRow.sha256,
    TaskAttachmentRow.uploader,
    TaskAttachmentRow.uploader_display_name,
    TaskAttachmentRow.create_time,
)


class TaskAttachments:
    def __init__(self, service: task_layer.TaskService, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        """``max_bytes``: the largest file (``KAM_TASK_ATTACHMENT_MAX_BYTES``)."""
        self.db = service.db
        self.clock = service.clock
        self.tasks = service
        self.max_bytes = max_bytes

    async def create(
        self, identity: Identity | None, parent: str, file_name: str, content: bytes
    ) -> task_pb2.TaskAttachment:
        """Attaches ``content`` as ``file_name`` to the task ``parent``."""
        tid = task_layer.task_id(parent, "parent")
        name = clean_file_name(file_name)
        v = Validator()
        kind = check_upload(v, name, content, self.max_bytes)
        async with self.db.transaction() as session:
            task = await self._open(session, identity, tid)
            v.raise_if_any()
            assert kind is not None
            count, last = (
                await session.execute(
                    select(func.count(), func.max(TaskAttachmentRow.position)).where(
                        TaskAttachmentRow.task_id == task.id
                    )
                )
            ).one()
            if count >= MAX_FILES:
                raise InvalidArgument.for_field(
                    "parent", f"每个任务最多 {MAX_FILES} 个附件 (at most {MAX_FILES} attachments)"
                )
            now = self.clock.now()
            row = TaskAttachmentRow(
                id=uuid.uuid4().hex,
                task_id=task.id,
                position=(last or 0) + 1,
                file_name=name,
                content_type=kind.content_type,
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploader=identity.subject if identity else "",
                uploader_display_name=identity.display_name if identity else "系统",
                create_time=now,
                content=content,
            )
            session.add(row)
            attachment = _to_proto(row)
            await self.tasks._history(session, identity, task.id, "attached", now, note=name)
            self.tasks.audit.change(
                session,
                actor=identity,
                action="tasks.attach",
                resource=attachment.name,
                after={
                    "file_name": name,
                    "content_type": row.content_type,
                    "size_bytes": row.size_bytes,
                    "sha256": row.sha256,
                },
            )
            return attachment

    async def download(self, identity: Identity | None, name: str) -> tuple[task_pb2.TaskAttachment, bytes]:
        """The attachment ``name`` and its content, for anyone who can see its task."""
        tid, attachment_id = _ids(name)
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            await self.tasks._visible(session, identity, scope, tid)
            row = await session.get(TaskAttachmentRow, attachment_id)
            if row is None or row.task_id != tid:
                raise NotFound(f"没有这个附件 (no such attachment): {name}")
            return _to_proto(row), row.content

    async def delete(self, identity: Identity | None, name: str) -> None:
        """Removes the attachment ``name``: its uploader or the task's assigner."""
        tid, attachment_id = _ids(name)
        async with self.db.transaction() as session:
            task = await self._open(session, identity, tid, check_state=False)
            row = await session.get(TaskAttachmentRow, attachment_id)
            if row is None or row.task_id != tid:
                raise NotFound(f"没有这个附件 (no such attachment): {name}")
            if identity is not None and identity.subject not in (row.uploader, task.assigner):
                raise PermissionDenied(
                    "只有上传人或任务的分派人可以删除附件 (only its uploader or the task's assigner may remove it)",
                    reason="TASK_ATTACHMENT_NOT_YOURS",
                )
            _check_open(task)
            await session.delete(row)
            await self.tasks._history(
                session, identity, task.id, "detached", self.clock.now(), note=row.file_name
            )
            self.tasks.audit.change(
                session,
                actor=identity,
                action="tasks.detach",
                resource=name,
                before={"file_name": row.file_name, "size_bytes": row.size_bytes, "sha256": row.sha256},
            )

    async def _open(
        self, session: AsyncSession, identity: Identity | None, tid: str, *, check_state: bool = True
    ) -> TaskRow:
        """The task, locked, when the caller can see it (else ``NOT_FOUND``) and — with ``check_state`` — it is
        neither cancelled nor accepted (else ``FAILED_PRECONDITION``)."""
        scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
        task = await self.tasks._visible(session, identity, scope, tid)
        await session.execute(  # concurrent uploads count one after the other (PostgreSQL; SQLite has one writer)
            select(TaskRow.id).where(TaskRow.id == task.id).with_for_update()
        )
        if check_state:
            _check_open(task)
        return task


def _check_open(task: TaskRow) -> None:
    if task.state in CLOSED:
        raise FailedPrecondition(
            f"任务已{rules.STATE_NAMES.get(task.state, task.state)}，附件不能再修改 "
            f"(the attachments of a task in {task.state} no longer change)",
            reason="TASK_STATE",
        )


async def listed(session: AsyncSession, task_ids: Sequence[str]) -> dict[str, list[task_pb2.TaskAttachment]]:
    """The attachments of each task (without their content), in upload order: one query for a page of tasks."""
    out: dict[str, list[task_pb2.TaskAttachment]] = {}
    if not task_ids:
        return out
    rows = await session.execute(
        select(*_LISTED)
        .where(TaskAttachmentRow.task_id.in_(sorted(set(task_ids))))
        .order_by(TaskAttachmentRow.task_id, TaskAttachmentRow.position)
    )
    for row in rows:
        out.setdefault(row.task_id, []).append(_to_proto(row))
    return out


async def fill(session: AsyncSession, messages: Sequence[task_pb2.Task]) -> None:
    """Sets each task's ``attachments`` (one query for them all)."""
    files = await listed(session, [task.name.removeprefix(PREFIX) for task in messages])
    for task in messages:
        task.attachments.extend(files.get(task.name.removeprefix(PREFIX), ()))


def _ids(name: str) -> tuple[str, str]:
    """``tasks/{t}/attachments/{a}`` → (t, a); ``NOT_FOUND`` for ids this service never made."""
    task, separator, attachment = name.removeprefix(PREFIX).partition(COLLECTION)
    if not name.startswith(PREFIX) or not separator or not task or not attachment or "/" in attachment:
        raise InvalidArgument.for_field(
            "name", "应为 tasks/{任务}/attachments/{附件} (expected tasks/{task}/attachments/{attachment})"
        )
    if not (_is_id(task) and _is_id(attachment)):
        raise NotFound(f"没有这个附件 (no such attachment): {name}")
    return task, attachment


def _is_id(value: str) -> bool:
    """An id this service makes: 32 lowercase hex digits."""
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


def _to_proto(row: TaskAttachmentRow | Row[Any]) -> task_pb2.TaskAttachment:
    """An attachment's metadata from its row (or a row of :data:`_LISTED`)."""
    return task_pb2.TaskAttachment(
        name=f"{PREFIX}{row.task_id}{COLLECTION}{row.id}",
        file_name=row.file_name,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        create_time=to_timestamp(row.create_time),
        uploader=row.uploader,
        uploader_display_name=row.uploader_display_name,
    )
