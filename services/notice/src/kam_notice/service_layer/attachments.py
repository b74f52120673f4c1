"""Announcement attachments (公告附件): upload, download and removal, kept in the service's own database.

Who may do what follows the announcement: its publisher and administrators (``announcements.manage``) add and
remove files (anyone else who sees it ``PERMISSION_DENIED``; an expired one is not changed,
``FAILED_PRECONDITION``); whoever may read the announcement downloads them; anyone else gets ``NOT_FOUND``, as for
the announcement itself. What may be attached (type by content, size, name) is kam_kit.attachments, the rules the
task service's attachments follow too.
Attachments are not part of the announcement's ETag: adding a file does not make an open editor's copy stale.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kam.notice.v1 import notice_pb2
from kam_kit.attachments import DEFAULT_MAX_BYTES, MAX_FILES, check_upload, clean_file_name
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, Validator
from kam_kit.timeconv import to_timestamp
from sqlalchemy import Row, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_notice.adapters.orm import AnnouncementRow, AttachmentRow
from kam_notice.domain import is_id
from kam_notice.domain.announcements import EXPIRED

if TYPE_CHECKING:  # the announcements import this module (to list and delete attachments)
    from kam_notice.service_layer.announcements import AnnouncementService

PREFIX = "announcements/"
COLLECTION = "/attachments/"
#: Every column but the content: what an announcement lists.
_LISTED = (
    AttachmentRow.id,
    AttachmentRow.announcement_id,
    AttachmentRow.file_name,
    AttachmentRow.content_type,
    AttachmentRow.size_bytes,
    AttachmentRow.sha256,
    AttachmentRow.uploader,
    AttachmentRow.create_time,
)


class Attachments:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        announcements: AnnouncementService,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        """``max_bytes``: the largest file (``KAM_NOTICE_ATTACHMENT_MAX_BYTES``)."""
        self.db = db
        self.clock = clock
        self.announcements = announcements
        self.max_bytes = max_bytes

    async def create(
        self, identity: Identity, parent: str, file_name: str, content: bytes
    ) -> notice_pb2.Attachment:
        """Attaches ``content`` as ``file_name`` to the announcement ``parent``."""
        name = clean_file_name(file_name)
        v = Validator()
        kind = check_upload(v, name, content, self.max_bytes)
        async with self.db.transaction() as session:
            row = await self._changeable(session, identity, parent, "parent")
            v.raise_if_any()
            assert kind is not None
            count, last = (
                await session.execute(
                    select(func.count(), func.max(AttachmentRow.position)).where(
                        AttachmentRow.announcement_id == row.id
                    )
                )
            ).one()
            if count >= MAX_FILES:
                raise InvalidArgument.for_field(
                    "parent",
                    f"每条公告最多 {MAX_FILES} 个附件 (at most {MAX_FILES} attachments)",
                )
            attachment = AttachmentRow(
                id=uuid.uuid4().hex,
                announcement_id=row.id,
                position=(last or 0) + 1,
                file_name=name,
                content_type=kind.content_type,
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploader=identity.subject,
                create_time=self.clock.now(),
                content=content,
            )
            session.add(attachment)
            return _to_proto(attachment)

    async def download(self, identity: Identity, name: str) -> tuple[notice_pb2.Attachment, bytes]:
        """The attachment ``name`` and its content, for whoever may read its announcement."""
        announcement_id, attachment_id = _ids(name)
        async with self.db.read() as session:
            await self.announcements.visible(session, identity, f"{PREFIX}{announcement_id}")
            attachment = await session.get(AttachmentRow, attachment_id)
            if attachment is None or attachment.announcement_id != announcement_id:
                raise NotFound(f"没有这个附件 (no such attachment): {name}")
            return _to_proto(attachment), attachment.content

    async def delete(self, identity: Identity, name: str) -> None:
        """Removes the attachment ``name`` (the announcement's publisher or an administrator)."""
        announcement_id, attachment_id = _ids(name)
        async with self.db.transaction() as session:
            await self._changeable(session, identity, f"{PREFIX}{announcement_id}", "name")
            removed = await session.execute(
                delete(AttachmentRow).where(
                    AttachmentRow.id == attachment_id, AttachmentRow.announcement_id == announcement_id
                )
            )
            if not getattr(removed, "rowcount", 0):
                raise NotFound(f"没有这个附件 (no such attachment): {name}")

    async def _changeable(
        self, session: AsyncSession, identity: Identity, parent: str, field: str
    ) -> AnnouncementRow:
        """The announcement, locked, when the caller may change it (else ``NOT_FOUND``, ``PERMISSION_DENIED`` or,
        once expired, ``FAILED_PRECONDITION``)."""
        viewer, row = await self.announcements.visible(session, identity, parent, field)
        if not viewer.may_change(row):
            raise PermissionDenied(
                "只有发布人或管理员可以修改这条公告的附件 (only its publisher or an administrator)"
            )
        await session.execute(  # concurrent uploads count one after the other (PostgreSQL; SQLite has one writer)
            select(AnnouncementRow.id).where(AnnouncementRow.id == row.id).with_for_update()
        )
        if row.state == EXPIRED:
            raise FailedPrecondition("公告已过期，不能修改附件 (an expired announcement cannot be changed)")
        return row


async def listed(
    session: AsyncSession, announcement_ids: Sequence[str]
) -> dict[str, list[notice_pb2.Attachment]]:
    """The attachments of each announcement (without their content), in upload order."""
    out: dict[str, list[notice_pb2.Attachment]] = {}
    if not announcement_ids:
        return out
    rows = await session.execute(
        select(*_LISTED)
        .where(AttachmentRow.announcement_id.in_(announcement_ids))
        .order_by(AttachmentRow.announcement_id, AttachmentRow.position)
    )
    for row in rows:
        out.setdefault(row.announcement_id, []).append(_to_proto(row))
    return out


async def delete_all(session: AsyncSession, announcement_id: str) -> None:
    """Removes an announcement's attachments (with the announcement)."""
    await session.execute(delete(AttachmentRow).where(AttachmentRow.announcement_id == announcement_id))


def _ids(name: str) -> tuple[str, str]:
    """``announcements/{a}/attachments/{b}`` → (a, b); ``NOT_FOUND`` for ids this service never made."""
    announcement, separator, attachment = name.removeprefix(PREFIX).partition(COLLECTION)
    if (
        not name.startswith(PREFIX)
        or not separator
        or not announcement
        or not attachment
        or "/" in attachment
    ):
        raise InvalidArgument.for_field(
            "name",
            "应为 announcements/{announcement}/attachments/{attachment} (expected announcements/{id}/attachments/{id})",
        )
    if not (is_id(announcement) and is_id(attachment)):
        raise NotFound(f"没有这个附件 (no such attachment): {name}")
    return announcement, attachment


def _to_proto(row: AttachmentRow | Row[Any]) -> notice_pb2.Attachment:
    """An attachment's metadata from its row (or a row of :data:`_LISTED`)."""
    return notice_pb2.Attachment(
        name=f"{PREFIX}{row.announcement_id}{COLLECTION}{row.id}",
        file_name=row.file_name,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        create_time=to_timestamp(row.create_time),
        uploader=row.uploader,
    )
