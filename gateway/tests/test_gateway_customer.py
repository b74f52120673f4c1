"""The real ``kam.customer.v1`` proto behind a plain grpc.aio server (no KAM bootstrap), through the gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import httpx
import pytest
from grpc_status import rpc_status
from gw_testlib import gateway_settings
from kam.customer.v1 import customer_pb2, customer_service_pb2, customer_service_pb2_grpc
from kam_gateway.server import GatewayServer
from kam_kit import auth
from kam_kit.errors import KamError, NotFound, Validator, to_rpc_status


class CustomerStub(customer_service_pb2_grpc.CustomerServiceServicer):
    """CreateCustomer/GetCustomer in memory; errors as google.rpc.Status with details."""

    def __init__(self) -> None:
        self.customers: dict[str, customer_pb2.Customer] = {}
        self.seen_authorization: list[str] = []
        self.request_ids: list[str] = []
        self.key_date_requests: list[customer_service_pb2.ListKeyDatesRequest] = []

    async def _abort(self, context: grpc.aio.ServicerContext, error: KamError) -> None:
        await context.abort_with_status(rpc_status.to_status(to_rpc_status(error, "customer.kam")))

    async def CreateCustomer(self, request, context):
        self.seen_authorization.append(dict(context.invocation_metadata()).get("authorization", ""))
        self.request_ids.append(request.request_id)
        v = Validator()
        v.require(request.customer.display_name, "customer.display_name", "客户名称不能为空 (required)")
        try:
            v.raise_if_any()
        except KamError as exc:
            await self._abort(context, exc)
        customer = customer_pb2.Customer()
        customer.CopyFrom(request.customer)
        customer.name = f"customers/{request.customer_id or len(self.customers) + 1}"
        self.customers[customer.name] = customer
        return customer_service_pb2.CreateCustomerResponse(customer=customer)

    async def GetCustomer(self, request, context):
        if request.name not in self.customers:
            await self._abort(context, NotFound(f"客户 {request.name} 不存在 (not found)"))
        return customer_service_pb2.GetCustomerResponse(customer=self.customers[request.name])

    async def ListKeyDates(self, request, context):
        self.key_date_requests.append(request)
        return customer_service_pb2.ListKeyDatesResponse(
            key_dates=[
                customer_pb2.KeyDate(
                    customer="customers/c-001",
                    kind=customer_pb2.KEY_DATE_KIND_DEPOSIT_MATURITY,
                    date={"year": 2026, "month": 3, "day": 5},
                    amount={"currency_code": "CNY", "units": 2000000},
                )
            ]
        )


@pytest.fixture(scope="module")
async def customer_backend() -> AsyncIterator[tuple[CustomerStub, int]]:
    server = grpc.aio.server()
    stub = CustomerStub()
    customer_service_pb2_grpc.add_CustomerServiceServicer_to_server(stub, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield stub, port
    await server.stop(0)


@pytest.fixture(scope="module")
async def customer_client(customer_backend, token_secret) -> AsyncIterator[httpx.AsyncClient]:
    _, port = customer_backend
    service = customer_service_pb2.DESCRIPTOR.services_by_name["CustomerService"]
    gw = GatewayServer(
        gateway_settings(token_secret),
        services=[service],
        environ={"KAM_CUSTOMER_ADDR": f"127.0.0.1:{port}"},
        instrument=False,
    )
    await gw.start()
    token = auth.bearer(auth.issue_service_token("gateway-tests", token_secret))
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{gw.http_port}", timeout=10, headers={"authorization": token}
    ) as client:
        yield client
    await gw.stop()


async def test_create_and_get_customer(customer_client: httpx.AsyncClient, customer_backend) -> None:
    stub, _ = customer_backend
    r = await customer_client.post(
        "/v1/customers?customerId=c-001",
        json={
            "displayName": "上海某某实业有限公司",
            "type": "TYPE_CORPORATE",
            "idNumber": "91310000MA1FL0000X",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "customers/c-001"  # response_body: "customer"
    assert r.json()["type"] == "TYPE_CORPORATE"
    assert stub.seen_authorization[-1] == customer_client.headers["authorization"]  # forwarded as sent

    r = await customer_client.get("/v1/customers/c-001")
    assert r.status_code == 200
    assert r.json()["displayName"] == "上海某某实业有限公司"


async def test_empty_display_name_is_400_with_field_violation(customer_client: httpx.AsyncClient) -> None:
    r = await customer_client.post(
        "/v1/customers", json={"displayName": "", "type": "TYPE_CORPORATE", "idNumber": "91310000MA1FL0000X"}
    )
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    violations = [v for d in error["details"] for v in d.get("fieldViolations", [])]
    assert violations == [{"field": "customer.display_name", "description": "客户名称不能为空 (required)"}]
    info = next(d for d in error["details"] if d["@type"].endswith("google.rpc.ErrorInfo"))
    assert info["domain"] == "customer.kam"


async def test_missing_required_fields_are_named_by_the_gateway(customer_client: httpx.AsyncClient) -> None:
    # REQUIRED (google.api.field_behavior) keys absent from the body: 400 before the service is called, the same
    # rule as the OpenAPI document's `required`. Present but empty is the service's to judge (test above).
    r = await customer_client.post("/v1/customers", json={"displayName": "某公司"})
    assert r.status_code == 400
    violations = [v for d in r.json()["error"]["details"] for v in d.get("fieldViolations", [])]
    assert [v["field"] for v in violations] == ["customer.type", "customer.id_number"]


async def test_unknown_customer_is_404(customer_client: httpx.AsyncClient) -> None:
    r = await customer_client.get("/v1/customers/nope")
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "客户 customers/nope 不存在 (not found)"


async def test_unimplemented_method_is_501(customer_client: httpx.AsyncClient) -> None:
    r = await customer_client.get("/v1/customers")
    assert r.status_code == 501
    assert r.json()["error"]["status"] == "UNIMPLEMENTED"


async def test_idempotency_key_becomes_the_request_id(
    customer_client: httpx.AsyncClient, customer_backend
) -> None:
    stub, _ = customer_backend
    body = {"displayName": "某公司", "type": "TYPE_CORPORATE", "idNumber": "91310000MA1FL0000X"}
    r = await customer_client.post("/v1/customers", json=body, headers={"idempotency-key": "create-7f3a"})
    assert r.status_code == 200 and stub.request_ids[-1] == "create-7f3a"
    r = await customer_client.post(
        "/v1/customers?requestId=explicit", json=body, headers={"idempotency-key": "ignored"}
    )
    assert r.status_code == 200 and stub.request_ids[-1] == "explicit"  # the request's own value wins
    r = await customer_client.get("/v1/customers/c-001", headers={"idempotency-key": "k"})
    assert r.status_code == 400 and "Idempotency-Key" in r.text  # a read has nothing to de-duplicate
    r = await customer_client.get("/v1/customers/c-001", headers={"if-match": '"v1"'})
    assert r.status_code == 400 and "If-Match" in r.text


async def test_key_dates_of_all_customers_in_scope(
    customer_client: httpx.AsyncClient, customer_backend
) -> None:
    stub, _ = customer_backend
    r = await customer_client.get(
        "/v1/customers/-/keyDates", params={"filter": "date >= 2026-03-01", "pageSize": 20}
    )
    assert r.status_code == 200, r.text
    request = stub.key_date_requests[-1]
    assert (request.parent, request.filter, request.page_size) == ("customers/-", "date >= 2026-03-01", 20)
    (key_date,) = r.json()["keyDates"]
    assert key_date["kind"] == "KEY_DATE_KIND_DEPOSIT_MATURITY"
    assert key_date["date"] == {"year": 2026, "month": 3, "day": 5}
    assert key_date["amount"]["units"] == "2000000"
