"""Every notice method, for every role, generated from the protos: a role without the method's declared permission
is refused (PERMISSION_DENIED) before anything happens; a role with it gets an answer of the method itself (data,
NOT_FOUND, a field violation — never a refusal); a method not built yet answers UNIMPLEMENTED."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kam.notice.v1 import announcement_service_pb2 as pb
from kam.notice.v1 import notice_pb2
from kam.notice.v1 import notification_service_pb2 as npb
from kam_devkit.testing import check_every_method
from kam_kit import permissions
from kam_kit.timeconv import to_timestamp
from notice_testlib import NOW, Bank

#: Built but not yet: their permission is still checked first.
NOT_YET: set[str] = set()
MISSING = "f" * 32  # an id no record has


def _requests(announcement: str) -> dict[str, object]:
    later = to_timestamp(NOW + timedelta(days=1))
    everyone = notice_pb2.Audience(all_users=True)
    return {
        "CreateAnnouncement": pb.CreateAnnouncementRequest(
            announcement=notice_pb2.Announcement(title="t", content="c", audience=everyone, expire_time=later)
        ),
        "GetAnnouncement": pb.GetAnnouncementRequest(name=announcement),
        "ListAnnouncements": pb.ListAnnouncementsRequest(),
        "UpdateAnnouncement": pb.UpdateAnnouncementRequest(
            announcement=notice_pb2.Announcement(name=f"announcements/{MISSING}", title="t2")
        ),
        "DeleteAnnouncement": pb.DeleteAnnouncementRequest(name=f"announcements/{MISSING}"),
        "MarkAnnouncementRead": pb.MarkAnnouncementReadRequest(name=announcement),
        "ListAnnouncementReads": pb.ListAnnouncementReadsRequest(parent=f"announcements/{MISSING}"),
        "CreateAttachment": pb.CreateAttachmentRequest(
            parent=f"announcements/{MISSING}", file_name="a.txt", content=b"a"
        ),
        "DownloadAttachment": pb.DownloadAttachmentRequest(name=f"{announcement}/attachments/{MISSING}"),
        "DeleteAttachment": pb.DeleteAttachmentRequest(name=f"announcements/{MISSING}/attachments/{MISSING}"),
        "ListNotifications": npb.ListNotificationsRequest(parent="users/me"),
        "MarkNotificationRead": npb.MarkNotificationReadRequest(name=f"users/me/notifications/{MISSING}"),
        "MarkAllNotificationsRead": npb.MarkAllNotificationsReadRequest(parent="users/me"),
        "GetNotificationSettings": npb.GetNotificationSettingsRequest(name="users/me/notificationSettings"),
        "UpdateNotificationSettings": npb.UpdateNotificationSettingsRequest(
            notification_settings=notice_pb2.NotificationSettings(
                name="users/me/notificationSettings", channels=[notice_pb2.CHANNEL_EMAIL]
            )
        ),
        "CreateTemplate": npb.CreateTemplateRequest(
            template=notice_pb2.Template(
                display_name="t", category=1, channel=notice_pb2.CHANNEL_SMS, body="{{customer_name}}"
            )
        ),
        "GetTemplate": npb.GetTemplateRequest(name=f"templates/{MISSING}"),
        "ListTemplates": npb.ListTemplatesRequest(),
        "UpdateTemplate": npb.UpdateTemplateRequest(
            template=notice_pb2.Template(name=f"templates/{MISSING}")
        ),
        "DeleteTemplate": npb.DeleteTemplateRequest(name=f"templates/{MISSING}"),
        "GetCustomerConsent": npb.GetCustomerConsentRequest(name="customers/1/consent"),
        "UpdateCustomerConsent": npb.UpdateCustomerConsentRequest(
            customer_consent=notice_pb2.CustomerConsent(name="customers/1/consent")
        ),
        "SendCustomerMessage": npb.SendCustomerMessageRequest(customer="customers/1", template="templates/x"),
        "GetDelivery": npb.GetDeliveryRequest(name=f"deliveries/{MISSING}"),
        "ListDeliveries": npb.ListDeliveriesRequest(),
        "RetryDelivery": npb.RetryDeliveryRequest(name=f"deliveries/{MISSING}"),
        "CreateBulletin": npb.CreateBulletinRequest(
            bulletin=notice_pb2.Bulletin(template=f"templates/{MISSING}"), validate_only=True
        ),
        "PreviewBulletin": npb.PreviewBulletinRequest(
            bulletin=notice_pb2.Bulletin(template=f"templates/{MISSING}")
        ),
        "GetBulletin": npb.GetBulletinRequest(name=f"bulletins/{MISSING}"),
        "ListBulletins": npb.ListBulletinsRequest(),
    }


def _methods():
    for service in (
        pb.DESCRIPTOR.services_by_name["AnnouncementService"],
        npb.DESCRIPTOR.services_by_name["NotificationService"],
    ):
        yield from service.methods


@pytest.mark.parametrize("role", sorted(r for r in permissions.ROLES if r != permissions.SERVICE))
async def test_every_method_refuses_a_role_without_its_permission_and_answers_one_with_it(
    bank: Bank, role: str
) -> None:
    who = f"users/as_{role.removeprefix('roles/')}"
    await bank.person(who, "0101", role)
    published = await bank.publish(audience=notice_pb2.Audience(all_users=True))
    requests = _requests(published.name)
    await check_every_method(
        _methods(), requests, lambda method, request: bank.call(method, request, who), role, not_yet=NOT_YET
    )
