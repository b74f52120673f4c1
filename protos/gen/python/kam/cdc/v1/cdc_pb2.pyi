import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SourceTransaction(_message.Message):
    __slots__ = ("transaction_id", "account_number", "direction", "amount", "balance_after", "channel", "cash", "counterparty", "summary", "post_time")
    class Direction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        DIRECTION_UNSPECIFIED: _ClassVar[SourceTransaction.Direction]
        DIRECTION_DEBIT: _ClassVar[SourceTransaction.Direction]
        DIRECTION_CREDIT: _ClassVar[SourceTransaction.Direction]
    DIRECTION_UNSPECIFIED: SourceTransaction.Direction
    DIRECTION_DEBIT: SourceTransaction.Direction
    DIRECTION_CREDIT: SourceTransaction.Direction
    class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CHANNEL_UNSPECIFIED: _ClassVar[SourceTransaction.Channel]
        CHANNEL_COUNTER: _ClassVar[SourceTransaction.Channel]
        CHANNEL_ATM: _ClassVar[SourceTransaction.Channel]
        CHANNEL_ONLINE: _ClassVar[SourceTransaction.Channel]
        CHANNEL_MOBILE: _ClassVar[SourceTransaction.Channel]
        CHANNEL_POS: _ClassVar[SourceTransaction.Channel]
        CHANNEL_THIRD_PARTY: _ClassVar[SourceTransaction.Channel]
    CHANNEL_UNSPECIFIED: SourceTransaction.Channel
    CHANNEL_COUNTER: SourceTransaction.Channel
    CHANNEL_ATM: SourceTransaction.Channel
    CHANNEL_ONLINE: SourceTransaction.Channel
    CHANNEL_MOBILE: SourceTransaction.Channel
    CHANNEL_POS: SourceTransaction.Channel
    CHANNEL_THIRD_PARTY: SourceTransaction.Channel
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BALANCE_AFTER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CASH_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    POST_TIME_FIELD_NUMBER: _ClassVar[int]
    transaction_id: str
    account_number: str
    direction: SourceTransaction.Direction
    amount: _money_pb2.Money
    balance_after: _money_pb2.Money
    channel: SourceTransaction.Channel
    cash: bool
    counterparty: str
    summary: str
    post_time: _timestamp_pb2.Timestamp
    def __init__(self, transaction_id: _Optional[str] = ..., account_number: _Optional[str] = ..., direction: _Optional[_Union[SourceTransaction.Direction, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., balance_after: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., channel: _Optional[_Union[SourceTransaction.Channel, str]] = ..., cash: _Optional[bool] = ..., counterparty: _Optional[str] = ..., summary: _Optional[str] = ..., post_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
