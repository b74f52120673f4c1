import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from kam.customer.v1 import customer_pb2 as _customer_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReportKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_KIND_UNSPECIFIED: _ClassVar[ReportKind]
    REPORT_KIND_REGIONAL_SALES: _ClassVar[ReportKind]
    REPORT_KIND_TOP_CUSTOMERS: _ClassVar[ReportKind]
    REPORT_KIND_TOP_RELATIONSHIP_MANAGERS: _ClassVar[ReportKind]
    REPORT_KIND_CUSTOMER_SALES: _ClassVar[ReportKind]
    REPORT_KIND_CROSS_SELLING: _ClassVar[ReportKind]
    REPORT_KIND_SALES_SUMMARY: _ClassVar[ReportKind]
    REPORT_KIND_TIER_DISTRIBUTION: _ClassVar[ReportKind]
    REPORT_KIND_WORK_EFFICIENCY: _ClassVar[ReportKind]
    REPORT_KIND_DEPOSIT_ANALYSIS: _ClassVar[ReportKind]
    REPORT_KIND_ALERT_SUMMARY: _ClassVar[ReportKind]
    REPORT_KIND_CAMPAIGN_RESULTS: _ClassVar[ReportKind]
    REPORT_KIND_CUSTOMER_SEGMENTS: _ClassVar[ReportKind]
    REPORT_KIND_CHURN_RISK: _ClassVar[ReportKind]
    REPORT_KIND_NEXT_BEST_PRODUCT: _ClassVar[ReportKind]

class ExportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPORT_FORMAT_UNSPECIFIED: _ClassVar[ExportFormat]
    EXPORT_FORMAT_CSV: _ClassVar[ExportFormat]
    EXPORT_FORMAT_XLSX: _ClassVar[ExportFormat]
    EXPORT_FORMAT_PDF: _ClassVar[ExportFormat]

class SchedulePeriod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCHEDULE_PERIOD_UNSPECIFIED: _ClassVar[SchedulePeriod]
    SCHEDULE_PERIOD_PREVIOUS_DAY: _ClassVar[SchedulePeriod]
    SCHEDULE_PERIOD_LAST_7_DAYS: _ClassVar[SchedulePeriod]
    SCHEDULE_PERIOD_PREVIOUS_MONTH: _ClassVar[SchedulePeriod]
    SCHEDULE_PERIOD_MONTH_TO_DATE: _ClassVar[SchedulePeriod]
    SCHEDULE_PERIOD_PREVIOUS_QUARTER: _ClassVar[SchedulePeriod]
    SCHEDULE_PERIOD_YEAR_TO_DATE: _ClassVar[SchedulePeriod]
REPORT_KIND_UNSPECIFIED: ReportKind
REPORT_KIND_REGIONAL_SALES: ReportKind
REPORT_KIND_TOP_CUSTOMERS: ReportKind
REPORT_KIND_TOP_RELATIONSHIP_MANAGERS: ReportKind
REPORT_KIND_CUSTOMER_SALES: ReportKind
REPORT_KIND_CROSS_SELLING: ReportKind
REPORT_KIND_SALES_SUMMARY: ReportKind
REPORT_KIND_TIER_DISTRIBUTION: ReportKind
REPORT_KIND_WORK_EFFICIENCY: ReportKind
REPORT_KIND_DEPOSIT_ANALYSIS: ReportKind
REPORT_KIND_ALERT_SUMMARY: ReportKind
REPORT_KIND_CAMPAIGN_RESULTS: ReportKind
REPORT_KIND_CUSTOMER_SEGMENTS: ReportKind
REPORT_KIND_CHURN_RISK: ReportKind
REPORT_KIND_NEXT_BEST_PRODUCT: ReportKind
EXPORT_FORMAT_UNSPECIFIED: ExportFormat
EXPORT_FORMAT_CSV: ExportFormat
EXPORT_FORMAT_XLSX: ExportFormat
EXPORT_FORMAT_PDF: ExportFormat
SCHEDULE_PERIOD_UNSPECIFIED: SchedulePeriod
SCHEDULE_PERIOD_PREVIOUS_DAY: SchedulePeriod
SCHEDULE_PERIOD_LAST_7_DAYS: SchedulePeriod
SCHEDULE_PERIOD_PREVIOUS_MONTH: SchedulePeriod
SCHEDULE_PERIOD_MONTH_TO_DATE: SchedulePeriod
SCHEDULE_PERIOD_PREVIOUS_QUARTER: SchedulePeriod
SCHEDULE_PERIOD_YEAR_TO_DATE: SchedulePeriod

