"""The control center's system health (GET /v1/systemHealth) over real processes in this test: the gateway's
identity service, a real report service, a real NATS JetStream; the other services are not running and must show
as unreachable without failing the call."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
import pytest
from gw_testlib import gateway_settings
from kam.identity.v1 import identity_service_pb2, system_service_pb2
from kam_gateway.identity.demo_users import DemoDirectory
from kam_gateway.identity.domain.passwords import PasswordHashing
from kam_gateway.server import GatewayServer
from kam_kit import events, registry
from kam_kit.settings import ServiceSettings
from kam_report.bootstrap import build as build_report


@pytest.fixture
async def system(nats_url, token_secret, free_port, tmp_path):
    nc = await events.connect(nats_url, name="system-test")
    await events.ensure_stream(
        nc.jetstream(), "customer"
    )  # so the durable consumers of customer events exist
    report = build_report(
        ServiceSettings.from_env(
            "report",
            environ={
                "KAM_TOKEN_SECRET": token_secret,
                "KAM_NATS_URL": nats_url,
                "KAM_REPORT_GRPC_PORT": str(free_port()),
                "KAM_REPORT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'report.db'}",
            },
        )
    )
    await report.start()
    environ = {f"KAM_{entry.name.upper()}_ADDR": f"127.0.0.1:{free_port()}" for entry in registry.services()}
    environ["KAM_REPORT_ADDR"] = f"127.0.0.1:{report.grpc.port}"
    services = [
        system_service_pb2.DESCRIPTOR.services_by_name["SystemService"],
        identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"],
    ]
    gateway = GatewayServer(
        dataclasses.replace(gateway_settings(token_secret), nats_url=nats_url),
        services=services,
        environ=environ,
        instrument=False,
        directory=DemoDirectory("demo-pass"),
        hashing=PasswordHashing(time_cost=1, memory_cost_kib=8, parallelism=1),
    )
    await gateway.start()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gateway.http_port}", timeout=30) as client:

        async def headers(username: str) -> dict[str, str]:
            reply = await client.post("/v1/auth:login", json={"username": username, "password": "demo-pass"})
            return {"authorization": f"Bearer {reply.json()['accessToken']}"}

        yield client, headers
    await gateway.stop()
    await report.stop()
    await nc.close()


async def test_system_health_shows_every_process_and_consumer_lag(system) -> None:
    client, headers = system
    admin = await headers("admin")
    health: dict = {}
    for _ in range(100):  # until the durable consumers exist on the broker
        health = (await client.get("/v1/systemHealth", headers=admin)).json()
        names = {c["consumer"] for c in health.get("consumers", [])}
        if {"report-customer", "identity-customer"} <= names:
            break
        await asyncio.sleep(0.1)
    services = {s["service"]: s for s in health["services"]}
    assert list(services) == [entry.name for entry in registry.processes()]  # every process, in start order
    assert services["report"]["state"] == "SERVING" and services["report"]["version"] == "0.1.0"
    assert services["report"]["startTime"] and int(services["report"].get("outboxPending", 0)) == 0
    assert services["gateway"]["state"] == "SERVING"
    assert services["customer"]["state"] == "UNREACHABLE" and services["customer"]["error"]
    assert health["brokerConnected"] is True and health["healthy"] is False
    assert {"report-customer", "identity-customer"} <= {c["consumer"] for c in health["consumers"]}
    assert all(
        c["stream"] == "KAM_CUSTOMER" for c in health["consumers"] if c["consumer"] == "report-customer"
    )


async def test_system_health_needs_its_permission(system) -> None:
    client, headers = system
    denied = await client.get("/v1/systemHealth", headers=await headers("hq_leader"))
    assert denied.status_code == 403
