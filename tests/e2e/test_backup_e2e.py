"""Backup and restore of the whole system from the control center's API, as real processes (issue 13).

The customer service (a producer), the report service (its consumer) and the gateway's identity database are
backed up under one id; changes after the backup are then undone by restoring all three: the customers are
exactly the backup's, the report counts exactly them (the customer events after the backup are withdrawn, so
the report neither keeps nor re-applies them), and everything keeps working afterwards.
"""

from __future__ import annotations

import asyncio
import os

import httpx
import pytest

from tests.e2e.helpers import resident_id

pytestmark = pytest.mark.e2e

PASSWORD = os.environ.get("KAM_DEMO_PASSWORD", "kam-demo-2026")
SERVICES = ["customer", "report", "gateway"]
PARTS = ["customer", "report", "identity"]  # the gateway's database is its identity service's


async def _login(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    reply = await client.post("/v1/auth:login", json={"username": username, "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['accessToken']}"}


async def _create(client: httpx.AsyncClient, headers: dict, n: int) -> str:
    reply = await client.post(
        "/v1/customers",
        headers=headers,
        json={"type": "TYPE_INDIVIDUAL", "displayName": f"备份客户{n}", "idNumber": resident_id(900 + n)},
    )
    assert reply.status_code == 200, reply.text
    return reply.json()["displayName"]


async def _count(client: httpx.AsyncClient, headers: dict) -> int:
    reply = await client.get("/v1/customerStats", headers=headers)
    return int(reply.json().get("customerCount", 0)) if reply.status_code == 200 else -1


async def _counted(client: httpx.AsyncClient, headers: dict, expected: int, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (count := await _count(client, headers)) != expected:
        assert loop.time() < deadline, f"the report counts {count}, not {expected}"
        await asyncio.sleep(0.3)


async def _names(client: httpx.AsyncClient, headers: dict) -> list[str]:
    reply = await client.get("/v1/customers", headers=headers, params={"pageSize": 100})
    assert reply.status_code == 200, reply.text
    return sorted(c["displayName"] for c in reply.json().get("customers", []))


async def test_restoring_a_backup_of_all_services_gives_back_its_state_and_keeps_working(
    kam_processes,
) -> None:
    kam = kam_processes("customer", "report", "gateway", env={"KAM_CUSTOMER_SCAN_ON_START": "false"})
    async with httpx.AsyncClient(base_url=kam.gateway_url, timeout=120) as client:
        admin = await _login(client, "admin")
        leader = await _login(client, "hq_leader")
        before = sorted([await _create(client, admin, n) for n in range(3)])
        await _counted(client, admin, 3)

        taken = await client.post("/v1/backups", headers=admin, json={"services": SERVICES})
        assert taken.status_code == 200, taken.text
        backup = taken.json()
        assert [p["service"] for p in backup["parts"]] == PARTS and not backup.get("failures")
        assert all(len(p["sha256"]) == 64 and int(p["sizeBytes"]) > 0 for p in backup["parts"])
        name = backup["name"]

        after = [await _create(client, admin, n) for n in range(3, 5)]
        await _counted(client, admin, 5)
        assert sorted(before + after) == await _names(client, admin)

        listed = (await client.get("/v1/backups", headers=admin)).json()
        assert name in [b["name"] for b in listed["backups"]]
        assert (await client.get(f"/v1/{name}", headers=admin)).json()["name"] == name
        assert (await client.get("/v1/backups", headers=leader)).status_code == 403

        plan = await client.post(f"/v1/{name}:restore", headers=admin, json={"validateOnly": True})
        assert plan.status_code == 200, plan.text
        plan_body = plan.json()
        assert plan_body["ok"] and [r["service"] for r in plan_body["restores"]] == PARTS
        customer_plan = plan_body["restores"][0]
        assert int(customer_plan["currentRows"]["customers"]) == 5
        assert int(customer_plan["backupRows"]["customers"]) == 3
        assert not any(r.get("restored") for r in plan_body["restores"])
        assert await _names(client, admin) == sorted(before + after)  # a dry run changes nothing

        done = await client.post(f"/v1/{name}:restore", headers=admin, json={})
        assert done.status_code == 200, done.text
        restores = done.json()["restores"]
        assert done.json()["ok"] and all(r["restored"] for r in restores), restores
        assert int(restores[0]["eventsWithdrawn"]) >= 2  # the two creations after the backup

        assert await _names(client, admin) == before  # exactly the backup's customers
        await _counted(client, admin, 3)
        await asyncio.sleep(3)  # nothing after the backup comes back through the stream
        assert await _count(client, admin) == 3

        await _create(client, admin, 7)  # and the system keeps working: produced, relayed, consumed
        await _counted(client, admin, 4)
        backups = (await client.get("/v1/backups", headers=admin)).json()["backups"]
        assert any(b.get("preRestore") for b in backups)  # each part kept a pre-restore backup
