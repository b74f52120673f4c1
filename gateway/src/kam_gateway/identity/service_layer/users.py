"""Users (用户): create, read, list, change, disable/enable, passwords (reset by an administrator, changed by
the user), unlock. Each change runs in one transaction with its ``UserCreated``/``UserUpdated`` event (outbox)
and its audit record (kam_kit.audit: who, before and after of the changed fields; never a password or hash).

Rules:
- a user name is ``[a-z0-9._-]{3,32}`` and never changes; the staff code (工号) is unique;
- roles, the org unit and the manager must exist; nobody is their own manager;
- a password set by an administrator (new user, reset) must be changed at the next sign-in, except in demo mode;
  a reset also ends the user's sessions, and so does disabling them;
- an administrator cannot disable themselves (the bank would risk having none).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field, fields

from kam.identity.v1 import events_pb2
from kam_kit import etags, outbox
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, Validator
from kam_kit.filtering import parse_equalities
from kam_kit.permissions import SCOPES
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kam_gateway.identity.adapters.orm import KAM, OrgUnitRow, RoleRow, UserRoleRow, UserRow
from kam_gateway.identity.adapters.protomap import user_to_proto
from kam_gateway.identity.domain.passwords import PasswordHashing, policy_problems
from kam_gateway.identity.service_layer.paging import check_mask, page_by_id
from kam_gateway.identity.service_layer.sign_in import SERVICE, SignIn, roles_of
from kam_gateway.identity.service_layer.trail import actor, trail, user_values

_BEFORE = "kam_identity_user_before"

USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 -]{5,20}$")
STAFF_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
STATES = ("ACTIVE", "DISABLED", "PENDING_ACTIVATION")


@dataclass
class UserDraft:
    """A user as a request gives it (resource ids without their collection prefix)."""

    username: str = ""
    display_name: str = ""
    org_unit: str = ""
    roles: list[str] = field(default_factory=list)
    email: str = ""
    phone: str = ""
    staff_code: str = ""
    manager: str = ""
    data_scope: str = ""
    keep_kam_changes: bool = False


UPDATABLE = frozenset(f.name for f in fields(UserDraft)) - {"username"}


def _not_found(user_id: str) -> NotFound:
    return NotFound(f"用户 users/{user_id} 不存在 (not found)", metadata={"name": f"users/{user_id}"})


class Users:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        sign_in: SignIn,
        hashing: PasswordHashing,
        demo_mode: bool = False,
        page_secret: bytes = b"identity",
    ) -> None:
        self.db = db
        self.clock = clock
        self.sign_in = sign_in
        self.hashing = hashing
        self.demo_mode = demo_mode
        self.page_secret = page_secret
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = trail(clock)

    # ---- reads

    async def get(self, user_id: str) -> tuple[UserRow, tuple[RoleRow, ...]]:
        async with self.db.read() as session:
            row = await session.get(UserRow, user_id)
            if row is None:
                raise _not_found(user_id)
            return row, await roles_of(session, user_id)

    async def list(
        self,
        filter_text: str,
        page_size: int,
        page_token: str,
        *,
        org_units: frozenset[str] | None = None,
        only_user: str = "",
    ) -> tuple[list[tuple[UserRow, tuple[RoleRow, ...]]], str, int]:
        """A page of users by id, filtered by ``org_unit``, ``roles``, ``state``, ``username``, ``display_name``,
        ``staff_code`` or ``manager`` (equality terms joined by AND), within the caller's scope: the users of
        ``org_units`` (None: every unit), or only ``only_user``."""
        terms = parse_equalities(
            filter_text,
            {
                "org_unit": lambda v: v.removeprefix("orgUnits/"),
                "roles": lambda v: v.removeprefix("roles/"),
                "state": _state_filter,
                "username": str,
                "display_name": str,
                "staff_code": str,
                "manager": lambda v: v.removeprefix("users/"),
            },
        )
        query = select(UserRow)
        if only_user:
            query = query.where(UserRow.id == only_user)
        elif org_units is not None:
            query = query.where(UserRow.org_unit_id.in_(sorted(org_units)))
        columns = {
            "org_unit": UserRow.org_unit_id,
            "state": UserRow.state,
            "username": UserRow.username,
            "display_name": UserRow.display_name,
            "staff_code": UserRow.staff_code,
            "manager": UserRow.manager_id,
        }
        for name, value in terms.items():
            if name == "roles":
                query = query.where(
                    UserRow.id.in_(select(UserRoleRow.user_id).where(UserRoleRow.role_id == value))
                )
            else:
                query = query.where(columns[name] == value)
        rows, token, total = await page_by_id(
            self.db,
            query,
            UserRow.id,
            page_size=page_size,
            page_token=page_token,
            bound_to=filter_text,
            secret=self.page_secret,
        )
        async with self.db.read() as session:
            page = [(row, await roles_of(session, row.id)) for row in rows]
        return page, token, total

    # ---- changes

    async def create(
        self, draft: UserDraft, *, user_id: str, initial_password: str, enforce_policy: bool = True
    ) -> tuple[UserRow, tuple[RoleRow, ...]]:
        """A new user; ``enforce_policy=False`` only for the demo users (their password is the operator's
        ``KAM_DEMO_PASSWORD``)."""
        user_id = user_id or draft.username
        v = Validator()
        if v.require(draft.username, "user.username"):
            v.check(
                bool(USERNAME.match(draft.username)),
                "user.username",
                "只能包含小写字母、数字和 . _ -，3至32位 (lower-case letters, digits, . _ -; 3 to 32)",
            )
        v.check(
            not user_id or bool(USERNAME.match(user_id)), "user_id", "格式同用户名 (same form as a username)"
        )
        self._check_fields(v, draft, set(UPDATABLE))
        if enforce_policy:
            self._check_password(v, "initial_password", initial_password, draft)
        else:
            v.require(initial_password, "initial_password")
        v.raise_if_any()
        password_hash = await asyncio.to_thread(self.hashing.hash, initial_password)
        now = self.clock.now()
        try:
            async with self.db.transaction() as session:
                await self._check_references(session, draft, user_id, set(UPDATABLE))
                if await session.get(UserRow, user_id) is not None:
                    raise AlreadyExists(f"用户 users/{user_id} 已存在 (already exists)")
                row = UserRow(
                    id=user_id,
                    username=draft.username,
                    display_name=draft.display_name.strip(),
                    org_unit_id=draft.org_unit,
                    manager_id=draft.manager or None,
                    staff_code=draft.staff_code or None,
                    email=draft.email,
                    phone=draft.phone,
                    state="ACTIVE",
                    data_scope=draft.data_scope,
                    password_hash=password_hash,
                    password_change_required=not self.demo_mode,
                    failed_attempts=0,
                    origin=KAM,
                    keep_kam_changes=draft.keep_kam_changes,
                    version=1,
                    create_time=now,
                    update_time=now,
                )
                session.add(row)
                session.add_all(
                    UserRoleRow(user_id=user_id, role_id=role) for role in dict.fromkeys(draft.roles)
                )
                await session.flush()
                roles = await roles_of(session, user_id)
                self.events.record(
                    session,
                    events_pb2.UserCreated(user=user_to_proto(row, roles)),
                    resource=f"users/{user_id}",
                )
                self.audit.change(
                    session,
                    actor=actor(),
                    action="users.create",
                    resource=f"users/{user_id}",
                    after=user_values(row, roles),
                )
        except IntegrityError:
            raise AlreadyExists("用户名或工号已被使用 (the username or staff code is taken)") from None
        return row, roles

    async def update(
        self, user_id: str, draft: UserDraft, mask: set[str], etag: str
    ) -> tuple[UserRow, tuple[RoleRow, ...]]:
        check_mask(mask, UPDATABLE)
        v = Validator()
        self._check_fields(v, draft, mask)
        v.raise_if_any()
        try:
            async with self.db.transaction() as session:
                row = await self._row(session, user_id)
                etags.check(etag, row.version, "用户")
                await self._check_references(session, draft, user_id, mask)
                for name in mask - {"roles"}:
                    value = getattr(draft, name)
                    column = {"org_unit": "org_unit_id", "manager": "manager_id"}.get(name, name)
                    setattr(row, column, (value or None) if name in ("manager", "staff_code") else value)
                if "roles" in mask:
                    for link in (
                        await session.execute(select(UserRoleRow).where(UserRoleRow.user_id == user_id))
                    ).scalars():
                        await session.delete(link)
                    await session.flush()
                    session.add_all(
                        UserRoleRow(user_id=user_id, role_id=r) for r in dict.fromkeys(draft.roles)
                    )
                return await self._changed(session, row, sorted(mask), "users.update")
        except IntegrityError:
            raise AlreadyExists("工号已被使用 (the staff code is taken)") from None

    async def set_state(
        self, caller: Identity, user_id: str, state: str
    ) -> tuple[UserRow, tuple[RoleRow, ...]]:
        """``DISABLED`` (its sessions end) or ``ACTIVE`` (also activates an imported user)."""
        if state == "DISABLED" and caller.subject == f"users/{user_id}":
            raise FailedPrecondition(
                "不能停用自己的账户 (you cannot disable yourself)", reason="SELF_DISABLE"
            )
        async with self.db.transaction() as session:
            row = await self._row(session, user_id)
            if row.state == state:
                return row, await roles_of(session, user_id)
            row.state = state
            if state == "DISABLED":
                await self.sign_in.revoke_all(session, user_id, "USER_DISABLED")
            return await self._changed(
                session, row, ["state"], "users.disable" if state == "DISABLED" else "users.enable"
            )

    async def reset_password(self, user_id: str, new_password: str) -> None:
        async with self.db.read() as session:
            row = await session.get(UserRow, user_id)
            if row is None:
                raise _not_found(user_id)
            draft = UserDraft(username=row.username, display_name=row.display_name)
        v = Validator()
        self._check_password(v, "new_password", new_password, draft)
        v.raise_if_any()
        password_hash = await asyncio.to_thread(self.hashing.hash, new_password)
        async with self.db.transaction() as session:
            row = await self._row(session, user_id)
            row.password_hash, row.password_change_required = password_hash, not self.demo_mode
            row.failed_attempts, row.locked_until = 0, None
            await self.sign_in.revoke_all(session, user_id, "PASSWORD_RESET")
            await self._changed(
                session,
                row,
                ["password_change_required", "lock_expire_time"],
                "users.resetPassword",
                password="reset by an administrator",
            )

    async def unlock(self, user_id: str) -> tuple[UserRow, tuple[RoleRow, ...]]:
        async with self.db.transaction() as session:
            row = await self._row(session, user_id)
            row.failed_attempts, row.locked_until = 0, None
            return await self._changed(session, row, ["lock_expire_time"], "users.unlock")

    async def change_password(self, caller: Identity, old_password: str, new_password: str) -> None:
        """The caller's own password: the old one must match; the new one meets the policy and differs."""
        user_id = caller.subject.removeprefix("users/")
        async with self.db.read() as session:
            row = await session.get(UserRow, user_id)
            if row is None:
                raise _not_found(user_id)
            stored, draft = row.password_hash, UserDraft(username=row.username, display_name=row.display_name)
        v = Validator()
        v.require(old_password, "old_password")
        self._check_password(v, "new_password", new_password, draft)
        v.check(
            new_password != old_password,
            "new_password",
            "新密码不能与旧密码相同 (must differ from the old one)",
        )
        v.raise_if_any()
        if not await asyncio.to_thread(self.hashing.verify, stored, old_password):
            raise InvalidArgument.for_field("old_password", "当前密码不正确 (the current password is wrong)")
        password_hash = await asyncio.to_thread(self.hashing.hash, new_password)
        async with self.db.transaction() as session:
            row = await self._row(session, user_id)
            row.password_hash, row.password_change_required = password_hash, False
            await self._changed(
                session,
                row,
                ["password_change_required"],
                "users.changePassword",
                password="changed by the user",
            )

    # ---- helpers

    async def _row(self, session: AsyncSession, user_id: str) -> UserRow:
        """The user, locked for the change, remembering how it was (for the audit trail's before)."""
        row = await session.get(UserRow, user_id, with_for_update=True)
        if row is None:
            raise _not_found(user_id)
        session.info.setdefault(_BEFORE, {})[user_id] = user_values(row, await roles_of(session, user_id))
        return row

    async def _changed(
        self, session: AsyncSession, row: UserRow, mask: list[str], action: str, **details: str
    ) -> tuple[UserRow, tuple[RoleRow, ...]]:
        row.version += 1
        row.update_time = self.clock.now()
        await session.flush()
        roles = await roles_of(session, row.id)
        message = events_pb2.UserUpdated(user=user_to_proto(row, roles))
        message.update_mask.paths.extend(mask)
        self.events.record(session, message, resource=f"users/{row.id}")
        self.audit.change(
            session,
            actor=actor(),
            action=action,
            resource=f"users/{row.id}",
            before=session.info.get(_BEFORE, {}).get(row.id, {}),
            after=user_values(row, roles),
            details=details,
        )
        return row, roles

    def _check_fields(self, v: Validator, draft: UserDraft, mask: set[str]) -> None:
        if "display_name" in mask and v.require(draft.display_name.strip(), "user.display_name"):
            v.check(len(draft.display_name) <= 100, "user.display_name", "最长100个字符 (at most 100)")
        if "org_unit" in mask:
            v.require(draft.org_unit, "user.org_unit")
        if "email" in mask and draft.email:
            v.check(
                bool(EMAIL.match(draft.email)) and len(draft.email) <= 200,
                "user.email",
                "邮箱格式不正确 (not an e-mail address)",
            )
        if "phone" in mask and draft.phone:
            v.check(bool(PHONE.match(draft.phone)), "user.phone", "手机号格式不正确 (not a phone number)")
        if "staff_code" in mask and draft.staff_code:
            v.check(
                bool(STAFF_CODE.match(draft.staff_code)),
                "user.staff_code",
                "只能包含字母、数字、_ 和 -，最长64位 (letters, digits, _ and -; at most 64)",
            )
        if "data_scope" in mask:
            v.check(
                draft.data_scope in ("", *SCOPES), "user.data_scope", "未知的数据范围 (unknown data scope)"
            )

    def _check_password(self, v: Validator, field_path: str, password: str, draft: UserDraft) -> None:
        if not v.require(password, field_path):
            return
        for problem in policy_problems(password, username=draft.username, display_name=draft.display_name):
            v.add(field_path, problem.message)

    @staticmethod
    async def _check_references(
        session: AsyncSession, draft: UserDraft, user_id: str, mask: set[str]
    ) -> None:
        v = Validator()
        if "org_unit" in mask and draft.org_unit and await session.get(OrgUnitRow, draft.org_unit) is None:
            v.add("user.org_unit", f"机构 orgUnits/{draft.org_unit} 不存在 (no such org unit)")
        if "roles" in mask:
            for index, role in enumerate(draft.roles):
                if await session.get(RoleRow, role) is None:
                    v.add(f"user.roles[{index}]", f"角色 roles/{role} 不存在 (no such role)")
        if "manager" in mask and draft.manager:
            if draft.manager == user_id:
                v.add("user.manager", "不能是自己的上级 (nobody is their own manager)")
            elif await session.get(UserRow, draft.manager) is None:
                v.add("user.manager", f"用户 users/{draft.manager} 不存在 (no such user)")
        v.raise_if_any()


def _state_filter(value: str) -> str:
    state = value.removeprefix("STATE_")
    if state not in STATES:
        raise ValueError(f"未知状态 {value} (one of {', '.join('STATE_' + s for s in STATES)})")
    return state
