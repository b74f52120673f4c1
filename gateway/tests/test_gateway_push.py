"""Real-time push over Server-Sent Events, with a real NATS JetStream and the real gateway: a service's
PushRequested reaches each recipient's stream within a second and nobody else's; a client that reconnects with
Last-Event-ID gets what it missed, without a gap or a repeat; a redelivered event is not pushed twice."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import UTC, datetime

import httpx
import pytest
from gw_testlib import gateway_settings
from kam.identity.v1 import identity_service_pb2
from kam.push.v1 import push_pb2
from kam_gateway.identity.demo_users import DemoDirectory
from kam_gateway.identity.domain.passwords import PasswordHashing
from kam_gateway.server import GatewayServer
from kam_kit import events


@pytest.fixture
async def pushing(nats_url, token_secret):
    settings = dataclasses.replace(gateway_settings(token_secret), nats_url=nats_url)
    server = GatewayServer(
        settings,
        services=[identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"]],
        instrument=False,
        environ={},
        directory=DemoDirectory("demo-pass"),
        hashing=PasswordHashing(time_cost=1, memory_cost_kib=8, parallelism=1),
    )
    await server.start()
    nc = await events.connect(nats_url, name="push-test")
    js = nc.jetstream()
    await events.ensure_stream(js, "notice")

    async def publish(event_id: str, *recipients: str, title: str = "") -> None:
        message = push_pb2.PushRequested(
            recipients=list(recipients),
            kind="notification.created",
            resource=f"notifications/{event_id}",
            title=title,
        )
        headers = events.event_headers(
            event_id=event_id,
            service="notice",
            event_type=message.DESCRIPTOR.full_name,
            time=datetime.now(UTC),
        )
        await js.publish(events.subject_for("notice", message), message.SerializeToString(), headers=headers)

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.http_port}", timeout=30) as client:

        async def token(username: str) -> str:
            reply = await client.post("/v1/auth:login", json={"username": username, "password": "demo-pass"})
            return reply.json()["accessToken"]

        yield client, publish, token
    await nc.close()
    await server.stop()


async def _read(
    client: httpx.AsyncClient,
    token: str,
    count: int,
    *,
    last: str = "",
    timeout: float = 5.0,
    started: asyncio.Event | None = None,
) -> list[dict]:
    """Read ``count`` events from GET /v1/push (or what came before ``timeout``)."""
    headers = {"authorization": f"Bearer {token}", **({"last-event-id": last} if last else {})}
    got: list[dict] = []

    async def run() -> None:
        async with client.stream("GET", "/v1/push", headers=headers) as stream:
            assert stream.status_code == 200 and stream.headers["content-type"].startswith(
                "text/event-stream"
            )
            event: dict = {}
            async for line in stream.aiter_lines():
                if line == ": connected" and started is not None:
                    started.set()
                elif line.startswith(("id: ", "event: ", "data: ")):
                    key, _, value = line.partition(": ")
                    event[key] = value
                elif line == "" and event:
                    got.append({"id": event["id"], "event": event["event"], **json.loads(event["data"])})
                    event = {}
                    if len(got) == count:
                        return

    try:
        await asyncio.wait_for(run(), timeout)
    except TimeoutError:
        pass
    return got


async def test_a_push_reaches_its_recipient_only_within_a_second(pushing) -> None:
    client, publish, token = pushing
    zhang, leader = await token("rm_zhang"), await token("hq_leader")
    zhang_ready, leader_ready = asyncio.Event(), asyncio.Event()
    zhang_reads = asyncio.create_task(_read(client, zhang, 1, started=zhang_ready))
    leader_reads = asyncio.create_task(_read(client, leader, 1, timeout=3, started=leader_ready))
    await asyncio.wait_for(asyncio.gather(zhang_ready.wait(), leader_ready.wait()), 5)
    sent = asyncio.get_running_loop().time()
    await publish("e1", "users/rm_zhang", title="张三 今日大额取现 60,000.00 元")
    (pushed,) = await zhang_reads
    assert asyncio.get_running_loop().time() - sent < 1.0
    assert (pushed["event"], pushed["resource"], pushed["title"]) == (
        "notification.created",
        "notifications/e1",
        "张三 今日大额取现 60,000.00 元",
    )
    assert await leader_reads == []  # not theirs


async def test_reconnecting_with_last_event_id_misses_nothing_and_repeats_nothing(pushing) -> None:
    client, publish, token = pushing
    zhang = await token("rm_zhang")
    ready = asyncio.Event()
    first = asyncio.create_task(_read(client, zhang, 1, started=ready))
    await asyncio.wait_for(ready.wait(), 5)
    await publish("a1", "users/rm_zhang", "users/hq_leader")
    (one,) = await first  # then the client goes away
    for n in (2, 3, 4):
        await publish(f"a{n}", "users/rm_zhang")
    await publish("a3", "users/rm_zhang")  # a redelivered event: pushed once
    resumed = await _read(client, zhang, 3, last=one["id"])
    assert [e["resource"] for e in resumed] == ["notifications/a2", "notifications/a3", "notifications/a4"]
    assert [int(e["id"]) for e in resumed] == sorted(int(e["id"]) for e in resumed)
    assert await _read(client, zhang, 1, last=resumed[-1]["id"], timeout=2) == []  # nothing repeated


async def test_push_needs_a_valid_token_and_a_numeric_last_event_id(pushing) -> None:
    client, _, token = pushing
    assert (await client.get("/v1/push")).status_code == 401
    bad = await client.get(
        "/v1/push", headers={"authorization": f"Bearer {await token('admin')}", "last-event-id": "abc"}
    )
    assert bad.status_code == 400 and "Last-Event-ID" in bad.text


async def test_a_staff_code_recipient_reaches_the_user_with_that_staff_code(pushing) -> None:
    """A scanned customer names its relationship manager by the core's staff code (``staff/E000010``): the push
    goes to the user holding it (the demo's rm_zhang), and nobody else."""
    client, publish, token = pushing
    zhang, leader = await token("rm_zhang"), await token("hq_leader")
    zhang_ready, leader_ready = asyncio.Event(), asyncio.Event()
    zhang_reads = asyncio.create_task(_read(client, zhang, 1, started=zhang_ready))
    leader_reads = asyncio.create_task(_read(client, leader, 1, timeout=3, started=leader_ready))
    await asyncio.wait_for(asyncio.gather(zhang_ready.wait(), leader_ready.wait()), 5)
    await publish("s1", "staff/E000010", "staff/E999999")
    (pushed,) = await zhang_reads
    assert pushed["resource"] == "notifications/s1"
    assert await leader_reads == []
