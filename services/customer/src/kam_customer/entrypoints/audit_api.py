"""The audit trail's gRPC side: :func:`audited` writes the access record of each call that showed personal data
unmasked, and :class:`AccessAuditServicer` (``kam.customer.v1.AccessAuditService``) reads the trail."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from google.protobuf.descriptor import ServiceDescriptor
from kam.customer.v1 import audit_service_pb2 as pb
from kam.customer.v1 import audit_service_pb2_grpc as pb_grpc
from kam.customer.v1 import customer_pb2
from kam_kit import pagination
from kam_kit.errors import InvalidArgument, PermissionDenied
from kam_kit.filtering import timestamp
from kam_kit.grpcserver import current_identity, current_request_id
from opentelemetry import trace

from kam_customer.adapters.orm import AccessRecordRow
from kam_customer.domain import customers as domain
from kam_customer.service_layer import audit, filters
from kam_customer.service_layer.audit import AccessAudit, record_to_proto

RECORD_FILTERS = {
    "actor": filters.Field(AccessRecordRow.actor, str),
    "method": filters.Field(AccessRecordRow.method, str),
    "access_time": filters.Field(AccessRecordRow.access_time, timestamp, filters.ORDERING),
    "customer": filters.Field(audit.CustomerColumn(), lambda value: value.removeprefix("customers/")),
}


def may_see_personal_data() -> bool:
    """Whether the caller may see personal data unmasked (``customers.pii.read``)."""
    identity = current_identity()
    return identity is not None and identity.can(domain.PII_PERMISSION)


def sees_personal_data() -> bool:
    """Whether this response shows personal data unmasked: the caller may see it and did not ask for the masked
    view (``pii_view = PII_VIEW_MASKED``). The one masking decision of the service's answers."""
    return may_see_personal_data() and not audit.masked_view()


VIEWS = frozenset(customer_pb2.PiiView.values())
MAX_REASON = 200


def requested_reason(request) -> str:
    """The request's ``pii_reason`` (why personal data is shown), at most 200 characters."""
    reason = getattr(request, "pii_reason", "").strip()
    if len(reason) > MAX_REASON:
        raise InvalidArgument.for_field(
            "pii_reason", f"最多 {MAX_REASON} 个字符 (at most {MAX_REASON} characters)"
        )
    return reason


def requested_view(request) -> int:
    """The request's ``pii_view`` (UNSPECIFIED for requests without one), checked before the call runs:
    ``PII_VIEW_UNMASKED`` without ``customers.pii.read`` is PERMISSION_DENIED (nothing read, nothing written)."""
    view = getattr(request, "pii_view", customer_pb2.PII_VIEW_UNSPECIFIED)
    if view not in VIEWS:
        raise InvalidArgument.for_field(
            "pii_view",
            "应为 PII_VIEW_MASKED、PII_VIEW_BASIC 或 PII_VIEW_UNMASKED (one of PII_VIEW_MASKED, PII_VIEW_BASIC, "
            "PII_VIEW_UNMASKED)",
        )
    if view == customer_pb2.PII_VIEW_UNMASKED and not may_see_personal_data():
        raise PermissionDenied(
            "无权查看未脱敏的个人信息：需要权限 customers.pii.read "
            "(showing personal data unmasked needs the customers.pii.read permission)",
            reason="PII_VIEW_DENIED",
        )
    return view


def masked_for_caller(shown: Callable[[Iterable], None], rows: Iterable) -> bool:
    """Whether personal data in this response is masked for the caller. When it is not, ``shown(rows)`` notes
    what the response reveals (``audit.customers_shown`` …) for the access record written before it returns
    (see ``audit_api.audited``): no unmasked rendering without its audit note."""
    masked = not sees_personal_data()
    if not masked:
        shown(rows)
    return masked


def _trace_id() -> str:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else ""


def audited(service: ServiceDescriptor):
    """Class decorator for a servicer of ``service``: each of its RPCs collects what it shows unmasked (see
    :mod:`kam_customer.service_layer.audit`) and, before returning, writes the access record through the
    servicer's ``access_audit`` (an :class:`AccessAudit`). A failed write fails the call."""

    def wrap(behaviour, method: str):
        @functools.wraps(behaviour)
        async def call(self, request, context):
            with audit.collecting(requested_view(request), requested_reason(request)) as disclosure:
                response = await behaviour(self, request, context)
            if disclosure.kinds:  # something was shown unmasked (else nothing to record, nor to look up)
                identity, request_id = current_identity(), current_request_id()
                await self.access_audit.record(
                    identity, method, disclosure, request_id=request_id, trace_id=_trace_id()
                )
            return response

        return call

    def decorate(cls):
        for method in service.methods:  # also the ones mixins or the generated base (UNIMPLEMENTED) provide
            if method.server_streaming:
                raise TypeError(f"{method.full_name}: streamed responses cannot be audited before they leave")
            setattr(cls, method.name, wrap(getattr(cls, method.name), method.full_name))
        return cls

    return decorate


class AccessAuditServicer(pb_grpc.AccessAuditServiceServicer):
    def __init__(self, access_audit: AccessAudit, page_secret: bytes) -> None:
        self.access_audit = access_audit
        self.page_secret = page_secret

    async def GetAccessRecord(
        self, request: pb.GetAccessRecordRequest, context
    ) -> pb.GetAccessRecordResponse:
        row, customers = await self.access_audit.get(request.name)
        return pb.GetAccessRecordResponse(access_record=record_to_proto(row, customers))

    async def ListAccessRecords(
        self, request: pb.ListAccessRecordsRequest, context
    ) -> pb.ListAccessRecordsResponse:
        size = pagination.page_size(request.page_size, maximum=500)
        conditions = filters.parse(request.filter, RECORD_FILTERS)
        cursor = pagination.decode_token(request.page_token, bound_to=request.filter, secret=self.page_secret)
        page, more = await self.access_audit.list(
            conditions, before_seq=cursor["seq"] if cursor else None, limit=size
        )
        token = ""
        if more:
            token = pagination.encode_token(
                {"seq": page[-1][0].seq}, bound_to=request.filter, secret=self.page_secret
            )
        return pb.ListAccessRecordsResponse(
            access_records=[record_to_proto(row, customers) for row, customers in page], next_page_token=token
        )
