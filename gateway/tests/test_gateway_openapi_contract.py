"""Issue 11 item 16: the OpenAPI document and the gateway agree on what a valid request is.

A real gateway over every ``kam.*`` service (the backends are not needed: what is checked is answered by the
gateway itself), its document fetched over HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from gw_testlib import gateway_settings
from kam_gateway.server import GatewayServer
from kam_kit import auth


@pytest.fixture(scope="module")
async def full_gateway(token_secret) -> AsyncIterator[tuple[httpx.AsyncClient, dict]]:
    gw = GatewayServer(gateway_settings(token_secret), environ={}, instrument=False)
    await gw.start()
    token = auth.issue_service_token("contract-tests", token_secret, permissions=("transactions.ingest",))
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{gw.http_port}", timeout=10, headers={"authorization": auth.bearer(token)}
    ) as client:
        document = (await client.get("/openapi.json")).json()
        yield client, document
    await gw.stop()


def violations(r: httpx.Response) -> list[str]:
    return [v["field"] for d in r.json()["error"]["details"] for v in d.get("fieldViolations", [])]


async def test_item16_required_and_output_only_fields_are_in_the_schema(full_gateway) -> None:
    _, document = full_gateway
    schemas = document["components"]["schemas"]
    with_required = [name for name, s in schemas.items() if s.get("required") and name != "Error"]
    assert len(with_required) > 40  # was 1 of 134 (google.protobuf.Any)
    assert set(schemas["kam.cdc.v1.SourceTransaction"]["required"]) >= {
        "transactionId",
        "accountNumber",
        "direction",
        "amount",
        "postTime",
    }
    assert {"type", "displayName", "idNumber"} <= set(schemas["kam.customer.v1.Customer"]["required"])
    scan_job = schemas["kam.customer.v1.ScanJob"]["properties"]
    assert scan_job["state"]["readOnly"] is True and scan_job["createTime"]["readOnly"] is True
    assert "readOnly" not in scan_job["mode"]


async def test_item16_every_operation_has_its_permission(full_gateway) -> None:
    _, document = full_gateway
    operations = {op["operationId"]: op for item in document["paths"].values() for op in item.values()}
    assert len(operations) > 100
    assert all(op.get("x-kam-permission") for op in operations.values()), [
        name for name, op in operations.items() if not op.get("x-kam-permission")
    ]
    assert operations["ScanService_CreateScanJob"]["x-kam-permission"] == "scans.run"
    assert operations["IngestionService_IngestTransactions"]["x-kam-permission"] == "transactions.ingest"
    assert operations["IdentityService_Login"]["x-kam-permission"] == "public"
    assert operations["IdentityService_Login"]["security"] == []
    assert operations["IdentityService_GetCurrentUser"]["x-kam-permission"] == "signed-in"


async def test_item16_ingest_without_required_fields_is_400_naming_them(full_gateway) -> None:
    client, _ = full_gateway
    r = await client.post(
        "/v1/transactions:ingest",
        json={
            "sourceTransactions": [
                {
                    "transactionId": "t1",
                    "accountNumber": "6222",
                    "direction": "DIRECTION_CREDIT",
                    "amount": {"currencyCode": "CNY", "units": "1"},
                    "postTime": "2026-01-01T00:00:00Z",
                },
                {"accountNumber": "6222", "amount": {"currencyCode": "CNY", "units": "1"}},
            ]
        },
    )
    assert r.status_code == 400, r.text
    assert r.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert violations(r) == [
        "source_transactions[1].transaction_id",
        "source_transactions[1].direction",
        "source_transactions[1].post_time",
    ]


async def test_item16_scan_job_body_must_be_an_object(full_gateway) -> None:
    client, document = full_gateway
    body_schema = document["paths"]["/v1/scanJobs"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert body_schema == {"$ref": "#/components/schemas/kam.customer.v1.ScanJob"}
    for bad in (b"null", b"[]", b'"FULL"', b"3"):
        r = await client.post("/v1/scanJobs", content=bad, headers={"content-type": "application/json"})
        assert r.status_code == 400, (bad, r.text)
        assert violations(r) == ["scan_job"]
    r = await client.post("/v1/scanJobs", json={"mode": "MODE_SIDEWAYS"})
    assert r.status_code == 400 and violations(r) == ["scan_job"]
