import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import timeofday_pb2 as _timeofday_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_UNSPECIFIED: _ClassVar[Channel]
    CHANNEL_IN_APP: _ClassVar[Channel]
    CHANNEL_EMAIL: _ClassVar[Channel]
    CHANNEL_SMS: _ClassVar[Channel]
    CHANNEL_WEBHOOK: _ClassVar[Channel]
CHANNEL_UNSPECIFIED: Channel
CHANNEL_IN_APP: Channel
CHANNEL_EMAIL: Channel
CHANNEL_SMS: Channel
CHANNEL_WEBHOOK: Channel

class Audience(_message.Message):
    __slots__ = ("all_users", "users", "org_units", "roles", "org_units_only")
    ALL_USERS_FIELD_NUMBER: _ClassVar[int]
    USERS_FIELD_NUMBER: _ClassVar[int]
    ORG_UNITS_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    ORG_UNITS_ONLY_FIELD_NUMBER: _ClassVar[int]
    all_users: bool
    users: _containers.RepeatedScalarFieldContainer[str]
    org_units: _containers.RepeatedScalarFieldContainer[str]
    roles: _containers.RepeatedScalarFieldContainer[str]
    org_units_only: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, all_users: _Optional[bool] = ..., users: _Optional[_Iterable[str]] = ..., org_units: _Optional[_Iterable[str]] = ..., roles: _Optional[_Iterable[str]] = ..., org_units_only: _Optional[_Iterable[str]] = ...) -> None: ...

class Announcement(_message.Message):
    __slots__ = ("name", "title", "content", "audience", "publisher", "publish_time", "expire_time", "state", "pinned", "read_count", "audience_count", "read", "update_time", "etag", "importance", "publisher_display_name", "attachments")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Announcement.State]
        STATE_PUBLISHED: _ClassVar[Announcement.State]
        STATE_EXPIRED: _ClassVar[Announcement.State]
        STATE_SCHEDULED: _ClassVar[Announcement.State]
    STATE_UNSPECIFIED: Announcement.State
    STATE_PUBLISHED: Announcement.State
    STATE_EXPIRED: Announcement.State
    STATE_SCHEDULED: Announcement.State
    class Importance(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        IMPORTANCE_UNSPECIFIED: _ClassVar[Announcement.Importance]
        IMPORTANCE_NORMAL: _ClassVar[Announcement.Importance]
        IMPORTANCE_HIGH: _ClassVar[Announcement.Importance]
        IMPORTANCE_URGENT: _ClassVar[Announcement.Importance]
    IMPORTANCE_UNSPECIFIED: Announcement.Importance
    IMPORTANCE_NORMAL: Announcement.Importance
    IMPORTANCE_HIGH: Announcement.Importance
    IMPORTANCE_URGENT: Announcement.Importance
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHER_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PINNED_FIELD_NUMBER: _ClassVar[int]
    READ_COUNT_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_COUNT_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    IMPORTANCE_FIELD_NUMBER: _ClassVar[int]
    PUBLISHER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    content: str
    audience: Audience
    publisher: str
    publish_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    state: Announcement.State
    pinned: bool
    read_count: int
    audience_count: int
    read: bool
    update_time: _timestamp_pb2.Timestamp
    etag: str
    importance: Announcement.Importance
    publisher_display_name: str
    attachments: _containers.RepeatedCompositeFieldContainer[Attachment]
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., content: _Optional[str] = ..., audience: _Optional[_Union[Audience, _Mapping]] = ..., publisher: _Optional[str] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[Announcement.State, str]] = ..., pinned: _Optional[bool] = ..., read_count: _Optional[int] = ..., audience_count: _Optional[int] = ..., read: _Optional[bool] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., importance: _Optional[_Union[Announcement.Importance, str]] = ..., publisher_display_name: _Optional[str] = ..., attachments: _Optional[_Iterable[_Union[Attachment, _Mapping]]] = ...) -> None: ...

class AnnouncementRead(_message.Message):
    __slots__ = ("user", "read_time", "display_name", "org_unit")
    USER_FIELD_NUMBER: _ClassVar[int]
    READ_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    user: str
    read_time: _timestamp_pb2.Timestamp
    display_name: str
    org_unit: str
    def __init__(self, user: _Optional[str] = ..., read_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., display_name: _Optional[str] = ..., org_unit: _Optional[str] = ...) -> None: ...

