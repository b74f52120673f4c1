"""Notifications beyond the inbox (投递): a staff member who chose e-mail in their settings gets each inbox item
by e-mail too. One delivery record per recipient, channel and source — a redelivered event or a restart makes no
second one — sent by the dispatcher on the clock:

- a delivery is *claimed* just before it is sent (its next attempt moved :data:`CLAIM` ahead and committed, only
  if it is still due: another dispatcher's claim wins), so a crash mid-send retries it after that; the message
  carries the delivery's id as its ``Message-ID``, by which the receiving side can drop the one duplicate a crash
  between sending and recording may cause (SMTP has no idempotency of its own: that is what such a provider gets,
  at most once per crash);
- a slow mail server is waited for as RFC 5321 §4.5.3.2 asks (up to ten minutes for the answer to the message's
  end): giving up sooner would count a message the server then accepts as failed and send it again;
- a failure is retried after :data:`BACKOFF` (30 s, 2 min, 10 min, 1 h) and given up after the last
  (``FAILED`` with the error); ``RetryDelivery`` starts it again;
- quiet hours (the recipient's, bank time) hold all but urgent ones (importance 4, a critical alert) until they
  end; no address means ``SUPPRESSED``.

Webhooks (企业微信 and 钉钉 group robots, or any URL) and SMS (an HTTP provider, :class:`HttpSmsSender`) go the
same way, and so do messages to customers (kam_notice.service_layer.customers) and what a user asked for
themselves whatever their settings (:meth:`Deliveries.queue`: a scheduled report, its file attached — the bytes
kept in ``delivery_attachments`` until every delivery of them is sent). Staff see their own deliveries and those
to customers in their data scope; administrators and compliance see all.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import logging
import re
import smtplib
import threading
import urllib.parse
import urllib.request
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from kam.notice.v1 import events_pb2, notice_pb2
from kam_kit import filtering, orgtree, outbox, pagination
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import FailedPrecondition, InvalidArgument, NotFound
from kam_kit.filtering import parse_equalities
from kam_kit.masking import mask_name
from kam_kit.partitions import Lease, fenced_transaction
from kam_kit.settings import Secret
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kam_notice.adapters.orm import (
    CustomerCopy,
    DeliveryAttachmentRow,
    DeliveryRow,
    NotificationSettingsRow,
    OrgUnitCopy,
    UserCopy,
)
from kam_notice.domain import is_id

log = logging.getLogger(__name__)
T = TypeVar("T")
BANK_TZ = ZoneInfo("Asia/Shanghai")
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1))
#: How long a claimed delivery is left to its dispatcher: longer than the slowest send (the SMTP answers'
#: :data:`SMTP_REPLY_TIMEOUT`), so it is not claimed again while it is being sent.
CLAIM = timedelta(minutes=15)
SMTP_REPLY_TIMEOUT = 600.0  # RFC 5321 §4.5.3.2.6: the answer to the end of the data, 10 minutes
URGENT = 4
PENDING, SENT, FAILED, SUPPRESSED = "PENDING", "SENT", "FAILED", "SUPPRESSED"
State = notice_pb2.Delivery.State
STATES = {
    PENDING: State.STATE_PENDING,
    SENT: State.STATE_SENT,
    FAILED: State.STATE_FAILED,
    SUPPRESSED: State.STATE_SUPPRESSED,
}
PREFIX = "deliveries/"
#: Who sees every delivery (administrators and compliance); anyone else sees the ones to themselves.
SEE_ALL = "audit.read"


NO_ADDRESS = "没有地址 (no address for this channel)"
#: A media type as ``add_attachment`` takes it: ``type/subtype`` (RFC 6838 names), parameters after ``;``.
_MEDIA_NAME = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")


@dataclass(frozen=True)
class Attachment:
    """A file an e-mail carries. Its bytes never appear in a ``repr`` (nor so in a log line)."""

    file_name: str
    content_type: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class Outgoing:
    """What a sender sends: to whom, the subject and text, and the delivery's id (its idempotency key)."""

    delivery_id: str
    address: str
    subject: str
    body: str
    #: A webhook's signing secret (钉钉 加签), when its recipient set one.
    secret: str = ""
    #: Files to attach (e-mail only; other channels have none).
    attachments: tuple[Attachment, ...] = ()


