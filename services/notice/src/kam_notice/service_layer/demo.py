"""The demo's announcements (``KAM_DEMO_MODE``): published a minute after the service first starts — by then its
copies of the users have arrived, so each lands in its audience's inboxes — one of them expiring the same day, so
that it moves to history while the demo runs. Created once (their request ids), whatever the restarts."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from kam.notice.v1 import notice_pb2
from kam_kit.auth import Identity
from kam_kit.timeconv import to_timestamp

from kam_notice.service_layer.announcements import AnnouncementService

BANK_TZ = ZoneInfo("Asia/Shanghai")
PUBLISHER = Identity(
    subject="users/admin", display_name="系统管理员", roles=("roles/admin",), org_unit="orgUnits/0000"
)
A = notice_pb2.Announcement


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


async def seed(announcements: AnnouncementService) -> None:
    """The demo announcements, once."""
    for request_id, announcement in demo_announcements(announcements.clock.now()):
        await announcements.create(PUBLISHER, announcement, request_id)
