import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.type import dayofweek_pb2 as _dayofweek_pb2
from google.type import timeofday_pb2 as _timeofday_pb2
from kam.customer.v1 import customer_pb2 as _customer_pb2
from kam.task.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TaskTemplate(_message.Message):
    __slots__ = ("title", "purpose", "description", "priority")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    title: str
    purpose: str
    description: str
    priority: _task_pb2.Priority
    def __init__(self, title: _Optional[str] = ..., purpose: _Optional[str] = ..., description: _Optional[str] = ..., priority: _Optional[_Union[_task_pb2.Priority, str]] = ...) -> None: ...

class RecurrenceSchedule(_message.Message):
    __slots__ = ("frequency", "day_of_week", "day_of_month", "time_of_day", "start_date", "end_date")
    class Frequency(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        FREQUENCY_UNSPECIFIED: _ClassVar[RecurrenceSchedule.Frequency]
        FREQUENCY_DAILY: _ClassVar[RecurrenceSchedule.Frequency]
        FREQUENCY_WEEKLY: _ClassVar[RecurrenceSchedule.Frequency]
        FREQUENCY_MONTHLY: _ClassVar[RecurrenceSchedule.Frequency]
        FREQUENCY_QUARTERLY: _ClassVar[RecurrenceSchedule.Frequency]
    FREQUENCY_UNSPECIFIED: RecurrenceSchedule.Frequency
    FREQUENCY_DAILY: RecurrenceSchedule.Frequency
    FREQUENCY_WEEKLY: RecurrenceSchedule.Frequency
    FREQUENCY_MONTHLY: RecurrenceSchedule.Frequency
    FREQUENCY_QUARTERLY: RecurrenceSchedule.Frequency
    FREQUENCY_FIELD_NUMBER: _ClassVar[int]
    DAY_OF_WEEK_FIELD_NUMBER: _ClassVar[int]
    DAY_OF_MONTH_FIELD_NUMBER: _ClassVar[int]
    TIME_OF_DAY_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    frequency: RecurrenceSchedule.Frequency
    day_of_week: _dayofweek_pb2.DayOfWeek
    day_of_month: int
    time_of_day: _timeofday_pb2.TimeOfDay
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    def __init__(self, frequency: _Optional[_Union[RecurrenceSchedule.Frequency, str]] = ..., day_of_week: _Optional[_Union[_dayofweek_pb2.DayOfWeek, str]] = ..., day_of_month: _Optional[int] = ..., time_of_day: _Optional[_Union[_timeofday_pb2.TimeOfDay, _Mapping]] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ...) -> None: ...

class CustomerCriteria(_message.Message):
    __slots__ = ("tiers", "org_unit")
    TIERS_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    tiers: _containers.RepeatedScalarFieldContainer[str]
    org_unit: str
    def __init__(self, tiers: _Optional[_Iterable[str]] = ..., org_unit: _Optional[str] = ...) -> None: ...

class RecurringTask(_message.Message):
    __slots__ = ("name", "task", "schedule", "due_after", "assignees", "assignee_org_unit", "customer_segment", "enabled", "next_run_time", "last_run_time", "last_run_task_count", "last_run_unassigned_count", "creator", "creator_display_name", "creator_org_unit", "create_time", "update_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    DUE_AFTER_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEES_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_SEGMENT_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    NEXT_RUN_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_TASK_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_UNASSIGNED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    CREATOR_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATOR_ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    task: TaskTemplate
    schedule: RecurrenceSchedule
    due_after: _duration_pb2.Duration
    assignees: _containers.RepeatedScalarFieldContainer[str]
    assignee_org_unit: str
    customer_segment: CustomerCriteria
    enabled: bool
    next_run_time: _timestamp_pb2.Timestamp
    last_run_time: _timestamp_pb2.Timestamp
    last_run_task_count: int
    last_run_unassigned_count: int
    creator: str
    creator_display_name: str
    creator_org_unit: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., task: _Optional[_Union[TaskTemplate, _Mapping]] = ..., schedule: _Optional[_Union[RecurrenceSchedule, _Mapping]] = ..., due_after: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., assignees: _Optional[_Iterable[str]] = ..., assignee_org_unit: _Optional[str] = ..., customer_segment: _Optional[_Union[CustomerCriteria, _Mapping]] = ..., enabled: _Optional[bool] = ..., next_run_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_run_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_run_task_count: _Optional[int] = ..., last_run_unassigned_count: _Optional[int] = ..., creator: _Optional[str] = ..., creator_display_name: _Optional[str] = ..., creator_org_unit: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class PlaybookStep(_message.Message):
    __slots__ = ("task", "due_offset")
    TASK_FIELD_NUMBER: _ClassVar[int]
    DUE_OFFSET_FIELD_NUMBER: _ClassVar[int]
    task: TaskTemplate
    due_offset: _duration_pb2.Duration
    def __init__(self, task: _Optional[_Union[TaskTemplate, _Mapping]] = ..., due_offset: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class Playbook(_message.Message):
    __slots__ = ("name", "display_name", "description", "trigger", "conditions", "maturity_kinds", "steps", "enabled", "trigger_count", "last_trigger_time", "creator", "creator_display_name", "creator_org_unit", "create_time", "update_time", "etag")
    class Trigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TRIGGER_UNSPECIFIED: _ClassVar[Playbook.Trigger]
        TRIGGER_NEW_KEY_CUSTOMER: _ClassVar[Playbook.Trigger]
        TRIGGER_TIER_CHANGED: _ClassVar[Playbook.Trigger]
        TRIGGER_MATURITY: _ClassVar[Playbook.Trigger]
    TRIGGER_UNSPECIFIED: Playbook.Trigger
    TRIGGER_NEW_KEY_CUSTOMER: Playbook.Trigger
    TRIGGER_TIER_CHANGED: Playbook.Trigger
    TRIGGER_MATURITY: Playbook.Trigger
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    MATURITY_KINDS_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_TRIGGER_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    CREATOR_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATOR_ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    description: str
    trigger: Playbook.Trigger
    conditions: CustomerCriteria
    maturity_kinds: _containers.RepeatedScalarFieldContainer[_customer_pb2.KeyDateKind]
    steps: _containers.RepeatedCompositeFieldContainer[PlaybookStep]
    enabled: bool
    trigger_count: int
    last_trigger_time: _timestamp_pb2.Timestamp
    creator: str
    creator_display_name: str
    creator_org_unit: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., trigger: _Optional[_Union[Playbook.Trigger, str]] = ..., conditions: _Optional[_Union[CustomerCriteria, _Mapping]] = ..., maturity_kinds: _Optional[_Iterable[_Union[_customer_pb2.KeyDateKind, str]]] = ..., steps: _Optional[_Iterable[_Union[PlaybookStep, _Mapping]]] = ..., enabled: _Optional[bool] = ..., trigger_count: _Optional[int] = ..., last_trigger_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., creator: _Optional[str] = ..., creator_display_name: _Optional[str] = ..., creator_org_unit: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...
