import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AccessRecord(_message.Message):
    __slots__ = ("name", "access_time", "actor", "actor_kind", "actor_display_name", "actor_roles", "actor_org_unit", "method", "customers", "customer_count", "personal_data_kinds", "search_query", "request_id", "trace_id", "reason")
    class ActorKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ACTOR_KIND_UNSPECIFIED: _ClassVar[AccessRecord.ActorKind]
        ACTOR_KIND_USER: _ClassVar[AccessRecord.ActorKind]
        ACTOR_KIND_SERVICE: _ClassVar[AccessRecord.ActorKind]
    ACTOR_KIND_UNSPECIFIED: AccessRecord.ActorKind
    ACTOR_KIND_USER: AccessRecord.ActorKind
    ACTOR_KIND_SERVICE: AccessRecord.ActorKind
    class PersonalDataKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        PERSONAL_DATA_KIND_UNSPECIFIED: _ClassVar[AccessRecord.PersonalDataKind]
        PERSONAL_DATA_KIND_NAME: _ClassVar[AccessRecord.PersonalDataKind]
        PERSONAL_DATA_KIND_ID_NUMBER: _ClassVar[AccessRecord.PersonalDataKind]
        PERSONAL_DATA_KIND_PHONE: _ClassVar[AccessRecord.PersonalDataKind]
        PERSONAL_DATA_KIND_EMAIL: _ClassVar[AccessRecord.PersonalDataKind]
        PERSONAL_DATA_KIND_BIRTH_DATE: _ClassVar[AccessRecord.PersonalDataKind]
        PERSONAL_DATA_KIND_ACCOUNT_NUMBER: _ClassVar[AccessRecord.PersonalDataKind]
        PERSONAL_DATA_KIND_COUNTERPARTY_NAME: _ClassVar[AccessRecord.PersonalDataKind]
        PERSONAL_DATA_KIND_ADDRESS: _ClassVar[AccessRecord.PersonalDataKind]
    PERSONAL_DATA_KIND_UNSPECIFIED: AccessRecord.PersonalDataKind
    PERSONAL_DATA_KIND_NAME: AccessRecord.PersonalDataKind
    PERSONAL_DATA_KIND_ID_NUMBER: AccessRecord.PersonalDataKind
    PERSONAL_DATA_KIND_PHONE: AccessRecord.PersonalDataKind
    PERSONAL_DATA_KIND_EMAIL: AccessRecord.PersonalDataKind
    PERSONAL_DATA_KIND_BIRTH_DATE: AccessRecord.PersonalDataKind
    PERSONAL_DATA_KIND_ACCOUNT_NUMBER: AccessRecord.PersonalDataKind
    PERSONAL_DATA_KIND_COUNTERPARTY_NAME: AccessRecord.PersonalDataKind
    PERSONAL_DATA_KIND_ADDRESS: AccessRecord.PersonalDataKind
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACCESS_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ACTOR_KIND_FIELD_NUMBER: _ClassVar[int]
    ACTOR_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ROLES_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    PERSONAL_DATA_KINDS_FIELD_NUMBER: _ClassVar[int]
    SEARCH_QUERY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    access_time: _timestamp_pb2.Timestamp
    actor: str
    actor_kind: AccessRecord.ActorKind
    actor_display_name: str
    actor_roles: _containers.RepeatedScalarFieldContainer[str]
    actor_org_unit: str
    method: str
    customers: _containers.RepeatedScalarFieldContainer[str]
    customer_count: int
    personal_data_kinds: _containers.RepeatedScalarFieldContainer[AccessRecord.PersonalDataKind]
    search_query: str
    request_id: str
    trace_id: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., access_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actor: _Optional[str] = ..., actor_kind: _Optional[_Union[AccessRecord.ActorKind, str]] = ..., actor_display_name: _Optional[str] = ..., actor_roles: _Optional[_Iterable[str]] = ..., actor_org_unit: _Optional[str] = ..., method: _Optional[str] = ..., customers: _Optional[_Iterable[str]] = ..., customer_count: _Optional[int] = ..., personal_data_kinds: _Optional[_Iterable[_Union[AccessRecord.PersonalDataKind, str]]] = ..., search_query: _Optional[str] = ..., request_id: _Optional[str] = ..., trace_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...
