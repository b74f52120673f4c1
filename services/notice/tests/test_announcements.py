"""Announcements through the notice service's gRPC API on real databases: audiences (a user, a branch with or
without the units below it, a role, everyone, someone who joins later), scheduled publishing and expiry on the
clock, read receipts and who has not read, sanitised rich text, and bad input."""

from __future__ import annotations

import json
from datetime import UTC, timedelta

import grpc
import pytest
from google.protobuf import field_mask_pb2
from kam.notice.v1 import announcement_service_pb2 as pb
from kam.notice.v1 import events_pb2, notice_pb2
from kam.notice.v1 import notification_service_pb2 as npb
from kam_kit.timeconv import to_timestamp
from notice_testlib import NOW, A, Bank, violations


async def test_each_audience_reaches_exactly_its_people_and_a_later_joiner_sees_its_branchs(
    bank: Bank,
) -> None:
    await bank.publish(title="全行", audience=notice_pb2.Audience(all_users=True))
    await bank.publish(title="北京分行及以下", audience=notice_pb2.Audience(org_units=["orgUnits/0100"]))
    await bank.publish(title="仅北京分行本部", audience=notice_pb2.Audience(org_units_only=["orgUnits/0100"]))
    await bank.publish(title="合规", audience=notice_pb2.Audience(roles=["roles/compliance"]))
    await bank.publish(title="点名", audience=notice_pb2.Audience(users=["users/rm_shanghai"]))
    assert set(await bank.titles("users/rm_dongcheng")) == {"全行", "北京分行及以下"}
    assert set(await bank.titles("users/bm_beijing")) == {"全行", "北京分行及以下", "仅北京分行本部"}
    assert set(await bank.titles("users/rm_shanghai")) == {"全行", "点名"}
    assert set(await bank.titles("users/compliance")) == {"全行", "合规"}
    # its publisher and an administrator see every one
    assert len(await bank.titles("users/leader")) == len(await bank.titles("users/admin")) == 5
    # someone who joins 东城支行 later sees its branch's current announcements at once
    await bank.person("users/rm_new", "0101", "roles/relationship_manager")
    assert set(await bank.titles("users/rm_new")) == {"全行", "北京分行及以下"}
    # one they are not in the audience of does not exist for them
    (shanghai,) = [
        a
        for a in (
            await bank.call("ListAnnouncements", pb.ListAnnouncementsRequest(), "users/admin")
        ).announcements
        if a.title == "点名"
    ]
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await bank.call(
            "GetAnnouncement", pb.GetAnnouncementRequest(name=shanghai.name), "users/rm_dongcheng"
        )
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


