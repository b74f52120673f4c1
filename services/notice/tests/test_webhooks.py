"""Webhooks beside the inbox, against a real local HTTP server standing in for the group robots: a 企业微信 robot
gets its text message, a 钉钉 robot a signed one (its 加签 recomputed here), with the delivery id as the
idempotency key; a robot's error answer is retried and recorded; the secret is never returned."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from kam.alert.v1 import alert_pb2
from kam.alert.v1 import events_pb2 as alert_events
from kam.notice.v1 import notice_pb2
from kam.notice.v1 import notification_service_pb2 as npb
from kam_notice.service_layer.deliveries import Deliveries, WebhookSender
from kam_notice.service_layer.inbox import Inbox
from notice_testlib import Bank, JsonReceiver, event_meta

D = notice_pb2.Delivery
SECRET = "SECtest0123456789"


class Robots(JsonReceiver):
    """What the robots received; they answer ``errcode`` 0 unless told to fail."""

    def __init__(self) -> None:
        self.fail = False
        super().__init__(
            lambda: {"errcode": 310000, "errmsg": "sign not match"} if self.fail else {"errcode": 0}
        )


@pytest.fixture
def robots():
    with Robots() as r:
        yield r


async def _choose_webhook(
    bank: Bank, who: str, uri: str, secret: str = ""
) -> notice_pb2.NotificationSettings:
    settings = notice_pb2.NotificationSettings(
        name="users/me/notificationSettings",
        channels=[notice_pb2.CHANNEL_WEBHOOK],
        webhook_uri=uri,
        webhook_secret=secret,
    )
    return (
        await bank.call(
            "UpdateNotificationSettings",
            npb.UpdateNotificationSettingsRequest(notification_settings=settings),
            who,
        )
    ).notification_settings


def _alert(name: str, recipient: str) -> alert_events.AlertRaised:
    return alert_events.AlertRaised(
        alert=alert_pb2.Alert(
            name=name,
            title=f"客户甲 大额取现 {name}",
            severity=alert_pb2.SEVERITY_HIGH,
            recipients=[recipient],
        )
    )


def _setup(bank: Bank) -> tuple[Inbox, Deliveries]:
    deliveries = Deliveries(
        bank.db, bank.clock, b"p" * 32, {notice_pb2.CHANNEL_WEBHOOK: WebhookSender(bank.clock, timeout=3)}
    )
    return Inbox(bank.db, bank.clock, b"p" * 32, deliveries=deliveries), deliveries


async def test_wecom_gets_its_text_and_dingtalk_a_signed_one(bank: Bank, robots: Robots) -> None:
    await _choose_webhook(bank, "users/rm_dongcheng", f"{robots.url}/cgi-bin/webhook/send?key=k1")
    kept = await _choose_webhook(bank, "users/bm_beijing", f"{robots.url}/robot/send?access_token=t1", SECRET)
    assert kept.has_webhook_secret and not kept.webhook_secret  # write-only
    inbox, deliveries = _setup(bank)
    await bank.apply_as(inbox.on_alert, _alert("alerts/w1", "users/rm_dongcheng"), event_meta("ev-w1"))
    await bank.apply_as(inbox.on_alert, _alert("alerts/w2", "users/bm_beijing"), event_meta("ev-w2"))
    for _ in range(2):  # the same event again: nothing more
        await bank.apply_as(inbox.on_alert, _alert("alerts/w1", "users/rm_dongcheng"), event_meta("ev-w1"))
    assert await deliveries.dispatch() == 2
    by_path = {path: (query, headers, body) for path, query, headers, body in robots.received}
    assert len(robots.received) == 2
    query, headers, body = by_path["/cgi-bin/webhook/send"]
    assert query == {"key": ["k1"]}
    assert body == {"msgtype": "text", "text": {"content": "客户甲 大额取现 alerts/w1"}}
    assert len(headers["Idempotency-Key"]) == 32
    query, _, body = by_path["/robot/send"]
    assert body["msgtype"] == "text" and body["text"]["content"] == "客户甲 大额取现 alerts/w2"
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected and int(timestamp) == int(bank.clock.now().timestamp() * 1000)
    listed = await bank.call("ListDeliveries", npb.ListDeliveriesRequest(), "users/admin")
    assert {d.state for d in listed.deliveries} == {D.STATE_SENT}
    assert all("?***" in d.address and "k1" not in d.address for d in listed.deliveries)  # keys masked


async def test_a_robots_error_answer_is_retried_and_recorded(bank: Bank, robots: Robots) -> None:
    await _choose_webhook(bank, "users/rm_dongcheng", f"{robots.url}/robot/send?access_token=t1", "SECwrong")
    inbox, deliveries = _setup(bank)
    robots.fail = True
    await bank.apply_as(inbox.on_alert, _alert("alerts/f", "users/rm_dongcheng"), event_meta("ev-f"))
    assert await deliveries.dispatch() == 1
    (record,) = (await bank.call("ListDeliveries", npb.ListDeliveriesRequest(), "users/admin")).deliveries
    assert record.state == D.STATE_PENDING and "310000" in record.last_error and record.attempt_count == 1
