"""The notice service's gRPC API: announcements (the notifications' methods come with the inbox)."""

from __future__ import annotations

from kam.notice.v1 import announcement_service_pb2 as pb
from kam.notice.v1 import announcement_service_pb2_grpc as pb_grpc
from kam_kit.auth import Identity
from kam_kit.errors import InvalidArgument, PermissionDenied
from kam_kit.grpcserver import current_identity
from kam_kit.protoconv import update_paths

from kam_notice.service_layer.announcements import WRITABLE, AnnouncementService


def _caller() -> Identity:
    identity = current_identity()
    if identity is None:  # the interceptor lets no call through without one; a clear refusal if it ever did
        raise PermissionDenied("需要登录 (sign in first)")
    return identity


class AnnouncementServicer(pb_grpc.AnnouncementServiceServicer):
    def __init__(self, announcements: AnnouncementService) -> None:
        self.announcements = announcements

    async def CreateAnnouncement(
        self, request: pb.CreateAnnouncementRequest, context
    ) -> pb.CreateAnnouncementResponse:
        if not request.HasField("announcement"):
            raise InvalidArgument.for_field("announcement", "必填 (required)")
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
        if not request.HasField("announcement"):
            raise InvalidArgument.for_field("announcement", "必填 (required)")
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
