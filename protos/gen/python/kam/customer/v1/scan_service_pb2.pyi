from google.api import annotations_pb2 as _annotations_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from kam.cdc.v1 import cdc_pb2 as _cdc_pb2
from kam.customer.v1 import scan_pb2 as _scan_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateScanJobRequest(_message.Message):
    __slots__ = ("scan_job", "request_id")
    SCAN_JOB_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    scan_job: _scan_pb2.ScanJob
    request_id: str
    def __init__(self, scan_job: _Optional[_Union[_scan_pb2.ScanJob, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateScanJobResponse(_message.Message):
    __slots__ = ("scan_job",)
    SCAN_JOB_FIELD_NUMBER: _ClassVar[int]
    scan_job: _scan_pb2.ScanJob
    def __init__(self, scan_job: _Optional[_Union[_scan_pb2.ScanJob, _Mapping]] = ...) -> None: ...

class GetScanJobRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetScanJobResponse(_message.Message):
    __slots__ = ("scan_job",)
    SCAN_JOB_FIELD_NUMBER: _ClassVar[int]
    scan_job: _scan_pb2.ScanJob
    def __init__(self, scan_job: _Optional[_Union[_scan_pb2.ScanJob, _Mapping]] = ...) -> None: ...

class ListScanJobsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListScanJobsResponse(_message.Message):
    __slots__ = ("scan_jobs", "next_page_token")
    SCAN_JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    scan_jobs: _containers.RepeatedCompositeFieldContainer[_scan_pb2.ScanJob]
    next_page_token: str
    def __init__(self, scan_jobs: _Optional[_Iterable[_Union[_scan_pb2.ScanJob, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelScanJobRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class CancelScanJobResponse(_message.Message):
    __slots__ = ("scan_job",)
    SCAN_JOB_FIELD_NUMBER: _ClassVar[int]
    scan_job: _scan_pb2.ScanJob
    def __init__(self, scan_job: _Optional[_Union[_scan_pb2.ScanJob, _Mapping]] = ...) -> None: ...

class StreamTransactionsRequest(_message.Message):
    __slots__ = ("transactions", "source_transactions")
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    transactions: _containers.RepeatedCompositeFieldContainer[_scan_pb2.SourceTransaction]
    source_transactions: _containers.RepeatedCompositeFieldContainer[_cdc_pb2.SourceTransaction]
    def __init__(self, transactions: _Optional[_Iterable[_Union[_scan_pb2.SourceTransaction, _Mapping]]] = ..., source_transactions: _Optional[_Iterable[_Union[_cdc_pb2.SourceTransaction, _Mapping]]] = ...) -> None: ...

class StreamTransactionsResponse(_message.Message):
    __slots__ = ("accepted", "duplicates", "ignored", "rejected", "errors")
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    IGNORED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    accepted: int
    duplicates: int
    ignored: int
    rejected: int
    errors: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, accepted: _Optional[int] = ..., duplicates: _Optional[int] = ..., ignored: _Optional[int] = ..., rejected: _Optional[int] = ..., errors: _Optional[_Iterable[str]] = ...) -> None: ...

class IngestTransactionsRequest(_message.Message):
    __slots__ = ("transactions", "source_transactions")
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    transactions: _containers.RepeatedCompositeFieldContainer[_scan_pb2.SourceTransaction]
    source_transactions: _containers.RepeatedCompositeFieldContainer[_cdc_pb2.SourceTransaction]
    def __init__(self, transactions: _Optional[_Iterable[_Union[_scan_pb2.SourceTransaction, _Mapping]]] = ..., source_transactions: _Optional[_Iterable[_Union[_cdc_pb2.SourceTransaction, _Mapping]]] = ...) -> None: ...

class IngestTransactionsResponse(_message.Message):
    __slots__ = ("accepted", "duplicates", "ignored", "rejected", "errors")
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    IGNORED_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    accepted: int
    duplicates: int
    ignored: int
    rejected: int
    errors: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, accepted: _Optional[int] = ..., duplicates: _Optional[int] = ..., ignored: _Optional[int] = ..., rejected: _Optional[int] = ..., errors: _Optional[_Iterable[str]] = ...) -> None: ...