class Notification(_message.Message):
    __slots__ = ("name", "category", "title", "body", "subject", "importance", "create_time", "read_time")
    class Category(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CATEGORY_UNSPECIFIED: _ClassVar[Notification.Category]
        CATEGORY_ALERT: _ClassVar[Notification.Category]
        CATEGORY_TASK: _ClassVar[Notification.Category]
        CATEGORY_ANNOUNCEMENT: _ClassVar[Notification.Category]
        CATEGORY_SYSTEM: _ClassVar[Notification.Category]
    CATEGORY_UNSPECIFIED: Notification.Category
    CATEGORY_ALERT: Notification.Category
    CATEGORY_TASK: Notification.Category
    CATEGORY_ANNOUNCEMENT: Notification.Category
    CATEGORY_SYSTEM: Notification.Category
    NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    IMPORTANCE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    READ_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    category: Notification.Category
    title: str
    body: str
    subject: str
    importance: int
    create_time: _timestamp_pb2.Timestamp
    read_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., category: _Optional[_Union[Notification.Category, str]] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., subject: _Optional[str] = ..., importance: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class NotificationSettings(_message.Message):
    __slots__ = ("name", "channels", "quiet_hours_start", "quiet_hours_end", "webhook_uri", "etag", "webhook_secret", "has_webhook_secret", "channel_preferences")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_START_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_END_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_URI_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_SECRET_FIELD_NUMBER: _ClassVar[int]
    HAS_WEBHOOK_SECRET_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    name: str
    channels: _containers.RepeatedScalarFieldContainer[Channel]
    quiet_hours_start: _timeofday_pb2.TimeOfDay
    quiet_hours_end: _timeofday_pb2.TimeOfDay
    webhook_uri: str
    etag: str
    webhook_secret: str
    has_webhook_secret: bool
    channel_preferences: _containers.RepeatedCompositeFieldContainer[ChannelPreference]
    def __init__(self, name: _Optional[str] = ..., channels: _Optional[_Iterable[_Union[Channel, str]]] = ..., quiet_hours_start: _Optional[_Union[_timeofday_pb2.TimeOfDay, _Mapping]] = ..., quiet_hours_end: _Optional[_Union[_timeofday_pb2.TimeOfDay, _Mapping]] = ..., webhook_uri: _Optional[str] = ..., etag: _Optional[str] = ..., webhook_secret: _Optional[str] = ..., has_webhook_secret: _Optional[bool] = ..., channel_preferences: _Optional[_Iterable[_Union[ChannelPreference, _Mapping]]] = ...) -> None: ...

class ChannelPreference(_message.Message):
    __slots__ = ("channel", "min_importance")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    MIN_IMPORTANCE_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    min_importance: int
    def __init__(self, channel: _Optional[_Union[Channel, str]] = ..., min_importance: _Optional[int] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("name", "display_name", "category", "channel", "subject", "body", "update_time", "etag", "en_subject", "en_body")
    class Category(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CATEGORY_UNSPECIFIED: _ClassVar[Template.Category]
        CATEGORY_GREETING: _ClassVar[Template.Category]
        CATEGORY_NEWS: _ClassVar[Template.Category]
        CATEGORY_RELATIONSHIP: _ClassVar[Template.Category]
    CATEGORY_UNSPECIFIED: Template.Category
    CATEGORY_GREETING: Template.Category
    CATEGORY_NEWS: Template.Category
    CATEGORY_RELATIONSHIP: Template.Category
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    EN_SUBJECT_FIELD_NUMBER: _ClassVar[int]
    EN_BODY_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    category: Template.Category
    channel: Channel
    subject: str
    body: str
    update_time: _timestamp_pb2.Timestamp
    etag: str
    en_subject: str
    en_body: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., category: _Optional[_Union[Template.Category, str]] = ..., channel: _Optional[_Union[Channel, str]] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., en_subject: _Optional[str] = ..., en_body: _Optional[str] = ...) -> None: ...

class CustomerConsent(_message.Message):
    __slots__ = ("name", "sms_opt_in", "email_opt_in", "update_time", "source", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SMS_OPT_IN_FIELD_NUMBER: _ClassVar[int]
    EMAIL_OPT_IN_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    sms_opt_in: bool
    email_opt_in: bool
    update_time: _timestamp_pb2.Timestamp
    source: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., sms_opt_in: _Optional[bool] = ..., email_opt_in: _Optional[bool] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., source: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("name", "channel", "recipient", "address", "content_source", "rendered_body", "state", "attempt_count", "last_error", "next_attempt_time", "create_time", "update_time", "trigger", "suppress_reason", "recipient_display_name")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Delivery.State]
        STATE_PENDING: _ClassVar[Delivery.State]
        STATE_SENT: _ClassVar[Delivery.State]
        STATE_DELIVERED: _ClassVar[Delivery.State]
        STATE_FAILED: _ClassVar[Delivery.State]
        STATE_SUPPRESSED: _ClassVar[Delivery.State]
    STATE_UNSPECIFIED: Delivery.State
    STATE_PENDING: Delivery.State
    STATE_SENT: Delivery.State
    STATE_DELIVERED: Delivery.State
    STATE_FAILED: Delivery.State
    STATE_SUPPRESSED: Delivery.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SOURCE_FIELD_NUMBER: _ClassVar[int]
    RENDERED_BODY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    SUPPRESS_REASON_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    channel: Channel
    recipient: str
    address: str
    content_source: str
    rendered_body: str
    state: Delivery.State
    attempt_count: int
    last_error: str
    next_attempt_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    trigger: str
    suppress_reason: str
    recipient_display_name: str
    def __init__(self, name: _Optional[str] = ..., channel: _Optional[_Union[Channel, str]] = ..., recipient: _Optional[str] = ..., address: _Optional[str] = ..., content_source: _Optional[str] = ..., rendered_body: _Optional[str] = ..., state: _Optional[_Union[Delivery.State, str]] = ..., attempt_count: _Optional[int] = ..., last_error: _Optional[str] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., trigger: _Optional[str] = ..., suppress_reason: _Optional[str] = ..., recipient_display_name: _Optional[str] = ...) -> None: ...

class CustomerSegment(_message.Message):
    __slots__ = ("tiers", "org_units", "relationship_managers", "types")
    TIERS_FIELD_NUMBER: _ClassVar[int]
    ORG_UNITS_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGERS_FIELD_NUMBER: _ClassVar[int]
    TYPES_FIELD_NUMBER: _ClassVar[int]
    tiers: _containers.RepeatedScalarFieldContainer[str]
    org_units: _containers.RepeatedScalarFieldContainer[str]
    relationship_managers: _containers.RepeatedScalarFieldContainer[str]
    types: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tiers: _Optional[_Iterable[str]] = ..., org_units: _Optional[_Iterable[str]] = ..., relationship_managers: _Optional[_Iterable[str]] = ..., types: _Optional[_Iterable[str]] = ...) -> None: ...

class Bulletin(_message.Message):
    __slots__ = ("name", "template", "segment", "variables", "sender", "recipient_count", "included_count", "excluded_count", "create_time", "template_display_name")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    INCLUDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    template: str
    segment: CustomerSegment
    variables: _containers.ScalarMap[str, str]
    sender: str
    recipient_count: int
    included_count: int
    excluded_count: int
    create_time: _timestamp_pb2.Timestamp
    template_display_name: str
    def __init__(self, name: _Optional[str] = ..., template: _Optional[str] = ..., segment: _Optional[_Union[CustomerSegment, _Mapping]] = ..., variables: _Optional[_Mapping[str, str]] = ..., sender: _Optional[str] = ..., recipient_count: _Optional[int] = ..., included_count: _Optional[int] = ..., excluded_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., template_display_name: _Optional[str] = ...) -> None: ...

class BulletinRecipient(_message.Message):
    __slots__ = ("customer", "display_name", "tier", "branch", "included", "exclude_reason")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    INCLUDED_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_REASON_FIELD_NUMBER: _ClassVar[int]
    customer: str
    display_name: str
    tier: str
    branch: str
    included: bool
    exclude_reason: str
    def __init__(self, customer: _Optional[str] = ..., display_name: _Optional[str] = ..., tier: _Optional[str] = ..., branch: _Optional[str] = ..., included: _Optional[bool] = ..., exclude_reason: _Optional[str] = ...) -> None: ...

class Attachment(_message.Message):
    __slots__ = ("name", "file_name", "content_type", "size_bytes", "sha256", "create_time", "uploader")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPLOADER_FIELD_NUMBER: _ClassVar[int]
    name: str
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    create_time: _timestamp_pb2.Timestamp
    uploader: str
    def __init__(self, name: _Optional[str] = ..., file_name: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., uploader: _Optional[str] = ...) -> None: ...
