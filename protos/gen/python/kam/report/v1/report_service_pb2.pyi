from google.api import annotations_pb2 as _annotations_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from kam.report.v1 import report_pb2 as _report_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetCustomerStatsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCustomerStatsResponse(_message.Message):
    __slots__ = ("stats",)
    STATS_FIELD_NUMBER: _ClassVar[int]
    stats: _report_pb2.CustomerStats
    def __init__(self, stats: _Optional[_Union[_report_pb2.CustomerStats, _Mapping]] = ...) -> None: ...

class CreateReportRequest(_message.Message):
    __slots__ = ("report", "request_id")
    REPORT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    report: _report_pb2.Report
    request_id: str
    def __init__(self, report: _Optional[_Union[_report_pb2.Report, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateReportResponse(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: _report_pb2.Report
    def __init__(self, report: _Optional[_Union[_report_pb2.Report, _Mapping]] = ...) -> None: ...

class GetReportRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetReportResponse(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: _report_pb2.Report
    def __init__(self, report: _Optional[_Union[_report_pb2.Report, _Mapping]] = ...) -> None: ...

class ListReportsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListReportsResponse(_message.Message):
    __slots__ = ("reports", "next_page_token", "total_size")
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    reports: _containers.RepeatedCompositeFieldContainer[_report_pb2.Report]
    next_page_token: str
    total_size: int
    def __init__(self, reports: _Optional[_Iterable[_Union[_report_pb2.Report, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class DeleteReportRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteReportResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ExportReportRequest(_message.Message):
    __slots__ = ("name", "format")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    name: str
    format: _report_pb2.ExportFormat
    def __init__(self, name: _Optional[str] = ..., format: _Optional[_Union[_report_pb2.ExportFormat, str]] = ...) -> None: ...

class GetCustomerInsightRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetCustomerInsightResponse(_message.Message):
    __slots__ = ("insight",)
    INSIGHT_FIELD_NUMBER: _ClassVar[int]
    insight: _report_pb2.CustomerInsight
    def __init__(self, insight: _Optional[_Union[_report_pb2.CustomerInsight, _Mapping]] = ...) -> None: ...

class ExportReportResponse(_message.Message):
    __slots__ = ("filename", "content_type", "content")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    filename: str
    content_type: str
    content: bytes
    def __init__(self, filename: _Optional[str] = ..., content_type: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class CreateReportScheduleRequest(_message.Message):
    __slots__ = ("report_schedule", "request_id")
    REPORT_SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    report_schedule: _report_pb2.ReportSchedule
    request_id: str
    def __init__(self, report_schedule: _Optional[_Union[_report_pb2.ReportSchedule, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateReportScheduleResponse(_message.Message):
    __slots__ = ("report_schedule",)
    REPORT_SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    report_schedule: _report_pb2.ReportSchedule
    def __init__(self, report_schedule: _Optional[_Union[_report_pb2.ReportSchedule, _Mapping]] = ...) -> None: ...

class GetReportScheduleRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetReportScheduleResponse(_message.Message):
    __slots__ = ("report_schedule",)
    REPORT_SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    report_schedule: _report_pb2.ReportSchedule
    def __init__(self, report_schedule: _Optional[_Union[_report_pb2.ReportSchedule, _Mapping]] = ...) -> None: ...

class ListReportSchedulesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReportSchedulesResponse(_message.Message):
    __slots__ = ("report_schedules", "next_page_token", "total_size")
    REPORT_SCHEDULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    report_schedules: _containers.RepeatedCompositeFieldContainer[_report_pb2.ReportSchedule]
    next_page_token: str
    total_size: int
    def __init__(self, report_schedules: _Optional[_Iterable[_Union[_report_pb2.ReportSchedule, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateReportScheduleRequest(_message.Message):
    __slots__ = ("report_schedule", "update_mask")
    REPORT_SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    report_schedule: _report_pb2.ReportSchedule
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, report_schedule: _Optional[_Union[_report_pb2.ReportSchedule, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateReportScheduleResponse(_message.Message):
    __slots__ = ("report_schedule",)
    REPORT_SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    report_schedule: _report_pb2.ReportSchedule
    def __init__(self, report_schedule: _Optional[_Union[_report_pb2.ReportSchedule, _Mapping]] = ...) -> None: ...

class DeleteReportScheduleRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteReportScheduleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RunReportScheduleRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class RunReportScheduleResponse(_message.Message):
    __slots__ = ("report",)
    REPORT_FIELD_NUMBER: _ClassVar[int]
    report: _report_pb2.Report
    def __init__(self, report: _Optional[_Union[_report_pb2.Report, _Mapping]] = ...) -> None: ...
