"""``kam_gateway.protojson.to_dict`` answers what ``json_format.MessageToDict`` (with every field without presence
printed) answers, for every message type of KAM's protos: empty, and filled field by field — every scalar kind,
enums (a known value, and an unknown number of an open enum), 64-bit integers, infinities and NaN, repeated
fields, maps, oneofs, optional fields and the well-known types inside them."""

from __future__ import annotations

import importlib
import math
import pkgutil

import kam
import pytest
from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from kam_gateway import protojson


def _message_classes() -> list[type[Message]]:
    classes: dict[str, type[Message]] = {}

    def walk(module_messages) -> None:
        for cls in module_messages:
            classes.setdefault(cls.DESCRIPTOR.full_name, cls)
            walk(
                getattr(cls, nested.name)
                for nested in cls.DESCRIPTOR.nested_types
                if not nested.GetOptions().map_entry
            )

    for info in pkgutil.walk_packages(kam.__path__, "kam."):
        if info.name.endswith("_pb2"):
            module = importlib.import_module(info.name)
            walk(getattr(module, name) for name in module.DESCRIPTOR.message_types_by_name)
    return [classes[name] for name in sorted(classes)]


MESSAGES = _message_classes()

SCALARS = {
    FieldDescriptor.CPPTYPE_INT32: -7,
    FieldDescriptor.CPPTYPE_UINT32: 7,
    FieldDescriptor.CPPTYPE_INT64: -(2**40),
    FieldDescriptor.CPPTYPE_UINT64: 2**40,
    FieldDescriptor.CPPTYPE_DOUBLE: 2.5,
    FieldDescriptor.CPPTYPE_FLOAT: 0.1,
    FieldDescriptor.CPPTYPE_BOOL: True,
}


def _scalar(field: FieldDescriptor, seed: int) -> object:
    if field.cpp_type == FieldDescriptor.CPPTYPE_STRING:
        return b"\x00\xffkam" if field.type == FieldDescriptor.TYPE_BYTES else f"客户 {field.name} {seed}"
    if field.cpp_type == FieldDescriptor.CPPTYPE_ENUM:
        values = [v.number for v in field.enum_type.values if v.number != 0]
        if seed % 2 and not field.enum_type.is_closed:
            return 999  # a number the enum does not name: printed as the number
        return values[seed % len(values)] if values else 0
    if field.cpp_type in (FieldDescriptor.CPPTYPE_DOUBLE, FieldDescriptor.CPPTYPE_FLOAT):
        return (SCALARS[field.cpp_type], math.inf, -math.inf, math.nan)[
            seed % 4
        ]  # the special ones as strings
    return SCALARS[field.cpp_type]


def _fill_well_known(message: Message, seed: int) -> None:
    name = message.DESCRIPTOR.full_name
    if name == "google.protobuf.Timestamp":
        message.seconds, message.nanos = 1_796_000_000 + seed, (seed % 3) * 1000
    elif name == "google.protobuf.Duration":
        message.seconds, message.nanos = 90 + seed, 500_000_000
    elif name == "google.protobuf.FieldMask":
        message.paths.extend(["display_name", "metrics.assets_under_management"])
    elif name == "google.protobuf.Struct":
        message.update({"a": 1, "b": [True, None, "x"], "c": {"d": 2.5}})
    elif name == "google.protobuf.Value":
        message.string_value = "值"
    elif name == "google.protobuf.ListValue":
        message.extend([1, "x", None])
    elif name.endswith("Value") and "value" in message.DESCRIPTOR.fields_by_name:  # the wrappers
        field = message.DESCRIPTOR.fields_by_name["value"]
        message.value = _scalar(field, seed)  # type: ignore[attr-defined]


