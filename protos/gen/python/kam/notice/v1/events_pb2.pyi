from kam.notice.v1 import notice_pb2 as _notice_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AnnouncementPublished(_message.Message):
    __slots__ = ("announcement",)
    ANNOUNCEMENT_FIELD_NUMBER: _ClassVar[int]
    announcement: _notice_pb2.Announcement
    def __init__(self, announcement: _Optional[_Union[_notice_pb2.Announcement, _Mapping]] = ...) -> None: ...

class AnnouncementExpired(_message.Message):
    __slots__ = ("announcement",)
    ANNOUNCEMENT_FIELD_NUMBER: _ClassVar[int]
    announcement: _notice_pb2.Announcement
    def __init__(self, announcement: _Optional[_Union[_notice_pb2.Announcement, _Mapping]] = ...) -> None: ...

class NotificationCreated(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: _notice_pb2.Notification
    def __init__(self, notification: _Optional[_Union[_notice_pb2.Notification, _Mapping]] = ...) -> None: ...

class DeliveryFinished(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: _notice_pb2.Delivery
    def __init__(self, delivery: _Optional[_Union[_notice_pb2.Delivery, _Mapping]] = ...) -> None: ...
