import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ScanJob(_message.Message):
    __slots__ = ("name", "mode", "trigger", "state", "create_time", "start_time", "end_time", "start_watermark", "end_watermark", "customers_scanned", "customers_changed", "accounts_changed", "transactions_ingested", "tier_changes", "error_message", "creator")
    class Mode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MODE_UNSPECIFIED: _ClassVar[ScanJob.Mode]
        MODE_INCREMENTAL: _ClassVar[ScanJob.Mode]
        MODE_FULL: _ClassVar[ScanJob.Mode]
    MODE_UNSPECIFIED: ScanJob.Mode
    MODE_INCREMENTAL: ScanJob.Mode
    MODE_FULL: ScanJob.Mode
    class Trigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TRIGGER_UNSPECIFIED: _ClassVar[ScanJob.Trigger]
        TRIGGER_SCHEDULED: _ClassVar[ScanJob.Trigger]
        TRIGGER_MANUAL: _ClassVar[ScanJob.Trigger]
        TRIGGER_RULE_SET_ACTIVATED: _ClassVar[ScanJob.Trigger]
    TRIGGER_UNSPECIFIED: ScanJob.Trigger
    TRIGGER_SCHEDULED: ScanJob.Trigger
    TRIGGER_MANUAL: ScanJob.Trigger
    TRIGGER_RULE_SET_ACTIVATED: ScanJob.Trigger
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[ScanJob.State]
        STATE_PENDING: _ClassVar[ScanJob.State]
        STATE_RUNNING: _ClassVar[ScanJob.State]
        STATE_SUCCEEDED: _ClassVar[ScanJob.State]
        STATE_FAILED: _ClassVar[ScanJob.State]
        STATE_CANCELLED: _ClassVar[ScanJob.State]
    STATE_UNSPECIFIED: ScanJob.State
    STATE_PENDING: ScanJob.State
    STATE_RUNNING: ScanJob.State
    STATE_SUCCEEDED: ScanJob.State
    STATE_FAILED: ScanJob.State
    STATE_CANCELLED: ScanJob.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    START_WATERMARK_FIELD_NUMBER: _ClassVar[int]
    END_WATERMARK_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_SCANNED_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_CHANGED_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_CHANGED_FIELD_NUMBER: _ClassVar[int]
    TRANSACTIONS_INGESTED_FIELD_NUMBER: _ClassVar[int]
    TIER_CHANGES_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    name: str
    mode: ScanJob.Mode
    trigger: ScanJob.Trigger
    state: ScanJob.State
    create_time: _timestamp_pb2.Timestamp
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    start_watermark: str
    end_watermark: str
    customers_scanned: int
    customers_changed: int
    accounts_changed: int
    transactions_ingested: int
    tier_changes: int
    error_message: str
    creator: str
    def __init__(self, name: _Optional[str] = ..., mode: _Optional[_Union[ScanJob.Mode, str]] = ..., trigger: _Optional[_Union[ScanJob.Trigger, str]] = ..., state: _Optional[_Union[ScanJob.State, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start_watermark: _Optional[str] = ..., end_watermark: _Optional[str] = ..., customers_scanned: _Optional[int] = ..., customers_changed: _Optional[int] = ..., accounts_changed: _Optional[int] = ..., transactions_ingested: _Optional[int] = ..., tier_changes: _Optional[int] = ..., error_message: _Optional[str] = ..., creator: _Optional[str] = ...) -> None: ...
