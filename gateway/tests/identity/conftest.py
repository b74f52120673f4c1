"""The identity store on a real database (SQLite and PostgreSQL), migrated, with the services built on it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import kam_gateway.identity
import pytest
from kam_gateway.identity.adapters.orm import Base, OrgUnitRow, UserRow
from kam_gateway.identity.domain.passwords import PasswordHashing
from kam_gateway.identity.service_layer.directory import Directory
from kam_gateway.identity.service_layer.service_accounts import ServiceAccounts
from kam_gateway.identity.service_layer.sign_in import SignIn
from kam_gateway.identity.service_layer.users import UserDraft, Users
from kam_kit import migrations
from kam_kit.clock import ManualClock
from kam_kit.db import Database

MIGRATIONS = Path(kam_gateway.identity.__file__).parent / "migrations"
T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
SECRET = "identity-test-secret-" + "x" * 24
#: Cheap argon2id parameters: the tests check behaviour, not cost.
CHEAP = PasswordHashing(time_cost=1, memory_cost_kib=8, parallelism=1)
PASSWORD = "Kam-Strong-42"


@pytest.fixture
async def identity(database_url):
    """``identity.db``, ``.clock``, ``.sign_in``, ``.users``, ``.directory``, ``.accounts``; built-in roles and a
    small tree (0000 总行 → 0100 分行 → 0101 支行) and an administrator ``admin`` with :data:`PASSWORD`."""
    await migrations.upgrade_async(database_url, MIGRATIONS, Base.metadata)
    db = Database(database_url)
    clock = ManualClock(T0)
    sign_in = SignIn(db, clock, token_secret=SECRET, hashing=CHEAP)
    ns = SimpleNamespace(
        db=db,
        clock=clock,
        sign_in=sign_in,
        users=Users(db, clock, sign_in=sign_in, hashing=CHEAP),
        directory=Directory(db, clock, sign_in=sign_in),
        accounts=ServiceAccounts(db, clock, token_secret=SECRET, hashing=CHEAP),
    )
    await ns.directory.sync_built_in_roles()
    async with db.transaction() as session:
        for org_id, name, kind, parent in (
            ("0000", "总行", "HEAD_OFFICE", None),
            ("0100", "北京分行", "BRANCH", "0000"),
            ("0101", "东城支行", "SUB_BRANCH", "0100"),
        ):
            session.add(
                OrgUnitRow(
                    id=org_id,
                    display_name=name,
                    type=kind,
                    parent_id=parent,
                    region="",
                    origin="KAM",
                    keep_kam_changes=False,
                    version=1,
                    create_time=T0,
                    update_time=T0,
                )
            )
    await ns.users.create(
        UserDraft(username="admin", display_name="系统管理员", org_unit="0000", roles=["admin"]),
        user_id="admin",
        initial_password=PASSWORD,
    )
    async with db.transaction() as session:  # the administrator has already chosen their own password
        (await session.get(UserRow, "admin")).password_change_required = False
    try:
        yield ns
    finally:
        await db.dispose()
