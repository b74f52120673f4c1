"""Dotted field paths (``customer.name``) resolved against message descriptors."""

from __future__ import annotations

from typing import Any

from google.api import field_behavior_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor

# Messages whose JSON form is a single string/number, so a path variable or query parameter can set them.
WELL_KNOWN_SCALARS = frozenset(
    {
        "google.protobuf.Timestamp",
        "google.protobuf.Duration",
        "google.protobuf.FieldMask",
        "google.protobuf.DoubleValue",
        "google.protobuf.FloatValue",
        "google.protobuf.Int64Value",
        "google.protobuf.UInt64Value",
        "google.protobuf.Int32Value",
        "google.protobuf.UInt32Value",
        "google.protobuf.BoolValue",
        "google.protobuf.StringValue",
        "google.protobuf.BytesValue",
    }
)


def is_repeated(field: FieldDescriptor) -> bool:
    # ``is_repeated`` appeared in newer protobuf releases; ``label`` is deprecated there.
    flag = getattr(field, "is_repeated", None)
    if isinstance(flag, bool):
        return flag
    return field.label == FieldDescriptor.LABEL_REPEATED


def is_map(field: FieldDescriptor) -> bool:
    return (
        field.type == FieldDescriptor.TYPE_MESSAGE
        and field.message_type.GetOptions().map_entry
        and is_repeated(field)
    )


def find_field(message: Descriptor, name: str) -> FieldDescriptor | None:
    """A field by proto name or by JSON (lowerCamelCase) name."""
    field = message.fields_by_name.get(name)
    if field is not None:
        return field
    for candidate in message.fields:
        if candidate.json_name == name:
            return candidate
    return None


def resolve_field_path(message: Descriptor, path: str) -> list[FieldDescriptor]:
    """The fields along ``path``; ValueError if a part is unknown or passes through a repeated/scalar field."""
    fields: list[FieldDescriptor] = []
    current: Descriptor | None = message
    parts = path.split(".")
    for i, part in enumerate(parts):
        if current is None:
            raise ValueError(f"{'.'.join(parts[:i])} is not a message")
        field = find_field(current, part)
        if field is None:
            raise ValueError(f"no field {part!r} in {current.full_name}")
        fields.append(field)
        last = i == len(parts) - 1
        if not last and (is_repeated(field) or field.type != FieldDescriptor.TYPE_MESSAGE):
            raise ValueError(f"{'.'.join(parts[: i + 1])} cannot contain sub-fields")
        current = field.message_type if field.type == FieldDescriptor.TYPE_MESSAGE else None
    return fields


def proto_path(fields: list[FieldDescriptor]) -> str:
    return ".".join(f.name for f in fields)


def field_behaviors(field: FieldDescriptor) -> set[int]:
    """The field's ``google.api.field_behavior`` values (REQUIRED, OUTPUT_ONLY, …)."""
    extension: Any = field_behavior_pb2.field_behavior
    return set(field.GetOptions().Extensions[extension])


def is_required(field: FieldDescriptor) -> bool:
    return field_behavior_pb2.REQUIRED in field_behaviors(field)
