import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from kam.alert.v1 import alert_pb2 as _alert_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateAlertRuleRequest(_message.Message):
    __slots__ = ("alert_rule", "request_id")
    ALERT_RULE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    alert_rule: _alert_pb2.AlertRule
    request_id: str
    def __init__(self, alert_rule: _Optional[_Union[_alert_pb2.AlertRule, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateAlertRuleResponse(_message.Message):
    __slots__ = ("alert_rule",)
    ALERT_RULE_FIELD_NUMBER: _ClassVar[int]
    alert_rule: _alert_pb2.AlertRule
    def __init__(self, alert_rule: _Optional[_Union[_alert_pb2.AlertRule, _Mapping]] = ...) -> None: ...

class GetAlertRuleRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetAlertRuleResponse(_message.Message):
    __slots__ = ("alert_rule",)
    ALERT_RULE_FIELD_NUMBER: _ClassVar[int]
    alert_rule: _alert_pb2.AlertRule
    def __init__(self, alert_rule: _Optional[_Union[_alert_pb2.AlertRule, _Mapping]] = ...) -> None: ...

class ListAlertRulesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListAlertRulesResponse(_message.Message):
    __slots__ = ("alert_rules", "next_page_token")
    ALERT_RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    alert_rules: _containers.RepeatedCompositeFieldContainer[_alert_pb2.AlertRule]
    next_page_token: str
    def __init__(self, alert_rules: _Optional[_Iterable[_Union[_alert_pb2.AlertRule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateAlertRuleRequest(_message.Message):
    __slots__ = ("alert_rule", "update_mask")
    ALERT_RULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    alert_rule: _alert_pb2.AlertRule
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, alert_rule: _Optional[_Union[_alert_pb2.AlertRule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateAlertRuleResponse(_message.Message):
    __slots__ = ("alert_rule",)
    ALERT_RULE_FIELD_NUMBER: _ClassVar[int]
    alert_rule: _alert_pb2.AlertRule
    def __init__(self, alert_rule: _Optional[_Union[_alert_pb2.AlertRule, _Mapping]] = ...) -> None: ...

class DeleteAlertRuleRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteAlertRuleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class BacktestAlertRuleRequest(_message.Message):
    __slots__ = ("alert_rule", "days")
    ALERT_RULE_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    alert_rule: _alert_pb2.AlertRule
    days: int
    def __init__(self, alert_rule: _Optional[_Union[_alert_pb2.AlertRule, _Mapping]] = ..., days: _Optional[int] = ...) -> None: ...

class BacktestResult(_message.Message):
    __slots__ = ("alert_count", "customer_count", "customers", "days")
    ALERT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    alert_count: int
    customer_count: int
    customers: _containers.RepeatedCompositeFieldContainer[BacktestCustomer]
    days: _containers.RepeatedCompositeFieldContainer[BacktestDay]
    def __init__(self, alert_count: _Optional[int] = ..., customer_count: _Optional[int] = ..., customers: _Optional[_Iterable[_Union[BacktestCustomer, _Mapping]]] = ..., days: _Optional[_Iterable[_Union[BacktestDay, _Mapping]]] = ...) -> None: ...

class BacktestCustomer(_message.Message):
    __slots__ = ("customer", "display_name", "alert_count")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ALERT_COUNT_FIELD_NUMBER: _ClassVar[int]
    customer: str
    display_name: str
    alert_count: int
    def __init__(self, customer: _Optional[str] = ..., display_name: _Optional[str] = ..., alert_count: _Optional[int] = ...) -> None: ...

class BacktestDay(_message.Message):
    __slots__ = ("date", "alert_count")
    DATE_FIELD_NUMBER: _ClassVar[int]
    ALERT_COUNT_FIELD_NUMBER: _ClassVar[int]
    date: str
    alert_count: int
    def __init__(self, date: _Optional[str] = ..., alert_count: _Optional[int] = ...) -> None: ...

class BacktestAlertRuleResponse(_message.Message):
    __slots__ = ("candidate", "current", "transaction_count", "start_time", "end_time")
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    candidate: BacktestResult
    current: BacktestResult
    transaction_count: int
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, candidate: _Optional[_Union[BacktestResult, _Mapping]] = ..., current: _Optional[_Union[BacktestResult, _Mapping]] = ..., transaction_count: _Optional[int] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetAlertRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
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

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts", "next_page_token", "total_size")
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[_alert_pb2.Alert]
    next_page_token: str
    total_size: int
    def __init__(self, alerts: _Optional[_Iterable[_Union[_alert_pb2.Alert, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class AcknowledgeAlertRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class AcknowledgeAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class SnoozeAlertRequest(_message.Message):
    __slots__ = ("name", "snooze_duration", "snooze_expire_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SNOOZE_DURATION_FIELD_NUMBER: _ClassVar[int]
    SNOOZE_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    snooze_duration: _duration_pb2.Duration
    snooze_expire_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., snooze_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., snooze_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class SnoozeAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class StopAlertRequest(_message.Message):
    __slots__ = ("name", "resolution_note", "etag", "silence_rule_until")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_NOTE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    SILENCE_RULE_UNTIL_FIELD_NUMBER: _ClassVar[int]
    name: str
    resolution_note: str
    etag: str
    silence_rule_until: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., resolution_note: _Optional[str] = ..., etag: _Optional[str] = ..., silence_rule_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StopAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class ResolveAlertRequest(_message.Message):
    __slots__ = ("name", "resolution_note", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_NOTE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    resolution_note: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., resolution_note: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ResolveAlertResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class CreateAlertCommentRequest(_message.Message):
    __slots__ = ("parent", "comment")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    parent: str
    comment: _alert_pb2.AlertComment
    def __init__(self, parent: _Optional[str] = ..., comment: _Optional[_Union[_alert_pb2.AlertComment, _Mapping]] = ...) -> None: ...

class CreateAlertCommentResponse(_message.Message):
    __slots__ = ("comment",)
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    comment: _alert_pb2.AlertComment
    def __init__(self, comment: _Optional[_Union[_alert_pb2.AlertComment, _Mapping]] = ...) -> None: ...

class ListAlertCommentsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAlertCommentsResponse(_message.Message):
    __slots__ = ("comments", "next_page_token")
    COMMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    comments: _containers.RepeatedCompositeFieldContainer[_alert_pb2.AlertComment]
    next_page_token: str
    def __init__(self, comments: _Optional[_Iterable[_Union[_alert_pb2.AlertComment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetMonitoringStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetMonitoringStatsResponse(_message.Message):
    __slots__ = ("stats",)
    STATS_FIELD_NUMBER: _ClassVar[int]
    stats: _alert_pb2.MonitoringStats
    def __init__(self, stats: _Optional[_Union[_alert_pb2.MonitoringStats, _Mapping]] = ...) -> None: ...
