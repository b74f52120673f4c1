"""The demo users (one per role) that ``make run`` prints; all share ``KAM_DEMO_PASSWORD``.

Roles and org units are resource names (``roles/<role>``, ``orgUnits/<unit>``), as in ``kam.identity.v1.User``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kam_kit.auth import Identity
from kam_kit.settings import env_bool, env_str

DEMO_PASSWORD_ENV = "KAM_DEMO_PASSWORD"
DEMO_MODE_ENV = "KAM_DEMO_MODE"
#: The demo bank's first relationship manager of 北京东城支行 (kam-demobank hires staff in a fixed order, so the
#: code is the same for every size); ``rm_zhang`` is linked to it.
DEMO_RM_STAFF_CODE = "E000010"
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
    #: where the demo's e-mails go (make run's local mail sink catches every address)
    email: str = ""

    @property
    def name(self) -> str:
        return f"users/{self.username}"

    def identity(self) -> Identity:
        return Identity(
            subject=self.name,
            kind="user",
            display_name=self.display_name,
            roles=self.roles,
            org_unit=self.org_unit,
        )


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "系统管理员", (ROLE_ADMIN,), HEAD_OFFICE),
    # a leader's scheduled reports (定时报表) reach the mail sink
    DemoUser("hq_leader", "总行领导", (ROLE_HEAD_OFFICE_LEADER,), HEAD_OFFICE, "hq_leader@kam-demo.example"),
    DemoUser(
        "branch_manager",
        "北京分行行长",
        (ROLE_BRANCH_MANAGER,),
        DEMO_BRANCH,
        "branch_manager@kam-demo.example",
    ),
    DemoUser(
        "rm_zhang", "张经理", (ROLE_RELATIONSHIP_MANAGER,), DEMO_SUB_BRANCH, "rm_zhang@kam-demo.example"
    ),
    DemoUser("compliance", "合规专员", (ROLE_COMPLIANCE,), HEAD_OFFICE),
)


class DemoDirectory:
    """Demo mode: the demo users and their shared password, created in the identity store at start (never
    overwriting a user that exists) with no forced password change. Outside demo mode there is none."""

    def __init__(self, password: str, users: tuple[DemoUser, ...] = DEMO_USERS) -> None:
        if not password:
            raise ValueError(f"{DEMO_PASSWORD_ENV} must not be empty")
        self.password = password
        self.users = {u.username: u for u in users}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DemoDirectory | None:
        """The demo users when ``KAM_DEMO_MODE`` is on (``make run`` and the tests turn it on), else None."""
        if not env_bool(DEMO_MODE_ENV, False, environ=environ):
            return None
        return cls(env_str(DEMO_PASSWORD_ENV, DEFAULT_DEMO_PASSWORD, environ=environ))
