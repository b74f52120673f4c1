"""The identity store's use cases on a real database: sign-in with lockout, sessions with rotating refresh
tokens, users, the org tree, roles, service accounts, and the import of the core's branches and staff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from kam_gateway.identity.adapters.orm import Base, SessionRow, UserRow
from kam_gateway.identity.service_layer.directory import OrgUnitDraft, RoleDraft
from kam_gateway.identity.service_layer.service_accounts import ServiceAccountDraft
from kam_gateway.identity.service_layer.users import UserDraft
from kam_kit import auth
from kam_kit.db import kit_metadata
from kam_kit.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
    Unauthenticated,
)
from sqlalchemy import MetaData, select, text

from conftest import PASSWORD, SECRET


async def outbox_types(db) -> list[str]:
    async with db.read() as session:
        return list((await session.execute(text("SELECT event_type FROM kam_outbox ORDER BY seq"))).scalars())


async def test_the_migrations_build_exactly_the_models(identity) -> None:
    combined = MetaData()
    for table in (*Base.metadata.tables.values(), *kit_metadata.tables.values()):
        table.to_metadata(combined)

    def diff(connection):
        return [
            d
            for d in compare_metadata(MigrationContext.configure(connection), combined)
            if not (d[0] == "remove_table" and d[1].name == "alembic_version")
        ]

    async with identity.db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_sign_in_issues_a_token_services_accept_with_the_users_permissions_scope_and_session(
    identity,
) -> None:
    grant = await identity.sign_in.login("Admin ", PASSWORD, client_address="10.0.0.8", user_agent="UA")
    caller = auth.verify_token(grant.access_token, secret=SECRET, clock=identity.clock)
    assert caller.subject == "users/admin" and caller.roles == ("roles/admin",)
    assert caller.can("users.manage") and caller.data_scope == "ALL"
    assert caller.session_id == grant.session_id
    assert grant.access_expire_time - identity.clock.now() == timedelta(minutes=15)
    sessions = await identity.sign_in.sessions(caller, "me")
    assert [(s.id, s.client_address) for s in sessions] == [(grant.session_id, "10.0.0.8")]


async def test_wrong_passwords_lock_the_account_until_it_runs_out_or_is_unlocked(identity) -> None:
    for _ in range(9):
        with pytest.raises(Unauthenticated):
            await identity.sign_in.login("admin", "Wrong-pass-1")
    with pytest.raises(ResourceExhausted) as locked:
        await identity.sign_in.login("admin", "Wrong-pass-1")
    assert locked.value.reason == "ACCOUNT_LOCKED" and locked.value.retry_after == timedelta(minutes=15)
    with pytest.raises(ResourceExhausted):  # the right password does not get through a lock
        await identity.sign_in.login("admin", PASSWORD)
    user, _ = await identity.users.get("admin")
    assert user.locked_until is not None

    await identity.users.unlock("admin")
    assert (await identity.sign_in.login("admin", PASSWORD)).user.failed_attempts == 0

    for _ in range(10):
        with pytest.raises((Unauthenticated, ResourceExhausted)):
            await identity.sign_in.login("admin", "Wrong-pass-1")
    identity.clock.advance(timedelta(minutes=15))
    assert (await identity.sign_in.login("admin", PASSWORD)).user.id == "admin"


async def test_unknown_and_disabled_users_get_the_same_answer_as_a_wrong_password(identity) -> None:
    await _user(identity, "rm_li", roles=["relationship_manager"], org_unit="0101")
    admin = await _caller(identity)
    await identity.users.set_state(admin, "rm_li", "DISABLED")
    answers = set()
    for username, password in (("nobody", PASSWORD), ("rm_li", PASSWORD), ("admin", "Wrong-pass-1")):
        with pytest.raises(Unauthenticated) as refused:
            await identity.sign_in.login(username, password)
        answers.add((refused.value.reason, str(refused.value)))
    assert len(answers) == 1


async def test_refresh_rotates_and_a_replayed_refresh_token_ends_the_session(identity) -> None:
    grant = await identity.sign_in.login("admin", PASSWORD)
    identity.clock.advance(timedelta(minutes=10))
    second = await identity.sign_in.refresh(grant.refresh_token)
    assert second.refresh_token != grant.refresh_token and second.session_id == grant.session_id
    third = await identity.sign_in.refresh(second.refresh_token)
    with pytest.raises(Unauthenticated):
        await identity.sign_in.refresh(second.refresh_token)  # replayed: ends the session
    with pytest.raises(Unauthenticated):
        await identity.sign_in.refresh(third.refresh_token)  # so the thief and the owner both sign in again
    assert "kam.identity.v1.SessionRevoked" in await outbox_types(identity.db)


async def test_a_session_ends_at_its_absolute_end_and_on_logout(identity) -> None:
    grant = await identity.sign_in.login("admin", PASSWORD)
    identity.clock.advance(timedelta(hours=11, minutes=55))
    late = await identity.sign_in.refresh(grant.refresh_token)
    assert late.access_expire_time == late.refresh_expire_time  # never beyond the session's end
    identity.clock.advance(timedelta(minutes=5))
    with pytest.raises(Unauthenticated):
        await identity.sign_in.refresh(late.refresh_token)

    other = await identity.sign_in.login("admin", PASSWORD)
    caller = auth.verify_token(other.access_token, secret=SECRET, clock=identity.clock)
    await identity.sign_in.logout(caller)
    with pytest.raises(Unauthenticated):
        await identity.sign_in.refresh(other.refresh_token)
    async with identity.db.read() as session:
        row = await session.get(SessionRow, other.session_id)
    assert row.revoke_reason == "LOGOUT"


async def test_others_sessions_are_an_administrators_business(identity) -> None:
    await _user(identity, "rm_li", roles=["relationship_manager"], org_unit="0101")
    li = await identity.sign_in.login("rm_li", PASSWORD)
    li_caller = auth.verify_token(li.access_token, secret=SECRET, clock=identity.clock)
    with pytest.raises(NotFound):
        await identity.sign_in.sessions(li_caller, "admin")
    admin = await _caller(identity)
    assert [s.id for s in await identity.sign_in.sessions(admin, "rm_li")] == [li.session_id]
    await identity.sign_in.revoke(admin, "rm_li", li.session_id)
    assert await identity.sign_in.sessions(li_caller, "me") == []


async def test_create_user_validates_every_field_and_reference(identity) -> None:
    with pytest.raises(InvalidArgument) as bad:
        await identity.users.create(
            UserDraft(
                username="X",
                display_name="",
                org_unit="",
                email="no-at",
                phone="abc",
                data_scope="EVERYTHING",
            ),
            user_id="",
            initial_password="short",
        )
    assert {v.field for v in bad.value.violations} >= {
        "user.username",
        "user.display_name",
        "user.org_unit",
        "user.email",
        "user.phone",
        "user.data_scope",
        "initial_password",
    }
    with pytest.raises(InvalidArgument) as refs:
        await identity.users.create(
            UserDraft(username="wang", display_name="王", org_unit="9999", roles=["nope"], manager="ghost"),
            user_id="",
            initial_password=PASSWORD,
        )
    assert {v.field for v in refs.value.violations} == {"user.org_unit", "user.roles[0]", "user.manager"}


async def test_a_new_users_password_must_be_changed_and_staff_codes_are_unique(identity) -> None:
    row, roles = await _user(
        identity,
        "rm_li",
        roles=["relationship_manager"],
        org_unit="0101",
        staff_code="E000001",
        password_chosen=False,
    )
    assert row.password_change_required and [r.id for r in roles] == ["relationship_manager"]
    with pytest.raises(AlreadyExists):
        await _user(identity, "rm_wu", roles=[], org_unit="0101", staff_code="E000001")
    first = await identity.sign_in.login("rm_li", PASSWORD)
    li = auth.verify_token(first.access_token, secret=SECRET, clock=identity.clock)
    assert li.staff_code == "E000001" and li.data_scope == "OWN"
    assert li.password_change_required and li.granted == frozenset()  # nothing but changing the password
    with pytest.raises(InvalidArgument):
        await identity.users.change_password(li, "Wrong-pass-1", "Another-Strong-7")
    await identity.users.change_password(li, PASSWORD, "Another-Strong-7")
    assert not (await identity.users.get("rm_li"))[0].password_change_required
    refreshed = auth.verify_token(
        (await identity.sign_in.refresh(first.refresh_token)).access_token,
        secret=SECRET,
        clock=identity.clock,
    )
    assert not refreshed.password_change_required and refreshed.can("customers.read")
    assert (await identity.sign_in.login("rm_li", "Another-Strong-7")).user.id == "rm_li"


async def test_update_with_mask_and_etag_and_the_events_it_records(identity) -> None:
    await _user(identity, "rm_li", roles=["relationship_manager"], org_unit="0101")
    updated, roles = await identity.users.update(
        "rm_li",
        UserDraft(display_name="李经理", roles=["branch_manager"], data_scope="OWN", manager="admin"),
        {"display_name", "roles", "data_scope", "manager"},
        etag="v1",
    )
    assert (
        updated.display_name,
        [r.id for r in roles],
        updated.data_scope,
        updated.manager_id,
        updated.version,
    ) == ("李经理", ["branch_manager"], "OWN", "admin", 2)
    from kam_kit.errors import Aborted

    with pytest.raises(Aborted):
        await identity.users.update("rm_li", UserDraft(display_name="x"), {"display_name"}, etag="v1")
    with pytest.raises(InvalidArgument):
        await identity.users.update("rm_li", UserDraft(username="other"), {"username"}, etag="")
    with pytest.raises(InvalidArgument):
        await identity.users.update("rm_li", UserDraft(manager="rm_li"), {"manager"}, etag="")
    assert (await outbox_types(identity.db)).count("kam.identity.v1.UserUpdated") == 1


async def test_disabling_ends_the_users_sessions_and_nobody_disables_themselves(identity) -> None:
    await _user(identity, "rm_li", roles=["relationship_manager"], org_unit="0101")
    li = await identity.sign_in.login("rm_li", PASSWORD)
    admin = await _caller(identity)
    with pytest.raises(FailedPrecondition):
        await identity.users.set_state(admin, "admin", "DISABLED")
    await identity.users.set_state(admin, "rm_li", "DISABLED")
    with pytest.raises(Unauthenticated):
        await identity.sign_in.refresh(li.refresh_token)
    await identity.users.set_state(admin, "rm_li", "ACTIVE")
    assert (await identity.sign_in.login("rm_li", PASSWORD)).user.state == "ACTIVE"


async def test_list_users_filters_and_pages(identity) -> None:
    for n in range(5):
        await _user(identity, f"rm_{n}", roles=["relationship_manager"], org_unit="0101")
    page, token, total = await identity.users.list('roles = "roles/relationship_manager"', 2, "")
    assert total == 5 and [row.id for row, _ in page] == ["rm_0", "rm_1"] and token
    rest, last, _ = await identity.users.list('roles = "roles/relationship_manager"', 10, token)
    assert [row.id for row, _ in rest] == ["rm_2", "rm_3", "rm_4"] and last == ""
    with pytest.raises(InvalidArgument):
        await identity.users.list("password = x", 10, "")
    with pytest.raises(InvalidArgument):
        await identity.users.list("", 10, token)  # a token of another query


async def test_the_org_tree_stays_a_tree_and_in_use_units_are_kept(identity) -> None:
    await identity.directory.create_org_unit(
        "0102", OrgUnitDraft(display_name="西城支行", type="SUB_BRANCH", parent="0100")
    )
    with pytest.raises(InvalidArgument):
        await identity.directory.update_org_unit("0100", OrgUnitDraft(parent="0102"), {"parent"}, etag="")
    with pytest.raises(FailedPrecondition):
        await identity.directory.delete_org_unit("0100")
    await identity.directory.delete_org_unit("0102")
    children, _, _ = await identity.directory.list_org_units('parent = "orgUnits/0100"', 50, "")
    assert [row.id for row in children] == ["0101"]


async def test_custom_roles_grant_what_they_list_and_built_in_roles_are_fixed(identity) -> None:
    with pytest.raises(InvalidArgument):
        await identity.directory.create_role(
            "ingest", RoleDraft(display_name="x", permissions=["transactions.ingest"], data_scope="ALL")
        )
    await identity.directory.create_role(
        "auditor", RoleDraft(display_name="审计员", permissions=["access_records.read"], data_scope="ALL")
    )
    await _user(identity, "audit_1", roles=["auditor"], org_unit="0000")
    caller = auth.verify_token(
        (await identity.sign_in.login("audit_1", PASSWORD)).access_token, secret=SECRET, clock=identity.clock
    )
    assert caller.granted == frozenset({"access_records.read"})
    with pytest.raises(FailedPrecondition):
        await identity.directory.delete_role("auditor")
    with pytest.raises(FailedPrecondition):
        await identity.directory.update_role("admin", RoleDraft(display_name="x"), {"display_name"}, etag="")


async def test_service_accounts_get_tokens_with_exactly_their_permissions(identity) -> None:
    _, secret = await identity.accounts.create(
        "core-feed", ServiceAccountDraft(display_name="核心系统交易推送", permissions=["transactions.ingest"])
    )
    token, _ = await identity.accounts.issue_token("core-feed", secret)
    caller = auth.verify_token(token, secret=SECRET, clock=identity.clock)
    assert caller.kind == "service" and caller.granted == frozenset({"transactions.ingest"})
    with pytest.raises(Unauthenticated):
        await identity.accounts.issue_token("core-feed", "wrong")
    _, new_secret = await identity.accounts.rotate("core-feed")
    with pytest.raises(Unauthenticated):
        await identity.accounts.issue_token("core-feed", secret)
    assert (await identity.accounts.issue_token("core-feed", new_secret))[0]
    await identity.accounts.disable("core-feed")
    with pytest.raises(Unauthenticated):
        await identity.accounts.issue_token("core-feed", new_secret)
    assert (await outbox_types(identity.db)).count("kam.identity.v1.ServiceAccountRevoked") == 2


async def test_the_cores_branches_and_staff_are_imported_and_kam_changes_win_only_where_kept(
    identity,
) -> None:
    async with identity.db.transaction() as session:
        await identity.directory.import_org_unit(
            session, "0200", display_name="上海分行", type_="BRANCH", parent="0000", region="上海"
        )
        await identity.directory.import_staff(
            session, "E000123", display_name="赵客户经理", org_unit="0101", active=True
        )
    page, _, _ = await identity.users.list('staff_code = "E000123"', 10, "")
    ((user, roles),) = page
    assert (user.state, user.origin, [r.id for r in roles]) == (
        "PENDING_ACTIVATION",
        "CORE_BANKING",
        ["relationship_manager"],
    )
    with pytest.raises(Unauthenticated):
        await identity.sign_in.login(user.username, PASSWORD)  # not activated

    async with identity.db.transaction() as session:  # the core moves them: the import follows
        await identity.directory.import_staff(
            session, "E000123", display_name="赵经理", org_unit="0100", active=True
        )
    assert (await identity.users.get(user.id))[0].org_unit_id == "0100"

    await identity.users.update(
        user.id, UserDraft(org_unit="0101", keep_kam_changes=True), {"org_unit", "keep_kam_changes"}, etag=""
    )
    async with identity.db.transaction() as session:  # kept: the next import leaves KAM's value
        await identity.directory.import_staff(
            session, "E000123", display_name="赵经理", org_unit="0100", active=False
        )
    kept = (await identity.users.get(user.id))[0]
    assert (kept.org_unit_id, kept.state) == ("0101", "PENDING_ACTIVATION")


async def test_staff_who_leave_the_bank_are_disabled_and_their_sessions_end(identity) -> None:
    async with identity.db.transaction() as session:
        await identity.directory.import_staff(
            session, "E000200", display_name="钱经理", org_unit="0101", active=True
        )
    admin = await _caller(identity)
    user_id = "e000200"
    await identity.users.set_state(admin, user_id, "ACTIVE")
    await identity.users.reset_password(user_id, PASSWORD)
    grant = await identity.sign_in.login(user_id, PASSWORD)
    async with identity.db.transaction() as session:
        await identity.directory.import_staff(
            session, "E000200", display_name="钱经理", org_unit="0101", active=False
        )
    async with identity.db.read() as session:
        assert (await session.get(UserRow, user_id)).state == "DISABLED"
        assert (
            await session.execute(select(SessionRow.revoke_reason).where(SessionRow.id == grant.session_id))
        ).scalar_one() == "LEFT_THE_BANK"


async def _user(
    identity,
    username: str,
    *,
    roles: list[str],
    org_unit: str,
    staff_code: str = "",
    password_chosen: bool = True,
):
    """A user created by the administrator; ``password_chosen``: they have since changed the initial password."""
    created = await identity.users.create(
        UserDraft(
            username=username, display_name=username, org_unit=org_unit, roles=roles, staff_code=staff_code
        ),
        user_id="",
        initial_password=PASSWORD,
    )
    if password_chosen:
        async with identity.db.transaction() as session:
            (await session.get(UserRow, created[0].id)).password_change_required = False
    return created


async def _caller(identity):
    grant = await identity.sign_in.login("admin", PASSWORD)
    return auth.verify_token(grant.access_token, secret=SECRET, clock=identity.clock)


async def test_every_change_is_in_the_audit_trail_and_no_secret_is(identity) -> None:
    from kam_kit.db import audit_table

    await _user(identity, "rm_li", roles=["relationship_manager"], org_unit="0101")
    await identity.users.update("rm_li", UserDraft(display_name="李经理"), {"display_name"}, etag="")
    await identity.users.reset_password("rm_li", "Another-Strong-7")
    await identity.directory.create_role(
        "auditor", RoleDraft(display_name="审计员", permissions=["access_records.read"], data_scope="ALL")
    )
    await identity.accounts.create(
        "core-feed", ServiceAccountDraft(display_name="核心", permissions=["transactions.ingest"])
    )
    async with identity.db.read() as session:
        rows = (await session.execute(select(audit_table).order_by(audit_table.c.id))).mappings().all()
    actions = [(row["action"], row["resource"]) for row in rows]
    assert ("users.create", "users/rm_li") in actions and ("roles.create", "roles/auditor") in actions
    assert ("serviceAccounts.create", "serviceAccounts/core-feed") in actions
    update = next(row for row in rows if row["action"] == "users.update")
    assert (update["before"], update["after"]) == ({"display_name": "rm_li"}, {"display_name": "李经理"})
    reset = next(row for row in rows if row["action"] == "users.resetPassword")
    assert reset["details"]["password"] == "reset by an administrator"
    assert all(row["service"] == "identity" for row in rows)
    dumped = str([dict(row) for row in rows])
    assert "$argon2" not in dumped and "Another-Strong-7" not in dumped and PASSWORD not in dumped
