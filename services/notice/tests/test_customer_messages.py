"""Messages to customers: the copy of key customers from customer events, consent per channel, a message from
staff, an alert rule's greeting, bulletins to a segment with a preview, and the rules every one of them obeys —
opt-in for greetings and news, the frequency cap, quiet hours, scope — with SMS sent through a real local HTTP
server standing in for the provider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf import struct_pb2
from kam.alert.v1 import alert_pb2
from kam.alert.v1 import events_pb2 as alert_events
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import events_pb2 as customer_events
from kam.notice.v1 import events_pb2 as notice_events
from kam.notice.v1 import notice_pb2
from kam.notice.v1 import notification_service_pb2 as npb
from kam_kit.timeconv import to_timestamp
from kam_notice.adapters.orm import UserCopy
from kam_notice.service_layer.deliveries import Deliveries, HttpSmsSender, SmsSettings
from kam_notice.service_layer.inbox import Inbox
from notice_testlib import NOW, Bank, JsonReceiver, event_meta, violations

D = notice_pb2.Delivery
T = notice_pb2.Template
C = customer_pb2.Customer
#: name, display name, type, tier, branch, relationship manager, phone, e-mail
CUSTOMERS = (
    ("customers/c1", "王小明", C.TYPE_INDIVIDUAL, "tiers/diamond", "orgUnits/0101", "users/rm_dongcheng",
     "13800138001", "wxm@example.com"),
    ("customers/c2", "李娜", C.TYPE_INDIVIDUAL, "tiers/gold", "orgUnits/0101", "users/rm_dongcheng",
     "13800138002", ""),
    ("customers/c3", "北京星河科技有限公司", C.TYPE_CORPORATE, "tiers/diamond", "orgUnits/0100", "",
     "13800138003", "finance@xinghe.example"),
    ("customers/c4", "陈静", C.TYPE_INDIVIDUAL, "tiers/diamond", "orgUnits/0200", "users/rm_shanghai",
     "13800138004", "cj@example.com"),
    ("customers/c5", "赵磊", C.TYPE_INDIVIDUAL, "tiers/diamond", "orgUnits/0101", "users/rm_dongcheng",
     "", "zl@example.com"),
)  # fmt: skip


async def _customers(bank: Bank) -> None:
    for name, display, kind, tier, branch, rm, phone, email in CUSTOMERS:
        customer = C(
            name=name,
            display_name=display,
            type=kind,
            tier=tier,
            branch=branch,
            relationship_manager=rm,
            phone=phone,
            email=email,
            update_time=to_timestamp(NOW),
        )
        await bank.apply(bank.customers.on_customer, customer_events.CustomerCreated(customer=customer))


async def _template(
    bank: Bank, category=T.CATEGORY_GREETING, body="{{salutation}}，祝您生日快乐！— {{rm_name}}"
):
    template = T(display_name="生日祝福", category=category, channel=notice_pb2.CHANNEL_SMS, body=body)
    response = await bank.call("CreateTemplate", npb.CreateTemplateRequest(template=template), "users/admin")
    return response.template.name


async def _opt_in(bank: Bank, customer: str, sms=True, email=False, who="users/rm_dongcheng"):
    consent = notice_pb2.CustomerConsent(
        name=f"{customer}/consent", sms_opt_in=sms, email_opt_in=email, source="柜面签署"
    )
    response = await bank.call(
        "UpdateCustomerConsent", npb.UpdateCustomerConsentRequest(customer_consent=consent), who
    )
    return response.customer_consent


async def _send(bank: Bank, customer: str, template: str, who="users/rm_dongcheng", **variables) -> D:
    request = npb.SendCustomerMessageRequest(customer=customer, template=template, variables=variables)
    return (await bank.call("SendCustomerMessage", request, who)).delivery


class SmsProvider(JsonReceiver):
    """The SMS provider: accepts (``code`` 0) unless told to fail."""

    def __init__(self) -> None:
        self.fail = False
        super().__init__(lambda: {"code": "isv.BUSINESS_LIMIT_CONTROL"} if self.fail else {"code": 0})


@pytest.fixture
def provider():
    with SmsProvider() as p:
        yield p


def _sms(bank: Bank, provider: SmsProvider) -> Deliveries:
    settings = SmsSettings(url=f"{provider.url}/sms/send", signature="【KAM银行】")
    return Deliveries(bank.db, bank.clock, b"p" * 32, {notice_pb2.CHANNEL_SMS: HttpSmsSender(settings)})


async def test_consent_is_read_and_changed_with_an_etag_in_the_callers_scope(bank: Bank) -> None:
    await _customers(bank)
    request = npb.GetCustomerConsentRequest(name="customers/c1/consent")
    fresh = (await bank.call("GetCustomerConsent", request, "users/rm_dongcheng")).customer_consent
    assert not fresh.sms_opt_in and not fresh.email_opt_in and fresh.etag
    changed = await _opt_in(bank, "customers/c1")
    assert changed.sms_opt_in and not changed.email_opt_in and changed.source == "柜面签署"
    assert changed.etag != fresh.etag
    stale = notice_pb2.CustomerConsent(name="customers/c1/consent", sms_opt_in=False, etag=fresh.etag)
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await bank.call(
            "UpdateCustomerConsent", npb.UpdateCustomerConsentRequest(customer_consent=stale), "users/admin"
        )
    assert error.value.code() == grpc.StatusCode.ABORTED
    # opting out: false is a choice, saved without a mask
    out = notice_pb2.CustomerConsent(name="customers/c1/consent", etag=changed.etag, source="短信回复TD退订")
    after = (
        await bank.call(
            "UpdateCustomerConsent", npb.UpdateCustomerConsentRequest(customer_consent=out), "users/admin"
        )
    ).customer_consent
    assert not after.sms_opt_in and after.source == "短信回复TD退订"
    # a Shanghai relationship manager does not reach a Beijing customer, nor an unknown one
    for who, name in (("users/rm_shanghai", "customers/c1/consent"), ("users/admin", "customers/zz/consent")):
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await bank.call("GetCustomerConsent", npb.GetCustomerConsentRequest(name=name), who)
        assert error.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await bank.call(
            "GetCustomerConsent", npb.GetCustomerConsentRequest(name="customers/c1"), "users/admin"
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT and violations(error.value) == {"name"}


async def test_a_greeting_needs_an_opt_in_and_goes_through_the_sms_provider_once(
    bank: Bank, provider: SmsProvider
) -> None:
    await _customers(bank)
    template = await _template(bank)
    refused = await _send(bank, "customers/c1", template)
    assert refused.state == D.STATE_SUPPRESSED and "未授权" in refused.suppress_reason
    (finished,) = await bank.published(notice_events.DeliveryFinished)
    assert finished.delivery.name == refused.name and finished.delivery.state == D.STATE_SUPPRESSED
    await _opt_in(bank, "customers/c1")
    bank.clock.advance(timedelta(days=1))  # past the daily cap's day (a suppressed one does not count anyway)
    request = npb.SendCustomerMessageRequest(
        customer="customers/c1", template=template, request_id="8c0d5a56-4f0e-4a55-bb62-3f0c2b0d6a11"
    )
    queued = (await bank.call("SendCustomerMessage", request, "users/rm_dongcheng")).delivery
    again = (await bank.call("SendCustomerMessage", request, "users/rm_dongcheng")).delivery
    assert again.name == queued.name and queued.state == D.STATE_PENDING
    assert queued.recipient == "customers/c1" and queued.recipient_display_name == "王**"
    assert queued.trigger == "users/rm_dongcheng" and queued.content_source == template
    assert "王**" in queued.rendered_body and "王小明" not in queued.rendered_body  # masked in what staff see
    assert queued.address == "138***"
    sms = _sms(bank, provider)
    assert await sms.dispatch() == 1
    assert await sms.dispatch() == 0  # sent once
    ((_, _, headers, body),) = provider.received
    assert body["phone"] == "13800138001" and body["signature"] == "【KAM银行】"
    assert body["text"] == "尊敬的王小明，祝您生日快乐！— rm_dongcheng"  # the real name goes to the customer
    assert headers["Idempotency-Key"] == queued.name.removeprefix("deliveries/") == body["id"]
    sent = (
        await bank.call("GetDelivery", npb.GetDeliveryRequest(name=queued.name), "users/rm_dongcheng")
    ).delivery
    assert sent.state == D.STATE_SENT and sent.attempt_count == 1


async def test_the_frequency_cap_quiet_hours_and_relationship_messages(bank: Bank) -> None:
    await _customers(bank)
    greeting = await _template(bank)
    notice = await _template(
        bank, T.CATEGORY_RELATIONSHIP, "{{customer_name}}，您的定期存款将于{{maturity_date}}到期。"
    )
    await _opt_in(bank, "customers/c1")
    first = await _send(bank, "customers/c1", greeting)
    second = await _send(bank, "customers/c1", greeting)
    assert first.state == D.STATE_PENDING
    assert second.state == D.STATE_SUPPRESSED and "频次" in second.suppress_reason
    for _ in range(2):  # three a week at most: one a day for two more days, then no more
        bank.clock.advance(timedelta(days=1))
        assert (await _send(bank, "customers/c1", greeting)).state == D.STATE_PENDING
    bank.clock.advance(timedelta(days=1))
    assert "频次" in (await _send(bank, "customers/c1", greeting)).suppress_reason
    # a relationship message needs no opt-in, is not capped, and is not held by quiet hours
    bank.clock.set(datetime(2026, 12, 20, 14, 30, tzinfo=UTC))  # 22:30 in Beijing
    due = await _send(bank, "customers/c2", notice, maturity_date="2026-12-31")
    assert due.state == D.STATE_PENDING and due.next_attempt_time.ToDatetime(UTC) == bank.clock.now()
    assert "2026-12-31到期" in due.rendered_body
    await _opt_in(bank, "customers/c2")
    held = await _send(bank, "customers/c2", greeting)  # a greeting waits for 08:00
    assert held.state == D.STATE_PENDING
    assert held.next_attempt_time.ToDatetime(UTC) == datetime(2026, 12, 21, 0, 0, tzinfo=UTC)
    # no phone: suppressed, said so
    await _opt_in(bank, "customers/c5")
    assert "手机号" in (await _send(bank, "customers/c5", greeting)).suppress_reason


async def test_bad_input_and_scope_on_a_message(bank: Bank) -> None:
    await _customers(bank)
    template = await _template(bank)
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await _send(bank, "customers/c1", template, nickname="小明")
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(error.value) == {"variables.nickname"}
    for customer, who in (("customers/c4", "users/rm_dongcheng"), ("customers/nobody", "users/admin")):
        with pytest.raises(grpc.aio.AioRpcError) as error:
            await _send(bank, customer, template, who)
        assert error.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await _send(bank, "customers/c1", "templates/" + "f" * 32)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


async def test_a_bulletin_previews_and_reaches_its_segment_within_the_senders_scope(bank: Bank) -> None:
    await _customers(bank)
    news = await _template(
        bank, T.CATEGORY_NEWS, "{{salutation}}：本行推出新款理财产品「{{product_name}}」。"
    )
    for customer in ("customers/c1", "customers/c3", "customers/c4"):
        await _opt_in(bank, customer, who="users/admin")
    diamond = notice_pb2.Bulletin(
        template=news,
        segment=notice_pb2.CustomerSegment(tiers=["tiers/diamond"], org_units=["orgUnits/0100"]),
        variables={"product_name": "稳盈 365"},
    )
    preview = await bank.call(
        "PreviewBulletin", npb.PreviewBulletinRequest(bulletin=diamond), "users/bm_beijing"
    )
    shown = {r.customer: r for r in preview.recipients}
    assert set(shown) == {"customers/c1", "customers/c3", "customers/c5"}  # c4 is in Shanghai; c2 is gold
    assert preview.total_size == 3 and preview.included_count == 2 and preview.excluded_count == 1
    assert shown["customers/c5"].exclude_reason.startswith("无手机号")  # no phone (and no opt-in)
    assert shown["customers/c1"].display_name == "王**" and shown["customers/c3"].display_name.startswith(
        "北京星河"
    )
    # the Shanghai relationship manager's own scope has only c4, whoever the segment names
    everyone = notice_pb2.Bulletin(template=news)
    theirs = await bank.call(
        "PreviewBulletin", npb.PreviewBulletinRequest(bulletin=everyone), "users/rm_shanghai"
    )
    assert [r.customer for r in theirs.recipients] == ["customers/c4"]
    checked = await bank.call(
        "CreateBulletin", npb.CreateBulletinRequest(bulletin=diamond, validate_only=True), "users/bm_beijing"
    )
    assert checked.bulletin.included_count == 2 and not checked.bulletin.name.removeprefix("bulletins/")
    request = npb.CreateBulletinRequest(bulletin=diamond, request_id="0b6f1c3e-1111-4d1d-9a55-6a3c3e0e8f01")
    sent = (await bank.call("CreateBulletin", request, "users/bm_beijing")).bulletin
    repeat = (await bank.call("CreateBulletin", request, "users/bm_beijing")).bulletin
    assert repeat.name == sent.name and sent.template_display_name == "生日祝福"
    assert (sent.recipient_count, sent.included_count, sent.excluded_count) == (3, 2, 1)
    listed = await bank.call(
        "ListDeliveries", npb.ListDeliveriesRequest(filter=f'trigger = "{sent.name}"'), "users/bm_beijing"
    )
    states = {d.recipient: d.state for d in listed.deliveries}
    assert states == {
        "customers/c1": D.STATE_PENDING,
        "customers/c3": D.STATE_PENDING,
        "customers/c5": D.STATE_SUPPRESSED,
    }
    assert any("稳盈 365" in d.rendered_body for d in listed.deliveries)
    got = await bank.call("GetBulletin", npb.GetBulletinRequest(name=sent.name), "users/admin")
    assert got.bulletin.segment.tiers == ["tiers/diamond"]
    with pytest.raises(grpc.aio.AioRpcError) as error:  # someone else's bulletin
        await bank.call("GetBulletin", npb.GetBulletinRequest(name=sent.name), "users/rm_shanghai")
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    mine = await bank.call("ListBulletins", npb.ListBulletinsRequest(), "users/bm_beijing")
    assert [b.name for b in mine.bulletins] == [sent.name]
    assert (await bank.call("ListBulletins", npb.ListBulletinsRequest(), "users/rm_shanghai")).total_size == 0
    bad = notice_pb2.Bulletin(template=news, segment=notice_pb2.CustomerSegment(types=["VIP"]))
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await bank.call("CreateBulletin", npb.CreateBulletinRequest(bulletin=bad), "users/bm_beijing")
    assert violations(error.value) == {"bulletin.segment.types"}


async def test_a_branch_the_core_has_is_in_its_managers_scope(bank: Bank) -> None:
    """A sub-branch only the core-banking source knows (scanned, not made in KAM) is inside its branch's scope; a
    customer's tier comes from grading after it was created."""
    from kam.identity.v1 import identity_pb2
    from kam_kit import orgtree
    from kam_notice.adapters.orm import OrgUnitCopy

    unit = identity_pb2.OrgUnit(name="orgUnits/0102", parent="orgUnits/0100", display_name="北京西城支行")
    await bank.apply(orgtree.updater(OrgUnitCopy), customer_events.SourceOrgUnitUpdated(org_unit=unit))
    customer = C(
        name="customers/c9",
        display_name="孙丽",
        type=C.TYPE_INDIVIDUAL,
        branch="orgUnits/0102",
        relationship_manager="staff/E0102",
        phone="13800138009",
        update_time=to_timestamp(NOW),
    )
    await bank.apply(bank.customers.on_customer, customer_events.CustomerCreated(customer=customer))
    # graded after it was created: its tier comes with TierChanged
    graded = customer_events.TierChanged(customer="customers/c9", previous_tier="", tier="tiers/gold")
    await bank.apply(bank.customers.on_tier_changed, graded)
    template = await _template(bank)
    gold = notice_pb2.Bulletin(template=template, segment=notice_pb2.CustomerSegment(tiers=["tiers/gold"]))
    preview = await bank.call(
        "PreviewBulletin", npb.PreviewBulletinRequest(bulletin=gold), "users/bm_beijing"
    )
    assert [r.customer for r in preview.recipients] == ["customers/c9"]
    assert preview.recipients[0].exclude_reason.startswith("客户未授权")


