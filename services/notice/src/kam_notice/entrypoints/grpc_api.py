"""The notice service's gRPC API: announcements; staff inboxes and settings; templates, customer consent, messages
and bulletins to customers; deliveries."""

from __future__ import annotations

from kam.notice.v1 import announcement_service_pb2 as pb
from kam.notice.v1 import announcement_service_pb2_grpc as pb_grpc
from kam.notice.v1 import notification_service_pb2 as npb
from kam.notice.v1 import notification_service_pb2_grpc as npb_grpc
from kam_kit.auth import Identity
from kam_kit.errors import PermissionDenied
from kam_kit.grpcserver import current_identity
from kam_kit.protoconv import required_message, update_paths

from kam_notice.service_layer.announcements import WRITABLE, AnnouncementService
from kam_notice.service_layer.attachments import Attachments
from kam_notice.service_layer.customers import CONSENT_WRITABLE, CustomerMessages
from kam_notice.service_layer.deliveries import Deliveries
from kam_notice.service_layer.inbox import SETTINGS_WRITABLE, Inbox
from kam_notice.service_layer.templates import WRITABLE as TEMPLATE_WRITABLE
from kam_notice.service_layer.templates import Templates


def _caller() -> Identity:
    identity = current_identity()
    if identity is None:  # the interceptor lets no call through without one; a clear refusal if it ever did
        raise PermissionDenied("需要登录 (sign in first)")
    return identity


class AnnouncementServicer(pb_grpc.AnnouncementServiceServicer):
    def __init__(self, announcements: AnnouncementService, attachments: Attachments | None = None) -> None:
        """``attachments``: by default with the default size limit."""
        self.announcements = announcements
        self.attachments = attachments or Attachments(announcements.db, announcements.clock, announcements)

    async def CreateAnnouncement(
        self, request: pb.CreateAnnouncementRequest, context
    ) -> pb.CreateAnnouncementResponse:
        required_message(request, "announcement")
        created = await self.announcements.create(_caller(), request.announcement, request.request_id)
        return pb.CreateAnnouncementResponse(announcement=created)

    async def GetAnnouncement(
        self, request: pb.GetAnnouncementRequest, context
    ) -> pb.GetAnnouncementResponse:
        return pb.GetAnnouncementResponse(announcement=await self.announcements.get(_caller(), request.name))

    async def ListAnnouncements(
        self, request: pb.ListAnnouncementsRequest, context
    ) -> pb.ListAnnouncementsResponse:
        items, token, total = await self.announcements.list(
            _caller(), request.filter, request.order_by, request.page_size, request.page_token
        )
        return pb.ListAnnouncementsResponse(announcements=items, next_page_token=token, total_size=total)

    async def UpdateAnnouncement(
        self, request: pb.UpdateAnnouncementRequest, context
    ) -> pb.UpdateAnnouncementResponse:
        required_message(request, "announcement")
        message = request.announcement
        paths = update_paths(list(request.update_mask.paths), message, WRITABLE)
        if not request.update_mask.paths:  # message fields count when set
            paths = [
                p
                for p in WRITABLE
                if p not in ("audience", "publish_time", "expire_time") and getattr(message, p)
            ]
            paths += [p for p in ("audience", "publish_time", "expire_time") if message.HasField(p)]
        updated = await self.announcements.update(_caller(), message, paths, message.etag)
        return pb.UpdateAnnouncementResponse(announcement=updated)

    async def DeleteAnnouncement(
        self, request: pb.DeleteAnnouncementRequest, context
    ) -> pb.DeleteAnnouncementResponse:
        await self.announcements.delete(_caller(), request.name, request.etag)
        return pb.DeleteAnnouncementResponse()

    async def MarkAnnouncementRead(
        self, request: pb.MarkAnnouncementReadRequest, context
    ) -> pb.MarkAnnouncementReadResponse:
        await self.announcements.mark_read(_caller(), request.name)
        return pb.MarkAnnouncementReadResponse()

    async def ListAnnouncementReads(
        self, request: pb.ListAnnouncementReadsRequest, context
    ) -> pb.ListAnnouncementReadsResponse:
        reads, token, total = await self.announcements.list_reads(
            _caller(), request.parent, request.filter, request.page_size, request.page_token
        )
        return pb.ListAnnouncementReadsResponse(reads=reads, next_page_token=token, total_size=total)

    async def CreateAttachment(
        self, request: pb.CreateAttachmentRequest, context
    ) -> pb.CreateAttachmentResponse:
        attachment = await self.attachments.create(
            _caller(), request.parent, request.file_name, request.content
        )
        return pb.CreateAttachmentResponse(attachment=attachment)

    async def DownloadAttachment(
        self, request: pb.DownloadAttachmentRequest, context
    ) -> pb.DownloadAttachmentResponse:
        attachment, content = await self.attachments.download(_caller(), request.name)
        return pb.DownloadAttachmentResponse(attachment=attachment, content=content)

    async def DeleteAttachment(
        self, request: pb.DeleteAttachmentRequest, context
    ) -> pb.DeleteAttachmentResponse:
        await self.attachments.delete(_caller(), request.name)
        return pb.DeleteAttachmentResponse()


