from google.protobuf import field_mask_pb2 as _field_mask_pb2
from kam.identity.v1 import identity_pb2 as _identity_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UserCreated(_message.Message):
    __slots__ = ("user",)
    USER_FIELD_NUMBER: _ClassVar[int]
    user: _identity_pb2.User
    def __init__(self, user: _Optional[_Union[_identity_pb2.User, _Mapping]] = ...) -> None: ...

class UserUpdated(_message.Message):
    __slots__ = ("user", "update_mask")
    USER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    user: _identity_pb2.User
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, user: _Optional[_Union[_identity_pb2.User, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class OrgUnitCreated(_message.Message):
    __slots__ = ("org_unit",)
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    org_unit: _identity_pb2.OrgUnit
    def __init__(self, org_unit: _Optional[_Union[_identity_pb2.OrgUnit, _Mapping]] = ...) -> None: ...

class OrgUnitUpdated(_message.Message):
    __slots__ = ("org_unit", "update_mask")
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    org_unit: _identity_pb2.OrgUnit
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, org_unit: _Optional[_Union[_identity_pb2.OrgUnit, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class OrgUnitDeleted(_message.Message):
    __slots__ = ("org_unit",)
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    org_unit: str
    def __init__(self, org_unit: _Optional[str] = ...) -> None: ...