class CustomerStats(_message.Message):
    __slots__ = ("name", "customer_count", "individual_count", "corporate_count", "update_time", "key_customer_count", "tier_counts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    INDIVIDUAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    CORPORATE_COUNT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    KEY_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    TIER_COUNTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    customer_count: int
    individual_count: int
    corporate_count: int
    update_time: _timestamp_pb2.Timestamp
    key_customer_count: int
    tier_counts: _containers.RepeatedCompositeFieldContainer[TierCount]
    def __init__(self, name: _Optional[str] = ..., customer_count: _Optional[int] = ..., individual_count: _Optional[int] = ..., corporate_count: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., key_customer_count: _Optional[int] = ..., tier_counts: _Optional[_Iterable[_Union[TierCount, _Mapping]]] = ...) -> None: ...

class TierCount(_message.Message):
    __slots__ = ("tier", "customer_count")
    TIER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    tier: str
    customer_count: int
    def __init__(self, tier: _Optional[str] = ..., customer_count: _Optional[int] = ...) -> None: ...

class ReportParameters(_message.Message):
    __slots__ = ("start_date", "end_date", "org_units", "tiers", "top_n", "products", "relationship_managers", "customer_types", "dimension")
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    ORG_UNITS_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    TOP_N_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGERS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TYPES_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    org_units: _containers.RepeatedScalarFieldContainer[str]
    tiers: _containers.RepeatedScalarFieldContainer[str]
    top_n: int
    products: _containers.RepeatedScalarFieldContainer[str]
    relationship_managers: _containers.RepeatedScalarFieldContainer[str]
    customer_types: _containers.RepeatedScalarFieldContainer[_customer_pb2.Customer.Type]
    dimension: str
    def __init__(self, start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., org_units: _Optional[_Iterable[str]] = ..., tiers: _Optional[_Iterable[str]] = ..., top_n: _Optional[int] = ..., products: _Optional[_Iterable[str]] = ..., relationship_managers: _Optional[_Iterable[str]] = ..., customer_types: _Optional[_Iterable[_Union[_customer_pb2.Customer.Type, str]]] = ..., dimension: _Optional[str] = ...) -> None: ...

class ReportColumn(_message.Message):
    __slots__ = ("key", "display_name", "type")
    class Type(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TYPE_UNSPECIFIED: _ClassVar[ReportColumn.Type]
        TYPE_STRING: _ClassVar[ReportColumn.Type]
        TYPE_INTEGER: _ClassVar[ReportColumn.Type]
        TYPE_DECIMAL: _ClassVar[ReportColumn.Type]
        TYPE_MONEY: _ClassVar[ReportColumn.Type]
        TYPE_PERCENT: _ClassVar[ReportColumn.Type]
        TYPE_DATE: _ClassVar[ReportColumn.Type]
        TYPE_RESOURCE_NAME: _ClassVar[ReportColumn.Type]
    TYPE_UNSPECIFIED: ReportColumn.Type
    TYPE_STRING: ReportColumn.Type
    TYPE_INTEGER: ReportColumn.Type
    TYPE_DECIMAL: ReportColumn.Type
    TYPE_MONEY: ReportColumn.Type
    TYPE_PERCENT: ReportColumn.Type
    TYPE_DATE: ReportColumn.Type
    TYPE_RESOURCE_NAME: ReportColumn.Type
    KEY_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    key: str
    display_name: str
    type: ReportColumn.Type
    def __init__(self, key: _Optional[str] = ..., display_name: _Optional[str] = ..., type: _Optional[_Union[ReportColumn.Type, str]] = ...) -> None: ...

class ReportRow(_message.Message):
    __slots__ = ("values", "drill_down")
    VALUES_FIELD_NUMBER: _ClassVar[int]
    DRILL_DOWN_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Value]
    drill_down: str
    def __init__(self, values: _Optional[_Iterable[_Union[_struct_pb2.Value, _Mapping]]] = ..., drill_down: _Optional[str] = ...) -> None: ...

class Report(_message.Message):
    __slots__ = ("name", "kind", "display_name", "parameters", "state", "columns", "rows", "totals", "creator", "create_time", "complete_time", "data_time", "error_message", "etag")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Report.State]
        STATE_PENDING: _ClassVar[Report.State]
        STATE_RUNNING: _ClassVar[Report.State]
        STATE_SUCCEEDED: _ClassVar[Report.State]
        STATE_FAILED: _ClassVar[Report.State]
    STATE_UNSPECIFIED: Report.State
    STATE_PENDING: Report.State
    STATE_RUNNING: Report.State
    STATE_SUCCEEDED: Report.State
    STATE_FAILED: Report.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTALS_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    DATA_TIME_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: ReportKind
    display_name: str
    parameters: ReportParameters
    state: Report.State
    columns: _containers.RepeatedCompositeFieldContainer[ReportColumn]
    rows: _containers.RepeatedCompositeFieldContainer[ReportRow]
    totals: ReportRow
    creator: str
    create_time: _timestamp_pb2.Timestamp
    complete_time: _timestamp_pb2.Timestamp
    data_time: _timestamp_pb2.Timestamp
    error_message: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[_Union[ReportKind, str]] = ..., display_name: _Optional[str] = ..., parameters: _Optional[_Union[ReportParameters, _Mapping]] = ..., state: _Optional[_Union[Report.State, str]] = ..., columns: _Optional[_Iterable[_Union[ReportColumn, _Mapping]]] = ..., rows: _Optional[_Iterable[_Union[ReportRow, _Mapping]]] = ..., totals: _Optional[_Union[ReportRow, _Mapping]] = ..., creator: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., data_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error_message: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class CustomerInsight(_message.Message):
    __slots__ = ("name", "segment", "churn_risk", "next_best_product", "data_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    CHURN_RISK_FIELD_NUMBER: _ClassVar[int]
    NEXT_BEST_PRODUCT_FIELD_NUMBER: _ClassVar[int]
    DATA_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    segment: CustomerSegment
    churn_risk: ChurnRisk
    next_best_product: NextBestProduct
    data_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., segment: _Optional[_Union[CustomerSegment, _Mapping]] = ..., churn_risk: _Optional[_Union[ChurnRisk, _Mapping]] = ..., next_best_product: _Optional[_Union[NextBestProduct, _Mapping]] = ..., data_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CustomerSegment(_message.Message):
    __slots__ = ("code", "display_name", "description", "scores", "explanation")
    CODE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    code: str
    display_name: str
    description: str
    scores: str
    explanation: str
    def __init__(self, code: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., scores: _Optional[str] = ..., explanation: _Optional[str] = ...) -> None: ...

class ChurnRisk(_message.Message):
    __slots__ = ("score", "level", "factors")
    class Level(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        LEVEL_UNSPECIFIED: _ClassVar[ChurnRisk.Level]
        LEVEL_LOW: _ClassVar[ChurnRisk.Level]
        LEVEL_MEDIUM: _ClassVar[ChurnRisk.Level]
        LEVEL_HIGH: _ClassVar[ChurnRisk.Level]
    LEVEL_UNSPECIFIED: ChurnRisk.Level
    LEVEL_LOW: ChurnRisk.Level
    LEVEL_MEDIUM: ChurnRisk.Level
    LEVEL_HIGH: ChurnRisk.Level
    SCORE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    FACTORS_FIELD_NUMBER: _ClassVar[int]
    score: int
    level: ChurnRisk.Level
    factors: _containers.RepeatedCompositeFieldContainer[ChurnFactor]
    def __init__(self, score: _Optional[int] = ..., level: _Optional[_Union[ChurnRisk.Level, str]] = ..., factors: _Optional[_Iterable[_Union[ChurnFactor, _Mapping]]] = ...) -> None: ...

class ChurnFactor(_message.Message):
    __slots__ = ("code", "points", "description")
    CODE_FIELD_NUMBER: _ClassVar[int]
    POINTS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    code: str
    points: int
    description: str
    def __init__(self, code: _Optional[str] = ..., points: _Optional[int] = ..., description: _Optional[str] = ...) -> None: ...

class NextBestProduct(_message.Message):
    __slots__ = ("product", "display_name", "explanation", "confidence", "lift")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    LIFT_FIELD_NUMBER: _ClassVar[int]
    product: str
    display_name: str
    explanation: str
    confidence: float
    lift: float
    def __init__(self, product: _Optional[str] = ..., display_name: _Optional[str] = ..., explanation: _Optional[str] = ..., confidence: _Optional[float] = ..., lift: _Optional[float] = ...) -> None: ...

class ReportSchedule(_message.Message):
    __slots__ = ("name", "display_name", "kind", "parameters", "period", "cron", "format", "paused", "owner", "next_run_time", "last_run_time", "last_report", "last_error", "create_time", "update_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    CRON_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    OWNER_FIELD_NUMBER: _ClassVar[int]
    NEXT_RUN_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_REPORT_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    kind: ReportKind
    parameters: ReportParameters
    period: SchedulePeriod
    cron: str
    format: ExportFormat
    paused: bool
    owner: str
    next_run_time: _timestamp_pb2.Timestamp
    last_run_time: _timestamp_pb2.Timestamp
    last_report: str
    last_error: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., kind: _Optional[_Union[ReportKind, str]] = ..., parameters: _Optional[_Union[ReportParameters, _Mapping]] = ..., period: _Optional[_Union[SchedulePeriod, str]] = ..., cron: _Optional[str] = ..., format: _Optional[_Union[ExportFormat, str]] = ..., paused: _Optional[bool] = ..., owner: _Optional[str] = ..., next_run_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_run_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_report: _Optional[str] = ..., last_error: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...
