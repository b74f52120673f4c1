import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AuditRecord(_message.Message):
    __slots__ = ("record_id", "service", "sequence", "hash", "prev_hash", "kind", "occur_time", "actor", "actor_kind", "actor_display_name", "actor_roles", "actor_org_unit", "action", "resource", "before", "after", "details", "address", "client", "request_id", "trace_id", "canonical_json", "abridged")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[AuditRecord.Kind]
        KIND_CHANGE: _ClassVar[AuditRecord.Kind]
        KIND_VIEW: _ClassVar[AuditRecord.Kind]
    KIND_UNSPECIFIED: AuditRecord.Kind
    KIND_CHANGE: AuditRecord.Kind
    KIND_VIEW: AuditRecord.Kind
    class ActorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ACTOR_KIND_UNSPECIFIED: _ClassVar[AuditRecord.ActorKind]
        ACTOR_KIND_USER: _ClassVar[AuditRecord.ActorKind]
        ACTOR_KIND_SERVICE: _ClassVar[AuditRecord.ActorKind]
        ACTOR_KIND_SYSTEM: _ClassVar[AuditRecord.ActorKind]
    ACTOR_KIND_UNSPECIFIED: AuditRecord.ActorKind
    ACTOR_KIND_USER: AuditRecord.ActorKind
    ACTOR_KIND_SERVICE: AuditRecord.ActorKind
    ACTOR_KIND_SYSTEM: AuditRecord.ActorKind
    RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    HASH_FIELD_NUMBER: _ClassVar[int]
    PREV_HASH_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ACTOR_KIND_FIELD_NUMBER: _ClassVar[int]
    ACTOR_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ROLES_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    CANONICAL_JSON_FIELD_NUMBER: _ClassVar[int]
    ABRIDGED_FIELD_NUMBER: _ClassVar[int]
    record_id: str
    service: str
    sequence: int
    hash: str
    prev_hash: str
    kind: AuditRecord.Kind
    occur_time: _timestamp_pb2.Timestamp
    actor: str
    actor_kind: AuditRecord.ActorKind
    actor_display_name: str
    actor_roles: _containers.RepeatedScalarFieldContainer[str]
    actor_org_unit: str
    action: str
    resource: str
    before: _struct_pb2.Struct
    after: _struct_pb2.Struct
    details: _struct_pb2.Struct
    address: str
    client: str
    request_id: str
    trace_id: str
    canonical_json: str
    abridged: bool
    def __init__(self, record_id: _Optional[str] = ..., service: _Optional[str] = ..., sequence: _Optional[int] = ..., hash: _Optional[str] = ..., prev_hash: _Optional[str] = ..., kind: _Optional[_Union[AuditRecord.Kind, str]] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor: _Optional[str] = ..., actor_kind: _Optional[_Union[AuditRecord.ActorKind, str]] = ..., actor_display_name: _Optional[str] = ..., actor_roles: _Optional[_Iterable[str]] = ..., actor_org_unit: _Optional[str] = ..., action: _Optional[str] = ..., resource: _Optional[str] = ..., before: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., after: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., details: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., address: _Optional[str] = ..., client: _Optional[str] = ..., request_id: _Optional[str] = ..., trace_id: _Optional[str] = ..., canonical_json: _Optional[str] = ..., abridged: _Optional[bool] = ...) -> None: ...

class AuditRecorded(_message.Message):
    __slots__ = ("record",)
    RECORD_FIELD_NUMBER: _ClassVar[int]
    record: AuditRecord
    def __init__(self, record: _Optional[_Union[AuditRecord, _Mapping]] = ...) -> None: ...
