"""Login and the current user through the gateway; tokens forwarded to backends; forged tokens rejected."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from kam_gateway.identity.demo_users import DEMO_USERS, DemoDirectory
from kam_kit.auth import Identity, issue_token, verify_token
from kam_kit.clock import SYSTEM_CLOCK
from kam_kit.errors import Unauthenticated


async def test_login_with_the_demo_password(client: httpx.AsyncClient, token_secret: str) -> None:
    r = await client.post("/v1/auth:login", json={"username": "rm_zhang", "password": "demo-pass"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"]["name"] == "users/rm_zhang"
    assert body["user"]["roles"] == ["roles/relationship_manager"]
    assert body["expireTime"].endswith("Z")
    identity = verify_token(body["accessToken"], secret=token_secret, clock=SYSTEM_CLOCK)
    assert identity.subject == "users/rm_zhang"
    assert identity.org_unit == body["user"]["orgUnit"]


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "rm_zhang", "password": "wrong"},
        {"username": "nobody", "password": "demo-pass"},
    ],
)
async def test_wrong_credentials_are_401(client: httpx.AsyncClient, credentials: dict[str, str]) -> None:
    r = await client.post("/v1/auth:login", json=credentials)
    assert r.status_code == 401
    assert r.json()["error"]["status"] == "UNAUTHENTICATED"
    assert "accessToken" not in r.text


async def test_login_without_fields_names_them(client: httpx.AsyncClient) -> None:
    r = await client.post("/v1/auth:login", json={})
    assert r.status_code == 400
    fields = [v["field"] for d in r.json()["error"]["details"] for v in d.get("fieldViolations", [])]
    assert fields == ["username", "password"]


async def test_current_user_is_the_caller(client: httpx.AsyncClient, token: str) -> None:
    r = await client.get("/v1/users/me", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "users/rm_zhang"  # response_body: "user"
    assert r.json()["displayName"] == "张经理"

    r = await client.get("/v1/users/me")
    assert r.status_code == 401


async def test_backend_sees_the_bearer_token(client: httpx.AsyncClient, token: str) -> None:
    r = await client.get("/v1/inspect", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    assert r.json()["metadata"]["authorization"] == f"Bearer {token}"
    assert r.json()["subject"] == "users/rm_zhang"  # the backend verified it


async def test_forged_token_is_rejected(client: httpx.AsyncClient, token_secret: str) -> None:
    forged = issue_token(
        Identity(subject="users/admin", roles=("roles/admin",)),
        secret="x" * 40,
        clock=SYSTEM_CLOCK,
        ttl=timedelta(hours=1),
    )
    with pytest.raises(Unauthenticated):
        verify_token(forged, secret=token_secret, clock=SYSTEM_CLOCK)
    for path in ("/v1/inspect", "/v1/users/me"):
        r = await client.get(path, headers={"authorization": f"Bearer {forged}"})
        assert r.status_code == 401, path


def test_demo_mode_has_one_user_per_role_and_is_off_unless_asked_for() -> None:
    directory = DemoDirectory("pw-123")
    assert {u.username for u in DEMO_USERS} >= {
        "admin",
        "hq_leader",
        "branch_manager",
        "rm_zhang",
        "compliance",
    }
    assert set(directory.users) == {u.username for u in DEMO_USERS} and directory.password == "pw-123"
    with pytest.raises(ValueError):
        DemoDirectory("")
    assert DemoDirectory.from_env({}) is None
    assert DemoDirectory.from_env({"KAM_DEMO_MODE": "1", "KAM_DEMO_PASSWORD": "x"}).password == "x"
