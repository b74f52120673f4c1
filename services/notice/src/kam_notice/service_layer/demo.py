"""The demo's announcements (``KAM_DEMO_MODE``): published a minute after the service first starts — by then its
copies of the users have arrived, so each lands in its audience's inboxes — one of them expiring the same day, so
that it moves to history while the demo runs. Created once (their request ids), whatever the restarts.

The demo's relationship manager and branch manager also get their notifications by e-mail (``make run`` sends it to
its local mail sink, deploy/local/mailsink.py), with no quiet hours so the demo's e-mails arrive at any hour — set
once, when they have no settings yet, so a choice made in 通知设置 stays. And three customer message templates
(a birthday greeting, product news by e-mail, a maturity notice) for 客户消息, made once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from kam.notice.v1 import notice_pb2
from kam_kit.auth import Identity
from kam_kit.timeconv import to_timestamp

from kam_notice.adapters.orm import NotificationSettingsRow
from kam_notice.service_layer.announcements import AnnouncementService
from kam_notice.service_layer.templates import Templates

BANK_TZ = ZoneInfo("Asia/Shanghai")
PUBLISHER = Identity(
    subject="users/admin", display_name="系统管理员", roles=("roles/admin",), org_unit="orgUnits/0000"
)
A = notice_pb2.Announcement
T = notice_pb2.Template
#: (request id, template) of the demo
TEMPLATES = (
    (
        "demo-template-birthday",
        T(
            display_name="生日祝福（短信）",
            category=T.CATEGORY_GREETING,
            channel=notice_pb2.CHANNEL_SMS,
            body="{{salutation}}，{{bank_name}}祝您生日快乐，万事顺意！您的客户经理{{rm_name}}（{{rm_phone}}）随时为您服务。",
            en_body="Dear {{customer_name}}, happy birthday from {{bank_name}}! {{rm_name}} ({{rm_phone}}) is at your service.",
        ),
    ),
    (
        "demo-template-news",
        T(
            display_name="理财新品推介（邮件）",
            category=T.CATEGORY_NEWS,
            channel=notice_pb2.CHANNEL_EMAIL,
            subject="{{bank_name}}理财新品：{{product_name}}",
            body="{{salutation}}：\n\n{{bank_name}}推出理财新品「{{product_name}}」，欢迎垂询。\n\n{{branch_name}} {{rm_name}}",
        ),
    ),
    (
        "demo-template-maturity",
        T(
            display_name="定期存款到期提醒（短信）",
            category=T.CATEGORY_RELATIONSHIP,
            channel=notice_pb2.CHANNEL_SMS,
            body="{{salutation}}，您尾号{{account_tail}}的定期存款将于{{maturity_date}}到期，金额{{amount}}。如需续存请联系{{rm_name}}。",
        ),
    ),
)
#: The demo users who get e-mail beside the inbox.
EMAIL_USERS = ("users/rm_zhang", "users/branch_manager")


def demo_announcements(now: datetime) -> list[tuple[str, A]]:
    """(request id, announcement) of the demo, published a minute from ``now``."""
    publish = now + timedelta(minutes=1)
    local = now.astimezone(BANK_TZ)
    evening = datetime.combine(local.date(), time(18, 0), BANK_TZ)
    # the maintenance notice ends this evening — or, late in the day, two hours after it is published
    closing = evening if evening - publish > timedelta(hours=1) else publish + timedelta(hours=2)
    everyone = notice_pb2.Audience(all_users=True)
    return [
        (
            "demo-welcome",
            A(
                title="欢迎使用 KAM 大客户管理系统",
                content="<p>KAM 帮助各级机构识别、分级和服务大客户。</p><p>请在<b>工作台</b>查看本人的重点客户与预警。</p>",
                audience=everyone,
                pinned=True,
                importance=A.IMPORTANCE_NORMAL,
                publish_time=to_timestamp(publish),
                expire_time=to_timestamp(publish + timedelta(days=30)),
            ),
        ),
        (
            "demo-visits",
            A(
                title="本周重点客户回访安排",
                content="<p>请各位客户经理本周内完成钻石、白金客户的电话回访，并在客户360中记录回访内容。</p>",
                audience=notice_pb2.Audience(roles=["roles/relationship_manager", "roles/branch_manager"]),
                importance=A.IMPORTANCE_HIGH,
                publish_time=to_timestamp(publish),
                expire_time=to_timestamp(publish + timedelta(days=7)),
            ),
        ),
        (
            "demo-maintenance",
            A(
                title="今日系统维护通知",
                content=f"<p>系统将于今日 {closing.astimezone(BANK_TZ):%H:%M} 后进行例行维护，届时本公告自动转入历史公告。</p>",
                audience=everyone,
                importance=A.IMPORTANCE_URGENT,
                publish_time=to_timestamp(publish),
                expire_time=to_timestamp(closing),
            ),
        ),
    ]


async def seed(announcements: AnnouncementService, templates: Templates) -> None:
    """The demo's e-mail settings, message templates and announcements, once."""
    now = announcements.clock.now()
    async with announcements.db.transaction() as session:
        for user in EMAIL_USERS:
            if await session.get(NotificationSettingsRow, user) is None:
                session.add(
                    NotificationSettingsRow(
                        user=user,
                        channels=str(notice_pb2.CHANNEL_EMAIL),
                        quiet_start=0,  # start = end: no quiet hours
                        quiet_end=0,
                        webhook_uri="",
                        webhook_secret="",
                        version=1,
                        update_time=now,
                    )
                )
    for request_id, template in TEMPLATES:
        await templates.create(template, request_id)
    for request_id, announcement in demo_announcements(now):
        await announcements.create(PUBLISHER, announcement, request_id)
