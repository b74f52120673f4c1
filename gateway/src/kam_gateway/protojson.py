"""Messages as JSON values, as ``json_format.MessageToDict(message, always_print_fields_with_no_presence=True)``
gives them (ProtoJSON: lowerCamelCase names, enum names, 64-bit integers as strings, RFC 3339 timestamps, every
field without presence printed, default or not), several times faster.

``json_format`` walks every message field by field through generic Python (it was a quarter of the gateway's CPU
for a page of 50 customers, docs/performance.md round 6). Here each message type gets a plan once — its fields'
JSON names, a converter per field, the defaults to print — and a message is converted by its ``ListFields()`` (C)
and the plan. Well-known types keep ``json_format``'s own conversion (Duration and FieldMask through their
``ToJsonString``, the others through ``MessageToDict``) but the Timestamp, whose ``ToJsonString`` is redone here
(two per customer). Keys come in another order than ``json_format``'s (JSON objects have none).
``tests/test_protojson.py`` checks the result equals ``MessageToDict``'s for every message type of KAM's protos,
filled field by field.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.internal import type_checkers
from google.protobuf.message import Message

Convert = Callable[[Any], Any]

#: Converted by their own ``ToJsonString`` (what json_format does for them; a Timestamp's is done here, faster).
_STRING_TYPES = frozenset({"google.protobuf.Duration", "google.protobuf.FieldMask"})
#: Any other well-known type (Struct, Value, ListValue, Any, the wrappers, …): json_format's conversion.
_WELL_KNOWN_PREFIX = "google.protobuf."
_INT64 = frozenset(
    {
        FieldDescriptor.CPPTYPE_INT64,
        FieldDescriptor.CPPTYPE_UINT64,
    }
)


class _Plan:
    """How one message type is converted: a JSON name and a converter (None: the value as it is) per field
    number, and what is printed for the fields without presence when unset (their converted defaults; a new list
    or dict for repeated fields and maps)."""

    __slots__ = ("containers", "defaults", "fields")

    def __init__(self, descriptor: Descriptor) -> None:
        self.fields: dict[int, tuple[str, Convert | None]] = {}
        self.defaults: dict[str, Any] = {}
        self.containers: list[tuple[str, Callable[[], Any]]] = []
        for field in descriptor.fields:
            convert = _field_converter(field)
            self.fields[field.number] = (field.json_name, None if convert is _same else convert)
            if field.has_presence:
                continue
            if _is_map(field):
                self.containers.append((field.json_name, dict))
            elif field.is_repeated:
                self.containers.append((field.json_name, list))
            else:
                self.defaults[field.json_name] = convert(field.default_value)

    def convert(self, message: Message) -> dict[str, Any]:
        js = self.defaults.copy()  # then overwritten by what is set
        for name, new in self.containers:
            js[name] = new()
        fields = self.fields
        for field, value in message.ListFields():
            known = fields.get(field.number)
            if known is None:  # an extension: json_format's name and conversion
                js[f"[{field.full_name}]"] = _field_converter(field)(value)
                continue
            name, convert = known
            js[name] = value if convert is None else convert(value)
        return js


_PLANS: dict[str, _Plan] = {}


def to_dict(message: Message) -> Any:
    """``json_format.MessageToDict(message, always_print_fields_with_no_presence=True)``."""
    return _message_converter(message.DESCRIPTOR)(message)


def _plan(descriptor: Descriptor) -> _Plan:
    plan = _PLANS.get(descriptor.full_name)
    if plan is None:
        plan = _PLANS[descriptor.full_name] = _Plan(descriptor)
    return plan


def _message_converter(descriptor: Descriptor) -> Convert:
    name = descriptor.full_name
    if name == "google.protobuf.Timestamp":
        return _timestamp
    if name in _STRING_TYPES:
        return _to_json_string
    if name.startswith(_WELL_KNOWN_PREFIX):
        return _json_format
    return lambda message: _plan(descriptor).convert(message)  # planned on first use (types nest and recurse)


def _to_json_string(message: Any) -> str:
    return message.ToJsonString()


_EPOCH = datetime(1970, 1, 1)
#: ``Timestamp.ToJsonString``'s range (years 0001 to 9999); outside it, it raises as json_format would.
_MIN_SECONDS, _MAX_SECONDS = -62_135_596_800, 253_402_300_799
_DAYS: dict[int, str] = {}  # days since the epoch → YYYY-MM-DD (a page's timestamps share few days)


def _timestamp(message: Any) -> str:
    """``Timestamp.ToJsonString()``: RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits."""
    seconds, nanos = message.seconds, message.nanos
    if not (_MIN_SECONDS <= seconds <= _MAX_SECONDS and 0 <= nanos < 1_000_000_000):
        return message.ToJsonString()  # raises
    days, rest = divmod(seconds, 86_400)
    day = _DAYS.get(days)
    if day is None:
        day = _DAYS[days] = (_EPOCH + timedelta(days=days)).date().isoformat()
        if len(_DAYS) > 100_000:
            _DAYS.clear()
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{day}T{hours:02d}:{minutes:02d}:{secs:02d}"
    if nanos == 0:
        return text + "Z"
    if nanos % 1_000_000 == 0:
        return f"{text}.{nanos // 1_000_000:03d}Z"
    if nanos % 1000 == 0:
        return f"{text}.{nanos // 1000:06d}Z"
    return f"{text}.{nanos:09d}Z"


def _json_format(message: Message) -> Any:
    return json_format.MessageToDict(message, always_print_fields_with_no_presence=True)


def _is_map(field: FieldDescriptor) -> bool:
    return (
        field.type == FieldDescriptor.TYPE_MESSAGE
        and field.is_repeated
        and field.message_type.GetOptions().map_entry
    )


def _field_converter(field: FieldDescriptor) -> Convert:
    if _is_map(field):
        value = _value_converter(field.message_type.fields_by_name["value"])
        return lambda entries: {_map_key(key): value(item) for key, item in entries.items()}
    convert = _value_converter(field)
    if field.is_repeated:
        return lambda items: [convert(item) for item in items]
    return convert


def _map_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _same(value: Any) -> Any:
    return value


def _value_converter(field: FieldDescriptor) -> Convert:
    """One value of ``field`` (an item, for a repeated field)."""
    cpp_type = field.cpp_type
    if cpp_type == FieldDescriptor.CPPTYPE_MESSAGE:
        return _message_converter(field.message_type)
    if cpp_type == FieldDescriptor.CPPTYPE_ENUM:
        return _enum_converter(field)
    if cpp_type == FieldDescriptor.CPPTYPE_STRING:
        if field.type == FieldDescriptor.TYPE_BYTES:
            return lambda value: base64.b64encode(value).decode("utf-8")
        return _same
    if cpp_type == FieldDescriptor.CPPTYPE_BOOL:
        return bool
    if cpp_type in _INT64:
        return str
    if cpp_type in (FieldDescriptor.CPPTYPE_DOUBLE, FieldDescriptor.CPPTYPE_FLOAT):
        return _float_converter(shortest=cpp_type == FieldDescriptor.CPPTYPE_FLOAT)
    return _same  # 32-bit integers


def _enum_converter(field: FieldDescriptor) -> Convert:
    enum = field.enum_type
    if enum.full_name == "google.protobuf.NullValue":
        return lambda value: None
    # the names json_format prints, taken from it (a value's JSON name option included)
    printer = json_format._Printer(always_print_fields_with_no_presence=True)
    names = {number: printer._FieldToJsonObject(field, number) for number in enum.values_by_number}

    def convert(value: int) -> Any:
        name = names.get(value)
        if name is not None:
            return name
        return printer._FieldToJsonObject(field, value)  # an unknown number: its rule (error or number)

    return convert


def _float_converter(*, shortest: bool) -> Convert:
    def convert(value: float) -> Any:
        if math.isinf(value):
            return "-Infinity" if value < 0.0 else "Infinity"
        if math.isnan(value):
            return "NaN"
        return type_checkers.ToShortestFloat(value) if shortest else value

    return convert