def media_type(value: str) -> tuple[str, str, dict[str, str]]:
    """``value`` (``text/csv; charset=utf-8``) as (main type, subtype, parameters); anything malformed is
    ``application/octet-stream``."""
    head, *rest = value.split(";")
    main, _, sub = head.strip().lower().partition("/")
    if not (_MEDIA_NAME.fullmatch(main) and _MEDIA_NAME.fullmatch(sub)):
        return "application", "octet-stream", {}
    params = {}
    for part in rest:
        key, _, val = part.partition("=")
        key, val = key.strip().lower(), val.strip().strip('"')
        if _MEDIA_NAME.fullmatch(key) and val and val.isprintable() and len(val) <= 100:
            params[key] = val
    return main, sub, params


def normal_media_type(value: str) -> str:
    """``value`` as stored: lower case, its parameters kept, ``application/octet-stream`` when malformed."""
    main, sub, params = media_type(value)
    return "; ".join([f"{main}/{sub}", *(f"{k}={v}" for k, v in params.items())])[:200]


class Sender(Protocol):
    async def send(self, message: Outgoing) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    """``KAM_NOTICE_SMTP_HOST`` (empty: e-mail off), ``_PORT`` (25), ``_FROM``, ``_USER``, ``_PASSWORD``,
    ``_STARTTLS`` (docs/operations.md)."""

    host: str
    port: int = 25
    sender: str = "kam@localhost"
    user: str = ""
    password: Secret | None = None
    starttls: bool = False
    timeout: float = 10.0  # connecting and the server's greeting
    reply_timeout: float = SMTP_REPLY_TIMEOUT  # each answer after that (``KAM_NOTICE_SMTP_REPLY_TIMEOUT``)


