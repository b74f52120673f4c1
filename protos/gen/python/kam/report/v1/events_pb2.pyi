import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from kam.report.v1 import report_pb2 as _report_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ScheduledReportReady(_message.Message):
    __slots__ = ("schedule", "report", "report_display_name", "recipients", "run_time", "filename", "content_type", "content")
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    REPORT_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    RUN_TIME_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    schedule: _report_pb2.ReportSchedule
    report: str
    report_display_name: str
    recipients: _containers.RepeatedScalarFieldContainer[str]
    run_time: _timestamp_pb2.Timestamp
    filename: str
    content_type: str
    content: bytes
    def __init__(self, schedule: _Optional[_Union[_report_pb2.ReportSchedule, _Mapping]] = ..., report: _Optional[str] = ..., report_display_name: _Optional[str] = ..., recipients: _Optional[_Iterable[str]] = ..., run_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class ScheduledReportFailed(_message.Message):
    __slots__ = ("schedule", "recipients", "run_time", "error")
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    RUN_TIME_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    schedule: _report_pb2.ReportSchedule
    recipients: _containers.RepeatedScalarFieldContainer[str]
    run_time: _timestamp_pb2.Timestamp
    error: str
    def __init__(self, schedule: _Optional[_Union[_report_pb2.ReportSchedule, _Mapping]] = ..., recipients: _Optional[_Iterable[str]] = ..., run_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error: _Optional[str] = ...) -> None: ...
