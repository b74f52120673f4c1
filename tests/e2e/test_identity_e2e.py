"""Identity as the bank uses it, every part a real process: the customer service scans a core-banking source, the
gateway's identity service imports its branches and staff from the scan's events, the demo relationship manager
(linked to the core's staff code) sees exactly the customers the core assigns to them, an administrator creates a
user who signs in and changes the password, and a logout ends the session on every service at once."""

from __future__ import annotations

import asyncio
import subprocess

import httpx
import pytest
from kam_devkit import procs

pytestmark = pytest.mark.e2e
PASSWORD = "kam-demo-2026"


@pytest.fixture(scope="module")
def core_banking(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A demo bank large enough that its relationship managers have key customers (20,000 customers)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('core') / 'core-banking.db'}"
    subprocess.run(
        [
            str(procs.console_script("kam-demobank")),
            "generate",
            "--url",
            url,
            "--customers",
            "20000",
            "--transactions",
            "20000",
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return url


async def _login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> dict:
    reply = await client.post("/v1/auth:login", json={"username": username, "password": password})
    assert reply.status_code == 200, reply.text
    return reply.json()


async def _eventually(check, timeout: float = 90.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = await check()
        if result or loop.time() > deadline:
            return result
        await asyncio.sleep(0.5)


async def test_the_core_staff_become_users_and_each_sees_their_own_scope(kam_processes, core_banking) -> None:
    kam = kam_processes(
        "customer",
        "gateway",
        env={"KAM_CUSTOMER_SOURCE_URL": core_banking, "KAM_CUSTOMER_SCAN_ON_START": "true"},
    )
    async with httpx.AsyncClient(base_url=kam.gateway_url, timeout=20) as client:
        admin = {"authorization": f"Bearer {(await _login(client, 'admin'))['accessToken']}"}

        async def imported():  # the scan's SourceStaffUpdated events reached the identity service
            reply = await client.get(
                "/v1/users", headers=admin, params={"filter": "state = STATE_PENDING_ACTIVATION"}
            )
            return reply.json().get("users") if reply.status_code == 200 else None

        pending = await _eventually(imported)
        assert pending, "no member of staff was imported from the core"
        assert all(u["origin"] == "ORIGIN_CORE_BANKING" and u["staffCode"] for u in pending)
        units = (await client.get("/v1/orgUnits", headers=admin, params={"pageSize": 500})).json()["orgUnits"]
        assert {"orgUnits/0000", "orgUnits/0101"} <= {u["name"] for u in units}

        # rm_zhang is linked to the core's staff code E000010: their customers are exactly those the core assigns
        rm = await _login(client, "rm_zhang")
        assert rm["user"]["staffCode"] == "E000010"
        rm_headers = {"authorization": f"Bearer {rm['accessToken']}"}

        async def own_customers():
            reply = await client.get("/v1/customers", headers=rm_headers, params={"pageSize": 500})
            return reply.json().get("customers") if reply.status_code == 200 else None

        mine = await _eventually(own_customers)
        assert mine and {c["relationshipManager"] for c in mine} == {"staff/E000010"}
        everyone = (await client.get("/v1/customers", headers=admin, params={"pageSize": 1})).json()[
            "totalSize"
        ]
        assert int(everyone) > len(mine)
        manager = await _login(client, "branch_manager")
        branch = (
            await client.get(
                "/v1/customers",
                headers={"authorization": f"Bearer {manager['accessToken']}"},
                params={"pageSize": 1},
            )
        ).json()["totalSize"]
        assert len(mine) <= int(branch) < int(everyone)

        # an administrator creates a user, who signs in and works (demo mode: no forced change of the initial
        # password; outside demo mode the first token grants nothing until it is changed — gateway/tests/identity)
        created = await client.post(
            "/v1/users",
            headers=admin,
            params={"initialPassword": "Kam-Initial-2026"},
            json={
                "username": "wang_new",
                "displayName": "王新",
                "orgUnit": "orgUnits/0101",
                "roles": ["roles/relationship_manager"],
            },
        )
        assert created.status_code == 200, created.text
        first = await _login(client, "wang_new", "Kam-Initial-2026")
        new_headers = {"authorization": f"Bearer {first['accessToken']}"}
        assert (await client.get("/v1/customers", headers=new_headers)).status_code == 200
        changed = await client.post(
            "/v1/users/me:changePassword",
            headers=new_headers,
            json={"oldPassword": "Kam-Initial-2026", "newPassword": "Wang-Chosen-77"},
        )
        assert changed.status_code == 200, changed.text
        assert (await _login(client, "wang_new", "Wang-Chosen-77"))["user"]["username"] == "wang_new"

        # logout ends the session on the customer service too, at once (the revocation stream)
        assert (await client.post("/v1/auth:logout", headers=rm_headers, json={})).status_code == 200

        async def refused():
            reply = await client.get("/v1/customers", headers=rm_headers)
            return reply.status_code == 401 and "TOKEN_REVOKED" in reply.text

        assert await _eventually(refused, timeout=10)