def _fill(message: Message, seed: int, depth: int = 0) -> None:
    """Every field of ``message`` set (one member per oneof, the ``seed``-th), recursively to a small depth."""
    descriptor = message.DESCRIPTOR
    if descriptor.full_name.startswith("google.protobuf."):
        _fill_well_known(message, seed)
        return
    if depth > 3:
        return
    oneof_members = {f.name: o for o in descriptor.oneofs for f in o.fields}
    for field in descriptor.fields:
        oneof = oneof_members.get(field.name)
        if oneof is not None and oneof.fields[seed % len(oneof.fields)] is not field:
            continue
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            entries = getattr(message, field.name)
            for k in range(2):
                key = (
                    f"k{k}"
                    if key_field.cpp_type == FieldDescriptor.CPPTYPE_STRING
                    else (bool(k) if key_field.cpp_type == FieldDescriptor.CPPTYPE_BOOL else k + 1)
                )
                if value_field.message_type is not None:
                    _fill(entries[key], seed + k, depth + 1)
                else:
                    entries[key] = _scalar(value_field, seed + k)
        elif field.is_repeated:
            items = getattr(message, field.name)
            for k in range(2):
                if field.message_type is not None:
                    _fill(items.add(), seed + k, depth + 1)
                else:
                    items.append(_scalar(field, seed + k))
        elif field.message_type is not None:
            _fill(getattr(message, field.name), seed, depth + 1)
            if not message.HasField(field.name):  # an empty message set all the same
                getattr(message, field.name).SetInParent()
        else:
            setattr(message, field.name, _scalar(field, seed))


def _expected(message: Message) -> object:
    return json_format.MessageToDict(message, always_print_fields_with_no_presence=True)


def _same(actual: object, expected: object) -> bool:
    """Equal, NaN included, and of the same JSON types (a string is not a number)."""
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and actual.keys() == expected.keys()
            and all(_same(actual[k], expected[k]) for k in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(actual, float) and math.isnan(actual)
    return type(actual) is type(expected) and actual == expected


def test_the_protos_have_many_message_types() -> None:
    assert len(MESSAGES) > 300  # the walk found the generated modules


@pytest.mark.parametrize("cls", MESSAGES, ids=lambda cls: cls.DESCRIPTOR.full_name)
def test_every_message_type_converts_as_json_format_does(cls: type[Message]) -> None:
    empty = cls()
    assert _same(protojson.to_dict(empty), _expected(empty))
    for seed in range(4):  # oneof members in turn, known and unknown enum numbers, infinities and NaN
        message = cls()
        _fill(message, seed)
        assert _same(protojson.to_dict(message), _expected(message)), cls.DESCRIPTOR.full_name


def test_a_timestamp_prints_as_its_to_json_string_at_the_ends_of_its_range() -> None:
    from google.protobuf import timestamp_pb2

    for seconds in (-62_135_596_800, -86_401, -1, 0, 86_399, 1_796_000_000, 253_402_300_799):
        for nanos in (0, 1, 1000, 1_000_000, 120_000_000, 999_999_999):
            stamp = timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos)
            assert protojson.to_dict(stamp) == stamp.ToJsonString()
    for seconds, nanos in ((-62_135_596_801, 0), (253_402_300_800, 0), (0, -1)):
        with pytest.raises(ValueError):
            protojson.to_dict(timestamp_pb2.Timestamp(seconds=seconds, nanos=nanos))


def test_an_answer_is_compact_utf8_json_as_starlettes_and_falls_back_for_what_orjson_refuses() -> None:
    import json

    from kam_gateway.app import JsonAnswer
    from starlette.responses import JSONResponse

    body = {"displayName": "张伟", "totalSize": 200, "items": [1.5, None, True], "nested": {"k": "v"}}
    answer = JsonAnswer(body)
    assert answer.body == JSONResponse(body).body
    assert "张伟".encode() in answer.body and answer.headers["content-type"] == "application/json"
    huge = {"n": 2**70}  # beyond orjson's 64 bits: Starlette's encoding
    assert json.loads(JsonAnswer(huge).body) == huge
