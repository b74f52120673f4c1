"""Scheduled reports (定时报表) from the report service's ``ScheduledReportReady``, through a real SMTP server
(aiosmtpd) and real databases: each recipient gets an inbox item and an e-mail with the file attached (its Chinese
file name, media type and bytes intact) whatever their notification settings say; once however often the event
comes; a recipient without an address the inbox item only; a file too large for the event a link instead; a mail
server that fails is retried, the file kept until it is sent. A schedule that starts failing
(``ScheduledReportFailed``) is told by an inbox item linking to 定时报表 and an e-mail, once."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import grpc
import nats
import pytest
from google.type import timeofday_pb2
from kam.identity.v1 import events_pb2 as identity_events
from kam.identity.v1 import identity_pb2
from kam.notice.v1 import events_pb2 as notice_events
from kam.notice.v1 import notice_pb2
from kam.notice.v1 import notification_service_pb2 as npb
from kam.push.v1 import push_pb2
from kam.report.v1 import events_pb2 as report_events
from kam.report.v1 import report_pb2
from kam_kit import directory, events
from kam_kit.clock import ManualClock
from kam_kit.db import processed_events_table
from kam_kit.settings import ServiceSettings
from kam_kit.timeconv import to_timestamp
from kam_notice.adapters.orm import DeliveryAttachmentRow, DeliveryRow, UserCopy
from kam_notice.bootstrap import build
from kam_notice.service_layer.deliveries import (
    BACKOFF,
    Attachment,
    Deliveries,
    Outgoing,
    SmtpSender,
    SmtpSettings,
    normal_media_type,
)
from kam_notice.service_layer.inbox import Inbox
from kam_notice.service_layer.reports import ScheduledReports
from notice_testlib import META, NOW, Bank, RecordingSender, event_meta
from sqlalchemy import func, select

D = notice_pb2.Delivery
N = notice_pb2.Notification
READY = "kam.report.v1.ScheduledReportReady"
RM = "users/rm_dongcheng"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_NAME = "地区销售额统计_2026-11-01_2026-11-30.xlsx"
#: every byte value, and a marker that must never reach a log line
CONTENT = b"PK\x03\x04" + bytes(range(256)) * 300 + b"SECRET-REPORT-ROWS" + b"\x00\r\n.\r\n\xff"
TITLE = "地区销售额统计 2026-11-01 至 2026-11-30"


def ready(report: str = "reports/r1", *, content: bytes = CONTENT, recipients=(RM,)):
    return report_events.ScheduledReportReady(
        schedule=report_pb2.ReportSchedule(
            name="reportSchedules/s1", display_name="每月地区销售额", owner=RM, cron="0 8 1 * *"
        ),
        report=report,
        report_display_name=TITLE,
        recipients=list(recipients),
        run_time=to_timestamp(datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),  # 08:00 on 1 December in Beijing
        filename=FILE_NAME,
        content_type=XLSX,
        content=content,
    )


class Wiring:
    """The handler as bootstrap wires it, with a real SMTP sender (and a recording SMS one, to see nothing goes
    there)."""

    def __init__(self, bank: Bank, port: int) -> None:
        self.sms = RecordingSender()
        sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, sender="kam@bank.example", timeout=2))
        self.deliveries = Deliveries(
            bank.db,
            bank.clock,
            b"p" * 32,
            {notice_pb2.CHANNEL_EMAIL: sender, notice_pb2.CHANNEL_SMS: self.sms},  # type: ignore[dict-item]
        )
        self.inbox = Inbox(bank.db, bank.clock, b"p" * 32, deliveries=self.deliveries)
        self.reports = ScheduledReports(
            bank.clock, self.inbox, self.deliveries, console_url="https://kam.bank.example/"
        )
        self.bank = bank

    async def apply(self, event, event_id: str = "ev-1") -> None:
        await self.bank.apply_as(self.reports.on_ready, event, event_meta(event_id, READY))


async def _address(bank: Bank, who: str, email: str) -> None:
    async with bank.db.transaction() as session:
        (await session.get(UserCopy, who)).email = email


async def _deliveries(bank: Bank) -> list[notice_pb2.Delivery]:
    return list((await bank.call("ListDeliveries", npb.ListDeliveriesRequest(), "users/admin")).deliveries)


async def _inbox(bank: Bank, who: str = RM) -> list[notice_pb2.Notification]:
    response = await bank.call("ListNotifications", npb.ListNotificationsRequest(parent="users/me"), who)
    return list(response.notifications)


async def _stored_files(bank: Bank) -> int:
    async with bank.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(DeliveryAttachmentRow)) or 0)


def _parsed(raw: bytes) -> EmailMessage:
    mail = message_from_bytes(raw, policy=policy.default)
    assert isinstance(mail, EmailMessage)
    return mail


def _text(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return body.get_content()


async def test_a_scheduled_report_arrives_once_by_e_mail_with_its_file_and_in_the_inbox(
    bank: Bank, smtp
) -> None:
    mailbox, port = smtp
    await _address(bank, RM, "zhang.rm@bank.example")  # they never chose e-mail in their settings
    wiring = Wiring(bank, port)
    await wiring.apply(ready())
    await wiring.apply(ready())  # the same event again
    await wiring.apply(ready(), "ev-again")  # republished under another id: the same report
    assert await _stored_files(bank) == 1
    assert await wiring.deliveries.dispatch() == 1
    assert await wiring.deliveries.dispatch() == 0
    (raw,) = mailbox.raw
    mail = _parsed(raw)
    assert mail["To"] == "zhang.rm@bank.example"
    assert mail["Subject"] == f"【KAM 定时报表】{TITLE}"
    (attachment,) = mail.iter_attachments()
    assert attachment.get_filename() == FILE_NAME  # RFC 2231, the Chinese characters intact
    assert b"filename*0*=utf-8''%E5%9C%B0%E5%8C%BA" in raw  # 地区…, as RFC 2231 writes it (in parts)
    assert attachment.get_content_type() == XLSX
    assert attachment.get_content() == CONTENT  # byte for byte
    text = _text(mail)
    for expected in (
        "定时报表「每月地区销售额」已生成",
        f"报表：{TITLE}",
        "运行时间：2026-12-01 08:00（北京时间）",
        f"附件：{FILE_NAME}",
        "https://kam.bank.example/reports/r1",
        'Your scheduled report "每月地区销售额"',
    ):
        assert expected in text
    # one inbox item, linking to the report, and one live push
    (item,) = await _inbox(bank)
    assert item.title == f"定时报表「{TITLE}」已生成"
    assert item.subject == "reports/r1" and item.category == N.CATEGORY_SYSTEM
    assert "2026-12-01 08:00" in item.body
    (push,) = await bank.published(push_pb2.PushRequested)
    assert push.recipients == [RM] and push.resource == "reports/r1"
    # one delivery, sent and published as such; the file no longer kept
    (record,) = await _deliveries(bank)
    assert record.state == D.STATE_SENT and record.channel == notice_pb2.CHANNEL_EMAIL
    assert record.content_source == item.name
    assert mail["Message-ID"] == f"<{record.name.split('/')[1]}@kam.notice>"
    (finished,) = await bank.published(notice_events.DeliveryFinished)
    assert finished.delivery.state == D.STATE_SENT
    assert await _stored_files(bank) == 0
    # redelivered after it was sent: still one e-mail, one item
    await wiring.apply(ready())
    assert await wiring.deliveries.dispatch() == 0
    assert len(mailbox.raw) == 1 and len(await _inbox(bank)) == 1 and len(await _deliveries(bank)) == 1


async def test_it_goes_whatever_the_notification_settings_say(bank: Bank, smtp) -> None:
    mailbox, port = smtp
    await _address(bank, RM, "zhang.rm@bank.example")
    settings = notice_pb2.NotificationSettings(  # e-mail and SMS for critical alerts only, quiet from 22:00
        name="users/me/notificationSettings",
        channels=[notice_pb2.CHANNEL_EMAIL, notice_pb2.CHANNEL_SMS],
        quiet_hours_start=timeofday_pb2.TimeOfDay(hours=22),
        quiet_hours_end=timeofday_pb2.TimeOfDay(hours=8),
        channel_preferences=[
            notice_pb2.ChannelPreference(channel=notice_pb2.CHANNEL_EMAIL, min_importance=4),
            notice_pb2.ChannelPreference(channel=notice_pb2.CHANNEL_SMS, min_importance=4),
        ],
    )
    await bank.call(
        "UpdateNotificationSettings",
        npb.UpdateNotificationSettingsRequest(notification_settings=settings),
        RM,
    )
    bank.clock.advance(timedelta(hours=14))  # 23:00 in Beijing: inside their quiet hours
    wiring = Wiring(bank, port)
    await wiring.apply(ready())
    assert await wiring.deliveries.dispatch() == 1  # at once
    assert len(mailbox.raw) == 1  # the report's e-mail only: no second, plain copy of the inbox item
    assert wiring.sms.sent == []
    assert [d.channel for d in await _deliveries(bank)] == [notice_pb2.CHANNEL_EMAIL]


async def test_a_user_without_an_e_mail_address_gets_the_inbox_item_only(bank: Bank, smtp) -> None:
    mailbox, port = smtp
    await _address(bank, "users/bm_beijing", "wang.bm@bank.example")  # RM has none
    wiring = Wiring(bank, port)
    await wiring.apply(ready(recipients=(RM, "users/bm_beijing")))
    assert await wiring.deliveries.dispatch() == 1
    (raw,) = mailbox.raw
    assert _parsed(raw)["To"] == "wang.bm@bank.example"
    for who in (RM, "users/bm_beijing"):  # both have the inbox item
        assert [n.subject for n in await _inbox(bank, who)] == ["reports/r1"]
    states = {d.recipient: (d.state, d.suppress_reason) for d in await _deliveries(bank)}
    assert states[RM][0] == D.STATE_SUPPRESSED and states[RM][1]  # recorded, with why: no address
    assert states["users/bm_beijing"][0] == D.STATE_SENT
    assert await _stored_files(bank) == 0


async def test_no_file_is_kept_when_nobody_has_an_address(bank: Bank, smtp) -> None:
    mailbox, port = smtp
    wiring = Wiring(bank, port)
    await wiring.apply(ready())
    assert await _stored_files(bank) == 0
    assert await wiring.deliveries.dispatch() == 0 and mailbox.raw == []
    assert len(await _inbox(bank)) == 1


async def test_a_file_too_large_to_attach_is_a_link(bank: Bank, smtp) -> None:
    mailbox, port = smtp
    await _address(bank, RM, "zhang.rm@bank.example")
    wiring = Wiring(bank, port)
    await wiring.apply(ready(content=b""))
    assert await _stored_files(bank) == 0
    assert await wiring.deliveries.dispatch() == 1
    (raw,) = mailbox.raw
    mail = _parsed(raw)
    assert list(mail.iter_attachments()) == []
    text = _text(mail)
    assert "文件过大" in text and "too large to attach" in text
    assert "https://kam.bank.example/reports/r1" in text
    (item,) = await _inbox(bank)
    assert "报表中心查看" in item.body


async def test_a_failing_mail_server_is_retried_and_the_file_sent_intact(bank: Bank, smtp, caplog) -> None:
    mailbox, port = smtp
    await _address(bank, RM, "zhang.rm@bank.example")
    wiring = Wiring(bank, port)
    mailbox.refuse = 1  # the server says 451 once
    await wiring.apply(ready())
    with caplog.at_level(logging.DEBUG):
        assert await wiring.deliveries.dispatch() == 1
    (record,) = await _deliveries(bank)
    assert record.state == D.STATE_PENDING and record.attempt_count == 1 and "451" in record.last_error
    assert await _stored_files(bank) == 1  # kept for the retry
    assert not any("SECRET-REPORT-ROWS" in str(r.__dict__) for r in caplog.records)  # no bytes in the logs
    assert await wiring.deliveries.dispatch() == 0  # not before its backoff
    bank.clock.advance(BACKOFF[0])
    assert await wiring.deliveries.dispatch() == 1
    (raw,) = mailbox.raw
    (attachment,) = _parsed(raw).iter_attachments()
    assert attachment.get_filename() == FILE_NAME and attachment.get_content() == CONTENT
    (record,) = await _deliveries(bank)
    assert record.state == D.STATE_SENT and record.attempt_count == 2
    assert await _stored_files(bank) == 0


async def test_a_given_up_report_is_sent_with_its_file_on_retry_delivery(bank: Bank, smtp) -> None:
    mailbox, port = smtp
    await _address(bank, RM, "zhang.rm@bank.example")
    wiring = Wiring(bank, port)
    mailbox.refuse = len(BACKOFF) + 1  # down through every retry
    await wiring.apply(ready())
    assert await wiring.deliveries.dispatch() == 1
    for wait in BACKOFF:
        bank.clock.advance(wait)
        assert await wiring.deliveries.dispatch() == 1
    (record,) = await _deliveries(bank)
    assert record.state == D.STATE_FAILED and mailbox.raw == []
    assert await _stored_files(bank) == 1  # kept: an administrator may retry it
    (failed,) = await bank.published(notice_events.DeliveryFinished)
    assert failed.delivery.state == D.STATE_FAILED
    await bank.call("RetryDelivery", npb.RetryDeliveryRequest(name=record.name), "users/admin")
    assert await wiring.deliveries.dispatch() == 1
    (raw,) = mailbox.raw
    (attachment,) = _parsed(raw).iter_attachments()
    assert attachment.get_content() == CONTENT
    assert await _stored_files(bank) == 0


async def test_a_given_up_reports_file_is_kept_as_long_as_the_inbox_then_retry_says_it_is_gone(
    bank: Bank, smtp
) -> None:
    mailbox, port = smtp
    await _address(bank, RM, "zhang.rm@bank.example")
    wiring = Wiring(bank, port)
    wiring.inbox.keep = timedelta(days=30)
    mailbox.refuse = len(BACKOFF) + 1  # down through every retry: given up
    await wiring.apply(ready())
    assert await wiring.deliveries.dispatch() == 1
    for wait in BACKOFF:
        bank.clock.advance(wait)
        assert await wiring.deliveries.dispatch() == 1
    (given_up,) = await _deliveries(bank)
    assert given_up.state == D.STATE_FAILED
    await wiring.apply(ready("reports/r2"), "ev-2")  # another report, waiting to be sent
    bank.clock.advance(timedelta(days=29))
    await wiring.inbox.prune()
    assert await _stored_files(bank) == 2  # within the retention an administrator may still retry
    bank.clock.advance(timedelta(days=2))
    await wiring.inbox.prune()
    assert await _stored_files(bank) == 1  # the given-up one's file is gone; the waiting one's stays
    with pytest.raises(grpc.aio.AioRpcError) as gone:
        await bank.call("RetryDelivery", npb.RetryDeliveryRequest(name=given_up.name), "users/admin")
    assert gone.value.code() == grpc.StatusCode.FAILED_PRECONDITION and "保留期" in gone.value.details()
    assert await wiring.deliveries.dispatch() == 1  # the waiting one goes, with its file
    (raw,) = mailbox.raw
    (attachment,) = _parsed(raw).iter_attachments()
    assert attachment.get_content() == CONTENT
    assert await _stored_files(bank) == 0


async def test_a_schedule_that_did_not_deliver_is_told_once_in_the_inbox_and_by_e_mail(
    bank: Bank, smtp
) -> None:
    mailbox, port = smtp
    await _address(bank, RM, "zhang.rm@bank.example")
    wiring = Wiring(bank, port)
    why = "负责人的角色或机构已变更，请打开定时报表确认 (the owner's roles or unit changed)"
    failed = report_events.ScheduledReportFailed(
        schedule=report_pb2.ReportSchedule(
            name="reportSchedules/s1", display_name="每月地区销售额", owner=RM
        ),
        recipients=[RM, "orgUnits/0100"],  # only users are told
        run_time=to_timestamp(datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
        error=why,
    )
    for event_id in ("ev-f", "ev-f", "ev-f-again"):  # redelivered, and republished under another id
        await wiring.bank.apply_as(
            wiring.reports.on_failed, failed, event_meta(event_id, "kam.report.v1.ScheduledReportFailed")
        )
    (item,) = await _inbox(bank)
    assert item.title == "定时报表「每月地区销售额」未能生成"
    assert item.subject == "reportSchedules/s1" and item.category == N.CATEGORY_SYSTEM
    assert "2026-12-01 08:00" in item.body and why in item.body
    assert await wiring.deliveries.dispatch() == 1
    (raw,) = mailbox.raw
    mail = _parsed(raw)
    assert mail["Subject"] == "【KAM 定时报表】「每月地区销售额」未能生成"
    assert list(mail.iter_attachments()) == []
    text = _text(mail)
    for expected in (why, "2026-12-01 08:00（北京时间）", "https://kam.bank.example/reports/schedules"):
        assert expected in text
    (record,) = await _deliveries(bank)
    assert record.state == D.STATE_SENT and record.content_source == item.name


def test_an_outgoing_message_never_shows_its_file_bytes() -> None:
    message = Outgoing("d1", "a@b.example", "s", "b", attachments=(Attachment(FILE_NAME, XLSX, CONTENT),))
    assert "SECRET-REPORT-ROWS" not in repr(message) and FILE_NAME in repr(message)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("text/csv; charset=utf-8", "text/csv; charset=utf-8"),
        ("Application/PDF", "application/pdf"),
        ("", "application/octet-stream"),
        ("evil\r\nBcc: x@y", "application/octet-stream"),
    ],
)
def test_a_media_type_is_kept_only_when_well_formed(given: str, expected: str) -> None:
    assert normal_media_type(given) == expected


async def test_the_event_on_nats_reaches_the_mailbox_once(
    database_url, token_secret, free_port, nats_url, smtp, monkeypatch
) -> None:
    """The service as bootstrap builds it: the report service's event from the broker (twice, under two ids),
    applied by ``notice-report``, sent by the dispatcher on the clock."""
    mailbox, port = smtp
    monkeypatch.setenv("KAM_NOTICE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KAM_NOTICE_SMTP_PORT", str(port))
    monkeypatch.setenv("KAM_NOTICE_CONSOLE_URL", "https://kam.bank.example")
    settings = ServiceSettings.from_env(
        "notice",
        environ={
            "KAM_TOKEN_SECRET": token_secret,
            "KAM_NOTICE_DATABASE_URL": database_url,
            "KAM_NOTICE_GRPC_PORT": str(free_port()),
            "KAM_NATS_URL": nats_url,
        },
    )
    app = build(settings, ManualClock(NOW))
    app.produces_events = False
    await app.start()
    try:
        owner = (
            f"users/u{uuid.uuid4().hex[:8]}"  # the broker and its durable consumers are shared by the session
        )
        user = identity_pb2.User(
            name=owner,
            display_name="张经理",
            email="zhang.rm@bank.example",
            state=identity_pb2.User.STATE_ACTIVE,
        )
        async with app.db.transaction() as session:
            await directory.updater(UserCopy)(session, identity_events.UserCreated(user=user), META)
        report = f"reports/{uuid.uuid4().hex[:12]}"
        event = ready(report, recipients=(owner,))
        connection = await nats.connect(nats_url)
        js = connection.jetstream()
        await events.ensure_stream(js, "report")
        event_ids = [uuid.uuid4().hex for _ in range(2)]
        for event_id in event_ids:  # the same report published twice, as a report service retrying might
            headers = events.event_headers(
                event_id=event_id, service="report", event_type=READY, time=NOW, subject=report
            )
            await js.publish(
                events.subject_for("report", event),
                event.SerializeToString(),
                headers=headers,
                stream="KAM_REPORT",
            )
        await connection.close()
        processed, sent = 0, []
        for _ in range(
            400
        ):  # the consumer, then the dispatcher (every second, once it holds the clock's lease)
            async with app.db.read() as session:
                processed = int(
                    await session.scalar(
                        select(func.count())
                        .select_from(processed_events_table)
                        .where(
                            processed_events_table.c.consumer == "notice-report",
                            processed_events_table.c.event_id.in_(event_ids),
                        )
                    )
                    or 0
                )
                sent = list(
                    await session.scalars(select(DeliveryRow.state).where(DeliveryRow.recipient == owner))
                )
            if processed == 2 and sent == ["SENT"]:
                break
            await asyncio.sleep(0.05)
        assert processed == 2 and sent == ["SENT"]
        (raw,) = mailbox.raw
        mail = _parsed(raw)
        assert mail["Subject"] == f"【KAM 定时报表】{TITLE}"
        (attachment,) = mail.iter_attachments()
        assert attachment.get_filename() == FILE_NAME and attachment.get_content() == CONTENT
        assert f"https://kam.bank.example/{report}" in _text(mail)
    finally:
        await app.stop()