class NotificationServicer(npb_grpc.NotificationServiceServicer):
    def __init__(
        self, inbox: Inbox, templates: Templates, deliveries: Deliveries, customers: CustomerMessages
    ) -> None:
        self.inbox = inbox
        self.templates = templates
        self.deliveries = deliveries
        self.customers = customers

    async def ListNotifications(
        self, request: npb.ListNotificationsRequest, context
    ) -> npb.ListNotificationsResponse:
        items, token, total = await self.inbox.list(
            _caller(), request.parent, request.filter, request.page_size, request.page_token
        )
        return npb.ListNotificationsResponse(notifications=items, next_page_token=token, total_size=total)

    async def MarkNotificationRead(
        self, request: npb.MarkNotificationReadRequest, context
    ) -> npb.MarkNotificationReadResponse:
        return npb.MarkNotificationReadResponse(
            notification=await self.inbox.mark_read(_caller(), request.name)
        )

    async def MarkAllNotificationsRead(
        self, request: npb.MarkAllNotificationsReadRequest, context
    ) -> npb.MarkAllNotificationsReadResponse:
        return npb.MarkAllNotificationsReadResponse(
            marked_count=await self.inbox.mark_all_read(_caller(), request.parent)
        )

    async def GetNotificationSettings(
        self, request: npb.GetNotificationSettingsRequest, context
    ) -> npb.GetNotificationSettingsResponse:
        settings = await self.inbox.get_settings(_caller(), request.name)
        return npb.GetNotificationSettingsResponse(notification_settings=settings)

    async def UpdateNotificationSettings(
        self, request: npb.UpdateNotificationSettingsRequest, context
    ) -> npb.UpdateNotificationSettingsResponse:
        required_message(request, "notification_settings")
        message = request.notification_settings
        paths = list(request.update_mask.paths)
        if not paths:  # every populated field
            paths = [p for p in ("channels", "webhook_uri", "webhook_secret") if getattr(message, p)]
            paths += [p for p in ("quiet_hours_start", "quiet_hours_end") if message.HasField(p)]
            paths += ["channel_preferences"] if message.channel_preferences else []
        elif paths == ["*"]:
            paths = list(SETTINGS_WRITABLE)
        settings = await self.inbox.update_settings(_caller(), message, paths, message.etag)
        return npb.UpdateNotificationSettingsResponse(notification_settings=settings)

    async def CreateTemplate(self, request: npb.CreateTemplateRequest, context) -> npb.CreateTemplateResponse:
        required_message(request, "template")
        return npb.CreateTemplateResponse(
            template=await self.templates.create(request.template, request.request_id)
        )

    async def GetTemplate(self, request: npb.GetTemplateRequest, context) -> npb.GetTemplateResponse:
        return npb.GetTemplateResponse(template=await self.templates.get(request.name))

    async def ListTemplates(self, request: npb.ListTemplatesRequest, context) -> npb.ListTemplatesResponse:
        items, token, total = await self.templates.list(request.filter, request.page_size, request.page_token)
        return npb.ListTemplatesResponse(templates=items, next_page_token=token, total_size=total)

    async def UpdateTemplate(self, request: npb.UpdateTemplateRequest, context) -> npb.UpdateTemplateResponse:
        required_message(request, "template")
        paths = update_paths(list(request.update_mask.paths), request.template, TEMPLATE_WRITABLE)
        updated = await self.templates.update(request.template, paths, request.template.etag)
        return npb.UpdateTemplateResponse(template=updated)

    async def DeleteTemplate(self, request: npb.DeleteTemplateRequest, context) -> npb.DeleteTemplateResponse:
        await self.templates.delete(request.name, request.etag)
        return npb.DeleteTemplateResponse()

    async def GetDelivery(self, request: npb.GetDeliveryRequest, context) -> npb.GetDeliveryResponse:
        return npb.GetDeliveryResponse(delivery=await self.deliveries.get(_caller(), request.name))

    async def ListDeliveries(self, request: npb.ListDeliveriesRequest, context) -> npb.ListDeliveriesResponse:
        items, token, total = await self.deliveries.list(
            _caller(), request.filter, request.page_size, request.page_token
        )
        return npb.ListDeliveriesResponse(deliveries=items, next_page_token=token, total_size=total)

    async def RetryDelivery(self, request: npb.RetryDeliveryRequest, context) -> npb.RetryDeliveryResponse:
        return npb.RetryDeliveryResponse(delivery=await self.deliveries.retry(_caller(), request.name))

    async def GetCustomerConsent(
        self, request: npb.GetCustomerConsentRequest, context
    ) -> npb.GetCustomerConsentResponse:
        consent = await self.customers.get_consent(_caller(), request.name)
        return npb.GetCustomerConsentResponse(customer_consent=consent)

    async def UpdateCustomerConsent(
        self, request: npb.UpdateCustomerConsentRequest, context
    ) -> npb.UpdateCustomerConsentResponse:
        required_message(request, "customer_consent")
        message = request.customer_consent
        paths = list(request.update_mask.paths)
        if not paths:  # both opt-ins (false is a choice too), and the source when given
            paths = ["sms_opt_in", "email_opt_in"] + (["source"] if message.source else [])
        paths = update_paths(paths, message, CONSENT_WRITABLE)
        consent = await self.customers.update_consent(_caller(), message, paths)
        return npb.UpdateCustomerConsentResponse(customer_consent=consent)

    async def SendCustomerMessage(
        self, request: npb.SendCustomerMessageRequest, context
    ) -> npb.SendCustomerMessageResponse:
        delivery = await self.customers.send(
            _caller(), request.customer, request.template, dict(request.variables), request.request_id
        )
        return npb.SendCustomerMessageResponse(delivery=delivery)

    async def CreateBulletin(self, request: npb.CreateBulletinRequest, context) -> npb.CreateBulletinResponse:
        required_message(request, "bulletin")
        bulletin = await self.customers.create_bulletin(
            _caller(), request.bulletin, request.request_id, request.validate_only
        )
        return npb.CreateBulletinResponse(bulletin=bulletin)

    async def PreviewBulletin(
        self, request: npb.PreviewBulletinRequest, context
    ) -> npb.PreviewBulletinResponse:
        required_message(request, "bulletin")
        items, token, total, included, excluded = await self.customers.preview(
            _caller(), request.bulletin, request.page_size, request.page_token
        )
        return npb.PreviewBulletinResponse(
            recipients=items,
            next_page_token=token,
            total_size=total,
            included_count=included,
            excluded_count=excluded,
        )

    async def GetBulletin(self, request: npb.GetBulletinRequest, context) -> npb.GetBulletinResponse:
        return npb.GetBulletinResponse(bulletin=await self.customers.get_bulletin(_caller(), request.name))

    async def ListBulletins(self, request: npb.ListBulletinsRequest, context) -> npb.ListBulletinsResponse:
        items, token, total = await self.customers.list_bulletins(
            _caller(), request.page_size, request.page_token
        )
        return npb.ListBulletinsResponse(bulletins=items, next_page_token=token, total_size=total)
