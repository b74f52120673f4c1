"""Staff inboxes (站内消息): every alert raised, repeated or escalated, every announcement published and every task
assigned becomes an item in each recipient's inbox — once, however often its event is delivered — and a live push
to their open consoles (``PushRequested``, fanned out by the gateway within a second). Items are kept for
``keep_days`` (``KAM_NOTICE_INBOX_DAYS``, default 90), then pruned by the clock.

Recipients come as ``users/{user}``; a ``staff/{code}`` (a relationship manager as the core names them) is
every active user with that staff code, from the service's copy of the identity service's users.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta

from google.protobuf import struct_pb2
from google.type import timeofday_pb2
from kam.notice.v1 import notice_pb2
from kam.push.v1 import push_pb2
from kam_kit import bulk, etags, filtering, outbox, pagination
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument, NotFound, PermissionDenied, Validator
from kam_kit.events import EventMeta
from kam_kit.filtering import boolean, parse_equalities, timestamp
from kam_kit.timeconv import to_timestamp
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kam_notice.adapters.orm import NotificationRow, NotificationSettingsRow, UserCopy
from kam_notice.domain import is_id
from kam_notice.service_layer.deliveries import BANK_TZ, Deliveries, channel_levels

SERVICE = "notice"
#: Who may read and change another user's inbox and settings.
ADMINISTER = "users.manage"
Category = notice_pb2.Notification.Category
Channel = notice_pb2.Channel
#: Quiet hours until a user sets their own: 22:00–08:00, bank time.
DEFAULT_QUIET = (22 * 60, 8 * 60)
SETTINGS_WRITABLE = (
    "channels",
    "quiet_hours_start",
    "quiet_hours_end",
    "webhook_uri",
    "webhook_secret",
    "channel_preferences",
)
_NOTIFICATIONS = NotificationRow.__table__
#: who has which of a set of sources' items already
_HAVE = select(NotificationRow.user, NotificationRow.source_event).where(
    NotificationRow.source_event.in_(bindparam("sources", expanding=True))
)


@dataclass(frozen=True)
class Item:
    """What one source puts in its recipients' inboxes."""

    recipients: list[str]
    category: int
    title: str
    body: str
    subject: str
    importance: int
    source: str
    #: Whether the recipients' chosen channels (e-mail, SMS, webhooks: their settings) get it too; the caller
    #: that sends something itself whatever the settings say (a scheduled report's e-mail) says no.
    channels: bool = True


_CATEGORIES = {name: int(number) for name, number in Category.items() if number}


def _category(value: str) -> int:
    if value not in _CATEGORIES:
        raise ValueError(f"应为 {' / '.join(_CATEGORIES)} (one of them)")
    return _CATEGORIES[value]


FILTERS = {"category": _category, "read": boolean, "create_time": timestamp}