def in_daemon_thread(function: Callable[[], T]) -> Awaitable[T]:
    """``function()`` in a thread of its own that does not hold the process when it stops (unlike
    ``asyncio.to_thread``'s pool, which the interpreter waits for): a provider slow to answer delays its delivery,
    never a shutdown. The delivery then stays claimed and is sent again after :data:`CLAIM`."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():  # the awaiting task was cancelled
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        try:
            result = function()
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(settle, None, exc)
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, result, None)

    threading.Thread(target=run, name="kam-notice-send", daemon=True).start()
    return future


class SmtpSender:
    """E-mail over SMTP (the standard library's client, in a thread), with the message's files attached."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    async def send(self, message: Outgoing) -> None:
        await in_daemon_thread(lambda: self._send(message))

    def _send(self, message: Outgoing) -> None:
        s = self.settings
        mail = EmailMessage()
        mail["From"] = formataddr(("KAM 大客户管理系统", s.sender))
        mail["To"] = message.address
        mail["Subject"] = message.subject
        mail["Message-ID"] = f"<{message.delivery_id}@kam.notice>"
        mail.set_content(message.body or message.subject)
        for attachment in message.attachments:
            # a file name with Chinese characters goes as RFC 2231 ``filename*=utf-8''…``
            main, sub, params = media_type(attachment.content_type)
            mail.add_attachment(
                attachment.content, maintype=main, subtype=sub, filename=attachment.file_name, params=params
            )
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as client:
            assert client.sock is not None
            client.sock.settimeout(
                s.reply_timeout
            )  # connected and greeted: now wait as a mail server may need
            if s.starttls:
                client.starttls()
            if s.user and s.password is not None:
                client.login(s.user, s.password.reveal())
            client.send_message(mail)


def in_quiet_hours(now: datetime, start: int, end: int) -> datetime | None:
    """When quiet hours ``start``–``end`` (minutes after midnight, bank time; may span midnight) end, if ``now``
    is inside them."""
    local = now.astimezone(BANK_TZ)
    minute = local.hour * 60 + local.minute
    if start == end:
        return None
    inside = start <= minute < end if start < end else minute >= start or minute < end
    if not inside:
        return None
    day = local.date() if minute < end else local.date() + timedelta(days=1)
    return datetime.combine(day, time(end // 60, end % 60), BANK_TZ).astimezone(UTC)  # stored as UTC


def mask_address(address: str) -> str:
    """An address as records show it: ``zh***@bank.example``; a webhook's URL without its query (the robot's key
    or token)."""
    if address.startswith(("http://", "https://")):
        parts = urllib.parse.urlsplit(address)
        return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?***" if parts.query else "")
    name, _, domain = address.partition("@")
    return f"{name[:2]}***@{domain}" if domain else f"{address[:3]}***"


WECOM_PATH = "/cgi-bin/webhook/send"
DINGTALK_PATH = "/robot/send"


def webhook_request(message: Outgoing, now: datetime) -> tuple[str, dict]:
    """The URL and JSON body for ``message``'s webhook: a 企业微信 group robot's ``text`` message, a 钉钉 robot's
    ``text`` message (signed when a secret is set: ``timestamp`` and ``sign`` = base64 HMAC-SHA256 of
    ``"{timestamp}\\n{secret}"``, as 钉钉's 加签 asks), or KAM's own JSON for any other URL."""
    text = message.subject if message.body in ("", message.subject) else f"{message.subject}\n{message.body}"
    url = message.address
    path = urllib.parse.urlsplit(url).path
    if path.endswith(WECOM_PATH):
        return url, {"msgtype": "text", "text": {"content": text}}
    if path.endswith(DINGTALK_PATH):
        if message.secret:
            timestamp = str(int(now.timestamp() * 1000))
            digest = hmac.new(
                message.secret.encode(), f"{timestamp}\n{message.secret}".encode(), hashlib.sha256
            )
            sign = urllib.parse.quote_plus(base64.b64encode(digest.digest()).decode())
            url = f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"
        return url, {"msgtype": "text", "text": {"content": text}}
    return url, {"id": message.delivery_id, "title": message.subject, "body": message.body}


class WebhookSender:
    """Webhooks over HTTP (the standard library's client, in a thread), with the delivery id as the
    ``Idempotency-Key`` header for receivers that honour one (robots do not: they get at most one repeat per
    crash between sending and recording, as e-mail does). A robot's answer ``errcode`` other than 0 is a
    failure."""

    def __init__(self, clock: Clock, timeout: float = 10.0) -> None:
        self.clock = clock
        self.timeout = timeout

    async def send(self, message: Outgoing) -> None:
        await in_daemon_thread(lambda: self._send(message))

    def _send(self, message: Outgoing) -> None:
        url, body = webhook_request(message, self.clock.now())
        request = urllib.request.Request(
            url,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": message.delivery_id,
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            answer = response.read()
        try:
            code = json.loads(answer or b"{}").get("errcode", 0)
        except (ValueError, AttributeError):
            code = 0
        if code:
            raise RuntimeError(f"robot answered errcode {code}: {answer[:200]!r}")


@dataclass(frozen=True)
class SmsSettings:
    """``KAM_NOTICE_SMS_URL`` (empty: SMS off), ``_TOKEN`` (sent as ``Authorization: Bearer``), ``_SIGNATURE``
    (the 短信签名 the provider prefixes, e.g. ``【KAM银行】``) (docs/operations.md)."""

    url: str
    token: Secret | None = None
    signature: str = ""
    timeout: float = 10.0


class HttpSmsSender:
    """SMS through a provider's HTTP API: ``POST`` JSON ``{"id", "phone", "text", "signature"}`` to the configured
    URL, the delivery id also as the ``Idempotency-Key`` header. A 2xx answer whose JSON ``code`` is absent or 0
    (or ``"OK"``) is accepted; anything else is a failure, retried. A provider without idempotency may send one
    repeat per crash between its answer and our record — at most once per crash, as with e-mail. An adapter for a
    particular provider (阿里云, 腾讯云 …) is a small class with the same ``send``."""

    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings

    async def send(self, message: Outgoing) -> None:
        await in_daemon_thread(lambda: self._send(message))

    def _send(self, message: Outgoing) -> None:
        s = self.settings
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message.delivery_id}
        if s.token is not None:
            headers["Authorization"] = f"Bearer {s.token.reveal()}"
        body = {
            "id": message.delivery_id,
            "phone": message.address,
            "text": message.body or message.subject,
            "signature": s.signature,
        }
        request = urllib.request.Request(
            s.url, data=json.dumps(body, ensure_ascii=False).encode(), headers=headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=s.timeout) as response:
            answer = response.read()
        try:
            code = json.loads(answer or b"{}").get("code", 0)
        except (ValueError, AttributeError):
            code = 0
        if code not in (0, "0", "OK", None):
            raise RuntimeError(f"SMS provider answered code {code}: {answer[:200]!r}")


class Deliveries:
    def __init__(
        self, db: Database, clock: Clock, page_secret: bytes, senders: dict[int, Sender] | None = None
    ) -> None:
        """``senders``: by channel (e-mail, webhooks); a channel without one is not planned."""
        self.db = db
        self.clock = clock
        self.senders = senders or {}
        self.pages = pagination.OffsetPages(page_secret)
        self.events = outbox.Recorder("notice", clock)

    async def settings_of(
        self, session: AsyncSession, users: Iterable[str]
    ) -> dict[str, NotificationSettingsRow]:
        """The saved notification settings of those of ``users`` who have any (nobody else gets more than the
        inbox), when this service can send anything beyond it."""
        users = list(users)
        if not users or not self.senders:
            return {}
        return {
            row.user: row
            for row in await session.scalars(
                select(NotificationSettingsRow).where(NotificationSettingsRow.user.in_(users))
            )
        }

    def finished(self, session: AsyncSession, row: DeliveryRow) -> None:
        """Records ``DeliveryFinished`` for a delivery that reached a final state (in the caller's transaction)."""
        delivery = _to_proto(row, {})
        self.events.record(session, events_pb2.DeliveryFinished(delivery=delivery), resource=delivery.name)

    async def plan(
        self,
        session: AsyncSession,
        users: Iterable[str],
        *,
        notification: dict[str, str],
        subject: str,
        body: str,
        importance: int,
        source: str,
        settings: dict[str, NotificationSettingsRow] | None = None,
    ) -> int:
        """In the caller's transaction: a pending delivery for each of ``users`` who chose a channel this service
        can send (``notification``: their inbox item's name by user). Returns how many. ``settings``: the users'
        settings when the caller read them already (:meth:`settings_of`)."""
        users = list(users)
        channels = [c for c in self.senders]
        if not users or not channels:
            return 0
        if settings is None:
            settings = await self.settings_of(session, users)
        wanted = {
            user: [c for c in channels if _wants(settings[user], c, importance)]
            for user in users
            if user in settings
        }
        chosen = [u for u in users if wanted.get(u)]
        if not chosen:
            return 0
        contacts = {
            name: {notice_pb2.CHANNEL_EMAIL: email, notice_pb2.CHANNEL_SMS: phone}
            for name, email, phone in (
                await session.execute(
                    select(UserCopy.name, UserCopy.email, UserCopy.phone).where(UserCopy.name.in_(chosen))
                )
            ).all()
        }
        now = self.clock.now()
        planned = 0
        keys = {
            (user, channel): f"{user}|{channel}|{source}"[:300] for user in chosen for channel in channels
        }
        made = set(await session.scalars(select(DeliveryRow.key).where(DeliveryRow.key.in_(keys.values()))))
        for user in chosen:
            row_settings = settings[user]
            for channel in wanted[user]:
                key = keys[(user, channel)]
                if key in made:
                    continue  # the source's event again: sent once
                address = (
                    row_settings.webhook_uri
                    if channel == notice_pb2.CHANNEL_WEBHOOK
                    else contacts.get(user, {}).get(channel, "")
                )
                held = (
                    None
                    if importance >= URGENT
                    else in_quiet_hours(now, row_settings.quiet_start, row_settings.quiet_end)
                )
                self._add(
                    session,
                    key=key,
                    channel=channel,
                    user=user,
                    address=address,
                    content_source=notification.get(user, ""),
                    subject=subject,
                    body=body,
                    importance=importance,
                    now=now,
                    due=held or now,
                )
                planned += 1
        return planned

    async def queue(
        self,
        session: AsyncSession,
        users: Sequence[str],
        *,
        channel: int,
        subject: str,
        body: str,
        source: str,
        notification: Mapping[str, str],
        attachment: Attachment | None = None,
        importance: int = 0,
    ) -> list[DeliveryRow]:
        """In the caller's transaction: a delivery over ``channel`` (e-mail or SMS, to the address in the user's
        copy) to each of ``users`` whatever their notification settings say — something they asked for themselves
        (a scheduled report): no channel choice, no level, no quiet hours. ``attachment`` (e-mail) is stored once
        for them all and kept until each of its deliveries is sent. One per user, channel and source however
        often called (``notification``: their inbox item by user); none when this service cannot send over
        ``channel``; a user without an address gets a ``SUPPRESSED`` record. Returns the deliveries it made."""
        if channel == notice_pb2.CHANNEL_EMAIL:
            column = UserCopy.email
        elif channel == notice_pb2.CHANNEL_SMS:
            column = UserCopy.phone
        else:
            raise ValueError(f"queue sends e-mail or SMS, not channel {channel}")
        if not users or channel not in self.senders:
            return []
        users = list(dict.fromkeys(users))
        keys = {user: f"{user}|{channel}|{source}"[:300] for user in users}
        made = set(await session.scalars(select(DeliveryRow.key).where(DeliveryRow.key.in_(keys.values()))))
        users = [u for u in users if keys[u] not in made]  # the source's event again: sent once
        if not users:
            return []
        addresses = dict(
            (await session.execute(select(UserCopy.name, column).where(UserCopy.name.in_(users))))
            .tuples()
            .all()
        )
        now = self.clock.now()
        stored = None
        if attachment is not None and channel == notice_pb2.CHANNEL_EMAIL and any(addresses.values()):
            stored = DeliveryAttachmentRow(
                id=uuid.uuid4().hex,
                file_name=attachment.file_name[:200],
                content_type=normal_media_type(attachment.content_type),
                size_bytes=len(attachment.content),
                sha256=hashlib.sha256(attachment.content).hexdigest(),
                create_time=now,
                content=attachment.content,
            )
            session.add(stored)
        rows = []
        for user in users:
            address = addresses.get(user) or ""
            rows.append(
                self._add(
                    session,
                    key=keys[user],
                    channel=channel,
                    user=user,
                    address=address,
                    content_source=notification.get(user, ""),
                    subject=subject,
                    body=body,
                    importance=importance,
                    now=now,
                    due=now,
                    attachment_id=stored.id if stored is not None and address else None,
                )
            )
        return rows

    def _add(
        self,
        session: AsyncSession,
        *,
        key: str,
        channel: int,
        user: str,
        address: str,
        content_source: str,
        subject: str,
        body: str,
        importance: int,
        now: datetime,
        due: datetime,
        attachment_id: str | None = None,
    ) -> DeliveryRow:
        """One delivery in the caller's transaction: ``PENDING`` until ``due``, or ``SUPPRESSED`` (recorded as
        finished) without an address."""
        row = DeliveryRow(
            id=uuid.uuid4().hex,
            key=key,
            channel=channel,
            recipient=user,
            address=address,
            content_source=content_source,
            subject=subject[:300],
            body=body,
            importance=importance,
            state=PENDING if address else SUPPRESSED,
            attempts=0,
            next_attempt_time=due if address else None,
            last_error="",
            suppress_reason="" if address else NO_ADDRESS,
            create_time=now,
            update_time=now,
            attachment_id=attachment_id,
        )
        session.add(row)
        if not address:
            self.finished(session, row)
        return row

    async def dispatch(self, lease: Lease | None = None, limit: int = 50) -> int:
        """Sends what is due, each claimed just before its send (one still due: a delivery another dispatcher
        claimed meanwhile is left to it); returns how many were attempted."""
        now = self.clock.now()
        async with self.db.read() as session:
            due = list(
                await session.scalars(
                    select(DeliveryRow)
                    .where(DeliveryRow.state == PENDING, DeliveryRow.next_attempt_time <= now)
                    .order_by(DeliveryRow.next_attempt_time)
                    .limit(limit)
                )
            )
            hooks = {r.recipient for r in due if r.channel == notice_pb2.CHANNEL_WEBHOOK}
            secrets = dict(
                (
                    await session.execute(
                        select(NotificationSettingsRow.user, NotificationSettingsRow.webhook_secret).where(
                            NotificationSettingsRow.user.in_(hooks)
                        )
                    )
                ).all()
            )
            files = await _attachments(session, {r.attachment_id for r in due if r.attachment_id})
            batch = [
                (
                    row.id,
                    row.channel,
                    Outgoing(
                        row.id,
                        row.address,
                        row.subject,
                        row.body,
                        secrets.get(row.recipient, ""),
                        (files[row.attachment_id],) if row.attachment_id in files else (),
                    ),
                    row.attachment_id is not None and row.attachment_id not in files,
                )
                for row in due
            ]
        attempted = 0
        for delivery_id, channel, message, lost in batch:
            if not await self._claim(delivery_id, lease):
                continue
            attempted += 1
            error = ""
            try:
                if lost:
                    raise LookupError("附件已不存在 (the attachment is no longer stored)")
                await self.senders[channel].send(message)
            except Exception as exc:  # noqa: BLE001 - any provider failure is recorded and retried
                error = f"{type(exc).__name__}: {exc}"[:2000]
                log.warning("delivery failed; will retry", extra={"delivery": delivery_id, "error": error})
            await self._record(delivery_id, error)
        return attempted

    async def _claim(self, delivery_id: str, lease: Lease | None) -> bool:
        """Claims a delivery that is still due for :data:`CLAIM` (committed: a crash from here on sends it again
        after that); False when it is not due any more (sent, or claimed by another dispatcher)."""
        now = self.clock.now()
        async with fenced_transaction(self.db, lease) as session:
            claimed = await session.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.id == delivery_id,
                    DeliveryRow.state == PENDING,
                    DeliveryRow.next_attempt_time <= now,
                )
                .values(next_attempt_time=now + CLAIM)
                .execution_options(synchronize_session=False)
            )
            return claimed.rowcount == 1

    async def _record(self, delivery_id: str, error: str) -> None:
        now = self.clock.now()
        async with self.db.transaction() as session:
            row = await session.get(DeliveryRow, delivery_id)
            if row is None:
                return
            row.attempts += 1
            row.update_time = now
            if not error:
                row.state, row.next_attempt_time, row.last_error = SENT, None, ""
            elif row.attempts > len(BACKOFF):
                row.state, row.next_attempt_time, row.last_error = FAILED, None, error
            else:
                row.next_attempt_time, row.last_error = now + BACKOFF[row.attempts - 1], error
            if row.state in (SENT, FAILED):
                self.finished(session, row)
            if row.state == SENT and row.attachment_id:
                await _drop_if_sent(session, row.attachment_id, row.id)

    # --- the API ----------------------------------------------------------------------------------------------

    async def get(self, identity: Identity, name: str) -> notice_pb2.Delivery:
        async with self.db.read() as session:
            return await self.proto(session, await _row(session, name, identity))

    async def list(
        self, identity: Identity, filter_text: str, page_size: int, page_token: str
    ) -> tuple[list[notice_pb2.Delivery], str, int]:
        filters = parse_equalities(filter_text, FILTERS, comparable=("create_time",))
        conditions = filtering.conditions(filters, {field: getattr(DeliveryRow, field) for field in FILTERS})
        order = (DeliveryRow.create_time.desc(), DeliveryRow.id)
        async with self.db.read() as session:
            visible = await _visible(session, identity)
            if visible is not None:
                conditions.append(visible)
            rows, token, total = await self.pages.rows(
                session,
                DeliveryRow,
                conditions,
                order,
                token=page_token,
                bound_to=filter_text,
                requested=page_size,
            )
            names = await _display_names(session, {row.recipient for row in rows})
        return [_to_proto(row, names) for row in rows], token, total

    async def retry(self, identity: Identity, name: str) -> notice_pb2.Delivery:
        async with self.db.transaction() as session:
            row = await _row(session, name, identity)
            if row.state != FAILED:
                raise FailedPrecondition("只有失败的投递可以重试 (only a failed delivery is retried)")
            if row.attachment_id and await session.get(DeliveryAttachmentRow, row.attachment_id) is None:
                raise FailedPrecondition(
                    "附件已超过保留期被删除，无法重试；请重新生成报表 "
                    "(its file was deleted after the retention period; run the report again)"
                )
            row.state, row.attempts, row.next_attempt_time = PENDING, 0, self.clock.now()
            row.update_time = self.clock.now()
            return await self.proto(session, row)

    async def prune_files(self, before: datetime) -> int:
        """Deletes the files kept for deliveries that failed before ``before`` and were not retried (none of their
        deliveries waiting, none failed since): a file is kept for ``RetryDelivery`` as long as the inbox items
        (``KAM_NOTICE_INBOX_DAYS``), not for ever. Returns how many went."""
        needed = exists().where(
            DeliveryRow.attachment_id == DeliveryAttachmentRow.id,
            or_(
                DeliveryRow.state == PENDING,
                and_(DeliveryRow.state == FAILED, DeliveryRow.update_time >= before),
            ),
        )
        async with self.db.transaction() as session:
            result = await session.execute(
                delete(DeliveryAttachmentRow).where(~needed).execution_options(synchronize_session=False)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def proto(self, session: AsyncSession, row: DeliveryRow) -> notice_pb2.Delivery:
        """``row`` as the API shows it: the recipient's name (a person's masked), the address masked."""
        return _to_proto(row, await _display_names(session, {row.recipient}))


async def _attachments(session: AsyncSession, ids: set[str]) -> dict[str, Attachment]:
    """The stored files ``ids`` (deliveries' ``attachment_id``) with their bytes."""
    if not ids:
        return {}
    rows = await session.execute(
        select(
            DeliveryAttachmentRow.id,
            DeliveryAttachmentRow.file_name,
            DeliveryAttachmentRow.content_type,
            DeliveryAttachmentRow.content,
        ).where(DeliveryAttachmentRow.id.in_(ids))
    )
    return {id_: Attachment(name, kind, bytes(content)) for id_, name, kind, content in rows.tuples()}


async def _drop_if_sent(session: AsyncSession, attachment_id: str, sent: str) -> None:
    """Deletes the stored file ``attachment_id`` once no delivery but ``sent`` (just sent) still needs it — to
    send, or to retry after failing."""
    waiting = await session.scalar(
        select(
            exists().where(
                DeliveryRow.attachment_id == attachment_id,
                DeliveryRow.id != sent,
                DeliveryRow.state.in_((PENDING, FAILED)),
            )
        )
    )
    if not waiting:
        await session.execute(delete(DeliveryAttachmentRow).where(DeliveryAttachmentRow.id == attachment_id))


def channel_levels(row: NotificationSettingsRow | None) -> dict[int, int]:
    """Each channel's lowest importance, from the settings row (``"3=4 2=2"``)."""
    if row is None or not row.channel_levels:
        return {}
    return {
        int(c): int(level) for c, _, level in (part.partition("=") for part in row.channel_levels.split())
    }


def _wants(settings: NotificationSettingsRow, channel: int, importance: int) -> bool:
    """Whether ``settings`` chose ``channel`` for a notification of ``importance`` (channels per severity)."""
    if str(channel) not in settings.channels.split():
        return False
    return importance >= channel_levels(settings).get(channel, 0)


def _state(value: str) -> str:
    names = {f"STATE_{s}": s for s in STATES}
    if value not in names:
        raise ValueError(f"应为 {' / '.join(names)} (one of them)")
    return names[value]


def _recipient(value: str) -> str:
    if not value.startswith(("users/", "customers/")):
        raise ValueError("应为 users/{user} 或 customers/{customer}")
    return value


def _channel(value: str) -> int:
    channels = {name: int(n) for name, n in notice_pb2.Channel.items() if n}
    if value not in channels:
        raise ValueError(f"应为 {' / '.join(channels)} (one of them)")
    return channels[value]


def _trigger(value: str) -> str:
    if not value.startswith(("alerts/", "bulletins/", "users/")) or len(value) > 300 or "\x00" in value:
        raise ValueError("应为 alerts/…、bulletins/… 或 users/…")
    return value


FILTERS = {
    "state": _state,
    "recipient": _recipient,
    "channel": _channel,
    "trigger": _trigger,
    "create_time": filtering.timestamp,
}


async def _visible(session: AsyncSession, identity: Identity):
    """Which deliveries the caller sees: all (administrators, compliance), or their own and those to customers
    in their data scope; None when unrestricted."""
    if identity.can(SEE_ALL):
        return None
    scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
    customers = select(CustomerCopy.customer)
    in_scope = scope.condition(CustomerCopy.branch, CustomerCopy.relationship_manager)
    if in_scope is not None:
        customers = customers.where(in_scope)
    return or_(DeliveryRow.recipient == identity.subject, DeliveryRow.recipient.in_(customers))


def shown_name(display_name: str, customer_type: str) -> str:
    """A customer's name as staff see it here: a person's masked, a company's as it is (public)."""
    return display_name if customer_type == "CORPORATE" else mask_name(display_name)


async def _display_names(session: AsyncSession, recipients: set[str]) -> dict[str, tuple[str, str]]:
    """Recipient → (their name as shown, their full name): staff by name, a person's name masked, a company's
    as it is."""
    users = [r for r in recipients if r.startswith("users/")]
    customers = [r for r in recipients if r.startswith("customers/")]
    names: dict[str, tuple[str, str]] = {}
    if users:
        for name, display in (
            await session.execute(
                select(UserCopy.name, UserCopy.display_name).where(UserCopy.name.in_(users))
            )
        ).all():
            names[name] = (display, display)
    if customers:
        for name, display, kind in (
            await session.execute(
                select(CustomerCopy.customer, CustomerCopy.display_name, CustomerCopy.type).where(
                    CustomerCopy.customer.in_(customers)
                )
            )
        ).all():
            names[name] = (shown_name(display, kind), display)
    return names


async def _row(session: AsyncSession, name: str, identity: Identity) -> DeliveryRow:
    """The delivery ``name`` if the caller may see it (administrators and compliance every one, anyone else
    their own); ``NOT_FOUND`` otherwise."""
    delivery_id = name.removeprefix(PREFIX)
    if not name.startswith(PREFIX) or not delivery_id or "/" in delivery_id:
        raise InvalidArgument.for_field("name", "应为 deliveries/{delivery} (expected deliveries/{id})")
    row = await session.get(DeliveryRow, delivery_id) if is_id(delivery_id) else None
    if row is None or not await _may_see(session, identity, row):
        raise NotFound(f"没有这条投递记录 (no such delivery): {name}")
    return row


async def _may_see(session: AsyncSession, identity: Identity, row: DeliveryRow) -> bool:
    if identity.can(SEE_ALL) or row.recipient == identity.subject:
        return True
    customer = (
        await session.get(CustomerCopy, row.recipient) if row.recipient.startswith("customers/") else None
    )
    return customer is not None and (await orgtree.scope_of(session, identity, OrgUnitCopy)).allows(customer)


def _to_proto(row: DeliveryRow, names: dict[str, tuple[str, str]]) -> notice_pb2.Delivery:
    shown, full = names.get(row.recipient, ("", ""))
    body = row.body.replace(full, shown) if full and shown != full else row.body
    message = notice_pb2.Delivery(
        name=f"{PREFIX}{row.id}",
        channel=row.channel,  # type: ignore[arg-type]
        recipient=row.recipient,
        address=mask_address(row.address) if row.address else "",
        content_source=row.content_source,
        rendered_body=body,
        state=STATES[row.state],
        attempt_count=row.attempts,
        last_error=row.last_error,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        trigger=row.trigger,
        suppress_reason=row.suppress_reason,
        recipient_display_name=shown,
    )
    if row.next_attempt_time is not None:
        message.next_attempt_time.CopyFrom(to_timestamp(aware(row.next_attempt_time)))
    return message
