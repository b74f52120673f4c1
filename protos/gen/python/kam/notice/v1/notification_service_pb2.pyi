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

class ListNotificationsRequest(_message.Message):
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

class ListNotificationsResponse(_message.Message):
    __slots__ = ("notifications", "next_page_token", "total_size")
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    notifications: _containers.RepeatedCompositeFieldContainer[_notice_pb2.Notification]
    next_page_token: str
    total_size: int
    def __init__(self, notifications: _Optional[_Iterable[_Union[_notice_pb2.Notification, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class MarkNotificationReadRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class MarkNotificationReadResponse(_message.Message):
    __slots__ = ("notification",)
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: _notice_pb2.Notification
    def __init__(self, notification: _Optional[_Union[_notice_pb2.Notification, _Mapping]] = ...) -> None: ...

class MarkAllNotificationsReadRequest(_message.Message):
    __slots__ = ("parent",)
    PARENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    def __init__(self, parent: _Optional[str] = ...) -> None: ...

class MarkAllNotificationsReadResponse(_message.Message):
    __slots__ = ("marked_count",)
    MARKED_COUNT_FIELD_NUMBER: _ClassVar[int]
    marked_count: int
    def __init__(self, marked_count: _Optional[int] = ...) -> None: ...

class GetNotificationSettingsRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetNotificationSettingsResponse(_message.Message):
    __slots__ = ("notification_settings",)
    NOTIFICATION_SETTINGS_FIELD_NUMBER: _ClassVar[int]
    notification_settings: _notice_pb2.NotificationSettings
    def __init__(self, notification_settings: _Optional[_Union[_notice_pb2.NotificationSettings, _Mapping]] = ...) -> None: ...

class UpdateNotificationSettingsRequest(_message.Message):
    __slots__ = ("notification_settings", "update_mask")
    NOTIFICATION_SETTINGS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    notification_settings: _notice_pb2.NotificationSettings
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, notification_settings: _Optional[_Union[_notice_pb2.NotificationSettings, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateNotificationSettingsResponse(_message.Message):
    __slots__ = ("notification_settings",)
    NOTIFICATION_SETTINGS_FIELD_NUMBER: _ClassVar[int]
    notification_settings: _notice_pb2.NotificationSettings
    def __init__(self, notification_settings: _Optional[_Union[_notice_pb2.NotificationSettings, _Mapping]] = ...) -> None: ...

class CreateTemplateRequest(_message.Message):
    __slots__ = ("template", "request_id")
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    template: _notice_pb2.Template
    request_id: str
    def __init__(self, template: _Optional[_Union[_notice_pb2.Template, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: _notice_pb2.Template
    def __init__(self, template: _Optional[_Union[_notice_pb2.Template, _Mapping]] = ...) -> None: ...

class GetTemplateRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: _notice_pb2.Template
    def __init__(self, template: _Optional[_Union[_notice_pb2.Template, _Mapping]] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates", "next_page_token", "total_size")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[_notice_pb2.Template]
    next_page_token: str
    total_size: int
    def __init__(self, templates: _Optional[_Iterable[_Union[_notice_pb2.Template, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateTemplateRequest(_message.Message):
    __slots__ = ("template", "update_mask")
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    template: _notice_pb2.Template
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, template: _Optional[_Union[_notice_pb2.Template, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: _notice_pb2.Template
    def __init__(self, template: _Optional[_Union[_notice_pb2.Template, _Mapping]] = ...) -> None: ...

class DeleteTemplateRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteTemplateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCustomerConsentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetCustomerConsentResponse(_message.Message):
    __slots__ = ("customer_consent",)
    CUSTOMER_CONSENT_FIELD_NUMBER: _ClassVar[int]
    customer_consent: _notice_pb2.CustomerConsent
    def __init__(self, customer_consent: _Optional[_Union[_notice_pb2.CustomerConsent, _Mapping]] = ...) -> None: ...

class UpdateCustomerConsentRequest(_message.Message):
    __slots__ = ("customer_consent", "update_mask")
    CUSTOMER_CONSENT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    customer_consent: _notice_pb2.CustomerConsent
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, customer_consent: _Optional[_Union[_notice_pb2.CustomerConsent, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateCustomerConsentResponse(_message.Message):
    __slots__ = ("customer_consent",)
    CUSTOMER_CONSENT_FIELD_NUMBER: _ClassVar[int]
    customer_consent: _notice_pb2.CustomerConsent
    def __init__(self, customer_consent: _Optional[_Union[_notice_pb2.CustomerConsent, _Mapping]] = ...) -> None: ...

class SendCustomerMessageRequest(_message.Message):
    __slots__ = ("customer", "template", "variables", "request_id")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    customer: str
    template: str
    variables: _containers.ScalarMap[str, str]
    request_id: str
    def __init__(self, customer: _Optional[str] = ..., template: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class SendCustomerMessageResponse(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: _notice_pb2.Delivery
    def __init__(self, delivery: _Optional[_Union[_notice_pb2.Delivery, _Mapping]] = ...) -> None: ...

class GetDeliveryRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetDeliveryResponse(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: _notice_pb2.Delivery
    def __init__(self, delivery: _Optional[_Union[_notice_pb2.Delivery, _Mapping]] = ...) -> None: ...

class ListDeliveriesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token", "total_size")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[_notice_pb2.Delivery]
    next_page_token: str
    total_size: int
    def __init__(self, deliveries: _Optional[_Iterable[_Union[_notice_pb2.Delivery, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class RetryDeliveryRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class RetryDeliveryResponse(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: _notice_pb2.Delivery
    def __init__(self, delivery: _Optional[_Union[_notice_pb2.Delivery, _Mapping]] = ...) -> None: ...

class CreateBulletinRequest(_message.Message):
    __slots__ = ("bulletin", "request_id", "validate_only")
    BULLETIN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    bulletin: _notice_pb2.Bulletin
    request_id: str
    validate_only: bool
    def __init__(self, bulletin: _Optional[_Union[_notice_pb2.Bulletin, _Mapping]] = ..., request_id: _Optional[str] = ..., validate_only: _Optional[bool] = ...) -> None: ...

class CreateBulletinResponse(_message.Message):
    __slots__ = ("bulletin",)
    BULLETIN_FIELD_NUMBER: _ClassVar[int]
    bulletin: _notice_pb2.Bulletin
    def __init__(self, bulletin: _Optional[_Union[_notice_pb2.Bulletin, _Mapping]] = ...) -> None: ...

class PreviewBulletinRequest(_message.Message):
    __slots__ = ("bulletin", "page_size", "page_token")
    BULLETIN_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    bulletin: _notice_pb2.Bulletin
    page_size: int
    page_token: str
    def __init__(self, bulletin: _Optional[_Union[_notice_pb2.Bulletin, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class PreviewBulletinResponse(_message.Message):
    __slots__ = ("recipients", "next_page_token", "total_size", "included_count", "excluded_count")
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    INCLUDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_COUNT_FIELD_NUMBER: _ClassVar[int]
    recipients: _containers.RepeatedCompositeFieldContainer[_notice_pb2.BulletinRecipient]
    next_page_token: str
    total_size: int
    included_count: int
    excluded_count: int
    def __init__(self, recipients: _Optional[_Iterable[_Union[_notice_pb2.BulletinRecipient, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ..., included_count: _Optional[int] = ..., excluded_count: _Optional[int] = ...) -> None: ...

class GetBulletinRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetBulletinResponse(_message.Message):
    __slots__ = ("bulletin",)
    BULLETIN_FIELD_NUMBER: _ClassVar[int]
    bulletin: _notice_pb2.Bulletin
    def __init__(self, bulletin: _Optional[_Union[_notice_pb2.Bulletin, _Mapping]] = ...) -> None: ...

class ListBulletinsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBulletinsResponse(_message.Message):
    __slots__ = ("bulletins", "next_page_token", "total_size")
    BULLETINS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    bulletins: _containers.RepeatedCompositeFieldContainer[_notice_pb2.Bulletin]
    next_page_token: str
    total_size: int
    def __init__(self, bulletins: _Optional[_Iterable[_Union[_notice_pb2.Bulletin, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...
