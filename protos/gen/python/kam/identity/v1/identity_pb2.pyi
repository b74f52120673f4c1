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

class Origin(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORIGIN_UNSPECIFIED: _ClassVar[Origin]
    ORIGIN_KAM: _ClassVar[Origin]
    ORIGIN_CORE_BANKING: _ClassVar[Origin]

class DataScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DATA_SCOPE_UNSPECIFIED: _ClassVar[DataScope]
    DATA_SCOPE_OWN: _ClassVar[DataScope]
    DATA_SCOPE_ORG_UNIT: _ClassVar[DataScope]
    DATA_SCOPE_ORG_UNIT_TREE: _ClassVar[DataScope]
    DATA_SCOPE_ALL: _ClassVar[DataScope]
ORIGIN_UNSPECIFIED: Origin
ORIGIN_KAM: Origin
ORIGIN_CORE_BANKING: Origin
DATA_SCOPE_UNSPECIFIED: DataScope
DATA_SCOPE_OWN: DataScope
DATA_SCOPE_ORG_UNIT: DataScope
DATA_SCOPE_ORG_UNIT_TREE: DataScope
DATA_SCOPE_ALL: DataScope

class User(_message.Message):
    __slots__ = ("name", "username", "display_name", "roles", "org_unit", "state", "email", "phone", "last_login_time", "create_time", "update_time", "etag", "permissions", "staff_code", "manager", "data_scope", "password_change_required", "lock_expire_time", "origin", "keep_kam_changes")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[User.State]
        STATE_ACTIVE: _ClassVar[User.State]
        STATE_DISABLED: _ClassVar[User.State]
        STATE_PENDING_ACTIVATION: _ClassVar[User.State]
    STATE_UNSPECIFIED: User.State
    STATE_ACTIVE: User.State
    STATE_DISABLED: User.State
    STATE_PENDING_ACTIVATION: User.State
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
    STAFF_CODE_FIELD_NUMBER: _ClassVar[int]
    MANAGER_FIELD_NUMBER: _ClassVar[int]
    DATA_SCOPE_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_CHANGE_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    LOCK_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    KEEP_KAM_CHANGES_FIELD_NUMBER: _ClassVar[int]
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
    staff_code: str
    manager: str
    data_scope: DataScope
    password_change_required: bool
    lock_expire_time: _timestamp_pb2.Timestamp
    origin: Origin
    keep_kam_changes: bool
    def __init__(self, name: _Optional[str] = ..., username: _Optional[str] = ..., display_name: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., org_unit: _Optional[str] = ..., state: _Optional[_Union[User.State, str]] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., last_login_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., permissions: _Optional[_Iterable[str]] = ..., staff_code: _Optional[str] = ..., manager: _Optional[str] = ..., data_scope: _Optional[_Union[DataScope, str]] = ..., password_change_required: _Optional[bool] = ..., lock_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., origin: _Optional[_Union[Origin, str]] = ..., keep_kam_changes: _Optional[bool] = ...) -> None: ...

class OrgUnit(_message.Message):
    __slots__ = ("name", "display_name", "type", "parent", "region", "create_time", "update_time", "etag", "origin", "keep_kam_changes")
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
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    KEEP_KAM_CHANGES_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    type: OrgUnit.Type
    parent: str
    region: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    origin: Origin
    keep_kam_changes: bool
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., type: _Optional[_Union[OrgUnit.Type, str]] = ..., parent: _Optional[str] = ..., region: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., origin: _Optional[_Union[Origin, str]] = ..., keep_kam_changes: _Optional[bool] = ...) -> None: ...

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

class ServiceAccount(_message.Message):
    __slots__ = ("name", "display_name", "permissions", "state", "last_token_time", "create_time", "etag")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[ServiceAccount.State]
        STATE_ACTIVE: _ClassVar[ServiceAccount.State]
        STATE_DISABLED: _ClassVar[ServiceAccount.State]
    STATE_UNSPECIFIED: ServiceAccount.State
    STATE_ACTIVE: ServiceAccount.State
    STATE_DISABLED: ServiceAccount.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LAST_TOKEN_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    permissions: _containers.RepeatedScalarFieldContainer[str]
    state: ServiceAccount.State
    last_token_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., permissions: _Optional[_Iterable[str]] = ..., state: _Optional[_Union[ServiceAccount.State, str]] = ..., last_token_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class Session(_message.Message):
    __slots__ = ("name", "create_time", "expire_time", "refresh_time", "client_address", "user_agent", "current")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TIME_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    create_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    refresh_time: _timestamp_pb2.Timestamp
    client_address: str
    user_agent: str
    current: bool
    def __init__(self, name: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., refresh_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., client_address: _Optional[str] = ..., user_agent: _Optional[str] = ..., current: _Optional[bool] = ...) -> None: ...

class Permission(_message.Message):
    __slots__ = ("name", "description", "description_en", "service_only", "built_in_roles")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_EN_FIELD_NUMBER: _ClassVar[int]
    SERVICE_ONLY_FIELD_NUMBER: _ClassVar[int]
    BUILT_IN_ROLES_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    description_en: str
    service_only: bool
    built_in_roles: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., description_en: _Optional[str] = ..., service_only: _Optional[bool] = ..., built_in_roles: _Optional[_Iterable[str]] = ...) -> None: ...
