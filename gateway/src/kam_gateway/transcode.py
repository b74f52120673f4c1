"""HTTP request parts → request message, response message → JSON, by the standard proto3 JSON mapping.

Path variables win over the body; query parameters may set any field not bound by the path or the body
(``a.b`` for nested fields, repeated parameters for repeated fields, enums by name or number, FieldMask as
``a,b.c``, Timestamp as RFC 3339, Duration as ``1.5s``). Field names are accepted in both proto
(``display_name``) and JSON (``displayName``) form; output uses JSON (lowerCamelCase) names.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

from google.protobuf import json_format, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from kam_gateway import protojson
from kam_gateway.fieldpath import (
    WELL_KNOWN_SCALARS,
    is_map,
    is_repeated,
    is_required,
    proto_path,
    resolve_field_path,
)
from kam_gateway.routes import Route


class TranscodeError(ValueError):
    """The HTTP request does not fit the request message (→ 400 INVALID_ARGUMENT)."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        fields: list[str] | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.description = description or message
        #: Every field named (a missing-required error names them all); ``[field]`` otherwise.
        self.fields = fields if fields is not None else ([field] if field else [])


REQUIRED_DESCRIPTION = "必填 (required)"


def message_class(descriptor: Descriptor) -> type[Message]:
    return message_factory.GetMessageClass(descriptor)


_INT_TYPES = {
    FieldDescriptor.TYPE_INT32,
    FieldDescriptor.TYPE_INT64,
    FieldDescriptor.TYPE_UINT32,
    FieldDescriptor.TYPE_UINT64,
    FieldDescriptor.TYPE_SINT32,
    FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_FIXED32,
    FieldDescriptor.TYPE_FIXED64,
    FieldDescriptor.TYPE_SFIXED32,
    FieldDescriptor.TYPE_SFIXED64,
}
_FLOAT_NAMES = {"NaN", "Infinity", "-Infinity"}


def text_to_json_value(field: FieldDescriptor, text: str) -> Any:
    """The JSON value for a path variable or query parameter string, by the field's type."""
    kind = field.type
    if kind == FieldDescriptor.TYPE_BOOL:
        lowered = text.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise ValueError(f"expected true or false, got {text!r}")
    if kind in _INT_TYPES:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected an integer, got {text!r}") from None
    if kind in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        if text in _FLOAT_NAMES:
            return text
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {text!r}")
        return value
    if kind == FieldDescriptor.TYPE_ENUM:
        return int(text) if re.fullmatch(r"-?\d+", text) else text
    if kind in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES):
        return text
    if kind == FieldDescriptor.TYPE_MESSAGE:
        name = field.message_type.full_name
        if name not in WELL_KNOWN_SCALARS:
            raise ValueError(f"message {name} cannot be given as a single value")
        if name.endswith("Value"):  # wrappers: the JSON form is the wrapped value
            return text_to_json_value(field.message_type.fields_by_name["value"], text)
        if name == "google.protobuf.FieldMask":  # accept proto names (update_mask=display_name) too
            return ",".join(_lower_camel(p.strip()) for p in text.split(",") if p.strip())
        return text
    raise ValueError(f"unsupported field type {kind}")


def _lower_camel(path: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), path)


def _set_nested(target: dict[str, Any], fields: list[FieldDescriptor], value: Any) -> None:
    for field in fields[:-1]:
        target = target.setdefault(field.name, {})
    target[fields[-1].name] = value


def _parse_into(data: Any, message: Message, field: str | None, what: str) -> None:
    try:
        json_format.ParseDict(data, message)
    except RecursionError:
        raise TranscodeError(f"{what}: 嵌套过深 (nested too deeply)", field=field) from None
    except json_format.ParseError as exc:
        raise TranscodeError(f"{what}: {exc}", field=field) from None


