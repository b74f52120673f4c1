from google.api import annotations_pb2 as _annotations_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from kam.customer.v1 import audit_pb2 as _audit_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetAccessRecordRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetAccessRecordResponse(_message.Message):
    __slots__ = ("access_record",)
    ACCESS_RECORD_FIELD_NUMBER: _ClassVar[int]
    access_record: _audit_pb2.AccessRecord
    def __init__(self, access_record: _Optional[_Union[_audit_pb2.AccessRecord, _Mapping]] = ...) -> None: ...

class ListAccessRecordsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListAccessRecordsResponse(_message.Message):
    __slots__ = ("access_records", "next_page_token")
    ACCESS_RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    access_records: _containers.RepeatedCompositeFieldContainer[_audit_pb2.AccessRecord]
    next_page_token: str
    def __init__(self, access_records: _Optional[_Iterable[_Union[_audit_pb2.AccessRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