async def test_an_alert_rules_greeting_is_queued_once_however_often_its_event_comes(bank: Bank) -> None:
    await _customers(bank)
    template = await _template(bank)
    await _opt_in(bank, "customers/c1")
    variables = struct_pb2.Struct()
    variables.update({"customer_name": "王小明", "festival": "春节", "unknown": "dropped"})
    event = alert_events.CustomerMessageRequested(
        customer="customers/c1", template=template, variables=variables, alert="alerts/a1"
    )
    for attempt in range(2):
        await bank.apply_as(bank.customers.on_requested, event, event_meta(f"e{attempt}"))
    listed = await bank.call(
        "ListDeliveries", npb.ListDeliveriesRequest(filter='recipient = "customers/c1"'), "users/rm_dongcheng"
    )
    (delivery,) = listed.deliveries
    assert delivery.trigger == "alerts/a1" and delivery.state == D.STATE_PENDING
    # the Shanghai relationship manager sees none of a Beijing customer's messages; compliance sees them all
    assert (
        await bank.call("ListDeliveries", npb.ListDeliveriesRequest(), "users/rm_shanghai")
    ).total_size == 0
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await bank.call("GetDelivery", npb.GetDeliveryRequest(name=delivery.name), "users/rm_shanghai")
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    assert (
        await bank.call("ListDeliveries", npb.ListDeliveriesRequest(), "users/compliance")
    ).total_size == 1
    for condition, expected in (
        ('create_time >= "2026-12-07T00:00:00Z"', 1),
        ('create_time < "2026-12-07T00:00:00Z"', 0),
    ):
        request = npb.ListDeliveriesRequest(filter=f'recipient = "customers/c1" AND {condition}')
        assert (await bank.call("ListDeliveries", request, "users/compliance")).total_size == expected


