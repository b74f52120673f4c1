"""REST → gRPC transcoding through the real gateway (uvicorn + httpx) to a real gRPC backend."""

from __future__ import annotations

import httpx


async def test_get_with_nested_resource_path(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/shelves/s1/things/t1")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["name"] == "shelves/s1/things/t1"
    assert body["displayName"] == "书"  # lowerCamelCase out, zh-CN intact
    assert body["amount"] == "12345678901234"  # int64 as string (proto3 JSON)
    assert body["tags"] == []  # unpopulated fields present


async def test_additional_binding_with_multi_segment_variable(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/archive/2024/box%2F7/t1")
    assert r.status_code == 200
    # "**" keeps the slashes; an encoded slash in one segment stays encoded.
    assert r.json()["name"] == "archive/2024/box%2F7/t1"


async def test_percent_encoded_single_segment_is_decoded(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/shelves/%E4%B9%A6%E6%9E%B6/things/t%201")
    assert r.json()["name"] == "shelves/书架/things/t 1"


async def test_query_parameters_of_every_kind(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/v1/shelves/s1/things",
        params=[
            ("pageSize", "25"),
            ("filter", "tier = 1"),
            ("kinds", "KIND_CORPORATE"),
            ("kinds", "2"),
            ("read_mask", "name,display_name,inner.note"),
            ("since", "2026-03-01T08:00:00+08:00"),
            ("inner.level", "3"),
            ("inner.note", "备注"),
            ("flag", "true"),
            ("minAmount", "100"),
            ("window", "90s"),
            ("ratio", "0.25"),
        ],
    )
    assert r.status_code == 200, r.text
    echo = r.json()["echo"]
    assert echo["parent"] == "shelves/s1"
    assert echo["pageSize"] == 25
    assert echo["filter"] == "tier = 1"
    assert echo["kinds"] == ["KIND_CORPORATE", "KIND_INDIVIDUAL"]
    assert echo["readMask"] == "name,displayName,inner.note"
    assert echo["since"] == "2026-03-01T00:00:00Z"
    assert echo["inner"] == {"note": "备注", "level": 3, "flag": False}
    assert echo["flag"] is True
    assert echo["minAmount"] == "100"
    assert echo["window"] == "90s"
    assert echo["ratio"] == 0.25


async def test_post_with_body_field_and_path_variable(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/v1/shelves/s1/things?requestId=r-1",
        json={
            "displayName": "张三",
            "kind": "KIND_INDIVIDUAL",
            "due_time": "2026-05-01T00:00:00Z",
            "tags": ["vip"],
            "amount": "42",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "name": "shelves/s1/things/r-1",
        "displayName": "张三",
        "kind": "KIND_INDIVIDUAL",
        "amount": "42",
        "tags": ["vip"],
        "dueTime": "2026-05-01T00:00:00Z",
    }


async def test_patch_binds_nested_path_variable_into_body_message(client: httpx.AsyncClient) -> None:
    r = await client.patch(
        "/v1/shelves/s1/things/t9?updateMask=displayName,inner.level",
        json={"name": "ignored/by/path", "displayName": "新名称", "inner": {"level": 2}},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["thing"]["name"] == "shelves/s1/things/t9"  # the path wins over the body
    assert body["thing"]["displayName"] == "新名称"
    assert body["updateMask"] == "displayName,inner.level"


async def test_custom_verb_with_body_star_and_response_body(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/shelves/s1/things/t1:archive", json={"reason": "到期"})
    assert r.status_code == 200, r.text
    # response_body: "thing" unwraps ArchiveThingResponse.thing
    assert r.json()["name"] == "shelves/s1/things/t1"
    assert r.json()["tags"] == ["archived"]


async def test_delete_returns_empty_object(client: httpx.AsyncClient) -> None:
    r = await client.delete("/v1/shelves/s1/things/t1")
    assert r.status_code == 200
    assert r.json() == {}


async def test_server_streaming_answers_a_json_array(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/shelves/s1/things:watch", params={"count": "3"})
    assert r.status_code == 200, r.text
    assert [t["name"] for t in r.json()] == [f"shelves/s1/things/{i}" for i in range(3)]


async def test_request_id_is_forwarded_and_echoed(client: httpx.AsyncClient, token: str) -> None:
    r = await client.get(
        "/v1/inspect", headers={"x-request-id": "req-123", "authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text
    assert r.headers["x-request-id"] == "req-123"
    assert r.json()["metadata"]["x-request-id"] == "req-123"

    r = await client.get("/v1/inspect", headers={"authorization": f"Bearer {token}"})
    generated = r.headers["x-request-id"]
    assert len(generated) >= 16
    assert r.json()["metadata"]["x-request-id"] == generated


async def test_the_services_audit_names_the_http_client_not_the_gateway(
    client: httpx.AsyncClient, token: str
) -> None:
    # behind a proxy the gateway trusts (uvicorn's forwarded_allow_ips: loopback), and straight from the client
    headers = {
        "authorization": f"Bearer {token}",
        "x-forwarded-for": "203.0.113.9",
        "user-agent": "KAM-Mobile/2.1",
    }
    r = await client.get("/v1/inspect", headers=headers)
    assert r.status_code == 200, r.text
    seen = r.json()["metadata"]
    assert (seen["origin.address"], seen["origin.client"]) == ("203.0.113.9", "KAM-Mobile/2.1")
    r = await client.get("/v1/inspect", headers={"authorization": f"Bearer {token}"})
    assert r.json()["metadata"]["origin.address"] == "127.0.0.1"
    assert r.json()["metadata"]["origin.client"].startswith("python-httpx/")
    # a header gRPC metadata cannot carry is made printable, not a 500; the client cannot set the service's own key
    odd = {**headers, "user-agent": "银行 App/3".encode(), "x-forwarded-user-agent": "forged"}
    r = await client.get("/v1/inspect", headers=odd)
    assert r.status_code == 200, r.text
    assert r.json()["metadata"]["origin.client"].endswith(" App/3")
    assert r.json()["metadata"]["origin.client"].isascii()


async def test_trace_context_continues_into_the_backend(client: httpx.AsyncClient, token: str) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    r = await client.get(
        "/v1/inspect",
        headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01", "authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    assert trace_id in r.json()["metadata"]["traceparent"]
