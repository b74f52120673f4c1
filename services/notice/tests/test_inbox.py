"""Staff inboxes: alerts, announcements and new tasks land in each recipient's inbox once, however often their
event comes, with a live push; the inbox reads, filters and marks as its owner (or an administrator) asks; the
settings keep channels and quiet hours; old items are pruned."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.type import timeofday_pb2
from kam.alert.v1 import alert_pb2
from kam.alert.v1 import events_pb2 as alert_events
from kam.notice.v1 import notice_pb2
from kam.notice.v1 import notification_service_pb2 as npb
from kam.push.v1 import push_pb2
from kam.task.v1 import events_pb2 as task_events
from kam.task.v1 import task_pb2
from kam_kit.timeconv import to_timestamp
from kam_notice.adapters.orm import NotificationRow, UserCopy
from notice_testlib import NOW, Bank, event_meta, violations
from sqlalchemy import func, select

N = notice_pb2.Notification


def raised(recipients: list[str], name: str = "alerts/a1") -> alert_events.AlertRaised:
    return alert_events.AlertRaised(
        alert=alert_pb2.Alert(
            name=name,
            title="客户甲 单日大额取现 60,000.00 元",
            description="大额现金交易",
            severity=alert_pb2.SEVERITY_HIGH,
            recipients=recipients,
        )
    )


async def inbox(bank: Bank, who: str, filter: str = "") -> npb.ListNotificationsResponse:
    return await bank.call(
        "ListNotifications", npb.ListNotificationsRequest(parent="users/me", filter=filter), who
    )


async def count(bank: Bank) -> int:
    async with bank.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(NotificationRow)) or 0)


async def test_an_alert_lands_once_in_each_recipients_inbox_with_a_live_push(bank: Bank) -> None:
    await bank.person("users/rm_li", "0101", "roles/relationship_manager")
    async with bank.db.transaction() as session:  # a scanned customer's manager by staff code
        (await session.get(UserCopy, "users/rm_li")).staff_code = "E0042"
    event = raised(["users/rm_dongcheng", "staff/E0042"])
    for _ in range(2):  # the same event delivered twice: one item each
        await bank.apply_as(bank.inbox.on_alert, event, event_meta("ev-1", "kam.alert.v1.AlertRaised"))
    assert await count(bank) == 2
    mine = await inbox(bank, "users/rm_dongcheng")
    (item,) = mine.notifications
    assert (item.category, item.subject, item.importance) == (N.CATEGORY_ALERT, "alerts/a1", 3)
    assert item.title == "客户甲 单日大额取现 60,000.00 元" and not item.HasField("read_time")
    assert [n.subject for n in (await inbox(bank, "users/rm_li")).notifications] == ["alerts/a1"]
    (push,) = await bank.published(push_pb2.PushRequested)  # one, though the event came twice
    assert push.recipients == ["users/rm_dongcheng", "users/rm_li"]
    assert push.kind == "notification.created" and push.resource == "alerts/a1"
    # escalated: only those the escalation adds, marked as such
    escalated = alert_events.AlertEscalated(alert=event.alert, escalated_recipients=["users/bm_beijing"])
    await bank.apply_as(bank.inbox.on_alert, escalated, event_meta("ev-2", "kam.alert.v1.AlertEscalated"))
    (up,) = (await inbox(bank, "users/bm_beijing")).notifications
    assert up.title.startswith("【升级】")
    assert len((await inbox(bank, "users/rm_dongcheng")).notifications) == 1


async def test_a_fetch_of_alerts_is_applied_at_once_each_source_once(bank: Bank) -> None:
    await bank.person("users/rm_li", "0101", "roles/relationship_manager")
    async with bank.db.transaction() as session:
        (await session.get(UserCopy, "users/rm_li")).staff_code = "E0042"
    first = raised(["users/rm_dongcheng"], "alerts/b1")
    await bank.apply_as(bank.inbox.on_alert, first, event_meta("ev-b1"))
    batch = [
        (first, event_meta("ev-b1")),  # already applied: nothing again
        (raised(["users/rm_dongcheng", "staff/E0042"], "alerts/b2"), event_meta("ev-b2")),
        (raised(["staff/E0042", "staff/E9999"], "alerts/b3"), event_meta("ev-b3")),  # an unknown code: nobody
        (raised([], "alerts/b4"), event_meta("ev-b4")),  # no recipients
    ]
    async with bank.db.transaction() as session:
        await bank.inbox.on_alerts(session, batch)
    assert sorted(n.subject for n in (await inbox(bank, "users/rm_dongcheng")).notifications) == [
        "alerts/b1",
        "alerts/b2",
    ]
    assert sorted(n.subject for n in (await inbox(bank, "users/rm_li")).notifications) == [
        "alerts/b2",
        "alerts/b3",
    ]
    pushes = {p.resource: list(p.recipients) for p in await bank.published(push_pb2.PushRequested)}
    assert pushes == {
        "alerts/b1": ["users/rm_dongcheng"],
        "alerts/b2": ["users/rm_dongcheng", "users/rm_li"],
        "alerts/b3": ["users/rm_li"],
    }


async def test_a_published_announcement_and_a_new_task_reach_their_people(bank: Bank) -> None:
    await bank.publish(audience=notice_pb2.Audience(org_units=["orgUnits/0100"]))
    for who in ("users/bm_beijing", "users/rm_dongcheng"):
        (item,) = (await inbox(bank, who)).notifications
        assert item.category == N.CATEGORY_ANNOUNCEMENT and item.title == "公告：年终工作安排"
    assert (await inbox(bank, "users/rm_shanghai")).notifications == []
    task = task_pb2.Task(name="tasks/t1", title="拜访客户甲", assignee="users/rm_shanghai")
    await bank.apply_as(
        bank.inbox.on_task, task_events.TaskCreated(task=task), event_meta("ev-t", "kam.task.v1.TaskCreated")
    )
    (item,) = (await inbox(bank, "users/rm_shanghai")).notifications
    assert (item.category, item.subject, item.title) == (N.CATEGORY_TASK, "tasks/t1", "新任务：拜访客户甲")
    await bank.publish(title="全行", audience=notice_pb2.Audience(all_users=True))
    assert [n.title for n in (await inbox(bank, "users/leader")).notifications] == []  # not to its publisher
    assert len((await inbox(bank, "users/rm_shanghai")).notifications) == 2


async def test_each_task_event_tells_whom_it_concerns(bank: Bank) -> None:
    from google.protobuf import field_mask_pb2 as fm

    task = task_pb2.Task(
        name="tasks/t2",
        title="回访钻石客户",
        assigner="users/bm_beijing",
        assignee="users/rm_dongcheng",
        due_time=to_timestamp(NOW + timedelta(days=2)),  # 2026-12-09 09:00 in Beijing
        priority=task_pb2.PRIORITY_HIGH,
    )
    moved = task_events.TaskUpdated(task=task, update_mask=fm.FieldMask(paths=["due_time"]))
    handed = task_pb2.Task()
    handed.CopyFrom(task)
    handed.assignee = "users/rm_li"
    await bank.person("users/rm_li", "0101", "roles/relationship_manager")
    cancelled = task_pb2.Task()
    cancelled.CopyFrom(handed)
    cancelled.cancel_reason = "客户已销户"
    returned = task_pb2.Task()
    returned.CopyFrom(task)
    returned.review.comment = "请补充客户反馈"
    events = [
        (moved, "TaskUpdated"),
        (task_events.TaskReturned(task=returned), "TaskReturned"),
        (task_events.TaskUpdated(task=task, update_mask=fm.FieldMask(paths=["description"])), "TaskUpdated"),
        (task_events.TaskUpdated(task=handed, update_mask=fm.FieldMask(paths=["assignee"])), "TaskUpdated"),
        (task_events.TaskCompleted(task=task), "TaskCompleted"),
        (task_events.TaskCancelled(task=cancelled), "TaskCancelled"),
        (task_events.TaskStarted(task=task), "TaskStarted"),
    ]
    for i, (event, kind) in enumerate(events):
        await bank.apply_as(bank.inbox.on_task, event, event_meta(f"ev-task-{i}", f"kam.task.v1.{kind}"))
    titles = {
        who: sorted(n.title for n in (await inbox(bank, who)).notifications)
        for who in ("users/rm_dongcheng", "users/rm_li", "users/bm_beijing")
    }
    assert titles == {
        "users/rm_dongcheng": [
            "任务截止时间改为 2026-12-09 09:00：回访钻石客户",
            "任务被退回（请补充客户反馈）：回访钻石客户",
        ],  # a description change: nothing
        "users/rm_li": ["任务已取消（客户已销户）：回访钻石客户", "转派给您的任务：回访钻石客户"],
        "users/bm_beijing": ["任务已完成，请验收：回访钻石客户"],  # started: nobody told
    }


async def test_the_inbox_filters_marks_read_and_is_its_owners(bank: Bank) -> None:
    for i in range(3):
        await bank.apply_as(
            bank.inbox.on_alert,
            raised(["users/rm_dongcheng"], f"alerts/a{i}"),
            event_meta(f"ev-{i}", "AlertRaised"),
        )
        bank.clock.advance(timedelta(minutes=1))
    listed = await inbox(bank, "users/rm_dongcheng")
    assert [n.subject for n in listed.notifications] == [
        "alerts/a2",
        "alerts/a1",
        "alerts/a0",
    ]  # newest first
    first = listed.notifications[-1]
    marked = await bank.call(
        "MarkNotificationRead", npb.MarkNotificationReadRequest(name=first.name), "users/rm_dongcheng"
    )
    assert marked.notification.read_time.ToDatetime().replace(tzinfo=NOW.tzinfo) == NOW + timedelta(minutes=3)
    unread = await inbox(bank, "users/rm_dongcheng", "read = false")
    assert unread.total_size == 2
    assert (await inbox(bank, "users/rm_dongcheng", "category = CATEGORY_TASK")).total_size == 0
    since = await inbox(
        bank, "users/rm_dongcheng", f'create_time >= "{(NOW + timedelta(minutes=1)).isoformat()}"'
    )
    assert [n.subject for n in since.notifications] == ["alerts/a2", "alerts/a1"]
    all_read = await bank.call(
        "MarkAllNotificationsRead",
        npb.MarkAllNotificationsReadRequest(parent="users/me"),
        "users/rm_dongcheng",
    )
    assert (
        all_read.marked_count == 2
        and (await inbox(bank, "users/rm_dongcheng", "read = false")).total_size == 0
    )
    # someone else's inbox: refused, and not found by its name either
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await bank.call(
            "ListNotifications",
            npb.ListNotificationsRequest(parent="users/rm_dongcheng"),
            "users/rm_shanghai",
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as other:
        await bank.call(
            "MarkNotificationRead",
            npb.MarkNotificationReadRequest(name=first.name.replace("rm_dongcheng", "rm_shanghai")),
            "users/rm_shanghai",
        )
    assert other.value.code() == grpc.StatusCode.NOT_FOUND
    seen = await bank.call(  # an administrator may look
        "ListNotifications", npb.ListNotificationsRequest(parent="users/rm_dongcheng"), "users/admin"
    )
    assert seen.total_size == 3
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await inbox(bank, "users/rm_dongcheng", "category = CATEGORY_NONSENSE")
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_settings_keep_channels_and_quiet_hours_and_refuse_what_makes_no_sense(bank: Bank) -> None:
    name = "users/me/notificationSettings"
    defaults = await bank.call(
        "GetNotificationSettings", npb.GetNotificationSettingsRequest(name=name), "users/rm_dongcheng"
    )
    settings = defaults.notification_settings
    assert settings.name == "users/rm_dongcheng/notificationSettings" and list(settings.channels) == []
    assert (settings.quiet_hours_start.hours, settings.quiet_hours_end.hours) == (22, 8)
    change = notice_pb2.NotificationSettings(
        name=name,
        channels=[notice_pb2.CHANNEL_SMS, notice_pb2.CHANNEL_EMAIL],
        quiet_hours_start=timeofday_pb2.TimeOfDay(hours=21, minutes=30),
        quiet_hours_end=timeofday_pb2.TimeOfDay(hours=7),
        etag=settings.etag,
    )
    updated = await bank.call(
        "UpdateNotificationSettings",
        npb.UpdateNotificationSettingsRequest(notification_settings=change),
        "users/rm_dongcheng",
    )
    kept = updated.notification_settings
    assert list(kept.channels) == [notice_pb2.CHANNEL_EMAIL, notice_pb2.CHANNEL_SMS]
    assert (kept.quiet_hours_start.hours, kept.quiet_hours_start.minutes, kept.quiet_hours_end.hours) == (
        21,
        30,
        7,
    )
    with pytest.raises(grpc.aio.AioRpcError) as stale:  # the etag it was read with is stale now
        await bank.call(
            "UpdateNotificationSettings",
            npb.UpdateNotificationSettingsRequest(notification_settings=change),
            "users/rm_dongcheng",
        )
    assert stale.value.code() == grpc.StatusCode.ABORTED
    wrong = notice_pb2.NotificationSettings(
        name=name,
        channels=[notice_pb2.CHANNEL_IN_APP],
        quiet_hours_start=timeofday_pb2.TimeOfDay(hours=25),
        webhook_uri="ftp://robot",
    )
    mask = field_mask_pb2.FieldMask(paths=["channels", "quiet_hours_start", "webhook_uri"])
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await bank.call(
            "UpdateNotificationSettings",
            npb.UpdateNotificationSettingsRequest(notification_settings=wrong, update_mask=mask),
            "users/rm_dongcheng",
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(bad.value) == {
        "notification_settings.channels[0]",
        "notification_settings.quiet_hours_start",
        "notification_settings.webhook_uri",
    }


async def test_items_older_than_the_kept_days_are_pruned(bank: Bank) -> None:
    await bank.apply_as(
        bank.inbox.on_alert, raised(["users/rm_dongcheng"]), event_meta("ev-old", "AlertRaised")
    )
    bank.clock.advance(timedelta(days=89))
    await bank.apply_as(
        bank.inbox.on_alert, raised(["users/rm_dongcheng"], "alerts/new"), event_meta("ev-new", "AlertRaised")
    )
    bank.clock.advance(timedelta(days=1, seconds=1))
    assert await bank.inbox.prune() == 1
    assert [n.subject for n in (await inbox(bank, "users/rm_dongcheng")).notifications] == ["alerts/new"]
