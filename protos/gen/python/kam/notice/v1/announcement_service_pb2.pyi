from google.api import annotations_pb2 as _annotations_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from kam.notice.v1 import notice_pb2 as _notice_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateAnnouncementRequest(_message.Message):
    __slots__ = ("announcement", "request_id")
    ANNOUNCEMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    announcement: _notice_pb2.Announcement
    request_id: str
    def __init__(self, announcement: _Optional[_Union[_notice_pb2.Announcement, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateAnnouncementResponse(_message.Message):
    __slots__ = ("announcement",)
    ANNOUNCEMENT_FIELD_NUMBER: _ClassVar[int]
    announcement: _notice_pb2.Announcement
    def __init__(self, announcement: _Optional[_Union[_notice_pb2.Announcement, _Mapping]] = ...) -> None: ...

class GetAnnouncementRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetAnnouncementResponse(_message.Message):
    __slots__ = ("announcement",)
    ANNOUNCEMENT_FIELD_NUMBER: _ClassVar[int]
    announcement: _notice_pb2.Announcement
    def __init__(self, announcement: _Optional[_Union[_notice_pb2.Announcement, _Mapping]] = ...) -> None: ...

class ListAnnouncementsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListAnnouncementsResponse(_message.Message):
    __slots__ = ("announcements", "next_page_token", "total_size")
    ANNOUNCEMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    announcements: _containers.RepeatedCompositeFieldContainer[_notice_pb2.Announcement]
    next_page_token: str
    total_size: int
    def __init__(self, announcements: _Optional[_Iterable[_Union[_notice_pb2.Announcement, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateAnnouncementRequest(_message.Message):
    __slots__ = ("announcement", "update_mask")
    ANNOUNCEMENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    announcement: _notice_pb2.Announcement
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, announcement: _Optional[_Union[_notice_pb2.Announcement, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateAnnouncementResponse(_message.Message):
    __slots__ = ("announcement",)
    ANNOUNCEMENT_FIELD_NUMBER: _ClassVar[int]
    announcement: _notice_pb2.Announcement
    def __init__(self, announcement: _Optional[_Union[_notice_pb2.Announcement, _Mapping]] = ...) -> None: ...

class DeleteAnnouncementRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteAnnouncementResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class MarkAnnouncementReadRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class MarkAnnouncementReadResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAnnouncementReadsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "filter")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    filter: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListAnnouncementReadsResponse(_message.Message):
    __slots__ = ("reads", "next_page_token", "total_size")
    READS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    reads: _containers.RepeatedCompositeFieldContainer[_notice_pb2.AnnouncementRead]
    next_page_token: str
    total_size: int
    def __init__(self, reads: _Optional[_Iterable[_Union[_notice_pb2.AnnouncementRead, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class CreateAttachmentRequest(_message.Message):
    __slots__ = ("parent", "file_name", "content")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    file_name: str
    content: bytes
    def __init__(self, parent: _Optional[str] = ..., file_name: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class CreateAttachmentResponse(_message.Message):
    __slots__ = ("attachment",)
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    attachment: _notice_pb2.Attachment
    def __init__(self, attachment: _Optional[_Union[_notice_pb2.Attachment, _Mapping]] = ...) -> None: ...

class DownloadAttachmentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DownloadAttachmentResponse(_message.Message):
    __slots__ = ("attachment", "content")
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    attachment: _notice_pb2.Attachment
    content: bytes
    def __init__(self, attachment: _Optional[_Union[_notice_pb2.Attachment, _Mapping]] = ..., content: _Optional[bytes] = ...) -> None: ...

class DeleteAttachmentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteAttachmentResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