async def test_read_receipts_count_the_audience_and_name_who_has_not_read(bank: Bank) -> None:
    sent = await bank.publish(audience=notice_pb2.Audience(org_units=["orgUnits/0100"]))
    assert (sent.audience_count, sent.read_count) == (2, 0)  # bm_beijing and rm_dongcheng
    for _ in range(2):  # a repeat keeps the first read's time
        await bank.call(
            "MarkAnnouncementRead", pb.MarkAnnouncementReadRequest(name=sent.name), "users/rm_dongcheng"
        )
        bank.clock.advance(timedelta(minutes=5))
    seen = await bank.call("GetAnnouncement", pb.GetAnnouncementRequest(name=sent.name), "users/leader")
    assert (seen.announcement.audience_count, seen.announcement.read_count) == (2, 1)
    own = await bank.call("GetAnnouncement", pb.GetAnnouncementRequest(name=sent.name), "users/rm_dongcheng")
    assert (
        own.announcement.read and own.announcement.audience_count == 0
    )  # a reader is not shown the statistics
    assert await bank.titles("users/rm_dongcheng", "read = false") == []
    assert await bank.titles("users/bm_beijing", "read = false") == ["年终工作安排"]  # their unread count: 1
    reads = await bank.call(
        "ListAnnouncementReads", pb.ListAnnouncementReadsRequest(parent=sent.name), "users/leader"
    )
    assert [(r.user, r.read_time.ToDatetime(tzinfo=UTC), r.org_unit) for r in reads.reads] == [
        ("users/rm_dongcheng", NOW, "orgUnits/0101")
    ]
    unread = await bank.call(
        "ListAnnouncementReads",
        pb.ListAnnouncementReadsRequest(parent=sent.name, filter="read = false"),
        "users/leader",
    )
    assert [r.user for r in unread.reads] == ["users/bm_beijing"] and unread.total_size == 1
    with pytest.raises(grpc.aio.AioRpcError) as refused:  # the audience does not see who has read
        await bank.call(
            "ListAnnouncementReads", pb.ListAnnouncementReadsRequest(parent=sent.name), "users/bm_beijing"
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    everyone = await bank.publish(title="全行", audience=notice_pb2.Audience(all_users=True))
    assert everyone.audience_count == len(bank.people) - 1  # its publisher (users/leader) is not counted


async def test_scheduled_publishing_and_expiry_to_history_follow_the_clock(bank: Bank) -> None:
    later = await bank.publish(
        title="元旦放假通知",
        audience=notice_pb2.Audience(all_users=True),
        publish_time=to_timestamp(NOW + timedelta(hours=2)),
        expire=NOW + timedelta(hours=5),
    )
    assert later.state == A.STATE_SCHEDULED
    assert await bank.titles("users/rm_dongcheng") == []  # not yet
    assert await bank.titles("users/leader", "state = STATE_SCHEDULED") == ["元旦放假通知"]
    bank.clock.advance(timedelta(hours=2) - timedelta(seconds=1))
    assert await bank.service.tick() == 0  # type: ignore[attr-defined]
    bank.clock.advance(timedelta(seconds=1))
    assert await bank.service.tick() == 1  # type: ignore[attr-defined]
    assert await bank.titles("users/rm_dongcheng") == ["元旦放假通知"]
    (published,) = await bank.published(events_pb2.AnnouncementPublished)
    assert published.announcement.name == later.name
    bank.clock.advance(timedelta(hours=3))  # its expiry: to history
    assert await bank.service.tick() == 1  # type: ignore[attr-defined]
    assert await bank.titles("users/rm_dongcheng") == []
    assert await bank.titles("users/rm_dongcheng", "state = STATE_EXPIRED") == ["元旦放假通知"]
    (expired,) = await bank.published(events_pb2.AnnouncementExpired)
    assert expired.announcement.state == A.STATE_EXPIRED
    history = await bank.call(
        "GetAnnouncement", pb.GetAnnouncementRequest(name=later.name), "users/rm_dongcheng"
    )
    assert history.announcement.state == A.STATE_EXPIRED  # still readable as history


async def test_rich_text_is_stored_sanitised(bank: Bank) -> None:
    sent = await bank.publish(
        audience=notice_pb2.Audience(all_users=True),
        content='<p onclick="steal()">通知<script>alert(1)</script><a href="javascript:x()">链接</a>'
        '<a href="https://bank.example/n">详情</a><img src=x onerror="steal()"></p>',
    )
    assert "script" not in sent.content and "onclick" not in sent.content and "onerror" not in sent.content
    assert "javascript" not in sent.content
    assert '<a href="https://bank.example/n" rel="noopener noreferrer">详情</a>' in sent.content
    assert sent.content.startswith("<p>通知")


async def test_only_its_publisher_or_an_administrator_edits_or_deletes_it_and_a_stale_etag_is_refused(
    bank: Bank,
) -> None:
    sent = await bank.publish(audience=notice_pb2.Audience(all_users=True))
    change = A(name=sent.name, title="年终工作安排（更新）", etag=sent.etag)
    mask = field_mask_pb2.FieldMask(paths=["title"])
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await bank.call(
            "UpdateAnnouncement",
            pb.UpdateAnnouncementRequest(announcement=change, update_mask=mask),
            "users/bm_beijing",
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED
    updated = await bank.call(
        "UpdateAnnouncement", pb.UpdateAnnouncementRequest(announcement=change, update_mask=mask)
    )
    assert updated.announcement.title == "年终工作安排（更新）" and updated.announcement.etag != sent.etag
    with pytest.raises(grpc.aio.AioRpcError) as stale:
        await bank.call(
            "UpdateAnnouncement", pb.UpdateAnnouncementRequest(announcement=change, update_mask=mask)
        )
    assert stale.value.code() == grpc.StatusCode.ABORTED
    pinned = A(name=sent.name, pinned=True, etag=updated.announcement.etag)
    by_admin = await bank.call(
        "UpdateAnnouncement",
        pb.UpdateAnnouncementRequest(
            announcement=pinned, update_mask=field_mask_pb2.FieldMask(paths=["pinned"])
        ),
        "users/admin",
    )
    assert by_admin.announcement.pinned and by_admin.announcement.title == "年终工作安排（更新）"
    with pytest.raises(grpc.aio.AioRpcError) as not_theirs:
        await bank.call(
            "DeleteAnnouncement", pb.DeleteAnnouncementRequest(name=sent.name), "users/rm_dongcheng"
        )
    assert not_theirs.value.code() == grpc.StatusCode.PERMISSION_DENIED
    await bank.call("DeleteAnnouncement", pb.DeleteAnnouncementRequest(name=sent.name), "users/admin")
    assert await bank.titles("users/leader") == []


async def test_bad_input_names_each_field(bank: Bank) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await bank.publish(
            title=" ",
            content="",
            audience=notice_pb2.Audience(org_units=["orgUnits/9999"], users=["alice"]),
            publish_time=to_timestamp(NOW + timedelta(days=3)),
            expire=NOW + timedelta(days=2),
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = violations(bad.value)
    assert {
        "announcement.title",
        "announcement.content",
        "announcement.expire_time",
        "announcement.audience.org_units[0]",
        "announcement.audience.users[0]",
    } <= fields
    with pytest.raises(grpc.aio.AioRpcError) as nobody:
        await bank.publish(audience=notice_pb2.Audience())
    assert violations(nobody.value) == {"announcement.audience"}
    for odd in (
        "announcements/a\x00b",
        "announcements/" + "f" * 300,
    ):  # what no database row can be: not found
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await bank.call("GetAnnouncement", pb.GetAnnouncementRequest(name=odd))
        assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as nul:
        await bank.publish(title="标题\x00", audience=notice_pb2.Audience(all_users=True))
    assert violations(nul.value) == {"announcement.title"}
    with pytest.raises(grpc.aio.AioRpcError) as filter_error:
        await bank.titles("users/leader", "colour = red")
    assert filter_error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_a_repeated_create_with_the_same_request_id_returns_the_first(bank: Bank) -> None:
    announcement = A(
        title="一次",
        content="内容",
        audience=notice_pb2.Audience(all_users=True),
        expire_time=to_timestamp(NOW + timedelta(days=1)),
    )
    request = pb.CreateAnnouncementRequest(announcement=announcement, request_id="5b7c1f0e-req")
    first = await bank.call("CreateAnnouncement", request)
    second = await bank.call("CreateAnnouncement", request)
    assert first.announcement.name == second.announcement.name
    assert len(await bank.published(events_pb2.AnnouncementPublished)) == 1


def test_audience_json_round_trips() -> None:
    from kam_notice.domain.announcements import Audience

    audience = Audience.of(
        notice_pb2.Audience(users=["users/a"], org_units=["orgUnits/1"], roles=["roles/x"])
    )
    assert Audience.from_json(json.loads(json.dumps(audience.to_json()))) == audience


async def test_the_demo_announcements_are_made_once_and_one_goes_to_history_the_same_day(bank: Bank) -> None:
    from kam_notice.service_layer import demo
    from kam_notice.service_layer.templates import Templates

    for _ in range(2):  # a restart makes them again: nothing new
        await demo.seed(bank.service, Templates(bank.db, bank.clock, b"p" * 32))
    assert sorted(await bank.titles("users/admin", "state = STATE_SCHEDULED")) == sorted(
        a.title for _, a in demo.demo_announcements(NOW)
    )
    bank.clock.advance(timedelta(minutes=1))
    assert await bank.service.tick() == 3
    assert set(await bank.titles("users/rm_dongcheng")) == {
        "欢迎使用 KAM 大客户管理系统",
        "本周重点客户回访安排",
        "今日系统维护通知",
    }
    assert set(await bank.titles("users/compliance")) == {"欢迎使用 KAM 大客户管理系统", "今日系统维护通知"}
    bank.clock.advance(timedelta(hours=9))  # 18:01 in Beijing: the maintenance notice is history
    await bank.service.tick()
    assert await bank.titles("users/rm_dongcheng", "state = STATE_EXPIRED") == ["今日系统维护通知"]
    templates = await bank.call("ListTemplates", npb.ListTemplatesRequest(), "users/rm_dongcheng")
    assert sorted(t.display_name for t in templates.templates) == sorted(  # valid, and made once
        t.display_name for _, t in demo.TEMPLATES
    )
