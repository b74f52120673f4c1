"""OpenAPI 3.1 document generated from the same routes (http rules) the gateway serves.

Descriptions come from the proto comments when the descriptor set with source info that
``protos/generate.py`` writes (``kam/descriptor_set.binpb``) is found; otherwise from names.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources
from typing import Any

from google.api import field_behavior_pb2
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from kam_kit.authz import declared_rule

from kam_gateway.fieldpath import (
    WELL_KNOWN_SCALARS,
    field_behaviors,
    is_map,
    is_repeated,
    proto_path,
    resolve_field_path,
)
from kam_gateway.routes import Route

log = logging.getLogger(__name__)

PUBLIC_METHODS = frozenset({"kam.identity.v1.IdentityService.Login"})

_INT32 = {FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32}
_UINT32 = {FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32}
_INT64 = {
    FieldDescriptor.TYPE_INT64,
    FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_SFIXED64,
    FieldDescriptor.TYPE_UINT64,
    FieldDescriptor.TYPE_FIXED64,
}

_WKT_SCHEMAS: dict[str, dict[str, Any]] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "pattern": r"^-?\d+(\.\d+)?s$", "examples": ["1.5s"]},
    "google.protobuf.FieldMask": {
        "type": "string",
        "description": "逗号分隔的字段路径 (comma-separated paths)",
    },
    "google.protobuf.Empty": {"type": "object"},
    "google.protobuf.Struct": {"type": "object", "additionalProperties": True},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array", "items": {}},
    "google.protobuf.Any": {
        "type": "object",
        "properties": {"@type": {"type": "string"}},
        "required": ["@type"],
        "additionalProperties": True,
    },
    "google.protobuf.DoubleValue": {"type": ["number", "null"]},
    "google.protobuf.FloatValue": {"type": ["number", "null"]},
    "google.protobuf.Int64Value": {"type": ["string", "null"], "format": "int64"},
    "google.protobuf.UInt64Value": {"type": ["string", "null"], "format": "uint64"},
    "google.protobuf.Int32Value": {"type": ["integer", "null"], "format": "int32"},
    "google.protobuf.UInt32Value": {"type": ["integer", "null"], "format": "uint32"},
    "google.protobuf.BoolValue": {"type": ["boolean", "null"]},
    "google.protobuf.StringValue": {"type": ["string", "null"]},
    "google.protobuf.BytesValue": {"type": ["string", "null"], "contentEncoding": "base64"},
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Google 风格的错误 (Google-style error, google.rpc.Status as JSON)",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "integer", "description": "HTTP status"},
                "status": {
                    "type": "string",
                    "description": "gRPC canonical code name, e.g. INVALID_ARGUMENT",
                },
                "message": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"@type": {"type": "string"}},
                        "additionalProperties": True,
                    },
                    "description": "google.rpc details, e.g. BadRequest with fieldViolations, ErrorInfo",
                },
            },
            "required": ["code", "status", "message"],
        }
    },
    "required": ["error"],
}


@lru_cache(maxsize=1)
def proto_comments() -> dict[str, str]:
    """Leading comments by element full name (``kam.customer.v1.Customer.display_name``), if available."""
    try:
        data = resources.files("kam").joinpath("descriptor_set.binpb").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    comments: dict[str, str] = {}
    for file in descriptor_pb2.FileDescriptorSet.FromString(data).file:
        by_path = {
            tuple(loc.path): loc.leading_comments.strip()
            for loc in file.source_code_info.location
            if loc.leading_comments.strip()
        }
        prefix = f"{file.package}." if file.package else ""
        for i, service in enumerate(file.service):
            _put(comments, by_path, (6, i), prefix + service.name)
            for j, method in enumerate(service.method):
                _put(comments, by_path, (6, i, 2, j), f"{prefix}{service.name}.{method.name}")
        for i, message in enumerate(file.message_type):
            _message_comments(comments, by_path, (4, i), prefix + message.name, message)
        for i, enum in enumerate(file.enum_type):
            _put(comments, by_path, (5, i), prefix + enum.name)
    return comments


def _put(out: dict[str, str], by_path: dict[tuple[int, ...], str], path: tuple[int, ...], name: str) -> None:
    if path in by_path:
        out[name] = by_path[path]


def _message_comments(
    out: dict[str, str],
    by_path: dict[tuple[int, ...], str],
    path: tuple[int, ...],
    name: str,
    message: descriptor_pb2.DescriptorProto,
) -> None:
    _put(out, by_path, path, name)
    for j, field in enumerate(message.field):
        _put(out, by_path, (*path, 2, j), f"{name}.{field.name}")
    for k, nested in enumerate(message.nested_type):
        _message_comments(out, by_path, (*path, 3, k), f"{name}.{nested.name}", nested)
    for k, enum in enumerate(message.enum_type):
        _put(out, by_path, (*path, 4, k), f"{name}.{enum.name}")


class _Schemas:
    """Collects component schemas for every message reachable from the routes."""

    def __init__(self, comments: dict[str, str]) -> None:
        self.comments = comments
        self.components: dict[str, dict[str, Any]] = {}

    def ref(self, message: Descriptor) -> dict[str, Any]:
        if message.full_name in _WKT_SCHEMAS:
            return dict(_WKT_SCHEMAS[message.full_name])
        if message.full_name not in self.components:
            self.components[message.full_name] = {}  # placeholder: breaks recursion
            self.components[message.full_name] = self._message(message)
        return {"$ref": f"#/components/schemas/{message.full_name}"}

    def _message(self, message: Descriptor) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object", "properties": {}}
        if message.full_name in self.comments:
            schema["description"] = self.comments[message.full_name]
        required = []
        for field in message.fields:
            prop = self.field(field)
            comment = self.comments.get(f"{message.full_name}.{field.name}")
            if comment and "$ref" not in prop:
                prop["description"] = comment
            behaviors = field_behaviors(field)
            if field_behavior_pb2.OUTPUT_ONLY in behaviors:
                prop["readOnly"] = True
            if field_behavior_pb2.REQUIRED in behaviors:
                required.append(field.json_name)
            schema["properties"][field.json_name] = prop
        if required:
            schema["required"] = required
        return schema

    def field(self, field: FieldDescriptor) -> dict[str, Any]:
        if is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            return {"type": "object", "additionalProperties": self._single(value_field)}
        single = self._single(field)
        return {"type": "array", "items": single} if is_repeated(field) else single

    def _single(self, field: FieldDescriptor) -> dict[str, Any]:
        kind = field.type
        if kind == FieldDescriptor.TYPE_MESSAGE:
            return self.ref(field.message_type)
        if kind == FieldDescriptor.TYPE_ENUM:
            return self.enum(field.enum_type)
        if kind == FieldDescriptor.TYPE_BOOL:
            return {"type": "boolean"}
        if kind == FieldDescriptor.TYPE_STRING:
            return {"type": "string"}
        if kind == FieldDescriptor.TYPE_BYTES:
            return {"type": "string", "contentEncoding": "base64"}
        if kind in _INT32:
            return {"type": "integer", "format": "int32"}
        if kind in _UINT32:
            return {"type": "integer", "format": "uint32", "minimum": 0}
        if kind in _INT64:
            unsigned = kind in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64)
            return {"type": "string", "format": "uint64" if unsigned else "int64"}
        if kind == FieldDescriptor.TYPE_FLOAT:
            return {"type": "number", "format": "float"}
        return {"type": "number", "format": "double"}

    def enum(self, enum: EnumDescriptor) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "enum": [v.name for v in enum.values]}
        if enum.full_name in self.comments:
            schema["description"] = self.comments[enum.full_name]
        return schema


def _query_parameters(
    schemas: _Schemas, message: Descriptor, prefix: str, json_prefix: str, bound: set[str], depth: int = 0
) -> list[dict[str, Any]]:
    """Query parameters (JSON names, ``a.b`` for nested fields) for every field not bound by path or body."""
    params: list[dict[str, Any]] = []
    for field in message.fields:
        path = f"{prefix}{field.name}"
        json_path = f"{json_prefix}{field.json_name}"
        if path in bound or any(b.startswith(path + ".") for b in bound):
            continue
        if is_map(field):
            continue
        message_type = field.message_type if field.type == FieldDescriptor.TYPE_MESSAGE else None
        if message_type is not None and message_type.full_name not in WELL_KNOWN_SCALARS:
            if not is_repeated(field) and depth < 2:
                params += _query_parameters(
                    schemas, message_type, path + ".", json_path + ".", bound, depth + 1
                )
            continue
        param: dict[str, Any] = {"name": json_path, "in": "query", "schema": schemas.field(field)}
        comment = schemas.comments.get(f"{message.full_name}.{field.name}")
        if comment:
            param["description"] = comment
        if is_repeated(field):
            param["explode"] = True
        params.append(param)
    return params


def _operation(schemas: _Schemas, route: Route, index: int) -> dict[str, Any]:
    method = route.method
    service = method.containing_service
    input_type, output_type = method.input_type, method.output_type
    op: dict[str, Any] = {
        "operationId": f"{service.name}_{method.name}" + (f"_{index}" if index else ""),
        "tags": [service.name],
        "summary": method.name,
        "x-grpc-method": f"{service.full_name}/{method.name}",
    }
    rule = declared_rule(method)
    if rule is not None:
        # The proto's ``(kam.api.v1.authorization)``: a permission, "public" or "signed-in".
        op["x-kam-permission"] = rule.describe()
    comment = schemas.comments.get(method.full_name)
    if comment:
        op["description"] = comment
        op["summary"] = comment.splitlines()[0].rstrip(".。")

    bound: set[str] = set()
    params: list[dict[str, Any]] = []
    _, path_params = route.template.openapi_path()
    for var in route.template.variables:
        bound.add(proto_path(resolve_field_path(input_type, var.field_path)))
    for param in path_params:
        field = resolve_field_path(input_type, param.field_path)[-1]
        schema = (
            schemas.field(field)
            if param.wildcard == "*" and param.name == param.field_path
            else {"type": "string"}
        )
        entry: dict[str, Any] = {
            "name": param.name,
            "in": "path",
            "required": True,
            "schema": schema,
            "x-kam-field": param.field_path,
        }
        if param.name != param.field_path:
            entry["description"] = f"字段 {param.field_path} 的一段 (a segment of field {param.field_path})"
        if param.wildcard == "**":
            entry["description"] = (
                f"字段 {param.field_path} 的其余部分，可含 '/' (rest of {param.field_path})"
            )
        params.append(entry)

    # Not `required`: the gateway reads an empty body as `{}` (the message's required fields are then missing).
    if route.body == "*":
        op["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": schemas.ref(input_type)}},
        }
    elif route.body:
        fields = resolve_field_path(input_type, route.body)
        bound.add(proto_path(fields))
        op["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": schemas.field(fields[-1])}},
        }
    if route.body != "*":
        params += _query_parameters(schemas, input_type, "", "", bound)
    if params:
        op["parameters"] = params

    if route.response_body:
        response_schema = schemas.field(output_type.fields_by_name[route.response_body])
    else:
        response_schema = schemas.ref(output_type)
    if route.server_streaming:
        response_schema = {"type": "array", "items": response_schema}
    op["responses"] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": response_schema}}},
        "default": {
            "description": "错误 (error)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    }
    if method.full_name in PUBLIC_METHODS or (rule is not None and rule.public):
        op["security"] = []
    return op


#: The gateway's own real-time push stream (push.py), not an rpc of any service.
PUSH_OPERATION: dict[str, Any] = {
    "operationId": "Gateway_Push",
    "summary": "实时推送 (Server-Sent Events): the caller's pushed messages",
    "description": "A `text/event-stream` of the signed-in user's messages (notifications, alert changes, "
    "announcements, task changes): `id` the stream sequence, `event` the kind (e.g. `notification.created`), "
    "`data` a `kam.push.v1.PushRequested` as JSON. Reconnect with `Last-Event-ID` to get what was missed. The "
    "stream ends when the token expires.",
    "x-kam-permission": "signed in",
    "x-kam-streaming": True,
    "parameters": [
        {
            "name": "Last-Event-ID",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "pattern": "^[0-9]+$"},
        }
    ],
    "responses": {
        "200": {
            "description": "the event stream",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        "400": {
            "description": "a Last-Event-ID that is not a number",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
        "401": {
            "description": "not signed in",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    },
}


def openapi_document(routes: list[Route], *, title: str = "KAM API", version: str = "v1") -> dict[str, Any]:
    schemas = _Schemas(proto_comments())
    paths: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}
    # Stable order: by path, then method, regardless of matching order.
    for route in sorted(routes, key=lambda r: (r.template.openapi_path()[0], r.http_method)):
        index = seen.get(route.method.full_name, 0)
        seen[route.method.full_name] = index + 1
        item = paths.setdefault(route.template.openapi_path()[0], {})
        if route.http_method.lower() in item:
            log.warning("OpenAPI: %s %s is documented once only", route.http_method, route.template.template)
            continue
        item[route.http_method.lower()] = _operation(schemas, route, index)
    paths["/v1/push"] = {"get": PUSH_OPERATION}
    components = {name: schemas.components[name] for name in sorted(schemas.components)}
    components["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "KAM（重点客户管理）HTTP/JSON API，由 proto 的 google.api.http 注解生成。",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "security": [{"bearerAuth": []}],
    }
