"""Error mapping: backend statuses with google.rpc details, and the gateway's own 400/404/405."""

from __future__ import annotations

import httpx
import pytest


async def test_invalid_argument_carries_field_violations(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/shelves/s1/things", json={"displayName": " ", "amount": "-5"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == 400
    assert error["status"] == "INVALID_ARGUMENT"
    assert "thing.display_name" in error["message"]
    by_type = {d["@type"].rsplit("/", 1)[-1]: d for d in error["details"]}
    assert by_type["google.rpc.ErrorInfo"]["reason"] == "INVALID_ARGUMENT"
    assert by_type["google.rpc.ErrorInfo"]["domain"] == "echotest.kam"
    assert by_type["google.rpc.BadRequest"]["fieldViolations"] == [
        {"field": "thing.display_name", "description": "名称不能为空 (display name is required)"},
        {"field": "thing.amount", "description": "金额不能为负 (amount must not be negative)"},
    ]


@pytest.mark.parametrize(
    ("kind", "http", "status"),
    [
        ("invalid_argument", 400, "INVALID_ARGUMENT"),
        ("not_found", 404, "NOT_FOUND"),
        ("aborted", 409, "ABORTED"),
        ("permission_denied", 403, "PERMISSION_DENIED"),
        ("crash", 500, "INTERNAL"),
    ],
)
async def test_grpc_codes_map_to_http(client: httpx.AsyncClient, kind: str, http: int, status: str) -> None:
    r = await client.post("/v1/fail", json={"kind": kind})
    assert r.status_code == http
    assert r.json()["error"]["status"] == status
    assert "secret internals" not in r.text


async def test_not_found_from_backend(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/shelves/s1/things/missing")
    assert r.status_code == 404
    assert r.json()["error"]["message"].startswith("找不到 shelves/s1/things/missing")


async def test_backend_deadline_becomes_504(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/fail", json={"kind": "slow"})  # gateway deadline in tests: 2 s
    assert r.status_code == 504
    assert r.json()["error"]["status"] == "DEADLINE_EXCEEDED"
    assert "超时" in r.json()["error"]["message"]


async def test_missing_token_is_401_from_the_backend(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/inspect")
    assert r.status_code == 401
    assert r.json()["error"]["status"] == "UNAUTHENTICATED"


async def test_unknown_route_is_404_json(client: httpx.AsyncClient) -> None:
    for path in ("/v1/nothing-here", "/v1/shelves/s1/things/t1/extra", "/v2/shelves/s1/things/t1"):
        r = await client.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"]["status"] == "NOT_FOUND"


async def test_wrong_method_on_known_path_is_405_json(client: httpx.AsyncClient) -> None:
    r = await client.put("/v1/shelves/s1/things/t1", json={})
    assert r.status_code == 405
    assert set(r.headers["allow"].split(", ")) == {"GET", "PATCH", "DELETE"}
    assert r.json()["error"]["code"] == 405


async def test_body_that_is_not_json_is_400(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/v1/shelves/s1/things", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    assert "JSON" in r.json()["error"]["message"]


async def test_body_that_does_not_fit_names_the_problem(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/shelves/s1/things", json={"displayName": "x", "colour": "red"})
    assert r.status_code == 400
    error = r.json()["error"]
    assert "colour" in error["message"]
    assert error["details"][0]["fieldViolations"][0]["field"] == "thing"

    r = await client.post("/v1/shelves/s1/things", json={"displayName": "x", "kind": "KIND_ROBOT"})
    assert r.status_code == 400
    assert "KIND_ROBOT" in r.json()["error"]["message"]

    r = await client.post("/v1/shelves/s1/things/t1:archive", json=["not", "an", "object"])
    assert r.status_code == 400
    assert "JSON" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("colour=red", "colour"),
        ("inner.colour=red", "inner.colour"),
        ("pageSize=many", "pageSize"),
        ("flag=maybe", "flag"),
        ("kinds=KIND_ROBOT", "kinds"),
        ("since=yesterday", "since"),
        ("pageSize=1&pageSize=2", "pageSize"),
        ("parent=shelves/other", "parent"),
    ],
)
async def test_bad_query_parameter_is_400_naming_it(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    r = await client.get(f"/v1/shelves/s1/things?{query}")
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert field in error["message"]
    assert error["details"][0]["fieldViolations"][0]["field"] == field


async def test_query_parameters_are_refused_when_body_is_star(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/shelves/s1/things/t1:archive?reason=x", json={})
    assert r.status_code == 400
    assert "reason" in r.json()["error"]["message"]


async def test_body_on_a_method_without_body_is_400(client: httpx.AsyncClient) -> None:
    r = await client.request("DELETE", "/v1/shelves/s1/things/t1", content=b'{"name": "x"}')
    assert r.status_code == 400


async def test_oversized_body_is_413_before_reaching_the_backend(client: httpx.AsyncClient) -> None:
    big = "书" * (400 * 1024)  # ≈ 1.2 MB of UTF-8, over the 1 MiB default
    r = await client.post("/v1/shelves/s1/things", json={"displayName": big})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == 413
    assert "请求体过大" in r.json()["error"]["message"]


async def test_oversized_streamed_body_without_length_is_413(client: httpx.AsyncClient) -> None:
    async def chunks():
        for _ in range(20):
            yield b" " * (64 * 1024)  # 1.25 MiB in total, no Content-Length (chunked)

    r = await client.post(
        "/v1/shelves/s1/things", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413


async def test_access_log_names_the_route_not_the_path_or_query(client: httpx.AsyncClient, caplog) -> None:
    caplog.set_level("INFO", logger="kam_gateway.access")
    r = await client.get(
        "/v1/shelves/s1/things/6222020200001234", params={"q": "张伟"}, headers={"x-request-id": "req-log-1"}
    )
    assert r.status_code == 400  # (q is no field of the request: a 400 is logged like any other answer)
    await client.get("/healthz")
    lines = [rec for rec in caplog.records if rec.name == "kam_gateway.access"]
    assert [(rec.http_method, rec.status, rec.request_id) for rec in lines] == [("GET", 400, "req-log-1")]
    (line,) = lines
    assert line.route.startswith("/v1/{name=shelves/*/things/*}")
    assert line.duration_ms >= 0
    assert "6222020200001234" not in line.getMessage() + line.route and "张伟" not in line.route
