"""gRPC status → HTTP status and Google's JSON error shape.

``{"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "...", "details": [...]}}`` where the
details are the ``google.rpc`` messages the service attached (``grpc-status-details-bin``) in their JSON form
with an ``@type``, e.g. a BadRequest with ``fieldViolations``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

import grpc
from google.protobuf import any_pb2, duration_pb2, json_format
from google.rpc import error_details_pb2, status_pb2
from kam_kit.errors import bounded

log = logging.getLogger(__name__)

HTTP_STATUS: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.OK: 200,
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNKNOWN: 500,
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.INTERNAL: 500,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DATA_LOSS: 500,
}

_TRANSPORT_MESSAGES = {
    grpc.StatusCode.UNAVAILABLE: "后端服务暂不可用，请稍后重试 (backend service unavailable, try again later)",
    grpc.StatusCode.DEADLINE_EXCEEDED: "后端服务响应超时 (backend service did not answer in time)",
    grpc.StatusCode.UNKNOWN: "后端服务出错 (backend service error)",
    grpc.StatusCode.INTERNAL: "内部错误 (internal error)",
    grpc.StatusCode.CANCELLED: "请求已取消 (request cancelled)",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "请求过多，请稍后重试 (too many requests)",
}
_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}
DETAILS_KEY = "grpc-status-details-bin"


def http_status(code: grpc.StatusCode) -> int:
    return HTTP_STATUS.get(code, 500)


#: The gRPC code named in the body of an error the gateway (or Starlette) answers by HTTP status alone.
CODE_FOR_HTTP: dict[int, grpc.StatusCode] = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    404: grpc.StatusCode.NOT_FOUND,
    405: grpc.StatusCode.UNIMPLEMENTED,
    409: grpc.StatusCode.ABORTED,
    413: grpc.StatusCode.INVALID_ARGUMENT,
    414: grpc.StatusCode.INVALID_ARGUMENT,
    429: grpc.StatusCode.RESOURCE_EXHAUSTED,
    500: grpc.StatusCode.INTERNAL,
    501: grpc.StatusCode.UNIMPLEMENTED,
    503: grpc.StatusCode.UNAVAILABLE,
    504: grpc.StatusCode.DEADLINE_EXCEEDED,
}
DOMAIN = "gateway.kam"


def http_reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def error_body(code: grpc.StatusCode, message: str, details: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    return {
        "error": {
            "code": http_status(code),
            "status": code.name,
            "message": bounded(message),  # may quote a path or value the caller sent
            "details": list(details),
        }
    }


def gateway_error(status: int, code: grpc.StatusCode, message: str) -> tuple[int, dict[str, Any]]:
    """An error answered by the gateway itself whose HTTP status is not the code's usual one (405, 413, 414)."""
    body = error_body(code, message)
    body["error"]["code"] = status
    return status, body


def unauthenticated(message: str, reason: str) -> tuple[int, dict[str, Any]]:
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN))
    return 401, error_body(grpc.StatusCode.UNAUTHENTICATED, message, [detail_to_json(info)])


def forbidden(message: str, reason: str) -> tuple[int, dict[str, Any]]:
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN))
    return 403, error_body(grpc.StatusCode.PERMISSION_DENIED, message, [detail_to_json(info)])


def rate_limited(message: str, seconds: int) -> tuple[int, dict[str, Any]]:
    """429 answered by the gateway itself, with the reason and a ``RetryInfo`` (and ``Retry-After`` by the caller)."""
    info, retry = any_pb2.Any(), any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason="RATE_LIMITED", domain=DOMAIN))
    delay = duration_pb2.Duration(seconds=seconds)
    retry.Pack(error_details_pb2.RetryInfo(retry_delay=delay))
    return 429, error_body(
        grpc.StatusCode.RESOURCE_EXHAUSTED, message, [detail_to_json(info), detail_to_json(retry)]
    )


def retry_after_seconds(body: dict[str, Any]) -> int | None:
    """Whole seconds from a ``RetryInfo`` detail of an error body (for the ``Retry-After`` header), if any."""
    for detail in body.get("error", {}).get("details", []):
        if detail.get("@type", "").endswith("/google.rpc.RetryInfo"):
            delay = str(detail.get("retryDelay", "0s")).removesuffix("s")
            try:
                return max(1, math.ceil(float(delay)))
            except ValueError:
                return None
    return None


def detail_to_json(detail: any_pb2.Any) -> dict[str, Any]:
    try:
        return json_format.MessageToDict(detail)
    except (json_format.Error, TypeError, KeyError):  # a detail type this gateway does not know
        return {"@type": detail.type_url}


def status_from_metadata(metadata: Iterable[tuple[str, str | bytes]] | None) -> status_pb2.Status | None:
    for key, value in metadata or ():
        if key == DETAILS_KEY and isinstance(value, bytes):
            try:
                return status_pb2.Status.FromString(value)
            except Exception:  # noqa: BLE001 - a malformed trailer must not hide the real error
                log.warning("malformed %s trailer", DETAILS_KEY)
                return None
    return None


def from_rpc_error(error: grpc.aio.AioRpcError) -> tuple[int, dict[str, Any]]:
    """HTTP status and body for a failed backend call."""
    code = error.code()
    status = status_from_metadata(error.trailing_metadata())
    if status is not None and _BY_NUMBER.get(status.code) == code:
        message = status.message or code.name
        details = [detail_to_json(d) for d in status.details]
    elif code in _TRANSPORT_MESSAGES:
        # No service-made status: gRPC's own text names hosts and ports; say it plainly instead.
        message, details = _TRANSPORT_MESSAGES[code], []
    else:
        message, details = error.details() or code.name, []
    return http_status(code), error_body(code, message, details)


def bad_request(message: str, *fields: str, description: str | None = None) -> tuple[int, dict[str, Any]]:
    """400 INVALID_ARGUMENT; a ``BadRequest`` names each field (``description``, by default the message)."""
    details = []
    if fields:
        description = description or message
        packed = any_pb2.Any()
        packed.Pack(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field=bounded(f), description=bounded(description)
                    )
                    for f in fields
                ]
            )
        )
        details.append(detail_to_json(packed))
    return 400, error_body(grpc.StatusCode.INVALID_ARGUMENT, message, details)
