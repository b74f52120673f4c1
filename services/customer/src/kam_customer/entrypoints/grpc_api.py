"""The customer service's gRPC API (thin: parse, call the service layer, render)."""

from __future__ import annotations

from kam.customer.v1 import customer_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam.customer.v1 import customer_service_pb2_grpc as pb_grpc
from kam_kit import pagination
from kam_kit.errors import InvalidArgument
from kam_kit.filtering import parse_equalities
from kam_kit.grpcserver import current_identity

from kam_customer.adapters.protomap import (
    TYPE_FROM_PROTO,
    WRITABLE_FIELDS,
    customer_to_proto,
    draft_from_proto,
)
from kam_customer.domain import customers as domain
from kam_customer.service_layer.customers import CustomerService

Customer = customer_pb2.Customer


def _type_filter(value: str) -> str:
    try:
        return TYPE_FROM_PROTO[Customer.Type.Value(value)]
    except (ValueError, KeyError):
        raise ValueError("应为 TYPE_INDIVIDUAL 或 TYPE_CORPORATE") from None


LIST_FILTERS = {"type": _type_filter, "branch": str, "tier": str, "relationship_manager": str}


def _masked() -> bool:
    identity = current_identity()
    if identity is None:
        return True
    return not domain.may_see_pii(frozenset(identity.roles), identity.kind == "service")


class CustomerServicer(pb_grpc.CustomerServiceServicer):
    def __init__(self, customers: CustomerService, page_secret: bytes) -> None:
        self.customers = customers
        self.page_secret = page_secret

    async def CreateCustomer(self, request: pb.CreateCustomerRequest, context) -> pb.CreateCustomerResponse:
        if not request.HasField("customer"):
            raise InvalidArgument.for_field("customer", "必填 (required)")
        row = await self.customers.create(
            draft_from_proto(request.customer), customer_id=request.customer_id, request_id=request.request_id
        )
        return pb.CreateCustomerResponse(customer=customer_to_proto(row, masked=_masked()))

    async def GetCustomer(self, request: pb.GetCustomerRequest, context) -> pb.GetCustomerResponse:
        row = await self.customers.get(request.name)
        return pb.GetCustomerResponse(customer=customer_to_proto(row, masked=_masked()))

    async def ListCustomers(self, request: pb.ListCustomersRequest, context) -> pb.ListCustomersResponse:
        size = pagination.page_size(request.page_size)
        filters = parse_equalities(request.filter, LIST_FILTERS)
        if request.order_by:
            raise InvalidArgument.for_field("order_by", "暂不支持排序 (ordering is not supported yet)")
        cursor = pagination.decode_token(request.page_token, bound_to=request.filter, secret=self.page_secret)
        offset = int(cursor["offset"]) if cursor else 0
        rows, total = await self.customers.list(offset=offset, limit=size, filters=filters)
        masked = _masked()
        next_token = ""
        if offset + len(rows) < total:
            next_token = pagination.encode_token({"offset": offset + len(rows)}, bound_to=request.filter,
                                                 secret=self.page_secret)
        return pb.ListCustomersResponse(
            customers=[customer_to_proto(row, masked=masked) for row in rows],
            next_page_token=next_token, total_size=total,
        )

    async def UpdateCustomer(self, request: pb.UpdateCustomerRequest, context) -> pb.UpdateCustomerResponse:
        if not request.HasField("customer"):
            raise InvalidArgument.for_field("customer", "必填 (required)")
        paths = list(request.update_mask.paths)
        if not paths:  # AIP-134: no mask means every populated field
            paths = [name for name in WRITABLE_FIELDS if getattr(request.customer, name)]
        elif paths == ["*"]:  # full replacement of the writable fields
            paths = list(WRITABLE_FIELDS)
        row = await self.customers.update(
            draft_from_proto(request.customer), name=request.customer.name, etag=request.customer.etag, paths=paths
        )
        return pb.UpdateCustomerResponse(customer=customer_to_proto(row, masked=_masked()))
