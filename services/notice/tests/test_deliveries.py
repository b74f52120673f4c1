"""E-mail beside the inbox, through a real SMTP server (aiosmtpd): sent once per recipient and source however often
the event comes, held in quiet hours unless urgent, retried with backoff and recorded when the server fails, given
up after the last retry and sent again on RetryDelivery; no address is recorded as suppressed; a slow server is
waited for (not sent to twice), and a delivery is claimed just before its send."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from email.header import decode_header, make_header

import grpc
import pytest
from google.type import timeofday_pb2
from kam.alert.v1 import alert_pb2
from kam.alert.v1 import events_pb2 as alert_events
from kam.notice.v1 import notice_pb2
from kam.notice.v1 import notification_service_pb2 as npb
from kam_notice.adapters.orm import UserCopy
from kam_notice.service_layer.deliveries import BACKOFF, CLAIM, Deliveries, SmtpSender, SmtpSettings
from kam_notice.service_layer.inbox import Inbox
from notice_testlib import NOW, Bank, event_meta
from notice_testlib import free_port as _free_port

D = notice_pb2.Delivery


def alert(name: str, severity: int = alert_pb2.SEVERITY_HIGH) -> alert_events.AlertRaised:
    return alert_events.AlertRaised(
        alert=alert_pb2.Alert(
            name=name, title=f"客户甲 大额取现 {name}", severity=severity, recipients=["users/rm_dongcheng"]
        )
    )


async def _choose_email(bank: Bank, who: str, address: str) -> None:
    async with bank.db.transaction() as session:
        (await session.get(UserCopy, who)).email = address
    settings = notice_pb2.NotificationSettings(
        name="users/me/notificationSettings",
        channels=[notice_pb2.CHANNEL_EMAIL],
        quiet_hours_start=timeofday_pb2.TimeOfDay(hours=22),
        quiet_hours_end=timeofday_pb2.TimeOfDay(hours=8),
    )
    await bank.call(
        "UpdateNotificationSettings",
        npb.UpdateNotificationSettingsRequest(notification_settings=settings),
        who,
    )


def _inbox(bank: Bank, port: int) -> tuple[Inbox, Deliveries]:
    sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, sender="kam@bank.example", timeout=2))
    deliveries = Deliveries(bank.db, bank.clock, b"p" * 32, {notice_pb2.CHANNEL_EMAIL: sender})
    return Inbox(bank.db, bank.clock, b"p" * 32, deliveries=deliveries), deliveries


async def _deliveries(bank: Bank) -> list[notice_pb2.Delivery]:
    return list((await bank.call("ListDeliveries", npb.ListDeliveriesRequest(), "users/admin")).deliveries)


async def test_an_alert_goes_by_e_mail_once_however_often_its_event_comes(bank: Bank, smtp) -> None:
    mailbox, port = smtp
    await _choose_email(bank, "users/rm_dongcheng", "zhang.rm@bank.example")
    inbox, deliveries = _inbox(bank, port)
    for _ in range(2):
        await bank.apply_as(inbox.on_alert, alert("alerts/a1"), event_meta("ev-1"))
    assert await deliveries.dispatch() == 1
    assert await deliveries.dispatch() == 0  # nothing due any more
    (mail,) = mailbox.messages
    assert mail["To"] == "zhang.rm@bank.example"
    assert str(make_header(decode_header(mail["Subject"]))) == "客户甲 大额取现 alerts/a1"
    (record,) = await _deliveries(bank)
    assert record.state == D.STATE_SENT and record.attempt_count == 1
    assert record.address == "zh***@bank.example"  # masked in the record
    assert mail["Message-ID"] == f"<{record.name.split('/')[1]}@kam.notice>"  # the receiver can drop a repeat
    assert record.content_source.startswith("users/rm_dongcheng/notifications/")
    # someone without an address: recorded, not sent
    await _choose_email(bank, "users/bm_beijing", "")
    await bank.apply_as(
        inbox.on_alert,
        alert_events.AlertRaised(
            alert=alert_pb2.Alert(name="alerts/b", title="t", recipients=["users/bm_beijing"])
        ),
        event_meta("ev-b"),
    )
    suppressed = [d for d in await _deliveries(bank) if d.recipient == "users/bm_beijing"]
    assert [d.state for d in suppressed] == [D.STATE_SUPPRESSED]
    # administrators and compliance see every delivery; anyone else their own (another's is not found)
    own = await bank.call("ListDeliveries", npb.ListDeliveriesRequest(), "users/rm_dongcheng")
    assert [d.recipient for d in own.deliveries] == ["users/rm_dongcheng"]
    everyone = await bank.call("ListDeliveries", npb.ListDeliveriesRequest(), "users/compliance")
    assert {d.recipient for d in everyone.deliveries} == {"users/rm_dongcheng", "users/bm_beijing"}
    with pytest.raises(grpc.aio.AioRpcError) as hidden:
        await bank.call("GetDelivery", npb.GetDeliveryRequest(name=suppressed[0].name), "users/rm_dongcheng")
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND


async def test_quiet_hours_hold_all_but_urgent_ones_until_morning(bank: Bank, smtp) -> None:
    mailbox, port = smtp
    await _choose_email(bank, "users/rm_dongcheng", "zhang.rm@bank.example")
    inbox, deliveries = _inbox(bank, port)
    bank.clock.advance(timedelta(hours=14))  # 23:00 in Beijing
    await bank.apply_as(inbox.on_alert, alert("alerts/late"), event_meta("ev-late"))
    await bank.apply_as(
        inbox.on_alert, alert("alerts/urgent", alert_pb2.SEVERITY_CRITICAL), event_meta("ev-urgent")
    )
    assert await deliveries.dispatch() == 1
    assert [m["Subject"] for m in mailbox.messages] and "urgent" in str(
        make_header(decode_header(mailbox.messages[0]["Subject"]))
    )
    bank.clock.advance(timedelta(hours=9) - timedelta(minutes=1))  # 07:59
    assert await deliveries.dispatch() == 0
    bank.clock.advance(timedelta(minutes=1))  # 08:00: the end of quiet hours
    assert await deliveries.dispatch() == 1
    assert len(mailbox.messages) == 2


async def test_a_failing_server_is_retried_with_backoff_given_up_and_retried_on_request(
    bank: Bank, smtp
) -> None:
    mailbox, port = smtp
    await _choose_email(bank, "users/rm_dongcheng", "zhang.rm@bank.example")
    inbox, deliveries = _inbox(bank, _free_port())  # nothing listens there
    await bank.apply_as(inbox.on_alert, alert("alerts/x"), event_meta("ev-x"))
    assert await deliveries.dispatch() == 1
    (record,) = await _deliveries(bank)
    assert record.state == D.STATE_PENDING and record.attempt_count == 1 and "Connection" in record.last_error
    assert record.next_attempt_time.ToDatetime().replace(tzinfo=NOW.tzinfo) == NOW + BACKOFF[0]
    assert await deliveries.dispatch() == 0  # not before its backoff
    for wait in BACKOFF:
        bank.clock.advance(wait)
        assert await deliveries.dispatch() == 1
    (record,) = await _deliveries(bank)
    assert record.state == D.STATE_FAILED and record.attempt_count == len(BACKOFF) + 1
    # the server is back: an administrator retries it
    deliveries.senders[notice_pb2.CHANNEL_EMAIL] = SmtpSender(
        SmtpSettings(host="127.0.0.1", port=port, timeout=2)
    )
    retried = await bank.call("RetryDelivery", npb.RetryDeliveryRequest(name=record.name), "users/admin")
    assert retried.delivery.state == D.STATE_PENDING
    assert await deliveries.dispatch() == 1
    assert len(mailbox.messages) == 1
    sent = await bank.call("GetDelivery", npb.GetDeliveryRequest(name=record.name), "users/admin")
    assert sent.delivery.state == D.STATE_SENT
    with pytest.raises(grpc.aio.AioRpcError) as again:  # only a failed one is retried
        await bank.call("RetryDelivery", npb.RetryDeliveryRequest(name=record.name), "users/admin")
    assert again.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_a_slow_answer_to_the_message_is_waited_for_not_taken_as_a_failure(bank: Bank, smtp) -> None:
    """The server accepts the message but answers after the connect timeout: giving up then would record a failure
    and send it again later (a duplicate). The answers are waited for as RFC 5321 asks (reply_timeout)."""
    mailbox, port = smtp
    mailbox.delay = 1.5
    await _choose_email(bank, "users/rm_dongcheng", "zhang.rm@bank.example")
    sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, timeout=0.5, reply_timeout=10))
    deliveries = Deliveries(bank.db, bank.clock, b"p" * 32, {notice_pb2.CHANNEL_EMAIL: sender})
    inbox = Inbox(bank.db, bank.clock, b"p" * 32, deliveries=deliveries)
    await bank.apply_as(inbox.on_alert, alert("alerts/slow"), event_meta("ev-slow"))
    assert await deliveries.dispatch() == 1
    (record,) = await _deliveries(bank)
    assert (record.state, record.attempt_count, record.last_error) == (D.STATE_SENT, 1, "")
    bank.clock.advance(BACKOFF[-1] + CLAIM)
    assert await deliveries.dispatch() == 0
    assert len(mailbox.messages) == 1


async def test_a_second_dispatcher_sends_what_the_first_has_not_claimed_yet_and_nothing_twice(
    bank: Bank, smtp
) -> None:
    """Each delivery is claimed just before its send: while one dispatcher waits for a slow server, another (a
    replica that took the lease over) sends the batch's next delivery, and the first then leaves it alone."""
    mailbox, port = smtp
    mailbox.delay = 1.0
    await _choose_email(bank, "users/rm_dongcheng", "zhang.rm@bank.example")
    first, deliveries = _inbox(bank, port)
    await bank.apply_as(first.on_alert, alert("alerts/one"), event_meta("ev-one"))
    await bank.apply_as(first.on_alert, alert("alerts/two"), event_meta("ev-two"))
    busy = asyncio.create_task(deliveries.dispatch())
    await asyncio.to_thread(mailbox.arrived.wait, 10)  # the first dispatcher is on its first send
    bank.clock.advance(timedelta(minutes=1))
    _, replica = _inbox(bank, port)
    assert await replica.dispatch() == 1  # the one not yet claimed
    assert await busy == 1  # its second delivery was taken: left alone
    assert len(mailbox.messages) == 2
    subjects = sorted(str(make_header(decode_header(m["Subject"]))) for m in mailbox.messages)
    assert subjects == ["客户甲 大额取现 alerts/one", "客户甲 大额取现 alerts/two"]
    assert {d.state for d in await _deliveries(bank)} == {D.STATE_SENT}