async def test_a_failing_sms_provider_is_retried_and_recorded(bank: Bank, provider: SmsProvider) -> None:
    await _customers(bank)
    template = await _template(bank, T.CATEGORY_RELATIONSHIP, "{{customer_name}}，您的账户有一笔大额交易。")
    delivery = await _send(bank, "customers/c2", template)
    sms = _sms(bank, provider)
    provider.fail = True
    await sms.dispatch()
    record = (
        await bank.call("GetDelivery", npb.GetDeliveryRequest(name=delivery.name), "users/admin")
    ).delivery
    assert record.state == D.STATE_PENDING and record.attempt_count == 1
    assert "BUSINESS_LIMIT_CONTROL" in record.last_error
    provider.fail = False
    bank.clock.advance(timedelta(seconds=31))
    await sms.dispatch()
    record = (
        await bank.call("GetDelivery", npb.GetDeliveryRequest(name=delivery.name), "users/admin")
    ).delivery
    assert record.state == D.STATE_SENT and record.attempt_count == 2 and len(provider.received) == 2


async def test_staff_choose_sms_per_severity_and_each_final_state_is_published(
    bank: Bank, provider: SmsProvider
) -> None:
    await bank.person("users/rm_sms", "0101", "roles/relationship_manager")
    async with bank.db.transaction() as session:
        (await session.get(UserCopy, "users/rm_sms")).phone = "13900139000"
    settings = notice_pb2.NotificationSettings(
        name="users/me/notificationSettings",
        channels=[notice_pb2.CHANNEL_SMS],
        channel_preferences=[notice_pb2.ChannelPreference(channel=notice_pb2.CHANNEL_SMS, min_importance=4)],
    )
    saved = (
        await bank.call(
            "UpdateNotificationSettings",
            npb.UpdateNotificationSettingsRequest(notification_settings=settings),
            "users/rm_sms",
        )
    ).notification_settings
    assert [(p.channel, p.min_importance) for p in saved.channel_preferences] == [(notice_pb2.CHANNEL_SMS, 4)]
    sms = _sms(bank, provider)
    inbox = Inbox(bank.db, bank.clock, b"p" * 32, deliveries=sms)
    for name, severity in (
        ("alerts/high", alert_pb2.SEVERITY_HIGH),
        ("alerts/crit", alert_pb2.SEVERITY_CRITICAL),
    ):
        alert = alert_pb2.Alert(
            name=name, title=f"大额取现 {name}", severity=severity, recipients=["users/rm_sms"]
        )
        await bank.apply_as(inbox.on_alert, alert_events.AlertRaised(alert=alert), event_meta(name))
    assert await sms.dispatch() == 1  # only the critical one goes by SMS; both are in the inbox
    ((_, _, _, body),) = provider.received
    assert body["phone"] == "13900139000" and "alerts/crit" in body["text"]
    finished = await bank.published(notice_events.DeliveryFinished)
    assert [(d.delivery.recipient, d.delivery.state) for d in finished] == [("users/rm_sms", D.STATE_SENT)]
    bad = notice_pb2.NotificationSettings(
        name="users/me/notificationSettings",
        channel_preferences=[notice_pb2.ChannelPreference(channel=notice_pb2.CHANNEL_SMS, min_importance=9)],
    )
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await bank.call(
            "UpdateNotificationSettings",
            npb.UpdateNotificationSettingsRequest(notification_settings=bad),
            "users/rm_sms",
        )
    assert violations(error.value) == {"notification_settings.channel_preferences[0].min_importance"}
