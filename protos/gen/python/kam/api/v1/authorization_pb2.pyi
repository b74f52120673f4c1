from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor
AUTHORIZATION_FIELD_NUMBER: _ClassVar[int]
authorization: _descriptor.FieldDescriptor

class Authorization(_message.Message):
    __slots__ = ("permission", "public", "signed_in")
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_FIELD_NUMBER: _ClassVar[int]
    SIGNED_IN_FIELD_NUMBER: _ClassVar[int]
    permission: str
    public: bool
    signed_in: bool
    def __init__(self, permission: _Optional[str] = ..., public: _Optional[bool] = ..., signed_in: _Optional[bool] = ...) -> None: ...