class Inbox:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        page_secret: bytes,
        *,
        keep_days: int = 90,
        deliveries: Deliveries | None = None,
    ) -> None:
        """``deliveries``: where the recipients who chose e-mail (and later SMS, webhooks) get it too."""
        self.db = db
        self.clock = clock
        self.deliveries = deliveries
        self.keep = timedelta(days=keep_days)
        self.events = outbox.Recorder(SERVICE, clock)
        self.pages = pagination.OffsetPages(page_secret)

    # --- delivering -------------------------------------------------------------------------------------------

    async def deliver(
        self,
        session: AsyncSession,
        recipients: Iterable[str],
        *,
        category: int,
        title: str,
        body: str = "",
        subject: str = "",
        importance: int = 0,
        source: str,
        channels: bool = True,
    ) -> list[str]:
        """An inbox item for each recipient about ``source`` (an event id or a resource: each recipient gets one
        per source), in the caller's transaction, and one live push to all of them. Returns the users who got it
        now (not those who had it already). ``channels``: as :attr:`Item.channels`."""
        item = Item(list(recipients), category, title, body, subject, importance, source, channels)
        return (await self.deliver_all(session, [item]))[0]

    async def deliver_all(self, session: AsyncSession, items: Sequence[Item]) -> list[list[str]]:
        """:meth:`deliver` for several sources at once (a fetch of alert events): one query for the staff codes,
        one for who has which item already, one insert and one settings read for them all. Returns the users each
        item went to."""
        sources = [item.source[:128] for item in items]
        staff = await _staff(session, {r for item in items for r in item.recipients})
        have = set((await session.execute(_HAVE, {"sources": sources})).tuples().all()) if items else set()
        now = self.clock.now()
        reached: list[list[str]] = []
        rows = []
        for item, source in zip(items, sources, strict=True):
            # those who have it already (the event redelivered) get neither the item nor the push again
            users = [u for u in _resolve(item.recipients, staff) if (u, source) not in have]
            have.update((u, source) for u in users)
            reached.append(users)
            rows += [
                {
                    "id": uuid.uuid4().hex,
                    "user": user,
                    "category": item.category,
                    "title": item.title[:300],
                    "body": item.body,
                    "subject": item.subject[:256],
                    "importance": item.importance,
                    "source_event": source,
                    "create_time": now,
                    "read_time": None,
                }
                for user in users
            ]
        if not rows:
            return reached
        await bulk.insert_rows(session, _NOTIFICATIONS, rows, skip_existing=("user", "source_event"))
        ids = {(row["user"], row["source_event"]): row["id"] for row in rows}
        settings = (
            await self.deliveries.settings_of(session, {row["user"] for row in rows})
            if self.deliveries is not None
            else {}
        )
        for item, source, users in zip(items, sources, reached, strict=True):
            if not users:
                continue
            if self.deliveries is not None and settings and item.channels:
                await self.deliveries.plan(
                    session,
                    users,
                    notification={u: f"{u}/notifications/{ids[(u, source)]}" for u in users},
                    subject=item.title,
                    body=item.body or item.title,
                    importance=item.importance,
                    source=item.source,
                    settings=settings,
                )
            data = struct_pb2.Struct()
            data.update(
                {
                    "category": Category.Name(item.category),
                    "importance": item.importance,
                    "subject": item.subject,
                }
            )
            self.events.record(
                session,
                push_pb2.PushRequested(
                    recipients=users,
                    kind="notification.created",
                    resource=item.subject,
                    title=item.title,
                    data=data,
                    time=to_timestamp(now),
                ),
                resource=item.subject,
            )
        return reached

    async def on_alert(self, session: AsyncSession, event, meta: EventMeta) -> None:
        """``AlertRaised`` / ``AlertRepeated``: the alert's recipients; ``AlertEscalated``: those it now adds."""
        await self.on_alerts(session, [(event, meta)])

    async def on_alerts(self, session: AsyncSession, batch: Sequence[tuple[object, EventMeta]]) -> None:
        """:meth:`on_alert` for a fetch's events of one type at once (the consumer's ``Batched`` handler)."""
        items = []
        for event, meta in batch:
            alert = event.alert  # type: ignore[attr-defined]
            escalated = list(getattr(event, "escalated_recipients", []))
            kind = meta.event_type.rsplit(".", 1)[-1]
            prefix = {"AlertRepeated": "【再次提醒】", "AlertEscalated": "【升级】"}.get(kind, "")
            items.append(
                Item(
                    list(escalated or alert.recipients),
                    Category.CATEGORY_ALERT,
                    f"{prefix}{alert.title}",
                    alert.description,
                    alert.name,
                    int(alert.severity),
                    meta.event_id,
                )
            )
        await self.deliver_all(session, items)

    async def on_task(self, session: AsyncSession, event, meta: EventMeta) -> None:
        """A task event, to whom it concerns: a new task (``TaskCreated``) or one reassigned to them or given
        another due time (``TaskUpdated``) to its assignee; a completed one (``TaskCompleted``, to be reviewed) to
        its assigner; a returned one (``TaskReturned``, with the reason) and a cancelled one (``TaskCancelled``) to its
        assignee. Other changes tell nobody."""
        task = event.task
        kind = meta.event_type.rsplit(".", 1)[-1]
        changed = set(event.update_mask.paths) if kind == "TaskUpdated" else set()
        if kind == "TaskCreated":
            to, title = task.assignee, f"新任务：{task.title}"
        elif kind == "TaskUpdated" and "assignee" in changed:
            to, title = task.assignee, f"转派给您的任务：{task.title}"
        elif kind == "TaskUpdated" and "due_time" in changed:
            due = task.due_time.ToDatetime(UTC).astimezone(BANK_TZ)
            to, title = task.assignee, f"任务截止时间改为 {due:%Y-%m-%d %H:%M}：{task.title}"
        elif kind == "TaskCompleted":
            to, title = task.assigner, f"任务已完成，请验收：{task.title}"
        elif kind == "TaskReturned":
            reason = f"（{task.review.comment}）" if task.review.comment else ""
            to, title = task.assignee, f"任务被退回{reason}：{task.title}"
        elif kind == "TaskCancelled":
            reason = f"（{task.cancel_reason}）" if task.cancel_reason else ""
            to, title = task.assignee, f"任务已取消{reason}：{task.title}"
        else:
            return
        if not to or (kind != "TaskCreated" and to == task.assigner == task.assignee):
            return  # nobody, or one's own task telling oneself
        await self.deliver(
            session,
            [to],
            category=Category.CATEGORY_TASK,
            title=title,
            body=task.description,
            subject=task.name,
            importance=int(task.priority),
            source=meta.event_id,
        )

    # --- reading ----------------------------------------------------------------------------------------------

    async def list(
        self, identity: Identity, parent: str, filter_text: str, page_size: int, page_token: str
    ) -> tuple[list[notice_pb2.Notification], str, int]:
        user = _owner(identity, parent, "parent")
        filters = parse_equalities(filter_text, FILTERS, comparable=("create_time",))
        conditions = [NotificationRow.user == user]
        if "category" in filters:
            conditions.append(NotificationRow.category == filters["category"])
        if "read" in filters:
            conditions.append(
                NotificationRow.read_time.is_not(None)
                if filters["read"]
                else NotificationRow.read_time.is_(None)
            )
        conditions += filtering.conditions(filters, {"create_time": NotificationRow.create_time})
        order = (NotificationRow.create_time.desc(), NotificationRow.id.desc())
        async with self.db.read() as session:
            rows, token, total = await self.pages.rows(
                session,
                NotificationRow,
                conditions,
                order,
                token=page_token,
                bound_to=f"{user}|{filter_text}",
                requested=page_size,
            )
        return [_to_proto(row) for row in rows], token, total

    async def mark_read(self, identity: Identity, name: str) -> notice_pb2.Notification:
        parts = name.split("/")
        if len(parts) != 4 or parts[0] != "users" or parts[2] != "notifications" or not parts[3]:
            raise InvalidArgument.for_field(
                "name", "应为 users/{user}/notifications/{notification} (expected users/*/notifications/*)"
            )
        user = _owner(identity, "/".join(parts[:2]), "name")
        async with self.db.transaction() as session:
            row = await session.get(NotificationRow, parts[3]) if is_id(parts[3]) else None
            if row is None or row.user != user:
                raise NotFound(f"没有这条消息 (no such notification): {name}")
            if row.read_time is None:
                row.read_time = self.clock.now()
            return _to_proto(row)

    async def mark_all_read(self, identity: Identity, parent: str) -> int:
        user = _owner(identity, parent, "parent")
        async with self.db.transaction() as session:
            result = await session.execute(
                update(NotificationRow)
                .where(NotificationRow.user == user, NotificationRow.read_time.is_(None))
                .values(read_time=self.clock.now())
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def prune(self) -> int:
        """Inbox items older than ``keep_days`` go, and so do the files of deliveries that failed that long ago
        and were not retried."""
        cutoff = self.clock.now() - self.keep
        async with self.db.transaction() as session:
            result = await session.execute(
                delete(NotificationRow).where(NotificationRow.create_time < cutoff)
            )
        if self.deliveries is not None:
            await self.deliveries.prune_files(cutoff)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- settings ---------------------------------------------------------------------------------------------

    async def get_settings(self, identity: Identity, name: str) -> notice_pb2.NotificationSettings:
        user = _owner(identity, _settings_owner(name, "name"), "name")
        async with self.db.read() as session:
            return _settings_proto(user, await session.get(NotificationSettingsRow, user))

    async def update_settings(
        self, identity: Identity, message: notice_pb2.NotificationSettings, paths: Sequence[str], etag: str
    ) -> notice_pb2.NotificationSettings:
        user = _owner(
            identity,
            _settings_owner(message.name, "notification_settings.name"),
            "notification_settings.name",
        )
        unknown = sorted(set(paths) - set(SETTINGS_WRITABLE))
        if unknown:
            raise InvalidArgument.for_field(
                "update_mask", f"不能修改 {', '.join(unknown)} (updatable: {', '.join(SETTINGS_WRITABLE)})"
            )
        v = Validator()
        path = "notification_settings"
        if "channels" in paths:
            for index, channel in enumerate(message.channels):
                v.check(
                    channel in (Channel.CHANNEL_EMAIL, Channel.CHANNEL_SMS, Channel.CHANNEL_WEBHOOK),
                    f"{path}.channels[{index}]",
                    "应为 CHANNEL_EMAIL / CHANNEL_SMS / CHANNEL_WEBHOOK (the inbox is always on)",
                )
        if "channel_preferences" in paths:
            seen = set()
            for index, preference in enumerate(message.channel_preferences):
                v.check(
                    preference.channel
                    in (Channel.CHANNEL_EMAIL, Channel.CHANNEL_SMS, Channel.CHANNEL_WEBHOOK)
                    and preference.channel not in seen,
                    f"{path}.channel_preferences[{index}].channel",
                    "应为 CHANNEL_EMAIL / CHANNEL_SMS / CHANNEL_WEBHOOK，每个渠道一项 (one entry per channel)",
                )
                v.check(
                    0 <= preference.min_importance <= 4,
                    f"{path}.channel_preferences[{index}].min_importance",
                    "应为 0 到 4 (0–4)",
                )
                seen.add(preference.channel)
        for field in ("quiet_hours_start", "quiet_hours_end"):
            if field in paths:
                value = getattr(message, field)
                v.check(
                    0 <= value.hours <= 23
                    and 0 <= value.minutes <= 59
                    and not value.seconds
                    and not value.nanos,
                    f"{path}.{field}",
                    "应为 00:00 到 23:59 的整分钟 (a whole minute of the day)",
                )
        if "webhook_uri" in paths and message.webhook_uri:
            uri = message.webhook_uri
            v.check(
                uri.startswith(("https://", "http://")) and len(uri) <= 2000 and not set(uri) & {" ", "\x00"},
                f"{path}.webhook_uri",
                "应为 http(s):// 开头的网址，最长 2000 字符 (an http(s) URL)",
            )
        if "webhook_secret" in paths:
            v.check(
                len(message.webhook_secret) <= 200 and "\x00" not in message.webhook_secret,
                f"{path}.webhook_secret",
                "最长 200 字符 (at most 200 characters)",
            )
        v.raise_if_any()
        now = self.clock.now()
        async with self.db.transaction() as session:
            row = await session.get(NotificationSettingsRow, user, with_for_update=True)
            if row is None:
                row = NotificationSettingsRow(
                    user=user,
                    channels="",
                    quiet_start=DEFAULT_QUIET[0],
                    quiet_end=DEFAULT_QUIET[1],
                    webhook_uri="",
                    webhook_secret="",
                    channel_levels="",
                    version=0,
                    update_time=now,
                )
                session.add(row)
            if row.version:
                etags.check(etag, row.version, "通知设置")
            if "channels" in paths:
                row.channels = " ".join(str(c) for c in sorted(set(message.channels)))
            if "quiet_hours_start" in paths:
                row.quiet_start = message.quiet_hours_start.hours * 60 + message.quiet_hours_start.minutes
            if "quiet_hours_end" in paths:
                row.quiet_end = message.quiet_hours_end.hours * 60 + message.quiet_hours_end.minutes
            if "webhook_uri" in paths:
                row.webhook_uri = message.webhook_uri
            if "webhook_secret" in paths:
                row.webhook_secret = message.webhook_secret
            if "channel_preferences" in paths:
                row.channel_levels = " ".join(
                    f"{p.channel}={p.min_importance}"
                    for p in sorted(message.channel_preferences, key=lambda p: p.channel)
                )
            row.version += 1
            row.update_time = now
            return _settings_proto(user, row)


async def _staff(session: AsyncSession, recipients: Iterable[str]) -> dict[str, list[str]]:
    """For each ``staff/{code}`` among ``recipients``, the active users with that staff code (one query)."""
    codes = {r.removeprefix("staff/") for r in recipients if r.startswith("staff/")}
    found: dict[str, list[str]] = {}
    if codes:
        for name, code in await session.execute(
            select(UserCopy.name, UserCopy.staff_code).where(
                UserCopy.staff_code.in_(codes), UserCopy.active.is_(True)
            )
        ):
            found.setdefault(f"staff/{code}", []).append(name)
    return found


def _resolve(recipients: Iterable[str], staff: dict[str, list[str]]) -> list[str]:
    """``users/{user}`` as they are and ``staff/{code}`` as the active users with that staff code."""
    users = {r for r in recipients if r.startswith("users/")}
    for recipient in recipients:
        users.update(staff.get(recipient, ()))
    return sorted(users)


def _owner(identity: Identity, parent: str, field: str) -> str:
    """The user whose inbox ``parent`` (``users/me`` or ``users/{user}``) is; another's only for administrators."""
    parts = parent.split("/")
    if len(parts) != 2 or parts[0] != "users" or not parts[1]:
        raise InvalidArgument.for_field(field, "应为 users/{user} 或 users/me (expected users/{user})")
    user = identity.subject if parent == "users/me" else parent
    if user != identity.subject and not identity.can(ADMINISTER):
        raise PermissionDenied("只能查看自己的消息 (only your own inbox)")
    return user


def _settings_owner(name: str, field: str) -> str:
    if not name.endswith("/notificationSettings"):
        raise InvalidArgument.for_field(field, "应为 users/{user}/notificationSettings")
    return name.removesuffix("/notificationSettings")


def _to_proto(row: NotificationRow) -> notice_pb2.Notification:
    message = notice_pb2.Notification(
        name=f"{row.user}/notifications/{row.id}",
        category=row.category,  # type: ignore[arg-type]
        title=row.title,
        body=row.body,
        subject=row.subject,
        importance=row.importance,
        create_time=to_timestamp(row.create_time),
    )
    if row.read_time is not None:
        message.read_time.CopyFrom(to_timestamp(row.read_time))
    return message


def _settings_proto(user: str, row: NotificationSettingsRow | None) -> notice_pb2.NotificationSettings:
    start, end = (row.quiet_start, row.quiet_end) if row else DEFAULT_QUIET
    return notice_pb2.NotificationSettings(
        name=f"{user}/notificationSettings",
        channels=[int(c) for c in row.channels.split()] if row else [],  # type: ignore[misc]
        quiet_hours_start=timeofday_pb2.TimeOfDay(hours=start // 60, minutes=start % 60),
        quiet_hours_end=timeofday_pb2.TimeOfDay(hours=end // 60, minutes=end % 60),
        webhook_uri=row.webhook_uri if row else "",
        has_webhook_secret=bool(row and row.webhook_secret),
        etag=etags.etag_for(row.version if row else 0),
        channel_preferences=[
            notice_pb2.ChannelPreference(channel=channel, min_importance=level)  # type: ignore[arg-type]
            for channel, level in channel_levels(row).items()
        ],
    )
