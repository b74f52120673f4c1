import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.type import money_pb2 as _money_pb2
from kam.customer.v1 import customer_pb2 as _customer_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ScanJob(_message.Message):
    __slots__ = ("name", "mode", "trigger", "state", "create_time", "start_time", "end_time", "start_watermark", "end_watermark", "customers_scanned", "customers_changed", "accounts_changed", "transactions_ingested", "tier_changes", "error_message", "creator", "progress_percent", "phase", "rows_read", "rows_per_second", "customers_selected", "bad_rows", "issues", "as_of_date", "mapping")
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
        TRIGGER_STARTUP: _ClassVar[ScanJob.Trigger]
    TRIGGER_UNSPECIFIED: ScanJob.Trigger
    TRIGGER_SCHEDULED: ScanJob.Trigger
    TRIGGER_MANUAL: ScanJob.Trigger
    TRIGGER_RULE_SET_ACTIVATED: ScanJob.Trigger
    TRIGGER_STARTUP: ScanJob.Trigger
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
    PROGRESS_PERCENT_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    ROWS_READ_FIELD_NUMBER: _ClassVar[int]
    ROWS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_SELECTED_FIELD_NUMBER: _ClassVar[int]
    BAD_ROWS_FIELD_NUMBER: _ClassVar[int]
    ISSUES_FIELD_NUMBER: _ClassVar[int]
    AS_OF_DATE_FIELD_NUMBER: _ClassVar[int]
    MAPPING_FIELD_NUMBER: _ClassVar[int]
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
    progress_percent: float
    phase: str
    rows_read: int
    rows_per_second: float
    customers_selected: int
    bad_rows: int
    issues: _containers.RepeatedCompositeFieldContainer[ScanIssue]
    as_of_date: _date_pb2.Date
    mapping: str
    def __init__(self, name: _Optional[str] = ..., mode: _Optional[_Union[ScanJob.Mode, str]] = ..., trigger: _Optional[_Union[ScanJob.Trigger, str]] = ..., state: _Optional[_Union[ScanJob.State, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start_watermark: _Optional[str] = ..., end_watermark: _Optional[str] = ..., customers_scanned: _Optional[int] = ..., customers_changed: _Optional[int] = ..., accounts_changed: _Optional[int] = ..., transactions_ingested: _Optional[int] = ..., tier_changes: _Optional[int] = ..., error_message: _Optional[str] = ..., creator: _Optional[str] = ..., progress_percent: _Optional[float] = ..., phase: _Optional[str] = ..., rows_read: _Optional[int] = ..., rows_per_second: _Optional[float] = ..., customers_selected: _Optional[int] = ..., bad_rows: _Optional[int] = ..., issues: _Optional[_Iterable[_Union[ScanIssue, _Mapping]]] = ..., as_of_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., mapping: _Optional[str] = ...) -> None: ...

class ScanIssue(_message.Message):
    __slots__ = ("entity", "field", "problem", "count", "examples")
    ENTITY_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    entity: str
    field: str
    problem: str
    count: int
    examples: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, entity: _Optional[str] = ..., field: _Optional[str] = ..., problem: _Optional[str] = ..., count: _Optional[int] = ..., examples: _Optional[_Iterable[str]] = ...) -> None: ...

class SourceTransaction(_message.Message):
    __slots__ = ("transaction_id", "account_number", "direction", "amount", "balance_after", "channel", "cash", "counterparty", "summary", "post_time")
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BALANCE_AFTER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CASH_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    POST_TIME_FIELD_NUMBER: _ClassVar[int]
    transaction_id: str
    account_number: str
    direction: _customer_pb2.Transaction.Direction
    amount: _money_pb2.Money
    balance_after: _money_pb2.Money
    channel: _customer_pb2.Transaction.Channel
    cash: bool
    counterparty: str
    summary: str
    post_time: _timestamp_pb2.Timestamp
    def __init__(self, transaction_id: _Optional[str] = ..., account_number: _Optional[str] = ..., direction: _Optional[_Union[_customer_pb2.Transaction.Direction, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., balance_after: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., channel: _Optional[_Union[_customer_pb2.Transaction.Channel, str]] = ..., cash: _Optional[bool] = ..., counterparty: _Optional[str] = ..., summary: _Optional[str] = ..., post_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
