"""Issue 11, bad input: items 9, 11, 13, 14 and 15, over real HTTP to the real gateway and real gRPC backends."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import grpc
import httpx
import pytest
from gw_testlib import gateway_settings
from kam_gateway.identity.demo_users import DemoDirectory
from kam_gateway.identity.throttle import ThrottleSettings
from kam_gateway.server import GatewayServer
from kam_kit import auth
from kam_kit.clock import ManualClock
from kam_kit.errors import MAX_TEXT_CHARS

PASSWORD = "demo-pass"


def assert_json_error(r: httpx.Response, status: int, code: str) -> dict:
    """The documented error body: ``{"error": {"code", "status", "message", "details"}}`` as application/json."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json"), r.headers["content-type"]
    error = r.json()["error"]
    assert set(error) == {"code", "status", "message", "details"}
    assert error["code"] == status
    assert error["status"] == code
    assert isinstance(error["details"], list)
    return error


def field_violations(error: dict) -> list[str]:
    return [v["field"] for d in error["details"] for v in d.get("fieldViolations", [])]


@pytest.fixture
async def strict_gateway(echo_pb, echo_backend, token_secret) -> AsyncIterator[GatewayServer]:
    """A gateway in front of the echo backend that treats no echo method as public (as every KAM rpc but sign-in),
    with its own clock and login throttle, and a raised parameter limit (to show the services' own bound)."""
    from kam.identity.v1 import identity_service_pb2

    services = [echo_pb.service, identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"]]
    settings = dataclasses.replace(
        gateway_settings(token_secret),
        max_param_chars=10_000,
        max_url_chars=20_000,
        login_throttle=ThrottleSettings(
            account_free=5,
            base_delay=timedelta(seconds=2),
            max_delay=timedelta(minutes=15),
            address_max=30,
            window=timedelta(minutes=15),
        ),
    )
    clock = ManualClock()
    server = GatewayServer(
        settings,
        clock=clock,
        services=services,
        instrument=False,
        environ={"KAM_ECHOTEST_ADDR": f"127.0.0.1:{echo_backend.port}"},
        directory=DemoDirectory(PASSWORD),
    )
    await server.start()
    server.test_clock = clock  # type: ignore[attr-defined]
    yield server
    await server.stop()


@pytest.fixture
async def strict(strict_gateway: GatewayServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{strict_gateway.http_port}", timeout=10) as c:
        yield c


def strict_token(strict_gateway: GatewayServer, token_secret: str) -> dict[str, str]:
    clock = strict_gateway.test_clock  # type: ignore[attr-defined]
    token = auth.issue_service_token("bad-input-tests", token_secret, clock=clock)
    return {"authorization": auth.bearer(token)}


def nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


# --- item 9 -------------------------------------------------------------------------------------------------------


async def test_item9_deeply_nested_json_is_a_400(client: httpx.AsyncClient, token: str) -> None:
    deep = b"[" * 5000 + b"]" * 5000
    # Without a token, on the public sign-in route: a 400, not a 500 from RecursionError.
    r = await client.post("/v1/auth:login", content=deep, headers={"content-type": "application/json"})
    error = assert_json_error(r, 400, "INVALID_ARGUMENT")
    assert "64" in error["message"]
    # With a token, on a route taking a body (object nesting, inside a field).
    r = await client.post(
        "/v1/shelves/s1/things",
        content=nested(3000),
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    assert_json_error(r, 400, "INVALID_ARGUMENT")
    r = await client.post("/v1/fail", content=b'{"kind": ' + b"[" * 65 + b"]" * 65 + b"}")
    assert_json_error(r, 400, "INVALID_ARGUMENT")
    # Up to the limit is parsed as usual (then judged by the message's fields).
    r = await client.post("/v1/shelves/s1/things", json={"displayName": "书", "inner": {"note": "[[[[{{{{"}})
    assert r.status_code == 200, r.text


async def test_item9_deeply_nested_json_without_a_token_on_a_protected_route_is_401(
    strict: httpx.AsyncClient,
) -> None:
    r = await strict.post("/v1/shelves/s1/things", content=nested(5000))
    assert_json_error(r, 401, "UNAUTHENTICATED")


# --- item 11 ------------------------------------------------------------------------------------------------------


async def test_item11_long_resource_id_or_filter_is_a_400_naming_it(client: httpx.AsyncClient) -> None:
    long_id = "x" * 4000
    r = await client.get(f"/v1/shelves/s1/things/{long_id}")
    error = assert_json_error(r, 400, "INVALID_ARGUMENT")
    assert field_violations(error) == ["name"]
    assert long_id not in r.text
    r = await client.get("/v1/shelves/s1/things", params={"filter": "display_name = '" + "y" * 4000 + "'"})
    error = assert_json_error(r, 400, "INVALID_ARGUMENT")
    assert field_violations(error) == ["filter"]
    assert len(r.text) < 2000


async def test_item11_url_too_long_is_a_414(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/shelves/s1/things", params={"filter": "z" * 9000})
    assert_json_error(r, 414, "INVALID_ARGUMENT")


async def test_item11_long_id_reaching_a_service_is_its_own_error_not_429(
    strict: httpx.AsyncClient, strict_gateway: GatewayServer, token_secret: str
) -> None:
    # The gateway's limit raised to 10,000: the service echoes the name in its NOT_FOUND message, which used to
    # overflow gRPC's 8 KiB trailer limit and reach the caller as RESOURCE_EXHAUSTED → 429 "too many requests".
    long_name = "x" * 4000
    # The archive binding (``archive/**``) reaches the backend's GetThing, which answers "/missing" names 404.
    r = await strict.get(
        f"/v1/archive/{long_name}/missing", headers=strict_token(strict_gateway, token_secret)
    )
    error = assert_json_error(r, 404, "NOT_FOUND")
    assert len(error["message"]) <= MAX_TEXT_CHARS
    assert long_name not in r.text


async def test_item11_long_id_over_grpc_directly_is_not_found_with_a_bounded_message(
    echo_pb, echo_backend
) -> None:
    name = "shelves/s1/things/" + "x" * 4000 + "/missing"
    async with grpc.aio.insecure_channel(f"127.0.0.1:{echo_backend.port}") as channel:
        stub = echo_pb.grpc.EchoServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stub.GetThing(echo_pb.pb2.GetThingRequest(name=name), timeout=5)
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert len(raised.value.details()) <= MAX_TEXT_CHARS


# --- item 13 ------------------------------------------------------------------------------------------------------


async def test_item13_forty_wrong_passwords_then_the_right_one_is_throttled(
    strict: httpx.AsyncClient, strict_gateway: GatewayServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock: ManualClock = strict_gateway.test_clock  # type: ignore[attr-defined]
    # A burst (the clock does not move): after 5 failures every attempt waits for the backoff.
    caplog.set_level(logging.INFO, logger="kam_gateway.audit")
    statuses = []
    for i in range(40):
        r = await strict.post("/v1/auth:login", json={"username": "rm_zhang", "password": f"guess-{i}"})
        statuses.append(r.status_code)
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}
    r = await strict.post("/v1/auth:login", json={"username": "rm_zhang", "password": PASSWORD})
    error = assert_json_error(r, 429, "RESOURCE_EXHAUSTED")
    retry_after = int(r.headers["retry-after"])
    assert 1 <= retry_after <= 2
    assert any(d.get("retryDelay") for d in error["details"])
    # Another account from another address is not affected… (the address limit is 30 failures).
    r = await strict.post("/v1/auth:login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200, r.text

    # Throttled attempts count nothing: after Retry-After the owner signs in.
    clock.advance(timedelta(seconds=retry_after))
    r = await strict.post("/v1/auth:login", json={"username": "rm_zhang", "password": PASSWORD})
    assert r.status_code == 200, r.text

    audit = [rec for rec in caplog.records if rec.name == "kam_gateway.audit"]
    events = [getattr(rec, "event", "") for rec in audit]
    assert events.count("login.failed") == 5
    assert events.count("login.throttled") == 36
    assert all(getattr(rec, "username", "") in ("rm_zhang", "admin") for rec in audit)
    assert all(getattr(rec, "client_address", "") == "127.0.0.1" for rec in audit)
    logged = " ".join(f"{rec.getMessage()} {rec.__dict__}" for rec in caplog.records)
    assert PASSWORD not in logged and "guess-" not in logged


async def test_item13_backoff_doubles_and_is_capped(
    strict: httpx.AsyncClient, strict_gateway: GatewayServer
) -> None:
    clock: ManualClock = strict_gateway.test_clock  # type: ignore[attr-defined]
    waits = []
    for i in range(9):
        r = await strict.post("/v1/auth:login", json={"username": "hq_leader", "password": f"nope-{i}"})
        if r.status_code == 429:
            waits.append(int(r.headers["retry-after"]))
            clock.advance(timedelta(seconds=waits[-1]))
            r = await strict.post("/v1/auth:login", json={"username": "hq_leader", "password": f"nope-{i}"})
        assert r.status_code == 401, r.text
    assert waits == [2, 4, 8, 16]
    # the tenth wrong password in a row locks the account itself for 15 minutes (the throttle's wait first)
    clock.advance(timedelta(seconds=32))
    r = await strict.post("/v1/auth:login", json={"username": "hq_leader", "password": "nope-9"})
    error = assert_json_error(r, 429, "RESOURCE_EXHAUSTED")
    assert any(d.get("reason") == "ACCOUNT_LOCKED" for d in error["details"])
    assert int(r.headers["retry-after"]) == 15 * 60


async def test_item13_one_address_spraying_usernames_is_throttled(
    strict: httpx.AsyncClient, strict_gateway: GatewayServer
) -> None:
    for i in range(30):
        r = await strict.post("/v1/auth:login", json={"username": f"user{i}", "password": "x"})
        assert r.status_code == 401
    r = await strict.post("/v1/auth:login", json={"username": "compliance", "password": PASSWORD})
    assert_json_error(r, 429, "RESOURCE_EXHAUSTED")
    assert int(r.headers["retry-after"]) <= 15 * 60
    clock: ManualClock = strict_gateway.test_clock  # type: ignore[attr-defined]
    clock.advance(timedelta(minutes=15, seconds=1))
    r = await strict.post("/v1/auth:login", json={"username": "compliance", "password": PASSWORD})
    assert r.status_code == 200, r.text


async def test_item13_login_over_grpc_directly_is_throttled_too(strict_gateway: GatewayServer) -> None:
    from kam.identity.v1 import identity_service_pb2, identity_service_pb2_grpc

    assert strict_gateway.grpc is not None
    async with grpc.aio.insecure_channel(f"127.0.0.1:{strict_gateway.grpc.port}") as channel:
        stub = identity_service_pb2_grpc.IdentityServiceStub(channel)
        codes = []
        for i in range(7):
            try:
                await stub.Login(
                    identity_service_pb2.LoginRequest(username="branch_manager", password=f"w{i}")
                )
            except grpc.aio.AioRpcError as exc:
                codes.append(exc.code())
    assert codes[:5] == [grpc.StatusCode.UNAUTHENTICATED] * 5
    assert codes[5:] == [grpc.StatusCode.RESOURCE_EXHAUSTED] * 2


# --- item 14 ------------------------------------------------------------------------------------------------------


async def test_item14_unauthenticated_bad_body_is_401_not_400(
    strict: httpx.AsyncClient, strict_gateway: GatewayServer, token_secret: str
) -> None:
    bad = {"content": b"{not json", "headers": {"content-type": "application/json"}}
    r = await strict.post("/v1/shelves/s1/things", **bad)
    error = assert_json_error(r, 401, "UNAUTHENTICATED")
    assert error["details"][0]["reason"] == "TOKEN_MISSING"
    r = await strict.post(
        "/v1/shelves/s1/things",
        content=b"{not json",
        headers={"content-type": "application/json", "authorization": "Bearer forged.token.x"},
    )
    assert_json_error(r, 401, "UNAUTHENTICATED")
    r = await strict.get("/v1/shelves/s1/things", params={"unknownParam": "1"})
    assert_json_error(r, 401, "UNAUTHENTICATED")
    r = await strict.get("/v1/shelves/s1/things/" + "x" * 5000)
    assert_json_error(r, 401, "UNAUTHENTICATED")
    # Then validated, once authenticated.
    headers = {**strict_token(strict_gateway, token_secret), "content-type": "application/json"}
    r = await strict.post("/v1/shelves/s1/things", content=b"{not json", headers=headers)
    assert_json_error(r, 400, "INVALID_ARGUMENT")
    # Sign-in needs no token: a bad body there is a 400.
    r = await strict.post("/v1/auth:login", **bad)
    assert_json_error(r, 400, "INVALID_ARGUMENT")


# --- item 15 ------------------------------------------------------------------------------------------------------


async def test_item15_every_gateway_error_is_the_json_error_body(
    client: httpx.AsyncClient, token: str
) -> None:
    assert_json_error(await client.get("/nothing-here"), 404, "NOT_FOUND")
    assert_json_error(await client.get("/v1/nothing-here"), 404, "NOT_FOUND")
    assert_json_error(await client.get("/v1/shelves/s1/things/t1/extra"), 404, "NOT_FOUND")
    assert_json_error(await client.post("/healthz"), 404, "NOT_FOUND")  # no http rule has that path
    assert_json_error(await client.put("/v1/shelves/s1/things/t1", json={}), 405, "UNIMPLEMENTED")
    assert_json_error(await client.request("TRACE", "/v1/shelves/s1/things/t1"), 405, "UNIMPLEMENTED")
    assert_json_error(await client.request("PROPFIND", "/v1/inspect"), 405, "UNIMPLEMENTED")
    r = await client.post("/v1/shelves/s1/things", content=b"x" * (1024 * 1024 + 1))
    assert_json_error(r, 413, "INVALID_ARGUMENT")
    assert_json_error(await client.post("/v1/shelves/s1/things", content=b"{"), 400, "INVALID_ARGUMENT")
    assert_json_error(await client.get("/v1/inspect"), 401, "UNAUTHENTICATED")
    assert_json_error(await client.post("/v1/fail", json={"kind": "crash"}), 500, "INTERNAL")
    assert_json_error(await client.post("/v1/fail", json={"kind": "not_found"}), 404, "NOT_FOUND")
    assert_json_error(
        await client.get("/v1/shelves/s1/things", params={"nope": "1"}), 400, "INVALID_ARGUMENT"
    )
    assert_json_error(
        await client.get("/v1/shelves/s1/things", params={"f": "z" * 9000}), 414, "INVALID_ARGUMENT"
    )


@pytest.mark.parametrize(
    "raw",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /v1/inspect HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        b"POST /v1/auth:login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    ],
    ids=["request-line", "header", "content-length"],
)
async def test_item15_unparseable_http_is_the_json_error_body(gateway: GatewayServer, raw: bytes) -> None:
    # uvicorn answers these itself, before the app: its default is text/plain.
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.http_port)
    writer.write(raw)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"content-type: application/json" in head.lower()
    error = json.loads(body)["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"


async def test_item15_throttled_login_is_the_json_error_body(strict: httpx.AsyncClient) -> None:
    for _ in range(6):
        r = await strict.post("/v1/auth:login", json={"username": "admin", "password": "wrong"})
    assert_json_error(r, 429, "RESOURCE_EXHAUSTED")
    assert "retry-after" in r.headers
