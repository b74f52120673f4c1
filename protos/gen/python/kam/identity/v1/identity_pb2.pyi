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

class DataScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATA_SCOPE_UNSPECIFIED: _ClassVar[DataScope]
    DATA_SCOPE_OWN: _ClassVar[DataScope]
    DATA_SCOPE_ORG_UNIT: _ClassVar[DataScope]
    DATA_SCOPE_ORG_UNIT_TREE: _ClassVar[DataScope]
    DATA_SCOPE_ALL: _ClassVar[DataScope]
DATA_SCOPE_UNSPECIFIED: DataScope
DATA_SCOPE_OWN: DataScope
DATA_SCOPE_ORG_UNIT: DataScope
DATA_SCOPE_ORG_UNIT_TREE: DataScope
DATA_SCOPE_ALL: DataScope

class User(_message.Message):
    __slots__ = ("name", "username", "display_name", "roles", "org_unit", "state", "email", "phone", "last_login_time", "create_time", "update_time", "etag", "permissions")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[User.State]
        STATE_ACTIVE: _ClassVar[User.State]
        STATE_DISABLED: _ClassVar[User.State]
    STATE_UNSPECIFIED: User.State
    STATE_ACTIVE: User.State
    STATE_DISABLED: User.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    LAST_LOGIN_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    name: str
    username: str
    display_name: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    org_unit: str
    state: User.State
    email: str
    phone: str
    last_login_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    permissions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., username: _Optional[str] = ..., display_name: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., org_unit: _Optional[str] = ..., state: _Optional[_Union[User.State, str]] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., last_login_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., permissions: _Optional[_Iterable[str]] = ...) -> None: ...

class OrgUnit(_message.Message):
    __slots__ = ("name", "display_name", "type", "parent", "region", "create_time", "update_time", "etag")
    class Type(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TYPE_UNSPECIFIED: _ClassVar[OrgUnit.Type]
        TYPE_HEAD_OFFICE: _ClassVar[OrgUnit.Type]
        TYPE_BRANCH: _ClassVar[OrgUnit.Type]
        TYPE_SUB_BRANCH: _ClassVar[OrgUnit.Type]
        TYPE_DEPARTMENT: _ClassVar[OrgUnit.Type]
    TYPE_UNSPECIFIED: OrgUnit.Type
    TYPE_HEAD_OFFICE: OrgUnit.Type
    TYPE_BRANCH: OrgUnit.Type
    TYPE_SUB_BRANCH: OrgUnit.Type
    TYPE_DEPARTMENT: OrgUnit.Type
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PARENT_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    type: OrgUnit.Type
    parent: str
    region: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., type: _Optional[_Union[OrgUnit.Type, str]] = ..., parent: _Optional[str] = ..., region: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class Role(_message.Message):
    __slots__ = ("name", "display_name", "permissions", "data_scope", "built_in", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    DATA_SCOPE_FIELD_NUMBER: _ClassVar[int]
    BUILT_IN_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    permissions: _containers.RepeatedScalarFieldContainer[str]
    data_scope: DataScope
    built_in: bool
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., permissions: _Optional[_Iterable[str]] = ..., data_scope: _Optional[_Union[DataScope, str]] = ..., built_in: _Optional[bool] = ..., etag: _Optional[str] = ...) -> None: ...
