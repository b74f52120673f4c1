"""A real customer service (gRPC) with the small two-branch bank of security_testlib."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from kam.customer.v1 import (
    audit_service_pb2_grpc,
    customer_service_pb2_grpc,
    scan_service_pb2_grpc,
    tier_service_pb2_grpc,
)
from kam_kit.clock import ManualClock
from security_testlib import T0, metadata, seed


@pytest.fixture
async def bank(start_customer_service, token_secret):
    clock = ManualClock(T0 + timedelta(days=1))
    api = await start_customer_service(clock)
    await seed(api.service.db, clock)
    channel = api.channel
    return SimpleNamespace(
        api=api,
        db=api.service.db,
        clock=clock,
        secret=token_secret,
        channel=channel,
        stubs={
            "kam.customer.v1.CustomerService": customer_service_pb2_grpc.CustomerServiceStub(channel),
            "kam.customer.v1.TierService": tier_service_pb2_grpc.TierServiceStub(channel),
            "kam.customer.v1.ScanService": scan_service_pb2_grpc.ScanServiceStub(channel),
            "kam.customer.v1.IngestionService": scan_service_pb2_grpc.IngestionServiceStub(channel),
            "kam.customer.v1.AccessAuditService": audit_service_pb2_grpc.AccessAuditServiceStub(channel),
        },
        md=lambda caller: metadata(caller, token_secret, clock),
    )


@pytest.fixture
async def rest(bank):
    """The real gateway (HTTP, in this process) in front of the bank's customer service, with the demo users;
    ``await rest.login("rm_zhang")`` → headers with that user's bearer token."""
    import httpx
    from kam.identity.v1 import identity_service_pb2
    from kam_gateway.identity.demo_users import DemoDirectory
    from kam_gateway.server import GatewayServer, GatewaySettings
    from kam_kit.settings import Secret

    services = [
        module.DESCRIPTOR.services_by_name[name]
        for module, name in ((identity_service_pb2, "IdentityService"),)
    ] + [stub_service for stub_service in _customer_services()]
    settings = GatewaySettings(
        http_host="127.0.0.1",
        http_port=0,
        grpc_host="127.0.0.1",
        grpc_port=0,
        token_secret=Secret(bank.secret),
        deadline_seconds=10,
        shutdown_grace_seconds=0.5,
    )
    server = GatewayServer(
        settings,
        clock=bank.clock,
        services=services,
        instrument=False,
        environ={"KAM_CUSTOMER_ADDR": f"127.0.0.1:{bank.api.service.grpc.port}"},
        directory=DemoDirectory("demo-pass"),
    )
    await server.start()
    client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.http_port}", timeout=20)

    async def login(username: str) -> dict[str, str]:
        reply = await client.post("/v1/auth:login", json={"username": username, "password": "demo-pass"})
        assert reply.status_code == 200, reply.text
        return {"Authorization": f"Bearer {reply.json()['accessToken']}"}

    yield SimpleNamespace(client=client, login=login)
    await client.aclose()
    await server.stop()


def _customer_services():
    from kam.customer.v1 import audit_service_pb2, customer_service_pb2, scan_service_pb2, tier_service_pb2

    for module in (customer_service_pb2, tier_service_pb2, scan_service_pb2, audit_service_pb2):
        yield from module.DESCRIPTOR.services_by_name.values()
