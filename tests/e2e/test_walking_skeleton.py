"""The walking skeleton: one request through every part, as real processes.

REST create through the gateway → customer service stores the customer and its CustomerCreated event (outbox)
→ JetStream → the report and alert services apply it → a REST read through the gateway returns the report's
count. One trace links gateway → customer → NATS → report.
"""

from __future__ import annotations

import asyncio
import os

import grpc
import httpx
import pytest
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from kam_kit import registry

from tests.e2e.helpers import resident_id
from tests.e2e.otlp_collector import Collector

pytestmark = pytest.mark.e2e

SERVICES = tuple(entry.name for entry in registry.processes({}))


EXPECTED_APIS = {
    "gateway": {"kam.identity.v1.IdentityService"},
    "customer": {"kam.customer.v1.CustomerService"},
    "alert": {"kam.alert.v1.AlertService"},
    "task": {"kam.task.v1.TaskService", "kam.task.v1.CampaignService", "kam.task.v1.TaskAutomationService"},
    "notice": {"kam.notice.v1.AnnouncementService", "kam.notice.v1.NotificationService"},
    "report": {"kam.report.v1.ReportService"},
}


async def _reflected_services(address: str) -> set[str]:
    """What ``grpcurl list`` shows: the services a server describes through reflection."""
    async with grpc.aio.insecure_channel(address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        call = stub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5
        )
        async for response in call:
            return {s.name for s in response.list_services_response.service}
    return set()


@pytest.fixture
async def collector():
    collector = Collector()
    endpoint = await collector.start()
    yield collector, endpoint
    await collector.stop()


async def _login(client: httpx.AsyncClient) -> dict[str, str]:
    password = os.environ.get("KAM_DEMO_PASSWORD", "kam-demo-2026")
    reply = await client.post("/v1/auth:login", json={"username": "admin", "password": password})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['accessToken']}"}


async def _poll_json(client, path, headers, key, expected, timeout=30.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    body = {}
    while loop.time() < deadline:
        reply = await client.get(path, headers=headers)
        body = reply.json()
        if reply.status_code == 200 and str(body.get(key)) == str(expected):
            return body
        await asyncio.sleep(0.2)
    return body


async def test_create_over_rest_is_counted_by_report_in_one_trace(kam_processes, collector) -> None:
    spans, endpoint = collector
    kam = kam_processes(
        *SERVICES,
        env={
            "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
            "OTEL_EXPORTER_OTLP_INSECURE": "true",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "OTEL_METRIC_EXPORT_INTERVAL": "600000",
        },
    )
    async with httpx.AsyncClient(base_url=kam.gateway_url, timeout=10) as client:
        assert (await client.get("/readyz")).status_code == 200
        headers = await _login(client)
        created = await client.post(
            "/v1/customers",
            headers=headers,
            json={
                "type": "TYPE_INDIVIDUAL",
                "displayName": "张伟",
                "idNumber": resident_id(7),
                "phone": "13812345678",
            },
        )
        assert created.status_code == 200, created.text
        customer = created.json()
        assert customer["name"].startswith("customers/")
        assert customer["idNumber"] == resident_id(7) and not customer["masked"]  # admin sees PII

        stats = await _poll_json(client, "/v1/customerStats", headers, "customerCount", 1)
        assert stats.get("customerCount") in ("1", 1), stats
        alert = await _poll_json(client, "/v1/alertMonitoringStats", headers, "watchedCustomerCount", 1)
        assert alert.get("watchedCustomerCount") in ("1", 1), alert

    for name, api in EXPECTED_APIS.items():
        assert api <= await _reflected_services(kam.grpc_addr(name)), name

    wanted = {("kam-gateway", "kam-customer"), ("kam-customer", "kam-report")}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    edges: set = set()
    while loop.time() < deadline:
        for trace_spans in spans.traces().values():
            edges = spans.service_edges(trace_spans)
            if (
                wanted <= edges
                and any(s.name.endswith("CustomerCreated publish") for s in trace_spans)
                and any(
                    s.service == "kam-report" and s.name.endswith("CustomerCreated process")
                    for s in trace_spans
                )
            ):
                return
        await asyncio.sleep(0.3)
    pytest.fail(
        f"no trace links gateway → customer → NATS → report; service edges seen: {edges}; "
        f"{len(spans.spans)} spans from {sorted({s.service for s in spans.spans})}"
    )


async def test_bad_input_over_rest_names_the_field(kam_processes) -> None:
    kam = kam_processes("customer", "gateway")
    async with httpx.AsyncClient(base_url=kam.gateway_url, timeout=10) as client:
        headers = await _login(client)
        empty = await client.post(
            "/v1/customers",
            headers=headers,
            json={"type": "TYPE_INDIVIDUAL", "displayName": "", "idNumber": resident_id(1)},
        )
        assert empty.status_code == 400
        fields = [v["field"] for d in empty.json()["error"]["details"] for v in d.get("fieldViolations", [])]
        assert fields == ["customer.display_name"]
        malformed = await client.post(
            "/v1/customers",
            headers=headers,
            json={"type": "TYPE_INDIVIDUAL", "displayName": "李四", "idNumber": "12345"},
        )
        assert malformed.status_code == 400
        assert "customer.id_number" in malformed.text
        assert (await client.get("/v1/nothing-here", headers=headers)).status_code == 404
        not_json = await client.post(
            "/v1/customers",
            headers=headers,
            content=b"{not json",
        )
        assert not_json.status_code == 400 and not_json.json()["error"]["status"] == "INVALID_ARGUMENT"
        anonymous = await client.get("/v1/customers")
        assert anonymous.status_code == 401
        forged = await client.get("/v1/customers", headers={"Authorization": "Bearer abc.def.ghi"})
        assert forged.status_code == 401