_JSON_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_depth(body: bytes) -> int:
    """How deeply the JSON text nests objects and arrays, counted without parsing it (strings skipped)."""
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(body):
        char = token.group()
        if char in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif char in (b"]", b"}"):
            depth -= 1
    return deepest


def build_request(
    route: Route, variables: dict[str, str], query: Iterable[tuple[str, str]], body: bytes
) -> Message:
    """The request message for an HTTP request matched to ``route``."""
    input_type = route.method.input_type
    request = message_class(input_type)()

    data: Any = None
    if route.body:
        data = _apply_body(route, request, body)
    elif body.strip():
        raise TranscodeError("此方法不接受请求体 (this method takes no request body)")

    bound: set[str] = set()
    params: dict[str, Any] = {}
    for field_path, text in variables.items():
        fields = resolve_field_path(input_type, field_path)  # checked when the route was built
        _add_param(params, fields, [text], field_path, "路径参数 (path parameter)")
        bound.add(proto_path(fields))
    if route.body and route.body != "*":
        bound.add(proto_path(resolve_field_path(input_type, route.body)))

    grouped: dict[str, list[str]] = {}
    for key, value in query:
        grouped.setdefault(key, []).append(value)
    for key, values in grouped.items():
        fields = _query_field(route, input_type, key, bound)
        _add_param(params, fields, values, key, "查询参数 (query parameter)")

    _parse_into(params, request, None, "请求参数无效 (invalid parameters)")
    given = {path.split(".", 1)[0] for path in variables} | {_proto_name(input_type, k) for k in grouped}
    missing = missing_required(route, data, given)
    if missing:
        raise TranscodeError(
            f"缺少必填字段 (missing required fields): {', '.join(missing)}",
            fields=missing,
            description=REQUIRED_DESCRIPTION,
        )
    return request


def _proto_name(message: Descriptor, key: str) -> str:
    head = key.split(".", 1)[0]
    for field in message.fields:
        if head in (field.name, field.json_name):
            return field.name
    return head


def missing_required(route: Route, data: Any, given: set[str]) -> list[str]:
    """Fields marked ``REQUIRED`` (``google.api.field_behavior``) absent from the request — the same rule as the
    OpenAPI document's ``required``: the key must be present (an empty value is the service's to judge).

    Top-level fields may come from the path, the query or the body; inside the body every object's required
    keys are checked, except on update methods (a request with an ``update_mask``), where fields left out of a
    partial update are simply not changed.
    """
    input_type = route.method.input_type
    partial = "update_mask" in input_type.fields_by_name
    missing: list[str] = []
    if route.body == "*":
        if isinstance(data, dict):
            _walk_required(input_type, data, "", missing, given=given, nested=not partial)
        return missing
    if route.body:
        given = given | {route.body.split(".", 1)[0]}
    for field in input_type.fields:
        if is_required(field) and field.name not in given:
            missing.append(field.name)
    if route.body and not partial and isinstance(data, dict):
        leaf = resolve_field_path(input_type, route.body)[-1]
        if leaf.type == FieldDescriptor.TYPE_MESSAGE and not is_map(leaf) and not is_repeated(leaf):
            _walk_required(leaf.message_type, data, f"{route.body}.", missing)
    return missing


def _walk_required(
    message: Descriptor,
    data: dict[str, Any],
    prefix: str,
    missing: list[str],
    *,
    given: set[str] = frozenset(),
    nested: bool = True,
) -> None:  # type: ignore[assignment]
    if message.full_name in WELL_KNOWN_SCALARS or message.full_name.startswith("google.protobuf."):
        return
    for field in message.fields:
        value = data.get(field.json_name, data.get(field.name))
        if value is None:
            if is_required(field) and field.name not in given:
                missing.append(prefix + field.name)
            continue
        if not nested or field.type != FieldDescriptor.TYPE_MESSAGE or is_map(field):
            continue
        if is_repeated(field):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        _walk_required(field.message_type, item, f"{prefix}{field.name}[{i}].", missing)
        elif isinstance(value, dict):
            _walk_required(field.message_type, value, f"{prefix}{field.name}.", missing)


