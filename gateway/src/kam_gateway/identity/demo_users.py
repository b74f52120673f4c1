"""The demo users (one per role) that ``make run`` prints; all share ``KAM_DEMO_PASSWORD``.

Roles and org units are resource names (``roles/<role>``, ``orgUnits/<unit>``), as in ``kam.identity.v1.User``.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from kam_kit.auth import Identity
from kam_kit.settings import env_str

DEMO_PASSWORD_ENV = "KAM_DEMO_PASSWORD"
DEFAULT_DEMO_PASSWORD = "kam-demo-2026"

ROLE_ADMIN = "roles/admin"
ROLE_HEAD_OFFICE_LEADER = "roles/head_office_leader"
ROLE_BRANCH_MANAGER = "roles/branch_manager"
ROLE_RELATIONSHIP_MANAGER = "roles/relationship_manager"
ROLE_COMPLIANCE = "roles/compliance"

# Org units of the demo core-banking source (kam-demobank): 0000 总行, 0100 北京分行, 0101 北京东城支行.
HEAD_OFFICE = "orgUnits/0000"
DEMO_BRANCH = "orgUnits/0100"
DEMO_SUB_BRANCH = "orgUnits/0101"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    roles: tuple[str, ...]
    org_unit: str

    @property
    def name(self) -> str:
        return f"users/{self.username}"

    def identity(self) -> Identity:
        return Identity(
            subject=self.name, kind="user", display_name=self.display_name, roles=self.roles,
            org_unit=self.org_unit,
        )


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "系统管理员", (ROLE_ADMIN,), HEAD_OFFICE),
    DemoUser("hq_leader", "总行领导", (ROLE_HEAD_OFFICE_LEADER,), HEAD_OFFICE),
    DemoUser("branch_manager", "北京分行行长", (ROLE_BRANCH_MANAGER,), DEMO_BRANCH),
    DemoUser("rm_zhang", "张经理", (ROLE_RELATIONSHIP_MANAGER,), DEMO_SUB_BRANCH),
    DemoUser("compliance", "合规专员", (ROLE_COMPLIANCE,), HEAD_OFFICE),
)


class DemoDirectory:
    """Checks demo credentials in constant time (no early exit on an unknown user name)."""

    def __init__(self, password: str, users: tuple[DemoUser, ...] = DEMO_USERS) -> None:
        if not password:
            raise ValueError(f"{DEMO_PASSWORD_ENV} must not be empty")
        self._password = password.encode()
        self.users = {u.username: u for u in users}

    @classmethod
    def from_env(cls) -> DemoDirectory:
        return cls(env_str(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD))

    def authenticate(self, username: str, password: str) -> DemoUser | None:
        user = self.users.get(username)
        password_ok = hmac.compare_digest(password.encode(), self._password)
        return user if user is not None and password_ok else None

    def get(self, name: str) -> DemoUser | None:
        """The user with resource name ``users/<username>``."""
        return self.users.get(name.removeprefix("users/")) if name.startswith("users/") else None
