"""Two replicas of the customer service behind one gateway: the gateway's calls are shared between them, and when
one replica dies the other serves every call until the first is back.

``KAM_CUSTOMER_ADDR`` lists both replicas (kam_kit.grpcclient); production names them by a DNS name that resolves
to every pod. A replica is told apart by its own log: each refused call (a compliance officer may not delete
customers) is logged by the replica that refused it.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from kam_devkit.testing import DEMO_PASSWORD, GATEWAY, KamProcesses

pytestmark = pytest.mark.e2e

REFUSED = '"call refused"'
REPLICAS = ("customer", "customer-2")


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[tuple[KamProcesses, httpx.AsyncClient]]:
    kam = KamProcesses(tmp_path, secrets.token_urlsafe(32), replicas={"customer": 2})
    try:
        await asyncio.to_thread(kam.start, "customer", GATEWAY)
        async with httpx.AsyncClient(base_url=kam.gateway_url, timeout=30) as http:
            yield kam, http
    except BaseException:
        print(kam.report())
        raise
    finally:
        await asyncio.to_thread(kam.close)


def refusals(kam: KamProcesses) -> dict[str, int]:
    return {name: kam.log_text(name).count(REFUSED) for name in REPLICAS}


async def test_the_gateway_shares_calls_between_replicas_and_keeps_serving_when_one_dies(stack) -> None:
    kam, http = stack
    login = await http.post("/v1/auth:login", json={"username": "compliance", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}

    async def refused_create() -> None:
        reply = await http.delete("/v1/customers/c-000001", headers=headers)
        assert reply.status_code == 403, reply.text

    async def listed() -> int:
        return (await http.get("/v1/customers", params={"pageSize": 5}, headers=headers)).status_code

    # both replicas serve: the refusals are shared, none pinned to whichever replica answered first
    for _ in range(40):
        await refused_create()
    await asyncio.sleep(0.5)  # the last lines reach the log files
    shared = refusals(kam)
    assert sum(shared.values()) == 40, shared
    assert min(shared.values()) >= 10, f"one replica took (nearly) every call: {shared}"

    # one dies: every call is served by the other
    await asyncio.to_thread(kam.kill, "customer")
    await asyncio.sleep(0.5)
    before = refusals(kam)
    for _ in range(20):
        assert await listed() == 200
        await refused_create()
    await asyncio.sleep(0.5)
    after = refusals(kam)
    assert after["customer-2"] - before["customer-2"] == 20

    # it comes back and the other dies: the gateway finds the first again (reconnect back-off ≤ 2 s)
    await asyncio.to_thread(kam.restart, "customer")
    await asyncio.to_thread(kam.kill, "customer-2")
    deadline = time.monotonic() + 10
    while await listed() != 200:
        assert time.monotonic() < deadline, "the restarted replica was not reached again"
        await asyncio.sleep(0.2)
    for _ in range(10):
        assert await listed() == 200
