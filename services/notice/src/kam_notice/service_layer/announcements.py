"""Announcements (公告管理): publish now or at a set time, edit and delete one's own (an administrator anyone's),
audiences matched as people look (kam_notice.domain.announcements), read receipts, and the clock that publishes
what is scheduled and moves what expired to history.

Who sees an announcement: its audience while it is published or in history; its publisher and administrators
(``announcements.manage``) always, scheduled ones included — they also see how many of the audience there are
and how many have read it. Anyone else asking for it gets ``NOT_FOUND``.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kam.notice.v1 import events_pb2, notice_pb2
from kam_kit import etags, outbox, pagination
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database, earlier_request
from kam_kit.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, Validator
from kam_kit.filtering import boolean, parse_equalities
from kam_kit.partitions import Lease
from kam_kit.protoconv import timestamp_value
from kam_kit.scope import ORG_PREFIX
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import Row, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_notice.adapters.orm import AnnouncementReadRow, AnnouncementRow, OrgUnitCopy, UserCopy
from kam_notice.domain import is_id
from kam_notice.domain.announcements import (
    EXPIRED,
    PUBLISHED,
    SCHEDULED,
    STATE_OF,
    Audience,
    check_audience,
    check_importance,
    check_text,
    check_times,
    sanitize,
)
from kam_notice.service_layer import attachments
from kam_notice.service_layer.inbox import Inbox

log = logging.getLogger(__name__)
SERVICE = "notice"
MANAGE = "announcements.manage"
PREFIX = "announcements/"
WRITABLE = ("title", "content", "audience", "publish_time", "expire_time", "pinned", "importance")
Importance = notice_pb2.Announcement.Importance
_STATES = {f"STATE_{state}": state for state in STATE_OF}


def _state(value: str) -> str:
    if value not in _STATES:
        raise ValueError(f"应为 {' / '.join(_STATES)} (one of them)")
    return _STATES[value]


_IMPORTANCES = {name: int(number) for name, number in Importance.items() if number}


def _importance(value: str) -> int:
    if value not in _IMPORTANCES:
        raise ValueError(f"应为 {' / '.join(_IMPORTANCES)} (one of them)")
    return _IMPORTANCES[value]


FILTERS = {"state": _state, "publisher": str, "pinned": boolean, "read": boolean, "importance": _importance}
ORDERS = {
    "": ((lambda r: (r.pinned, aware(r.publish_time))), True),
    "publish_time": ((lambda r: aware(r.publish_time)), False),
    "publish_time desc": ((lambda r: aware(r.publish_time)), True),
    "expire_time": ((lambda r: aware(r.expire_time)), False),
    "expire_time desc": ((lambda r: aware(r.expire_time)), True),
}


@dataclass(frozen=True)
class Viewer:
    """The caller as an audience sees them: their name, org unit, roles, the units above theirs."""

    user: str
    org_unit: str
    roles: frozenset[str]
    units_above: frozenset[str]
    manages: bool

    def sees(self, row: AnnouncementRow) -> bool:
        if self.manages or row.publisher == self.user:
            return True
        if row.state == SCHEDULED:
            return False
        return _audience(row).includes(self.user, self.org_unit, self.roles, self.units_above)

    def may_change(self, row: AnnouncementRow) -> bool:
        return self.manages or row.publisher == self.user


def _audience(row: AnnouncementRow) -> Audience:
    return Audience.from_json(json.loads(row.audience))


async def _parents(session: AsyncSession) -> dict[str, str | None]:
    return {
        unit: parent
        for unit, parent in (await session.execute(select(OrgUnitCopy.id, OrgUnitCopy.parent_id)))
    }


@dataclass(frozen=True)
class People:
    """The active users as audiences see them — each with the org units above their own — read once for a
    request however many announcements it counts."""

    users: list[tuple[Row[Any], frozenset[str]]]

    def audience_of(self, row: AnnouncementRow) -> dict[str, Row[Any]]:
        """Who an announcement is for now (plain rows: name, display name, org unit), its publisher left out: they
        wrote it, and neither get it in their inbox nor count in its read ratio."""
        audience = _audience(row)
        return {
            user.name: user
            for user, above in self.users
            if user.name != row.publisher
            and audience.includes(user.name, user.org_unit, user.roles.split(), above)
        }


async def _people(session: AsyncSession) -> People:
    parents = await _parents(session)
    above: dict[str, frozenset[str]] = {}
    users = []
    for user in await session.execute(
        select(UserCopy.name, UserCopy.display_name, UserCopy.org_unit, UserCopy.roles).where(
            UserCopy.active.is_(True)
        )
    ):
        if user.org_unit not in above:
            above[user.org_unit] = _above(user.org_unit, parents)
        users.append((user, above[user.org_unit]))
    return People(users)


def _above(unit: str, parents: Mapping[str, str | None]) -> frozenset[str]:
    """The org units above ``unit`` (``orgUnits/…``), nearest first, not ``unit`` itself."""
    out: list[str] = []
    current = parents.get(unit.removeprefix(ORG_PREFIX))
    while current and f"{ORG_PREFIX}{current}" not in out:
        out.append(f"{ORG_PREFIX}{current}")
        current = parents.get(current)
    return frozenset(out)


class AnnouncementService:
    def __init__(self, db: Database, clock: Clock, page_secret: bytes, inbox: Inbox | None = None) -> None:
        """``inbox``: where a published announcement lands for each of its audience (none in some tests)."""
        self.db = db
        self.clock = clock
        self.events = outbox.Recorder(SERVICE, clock)
        self.pages = pagination.OffsetPages(page_secret)
        self.inbox = inbox

    # --- reading ----------------------------------------------------------------------------------------------

    async def _viewer(self, session: AsyncSession, identity: Identity) -> Viewer:
        parents = await _parents(session)
        return Viewer(
            user=identity.subject,
            org_unit=identity.org_unit,
            roles=frozenset(identity.roles),
            units_above=_above(identity.org_unit, parents) if identity.org_unit else frozenset(),
            manages=identity.can(MANAGE),
        )

    async def _visible(
        self, session: AsyncSession, viewer: Viewer, name: str, field: str = "name"
    ) -> AnnouncementRow:
        announcement_id = _id(name, field)
        row = await session.get(AnnouncementRow, announcement_id) if is_id(announcement_id) else None
        if row is None or not viewer.sees(row):
            raise NotFound(f"没有这条公告 (no such announcement): {name}")
        return row

    async def visible(
        self, session: AsyncSession, identity: Identity, name: str, field: str = "name"
    ) -> tuple[Viewer, AnnouncementRow]:
        """The caller as a viewer and the announcement ``name`` they see (else ``NOT_FOUND``): for its parts."""
        viewer = await self._viewer(session, identity)
        return viewer, await self._visible(session, viewer, name, field)

    async def get(self, identity: Identity, name: str) -> notice_pb2.Announcement:
        async with self.db.read() as session:
            viewer = await self._viewer(session, identity)
            row = await self._visible(session, viewer, name)
            return (await self._protos(session, viewer, [row]))[0]

    async def list(
        self, identity: Identity, filter_text: str, order_by: str, page_size: int, page_token: str
    ) -> tuple[list[notice_pb2.Announcement], str, int]:
        filters = parse_equalities(filter_text, FILTERS)
        order = (
            " ".join(order_by.split())
            .lower()
            .replace("publish_time asc", "publish_time")
            .replace("expire_time asc", "expire_time")
        )
        if order not in ORDERS:
            raise InvalidArgument.for_field(
                "order_by", "应为 publish_time 或 expire_time，可加 desc (publish_time or expire_time [desc])"
            )
        bound = f"{filter_text}|{order}"
        offset = self.pages.offset(page_token, bound)
        size = pagination.page_size(page_size, maximum=500)
        state = filters.get("state", PUBLISHED)
        async with self.db.read() as session:
            viewer = await self._viewer(session, identity)
            query = select(AnnouncementRow).where(AnnouncementRow.state == state)
            if "publisher" in filters:
                query = query.where(AnnouncementRow.publisher == filters["publisher"])
            if "pinned" in filters:
                query = query.where(AnnouncementRow.pinned.is_(filters["pinned"]))
            if "importance" in filters:
                query = query.where(AnnouncementRow.importance == filters["importance"])
            rows = [row for row in await session.scalars(query) if viewer.sees(row)]
            if "read" in filters:
                read = await self._read_ids(session, viewer.user, [row.id for row in rows])
                rows = [row for row in rows if (row.id in read) == filters["read"]]
            key, descending = ORDERS[order]
            rows.sort(key=lambda r: r.id, reverse=descending)  # ties in a stable order
            rows.sort(key=key, reverse=descending)
            page = rows[offset : offset + size]
            items = await self._protos(session, viewer, page)
        more = offset + len(page) < len(rows)
        return items, self.pages.next(offset, len(page), more, bound), len(rows)

    async def _read_ids(self, session: AsyncSession, user: str, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        return set(
            await session.scalars(
                select(AnnouncementReadRow.announcement_id).where(
                    AnnouncementReadRow.user == user, AnnouncementReadRow.announcement_id.in_(ids)
                )
            )
        )

    async def _protos(
        self, session: AsyncSession, viewer: Viewer, rows: Sequence[AnnouncementRow]
    ) -> list[notice_pb2.Announcement]:
        read = await self._read_ids(session, viewer.user, [row.id for row in rows])
        counted = [
            row for row in rows if viewer.may_change(row)
        ]  # the publisher and administrators see the ratio
        people = await _people(session) if counted else None
        readers: dict[str, set[str]] = {}
        if counted:
            for announcement_id, user in await session.execute(
                select(AnnouncementReadRow.announcement_id, AnnouncementReadRow.user).where(
                    AnnouncementReadRow.announcement_id.in_([row.id for row in counted])
                )
            ):
                readers.setdefault(announcement_id, set()).add(user)
        files = await attachments.listed(session, [row.id for row in rows])
        out = []
        for row in rows:
            message = _to_proto(row)
            message.read = row.id in read
            message.attachments.extend(files.get(row.id, ()))
            if people is not None and viewer.may_change(row):
                members = people.audience_of(row)
                message.audience_count = len(members)
                message.read_count = len(readers.get(row.id, set()) & members.keys())
            out.append(message)
        return out

    async def list_reads(
        self, identity: Identity, parent: str, filter_text: str, page_size: int, page_token: str
    ) -> tuple[list[notice_pb2.AnnouncementRead], str, int]:
        filters = parse_equalities(filter_text, {"read": boolean})
        offset = self.pages.offset(page_token, f"{parent}|{filter_text}")
        size = pagination.page_size(page_size, default=100, maximum=1000)
        async with self.db.read() as session:
            viewer = await self._viewer(session, identity)
            row = await self._visible(session, viewer, parent, "parent")
            if not viewer.may_change(row):
                raise PermissionDenied(
                    "只有发布人或管理员可以查看阅读情况 (only its publisher or an administrator)"
                )
            members = (await _people(session)).audience_of(row)
            receipts = {
                r.user: r
                for r in await session.scalars(
                    select(AnnouncementReadRow).where(AnnouncementReadRow.announcement_id == row.id)
                )
            }
            if filters.get("read", True):
                entries = sorted(receipts.values(), key=lambda r: (aware(r.read_time), r.user))
                reads = [
                    notice_pb2.AnnouncementRead(
                        user=r.user,
                        read_time=to_timestamp(r.read_time),
                        display_name=members[r.user].display_name if r.user in members else "",
                        org_unit=members[r.user].org_unit if r.user in members else "",
                    )
                    for r in entries
                ]
            else:
                reads = [
                    notice_pb2.AnnouncementRead(
                        user=name, display_name=user.display_name, org_unit=user.org_unit
                    )
                    for name, user in sorted(members.items())
                    if name not in receipts
                ]
        page = reads[offset : offset + size]
        more = offset + len(page) < len(reads)
        return page, self.pages.next(offset, len(page), more, f"{parent}|{filter_text}"), len(reads)

    # --- writing ----------------------------------------------------------------------------------------------

    async def create(
        self, identity: Identity, message: notice_pb2.Announcement, request_id: str = ""
    ) -> notice_pb2.Announcement:
        now = self.clock.now()
        v = Validator()
        check_text(v, message.title, message.content)
        check_importance(v, message.importance)
        publish = (
            timestamp_value(message.publish_time, "announcement.publish_time")
            if message.HasField("publish_time")
            else now
        )
        publish = max(publish, now)
        expire = (
            timestamp_value(message.expire_time, "announcement.expire_time")
            if message.HasField("expire_time")
            else None
        )
        check_times(v, publish, expire, now)
        v.request_id(request_id)
        async with self.db.transaction() as session:
            known = set(await session.scalars(select(OrgUnitCopy.id)))
            check_audience(v, message.audience, known)
            v.raise_if_any()
            assert expire is not None
            existing = await earlier_request(session, AnnouncementRow, request_id)
            if existing is not None:
                viewer = await self._viewer(session, identity)
                return (await self._protos(session, viewer, [existing]))[0]
            publisher = await session.get(UserCopy, identity.subject)
            row = AnnouncementRow(
                id=uuid.uuid4().hex,
                title=message.title.strip(),
                content=sanitize(message.content),
                audience=json.dumps(Audience.of(message.audience).to_json(), ensure_ascii=False),
                publisher=identity.subject,
                publisher_display_name=(
                    (publisher.display_name if publisher else "") or identity.display_name
                )[:200],
                publish_time=publish,
                expire_time=expire,
                state=PUBLISHED if publish <= now else SCHEDULED,
                pinned=message.pinned,
                importance=message.importance or Importance.IMPORTANCE_NORMAL,
                version=1,
                create_time=now,
                update_time=now,
                request_id=request_id or None,
            )
            session.add(row)
            if row.state == PUBLISHED:
                await self._published(session, row)
            await session.flush()
            viewer = await self._viewer(session, identity)
            return (await self._protos(session, viewer, [row]))[0]

    async def update(
        self, identity: Identity, message: notice_pb2.Announcement, paths: Sequence[str], etag: str
    ) -> notice_pb2.Announcement:
        unknown = sorted(set(paths) - set(WRITABLE))
        if unknown:
            raise InvalidArgument.for_field(
                "update_mask",
                f"不能修改 {', '.join(unknown)} (not updatable; updatable: {', '.join(WRITABLE)})",
            )
        now = self.clock.now()
        async with self.db.transaction() as session:
            viewer = await self._viewer(session, identity)
            row = await self._visible(session, viewer, message.name, "announcement.name")
            if not viewer.may_change(row):
                raise PermissionDenied(
                    "只有发布人或管理员可以修改这条公告 (only its publisher or an administrator)"
                )
            etags.check(etag, row.version, "公告")
            if row.state == EXPIRED:
                raise FailedPrecondition("公告已过期，不能修改 (an expired announcement cannot be changed)")
            v = Validator()
            check_text(
                v,
                message.title if "title" in paths else None,
                message.content if "content" in paths else None,
            )
            if "importance" in paths:
                check_importance(v, message.importance)
            if "audience" in paths:
                check_audience(v, message.audience, set(await session.scalars(select(OrgUnitCopy.id))))
            publish = aware(row.publish_time)
            if "publish_time" in paths:
                if row.state != SCHEDULED:
                    v.add("announcement.publish_time", "已发布的公告不能改发布时间 (already published)")
                elif message.HasField("publish_time"):
                    publish = max(timestamp_value(message.publish_time, "announcement.publish_time"), now)
                else:
                    publish = now
            expire = aware(row.expire_time)
            if "expire_time" in paths:
                expire = (
                    timestamp_value(message.expire_time, "announcement.expire_time")
                    if message.HasField("expire_time")
                    else None
                )
            if "publish_time" in paths or "expire_time" in paths:
                check_times(v, publish, expire, now)
            v.raise_if_any()
            if "title" in paths:
                row.title = message.title.strip()
            if "content" in paths:
                row.content = sanitize(message.content)
            if "audience" in paths:
                row.audience = json.dumps(Audience.of(message.audience).to_json(), ensure_ascii=False)
            if "pinned" in paths:
                row.pinned = message.pinned
            if "importance" in paths:
                row.importance = message.importance or Importance.IMPORTANCE_NORMAL
            if expire is not None:
                row.expire_time = expire
            row.publish_time = publish
            row.version += 1
            row.update_time = now
            if row.state == SCHEDULED and publish <= now:
                row.state = PUBLISHED
                await self._published(session, row)
            await session.flush()
            return (await self._protos(session, viewer, [row]))[0]

    async def delete(self, identity: Identity, name: str, etag: str) -> None:
        async with self.db.transaction() as session:
            viewer = await self._viewer(session, identity)
            row = await self._visible(session, viewer, name)
            if not viewer.may_change(row):
                raise PermissionDenied(
                    "只有发布人或管理员可以删除这条公告 (only its publisher or an administrator)"
                )
            etags.check(etag, row.version, "公告")
            await session.execute(
                delete(AnnouncementReadRow).where(AnnouncementReadRow.announcement_id == row.id)
            )
            await attachments.delete_all(session, row.id)
            await session.delete(row)

    async def mark_read(self, identity: Identity, name: str) -> None:
        """The caller's read receipt (the first read's time is kept; a repeat changes nothing)."""
        async with self.db.transaction() as session:
            viewer = await self._viewer(session, identity)
            row = await self._visible(session, viewer, name)
            if await session.get(AnnouncementReadRow, (row.id, viewer.user)) is None:
                session.add(
                    AnnouncementReadRow(announcement_id=row.id, user=viewer.user, read_time=self.clock.now())
                )

    # --- the clock --------------------------------------------------------------------------------------------

    async def tick(self, lease: Lease | None = None) -> int:
        """Publishes what is scheduled for now or earlier and moves what has expired to history (each with its
        event); returns how many changed."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            if lease is not None:
                await lease.fence(session)
            due = await session.scalars(
                select(AnnouncementRow).where(
                    AnnouncementRow.state == SCHEDULED, AnnouncementRow.publish_time <= now
                )
            )
            changed = 0
            for row in due:
                row.state = PUBLISHED
                row.update_time = now
                row.version += 1
                await self._published(session, row)
                changed += 1
            await session.flush()
            expired = await session.scalars(
                select(AnnouncementRow).where(
                    AnnouncementRow.state == PUBLISHED, AnnouncementRow.expire_time <= now
                )
            )
            for row in expired:
                row.state = EXPIRED
                row.update_time = now
                row.version += 1
                self.events.record(
                    session,
                    events_pb2.AnnouncementExpired(announcement=_to_proto(row)),
                    resource=f"{PREFIX}{row.id}",
                )
                changed += 1
        return changed

    async def _published(self, session: AsyncSession, row: AnnouncementRow) -> None:
        """Its event, and an inbox item for each of its audience now (once per announcement)."""
        self.events.record(
            session,
            events_pb2.AnnouncementPublished(announcement=_to_proto(row)),
            resource=f"{PREFIX}{row.id}",
        )
        if self.inbox is not None:
            members = (await _people(session)).audience_of(row)
            await self.inbox.deliver(
                session,
                members,
                category=notice_pb2.Notification.Category.CATEGORY_ANNOUNCEMENT,
                title=f"公告：{row.title}",
                subject=f"{PREFIX}{row.id}",
                importance=row.importance,
                source=f"{PREFIX}{row.id}",
            )


def _id(name: str, field: str) -> str:
    value = name.removeprefix(PREFIX)
    if not name.startswith(PREFIX) or not value or "/" in value:
        raise InvalidArgument.for_field(
            field, "应为 announcements/{announcement} (expected announcements/{id})"
        )
    return value


def _to_proto(row: AnnouncementRow) -> notice_pb2.Announcement:
    return notice_pb2.Announcement(
        name=f"{PREFIX}{row.id}",
        title=row.title,
        content=row.content,
        audience=_audience(row).to_proto(),
        publisher=row.publisher,
        publisher_display_name=row.publisher_display_name,
        publish_time=to_timestamp(row.publish_time),
        expire_time=to_timestamp(row.expire_time),
        state=STATE_OF[row.state],
        pinned=row.pinned,
        importance=row.importance,  # type: ignore[arg-type]
        update_time=to_timestamp(row.update_time),
        etag=etags.etag_for(row.version),
    )
