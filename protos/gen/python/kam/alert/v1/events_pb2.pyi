from google.protobuf import struct_pb2 as _struct_pb2
from kam.alert.v1 import alert_pb2 as _alert_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AlertRaised(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class AlertRepeated(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class AlertEscalated(_message.Message):
    __slots__ = ("alert", "escalated_recipients")
    ALERT_FIELD_NUMBER: _ClassVar[int]
    ESCALATED_RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    escalated_recipients: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ..., escalated_recipients: _Optional[_Iterable[str]] = ...) -> None: ...

class AlertAcknowledged(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class AlertSnoozed(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class AlertStopped(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class AlertResolved(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: _alert_pb2.Alert
    def __init__(self, alert: _Optional[_Union[_alert_pb2.Alert, _Mapping]] = ...) -> None: ...

class CustomerMessageRequested(_message.Message):
    __slots__ = ("customer", "template", "variables", "alert")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    ALERT_FIELD_NUMBER: _ClassVar[int]
    customer: str
    template: str
    variables: _struct_pb2.Struct
    alert: str
    def __init__(self, customer: _Optional[str] = ..., template: _Optional[str] = ..., variables: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., alert: _Optional[str] = ...) -> None: ...
