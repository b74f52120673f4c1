import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from kam.task.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EfficiencyGrouping(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EFFICIENCY_GROUPING_UNSPECIFIED: _ClassVar[EfficiencyGrouping]
    EFFICIENCY_GROUPING_USER: _ClassVar[EfficiencyGrouping]
    EFFICIENCY_GROUPING_ORG_UNIT: _ClassVar[EfficiencyGrouping]

class TrendGranularity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TREND_GRANULARITY_UNSPECIFIED: _ClassVar[TrendGranularity]
    TREND_GRANULARITY_DAY: _ClassVar[TrendGranularity]
    TREND_GRANULARITY_WEEK: _ClassVar[TrendGranularity]
    TREND_GRANULARITY_MONTH: _ClassVar[TrendGranularity]
EFFICIENCY_GROUPING_UNSPECIFIED: EfficiencyGrouping
EFFICIENCY_GROUPING_USER: EfficiencyGrouping
EFFICIENCY_GROUPING_ORG_UNIT: EfficiencyGrouping
TREND_GRANULARITY_UNSPECIFIED: TrendGranularity
TREND_GRANULARITY_DAY: TrendGranularity
TREND_GRANULARITY_WEEK: TrendGranularity
TREND_GRANULARITY_MONTH: TrendGranularity

class EfficiencyFigures(_message.Message):
    __slots__ = ("assigned_count", "completed_count", "on_time_count", "overdue_count", "returned_count", "on_time_percent", "average_completion_hours", "p90_completion_hours")
    ASSIGNED_COUNT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_COUNT_FIELD_NUMBER: _ClassVar[int]
    ON_TIME_COUNT_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_COUNT_FIELD_NUMBER: _ClassVar[int]
    RETURNED_COUNT_FIELD_NUMBER: _ClassVar[int]
    ON_TIME_PERCENT_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_COMPLETION_HOURS_FIELD_NUMBER: _ClassVar[int]
    P90_COMPLETION_HOURS_FIELD_NUMBER: _ClassVar[int]
    assigned_count: int
    completed_count: int
    on_time_count: int
    overdue_count: int
    returned_count: int
    on_time_percent: float
    average_completion_hours: float
    p90_completion_hours: float
    def __init__(self, assigned_count: _Optional[int] = ..., completed_count: _Optional[int] = ..., on_time_count: _Optional[int] = ..., overdue_count: _Optional[int] = ..., returned_count: _Optional[int] = ..., on_time_percent: _Optional[float] = ..., average_completion_hours: _Optional[float] = ..., p90_completion_hours: _Optional[float] = ...) -> None: ...

class PriorityEfficiency(_message.Message):
    __slots__ = ("priority", "figures")
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    priority: _task_pb2.Priority
    figures: EfficiencyFigures
    def __init__(self, priority: _Optional[_Union[_task_pb2.Priority, str]] = ..., figures: _Optional[_Union[EfficiencyFigures, _Mapping]] = ...) -> None: ...

class EfficiencyRow(_message.Message):
    __slots__ = ("name", "display_name", "org_unit", "subtree", "figures", "by_priority")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    SUBTREE_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    BY_PRIORITY_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    org_unit: str
    subtree: bool
    figures: EfficiencyFigures
    by_priority: _containers.RepeatedCompositeFieldContainer[PriorityEfficiency]
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., org_unit: _Optional[str] = ..., subtree: _Optional[bool] = ..., figures: _Optional[_Union[EfficiencyFigures, _Mapping]] = ..., by_priority: _Optional[_Iterable[_Union[PriorityEfficiency, _Mapping]]] = ...) -> None: ...

class EfficiencyTrendPoint(_message.Message):
    __slots__ = ("start_date", "end_date", "assigned_count", "completed_count", "on_time_count", "on_time_percent", "overdue_count")
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNED_COUNT_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_COUNT_FIELD_NUMBER: _ClassVar[int]
    ON_TIME_COUNT_FIELD_NUMBER: _ClassVar[int]
    ON_TIME_PERCENT_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_COUNT_FIELD_NUMBER: _ClassVar[int]
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    assigned_count: int
    completed_count: int
    on_time_count: int
    on_time_percent: float
    overdue_count: int
    def __init__(self, start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., assigned_count: _Optional[int] = ..., completed_count: _Optional[int] = ..., on_time_count: _Optional[int] = ..., on_time_percent: _Optional[float] = ..., overdue_count: _Optional[int] = ...) -> None: ...

class WorkEfficiency(_message.Message):
    __slots__ = ("name", "start_date", "end_date", "group_by", "org_unit", "org_unit_display_name", "priority", "cutoff_time", "rows", "total", "total_by_priority", "trend_granularity", "trend")
    NAME_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    CUTOFF_TIME_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BY_PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TREND_GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    TREND_FIELD_NUMBER: _ClassVar[int]
    name: str
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    group_by: EfficiencyGrouping
    org_unit: str
    org_unit_display_name: str
    priority: _task_pb2.Priority
    cutoff_time: _timestamp_pb2.Timestamp
    rows: _containers.RepeatedCompositeFieldContainer[EfficiencyRow]
    total: EfficiencyFigures
    total_by_priority: _containers.RepeatedCompositeFieldContainer[PriorityEfficiency]
    trend_granularity: TrendGranularity
    trend: _containers.RepeatedCompositeFieldContainer[EfficiencyTrendPoint]
    def __init__(self, name: _Optional[str] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., group_by: _Optional[_Union[EfficiencyGrouping, str]] = ..., org_unit: _Optional[str] = ..., org_unit_display_name: _Optional[str] = ..., priority: _Optional[_Union[_task_pb2.Priority, str]] = ..., cutoff_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., rows: _Optional[_Iterable[_Union[EfficiencyRow, _Mapping]]] = ..., total: _Optional[_Union[EfficiencyFigures, _Mapping]] = ..., total_by_priority: _Optional[_Iterable[_Union[PriorityEfficiency, _Mapping]]] = ..., trend_granularity: _Optional[_Union[TrendGranularity, str]] = ..., trend: _Optional[_Iterable[_Union[EfficiencyTrendPoint, _Mapping]]] = ...) -> None: ...