def _apply_body(route: Route, request: Message, body: bytes) -> Any:
    try:
        data = json.loads(body) if body.strip() else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TranscodeError(f"请求体不是有效的 JSON (request body is not valid JSON): {exc}") from None
    except RecursionError:
        raise TranscodeError("请求体嵌套过深 (request body nested too deeply)") from None
    if route.body == "*":
        if not isinstance(data, dict):
            raise TranscodeError("请求体必须是 JSON 对象 (request body must be a JSON object)")
        _parse_into(data, request, None, "请求体不符合消息格式 (request body does not fit the message)")
        return data
    fields = resolve_field_path(request.DESCRIPTOR, route.body)
    leaf = fields[-1]
    if (
        leaf.type == FieldDescriptor.TYPE_MESSAGE
        and not is_repeated(leaf)
        and leaf.message_type.full_name not in WELL_KNOWN_SCALARS
        and not leaf.message_type.full_name.startswith("google.protobuf.")
        and not isinstance(data, dict)
    ):
        raise TranscodeError("请求体必须是 JSON 对象 (request body must be a JSON object)", field=route.body)
    wrapped: dict[str, Any] = {}
    _set_nested(wrapped, fields, data)
    _parse_into(wrapped, request, route.body, "请求体不符合消息格式 (request body does not fit the message)")
    return data


def _query_field(route: Route, input_type: Descriptor, key: str, bound: set[str]) -> list[FieldDescriptor]:
    if route.body == "*":
        raise TranscodeError(f"未知的查询参数 (unknown query parameter): {key}", field=key)
    try:
        fields = resolve_field_path(input_type, key)
    except ValueError:
        raise TranscodeError(f"未知的查询参数 (unknown query parameter): {key}", field=key) from None
    path = proto_path(fields)
    for b in bound:
        if path == b or path.startswith(b + ".") or b.startswith(path + "."):
            raise TranscodeError(
                f"查询参数与路径或请求体重复 (query parameter already bound by path or body): {key}",
                field=key,
            )
    return fields


def _add_param(
    params: dict[str, Any], fields: list[FieldDescriptor], values: list[str], name: str, what: str
) -> None:
    leaf = fields[-1]
    if is_map(leaf) or (is_repeated(leaf) and leaf.type == FieldDescriptor.TYPE_MESSAGE):
        raise TranscodeError(f"{what} {name}: 不支持此类型字段 (field type not supported here)", field=name)
    if not is_repeated(leaf) and len(values) > 1:
        raise TranscodeError(f"{what} {name}: 只能出现一次 (given more than once)", field=name)
    try:
        converted = [text_to_json_value(leaf, v) for v in values]
    except ValueError as exc:
        raise TranscodeError(f"{what} {name}: {exc}", field=name) from None
    value: Any = converted if is_repeated(leaf) else converted[0]
    # Validate this one parameter alone so that an error names it (bad enum name, bad timestamp…).
    single: dict[str, Any] = {}
    _set_nested(single, fields, value)
    probe = message_class(fields[0].containing_type)()
    _parse_into(single, probe, name, f"{what} {name}")
    _set_nested(params, fields, value)


def to_json(message: Message) -> Any:
    """The message's JSON value: ``json_format.MessageToDict`` with every field without presence printed, by a
    planned conversion several times faster (:mod:`kam_gateway.protojson`)."""
    return protojson.to_dict(message)


def render_response(route: Route, response: Message) -> Any:
    """The JSON value returned to the HTTP client (``response_body`` unwrapped)."""
    data = to_json(response)
    if not route.response_body:
        return data
    field = response.DESCRIPTOR.fields_by_name[route.response_body]
    if field.json_name in data:
        return data[field.json_name]
    return {} if field.type == FieldDescriptor.TYPE_MESSAGE and not is_repeated(field) else None
