"""Domain errors and their canonical gRPC form.

Services raise these from any layer; the gRPC error interceptor (``kam_kit.grpcserver``) turns them into a
``google.rpc.Status`` with the canonical code, an ``ErrorInfo`` (reason + domain) and, for bad input, a
``BadRequest`` listing every field violation. Anything else that escapes a handler becomes ``INTERNAL``
without leaking its message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

#: Longest message, field path, description or metadata value sent back in a status. Error texts may quote the
#: caller's input (a resource name, a filter); a 4,000-character value echoed into the ``grpc-message`` and
#: ``grpc-status-details-bin`` trailers overflows gRPC's 8 KiB metadata limit, which the client then reports as
#: ``RESOURCE_EXHAUSTED`` instead of the real error.
MAX_TEXT_CHARS = 300


def bounded(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``text`` cut to ``limit`` characters (``…`` marks the cut), so an error never echoes a huge input back."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str


@dataclass
class KamError(Exception):
    """Base of every error a KAM service raises on purpose."""

    message: str
    reason: str = "ERROR"
    metadata: dict[str, str] = field(default_factory=dict)

    code = grpc.StatusCode.UNKNOWN

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:  # dataclass would otherwise print every field
        return self.message

    def details(self) -> list:
        return []


@dataclass
class InvalidArgument(KamError):
    violations: list[FieldViolation] = field(default_factory=list)
    reason: str = "INVALID_ARGUMENT"
    code = grpc.StatusCode.INVALID_ARGUMENT

    @classmethod
    def for_field(cls, field_path: str, description: str) -> InvalidArgument:
        return cls(f"{field_path}: {description}", violations=[FieldViolation(field_path, description)])

    def details(self) -> list:
        return [
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                    for v in self.violations
                ]
            )
        ]


@dataclass
class NotFound(KamError):
    reason: str = "NOT_FOUND"
    code = grpc.StatusCode.NOT_FOUND


@dataclass
class AlreadyExists(KamError):
    reason: str = "ALREADY_EXISTS"
    code = grpc.StatusCode.ALREADY_EXISTS


@dataclass
class Aborted(KamError):
    """A concurrency conflict, e.g. a stale etag."""

    reason: str = "ETAG_MISMATCH"
    code = grpc.StatusCode.ABORTED


def concurrent_conflict(exc: BaseException) -> Aborted | None:
    """A unique-key violation raised by the database while committing: two requests raced for the same key (a
    tier rank, a group member, an id). Answered as ``ABORTED`` — retry — instead of an internal error."""
    from sqlalchemy.exc import IntegrityError

    if not isinstance(exc, IntegrityError):
        return None
    original = exc.orig
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if sqlstate == "23505" or "UNIQUE constraint failed" in str(original) or "duplicate key" in str(original):
        return Aborted(
            "并发冲突：数据刚被他人修改，请重试 (concurrent change, please retry)", reason="CONCURRENT_CHANGE"
        )
    return None


@dataclass
class FailedPrecondition(KamError):
    reason: str = "FAILED_PRECONDITION"
    code = grpc.StatusCode.FAILED_PRECONDITION


@dataclass
class PermissionDenied(KamError):
    reason: str = "PERMISSION_DENIED"
    code = grpc.StatusCode.PERMISSION_DENIED


@dataclass
class Unauthenticated(KamError):
    reason: str = "UNAUTHENTICATED"
    code = grpc.StatusCode.UNAUTHENTICATED


@dataclass
class ResourceExhausted(KamError):
    """Too many attempts (throttling): the caller may retry after ``retry_after`` (sent as a ``RetryInfo``)."""

    retry_after: timedelta = timedelta(0)
    reason: str = "RESOURCE_EXHAUSTED"
    code = grpc.StatusCode.RESOURCE_EXHAUSTED

    def details(self) -> list:
        delay = duration_pb2.Duration()
        delay.FromTimedelta(self.retry_after)
        return [error_details_pb2.RetryInfo(retry_delay=delay)]


@dataclass
class Unavailable(KamError):
    reason: str = "UNAVAILABLE"
    code = grpc.StatusCode.UNAVAILABLE


class Validator:
    """Collects field violations so one response names every bad field.

    >>> v = Validator()
    >>> v.require(name, "customer.display_name", "不能为空")
    >>> v.raise_if_any()
    """

    def __init__(self) -> None:
        self.violations: list[FieldViolation] = []

    def add(self, field_path: str, description: str) -> None:
        self.violations.append(FieldViolation(field_path, description))

    def check(self, ok: bool, field_path: str, description: str) -> bool:
        if not ok:
            self.add(field_path, description)
        return ok

    def require(self, value: object, field_path: str, description: str = "必填 (required)") -> bool:
        return self.check(
            bool(value if not isinstance(value, str) else value.strip()), field_path, description
        )

    def request_id(self, value: str, field_path: str = "request_id") -> bool:
        """An idempotency key (a UUID is 36 characters): at most 64, no NUL — what the stores' columns hold."""
        return self.check(
            len(value) <= 64 and "\x00" not in value,
            field_path,
            "最长 64 字符，不含空字符 (at most 64 characters, no NUL)",
        )

    def raise_if_any(self, message: str = "请求参数无效 (invalid argument)") -> None:
        if self.violations:
            fields = ", ".join(v.field for v in self.violations)
            raise InvalidArgument(f"{message}: {fields}", violations=list(self.violations))


def to_rpc_status(error: KamError, domain: str) -> status_pb2.Status:
    """The ``google.rpc.Status`` for a domain error, with ErrorInfo first and any other details after."""
    metadata = {key: bounded(value) for key, value in error.metadata.items()}
    info = error_details_pb2.ErrorInfo(reason=error.reason, domain=domain, metadata=metadata)
    details = []
    for message in [info, *error.details()]:
        if isinstance(message, error_details_pb2.BadRequest):
            for violation in message.field_violations:
                violation.field = bounded(violation.field)
                violation.description = bounded(violation.description)
        packed = any_pb2.Any()
        packed.Pack(message)
        details.append(packed)
    return status_pb2.Status(code=error.code.value[0], message=bounded(error.message), details=details)


def internal_status(domain: str) -> status_pb2.Status:
    info = any_pb2.Any()
    info.Pack(error_details_pb2.ErrorInfo(reason="INTERNAL", domain=domain))
    return status_pb2.Status(code=code_pb2.INTERNAL, message="内部错误 (internal error)", details=[info])
