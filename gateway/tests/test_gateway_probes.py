"""/healthz, /readyz and /openapi.json."""

from __future__ import annotations

import asyncio

import httpx
from gw_testlib import ECHO_PUBLIC, ECHO_SERVICE, gateway_settings, make_echo_servicer
from kam_devkit.procs import free_port
from kam_gateway.routes import build_routes, discover_services, http_rule
from kam_gateway.server import GatewayServer
from kam_kit.grpcserver import GrpcServer


async def test_healthz(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_readyz_follows_backend_health(echo_pb, token_secret: str) -> None:
    port = free_port()
    services = [echo_pb.service]
    gw = GatewayServer(
        gateway_settings(token_secret),
        services=services,
        environ={"KAM_ECHOTEST_ADDR": f"127.0.0.1:{port}"},
        instrument=False,
        public_methods=ECHO_PUBLIC,
    )
    await gw.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gw.http_port}", timeout=10) as client:
            r = await client.get("/readyz")  # nothing listens on the echo port yet
            assert r.status_code == 503
            assert r.json()["notReady"] == ["echotest"]
            r = await client.get("/v1/shelves/s/things/t")
            assert r.status_code == 503
            assert r.json()["error"]["status"] == "UNAVAILABLE"
            assert str(port) not in r.json()["error"]["message"]  # no transport internals

            backend = GrpcServer("echotest", port, token_secret=token_secret, public_methods=ECHO_PUBLIC)
            backend.add(
                echo_pb.grpc.add_EchoServiceServicer_to_server,
                make_echo_servicer(echo_pb.pb2, echo_pb.grpc),
                ECHO_SERVICE,
            )
            await backend.start()
            try:
                for _ in range(60):  # the channel reconnects with back-off (at most 2 s)
                    r = await client.get("/readyz")
                    if r.status_code == 200:
                        break
                    await asyncio.sleep(0.1)
                assert r.status_code == 200, r.text
                assert r.json()["backends"] == {"echotest": "SERVING"}
                assert (await client.get("/v1/shelves/s/things/t")).status_code == 200
            finally:
                await backend.stop(0)
            r = await client.get("/readyz")
            assert r.status_code == 503
    finally:
        await gw.stop()


async def test_readyz_includes_the_gateways_own_grpc_server(client: httpx.AsyncClient) -> None:
    r = await client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["backends"] == {"echotest": "SERVING", "gateway": "SERVING"}


async def test_openapi_lists_every_http_annotated_method(client: httpx.AsyncClient, echo_pb) -> None:
    doc = (await client.get("/openapi.json")).json()
    assert doc["openapi"].startswith("3.1")
    # every operation is an rpc, except the gateway's own push stream (GET /v1/push)
    assert [
        op["operationId"]
        for item in doc["paths"].values()
        for op in item.values()
        if "x-grpc-method" not in op
    ] == ["Gateway_Push"]
    operations = {
        op["x-grpc-method"] for item in doc["paths"].values() for op in item.values() if "x-grpc-method" in op
    }
    annotated = {f"{ECHO_SERVICE}/{m.name}" for m in echo_pb.service.methods if http_rule(m) is not None}
    assert annotated <= operations
    assert f"{ECHO_SERVICE}/Hidden" not in operations
    assert "kam.identity.v1.IdentityService/Login" in operations

    archived = doc["paths"]["/v1/archive/{archive}"]["get"]  # the additional binding name=archive/**
    assert archived["x-grpc-method"] == f"{ECHO_SERVICE}/GetThing"
    assert archived["operationId"] != doc["paths"]["/v1/shelves/{shelf}/things/{thing}"]["get"]["operationId"]
    patch = doc["paths"]["/v1/shelves/{shelf}/things/{thing}"]["patch"]
    assert [(p["name"], p["x-kam-field"]) for p in patch["parameters"] if p["in"] == "path"] == [
        ("shelf", "thing.name"),
        ("thing", "thing.name"),
    ]
    assert "updateMask" in {p["name"] for p in patch["parameters"] if p["in"] == "query"}
    listing = {p["name"]: p for p in doc["paths"]["/v1/shelves/{shelf}/things"]["get"]["parameters"]}
    assert {"shelf", "pageSize", "inner.level", "kinds", "readMask", "since"} <= set(listing)
    assert "parent" not in listing  # bound by the path
    assert listing["kinds"]["schema"]["type"] == "array"
    assert not any(p["name"].startswith("thing") and p["in"] == "query" for p in patch["parameters"])
    assert doc["paths"]["/v1/auth:login"]["post"]["security"] == []
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "Error" in doc["components"]["schemas"]
    thing = doc["components"]["schemas"]["kam.echotest.v1.Thing"]
    assert thing["properties"]["dueTime"] == {"type": "string", "format": "date-time"}
    assert thing["properties"]["kind"]["enum"][1] == "KIND_CORPORATE"
    stream = doc["paths"]["/v1/shelves/{shelf}/things:watch"]["get"]["responses"]["200"]
    assert stream["content"]["application/json"]["schema"]["type"] == "array"


def test_every_kam_proto_route_compiles() -> None:
    """The real protos: every http rule parses, binds existing fields and no two rules collide."""
    services = discover_services()
    assert any(s.full_name == "kam.identity.v1.IdentityService" for s in services)
    routes = build_routes(services)
    # Client-streaming methods (e.g. IngestionService.StreamTransactions) have no REST form and are skipped.
    annotated = {
        m.full_name
        for s in services
        for m in s.methods
        if http_rule(m) is not None and not m.client_streaming
    }
    assert {r.method.full_name for r in routes} == annotated
