"""Signing in and the sessions it opens: login with lockout, refresh with rotation (a replayed refresh token
ends the session), logout and revocation, and the tokens they hand out.

A session is what one login holds. Its access tokens are short-lived (``access_ttl``, 15 minutes by default) and
carry the session id (``sid``); its refresh token — a random 256-bit value kept here only as a SHA-256 — gets a
new access token until the session's absolute end (``session_ttl``, 12 hours). Ending a session records
``SessionRevoked`` (outbox, same transaction), from which every service refuses the session's tokens at once.

Password checks (argon2id, tens of milliseconds of CPU) run in a worker thread outside any transaction, so a
sign-in never holds the database's writer while hashing; an unknown or inactive user costs the same check.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from kam.identity.v1 import events_pb2
from kam_kit import outbox
from kam_kit.auth import Identity, issue_token
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import NotFound, ResourceExhausted, Unauthenticated, Validator
from kam_kit.permissions import SCOPES
from kam_kit.revocation import Revocations
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_gateway.identity.adapters.orm import RoleRow, SessionRow, UserRoleRow, UserRow
from kam_gateway.identity.domain.lockout import LockoutPolicy, LockState
from kam_gateway.identity.domain.passwords import PasswordHashing

SERVICE = "identity"
ACTIVE = "ACTIVE"
ACCESS_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
BAD_CREDENTIALS = "用户名或密码错误 (wrong username or password)"


@dataclass(frozen=True)
class Grant:
    """What a sign-in or a refresh hands out."""

    user: UserRow
    roles: tuple[RoleRow, ...]
    session_id: str
    access_token: str
    access_expire_time: datetime
    refresh_token: str
    refresh_expire_time: datetime


def refresh_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def identity_of(user: UserRow, roles: tuple[RoleRow, ...], session_id: str = "") -> Identity:
    """The caller a token of ``user`` stands for: permissions from their roles (custom roles included), the data
    scope set for them or else the widest of their roles'."""
    permissions = sorted({p for role in roles for p in role.permissions})
    scopes = {role.data_scope for role in roles}
    widest = next((scope for scope in SCOPES if scope in scopes), "")
    return Identity(
        subject=f"users/{user.id}",
        kind="user",
        display_name=user.display_name,
        roles=tuple(f"roles/{role.id}" for role in roles),
        org_unit=f"orgUnits/{user.org_unit_id}",
        permissions=tuple(permissions),
        staff_code=user.staff_code or "",
        scope=user.data_scope or widest,
        session_id=session_id,
        password_change_required=user.password_change_required,
    )


async def roles_of(session: AsyncSession, user_id: str) -> tuple[RoleRow, ...]:
    rows = await session.execute(
        select(RoleRow)
        .join(UserRoleRow, UserRoleRow.role_id == RoleRow.id)
        .where(UserRoleRow.user_id == user_id)
        .order_by(RoleRow.id)
    )
    return tuple(rows.scalars())


class SignIn:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        token_secret: str,
        hashing: PasswordHashing,
        lockout: LockoutPolicy | None = None,
        access_ttl: timedelta = ACCESS_TTL,
        session_ttl: timedelta = SESSION_TTL,
    ) -> None:
        self.db = db
        self.clock = clock
        self.token_secret = token_secret
        self.hashing = hashing
        self.lockout = lockout or LockoutPolicy()
        self.access_ttl = access_ttl
        self.session_ttl = session_ttl
        self.events = outbox.Recorder(SERVICE, clock)
        #: The hosting process's revocation list, told at once (other processes learn it from the stream).
        self.local: Revocations | None = None

    async def login(
        self, username: str, password: str, *, client_address: str = "", user_agent: str = ""
    ) -> Grant:
        v = Validator()
        v.require(username, "username")
        v.require(password, "password")
        v.raise_if_any()
        username = username.strip().lower()
        async with self.db.read() as session:
            user = (
                await session.execute(select(UserRow).where(UserRow.username == username))
            ).scalar_one_or_none()
            stored_hash = user.password_hash if user is not None else None
        matches = await asyncio.to_thread(self.hashing.verify, stored_hash, password)
        if user is None or user.state != ACTIVE:
            raise Unauthenticated(BAD_CREDENTIALS, reason="BAD_CREDENTIALS")
        now = self.clock.now()
        refused: Exception | None = None
        async with self.db.transaction() as session:
            row = await session.get(UserRow, user.id, with_for_update=True)
            assert row is not None
            state = LockState(row.failed_attempts, aware(row.locked_until) if row.locked_until else None)
            if state.locked(now):
                refused = self._locked(state, now)
            elif not matches:
                state = self.lockout.after_failure(state, now)
                row.failed_attempts, row.locked_until = state.failed_attempts, state.locked_until
                refused = (
                    self._locked(state, now)
                    if state.locked(now)
                    else Unauthenticated(BAD_CREDENTIALS, reason="BAD_CREDENTIALS")
                )
            else:
                row.failed_attempts, row.locked_until, row.last_login_time = 0, None, now
                if self.hashing.needs_rehash(row.password_hash or ""):
                    row.password_hash = await asyncio.to_thread(self.hashing.hash, password)
                roles = await roles_of(session, row.id)
                return await self._open(session, row, roles, now, client_address, user_agent)
        raise refused

    @staticmethod
    def _locked(state: LockState, now: datetime) -> ResourceExhausted:
        assert state.locked_until is not None
        return ResourceExhausted(
            "多次输入错误密码，账户已暂时锁定，请稍后再试或联系管理员解锁 (too many wrong passwords: the account is "
            "locked for a while; try later or ask an administrator to unlock it)",
            reason="ACCOUNT_LOCKED",
            retry_after=state.locked_until - now,
        )

    async def _open(
        self,
        session: AsyncSession,
        user: UserRow,
        roles: tuple[RoleRow, ...],
        now: datetime,
        client_address: str,
        user_agent: str,
    ) -> Grant:
        refresh_token = secrets.token_urlsafe(32)
        row = SessionRow(
            id=uuid.uuid4().hex,
            user_id=user.id,
            refresh_hash=refresh_digest(refresh_token),
            create_time=now,
            refresh_time=now,
            expire_time=now + self.session_ttl,
            client_address=client_address[:64],
            user_agent=user_agent[:500],
            revoke_reason="",
        )
        session.add(row)
        return self._grant(user, roles, row, refresh_token, now)

    def _grant(
        self, user: UserRow, roles: tuple[RoleRow, ...], row: SessionRow, refresh_token: str, now: datetime
    ) -> Grant:
        expire = aware(row.expire_time)
        ttl = min(self.access_ttl, expire - now)
        token = issue_token(
            identity_of(user, roles, row.id), secret=self.token_secret, clock=self.clock, ttl=ttl
        )
        return Grant(
            user=user,
            roles=roles,
            session_id=row.id,
            access_token=token,
            access_expire_time=now + ttl,
            refresh_token=refresh_token,
            refresh_expire_time=expire,
        )

    async def refresh(self, refresh_token: str) -> Grant:
        if not refresh_token:
            raise Unauthenticated("缺少刷新令牌 (missing refresh token)", reason="REFRESH_TOKEN_MISSING")
        digest = refresh_digest(refresh_token)
        now = self.clock.now()
        ended = Unauthenticated(
            "会话已结束，请重新登录 (the session has ended; sign in again)", reason="SESSION_ENDED"
        )
        async with self.db.transaction() as session:
            row = (
                await session.execute(
                    select(SessionRow).where(SessionRow.refresh_hash == digest).with_for_update()
                )
            ).scalar_one_or_none()
            if row is None:
                replayed = (
                    await session.execute(
                        select(SessionRow).where(SessionRow.previous_refresh_hash == digest)
                    )
                ).scalar_one_or_none()
                if replayed is not None and replayed.revoke_time is None:
                    self._revoke(session, replayed, now, "REFRESH_TOKEN_REPLAYED")
                    # committed below: the replay ends the session even though this call fails
                else:
                    raise ended
            else:
                user = await session.get(UserRow, row.user_id)
                if row.revoke_time is not None or aware(row.expire_time) <= now:
                    raise ended
                if user is None or user.state != ACTIVE:
                    self._revoke(session, row, now, "USER_DISABLED")
                else:
                    fresh = secrets.token_urlsafe(32)
                    row.previous_refresh_hash, row.refresh_hash, row.refresh_time = (
                        digest,
                        refresh_digest(fresh),
                        now,
                    )
                    return self._grant(user, await roles_of(session, user.id), row, fresh, now)
        raise ended

    def _revoke(self, session: AsyncSession, row: SessionRow, now: datetime, reason: str) -> None:
        row.revoke_time, row.revoke_reason = now, reason
        if self.local is not None:  # this process refuses the tokens as soon as the change commits
            local, session_id, expire = self.local, row.id, aware(row.expire_time).timestamp()
            event.listen(
                session.sync_session,
                "after_commit",
                lambda _: local.revoke_session(session_id, expire),
                once=True,
            )
        name = f"users/{row.user_id}/sessions/{row.id}"
        self.events.record(
            session,
            events_pb2.SessionRevoked(
                session=name, session_id=row.id, expire_time=to_timestamp(aware(row.expire_time))
            ),
            resource=name,
        )

    async def logout(self, caller: Identity) -> None:
        """End the caller's current session (a token without a session, e.g. a service token, has none)."""
        if not caller.session_id:
            return
        now = self.clock.now()
        async with self.db.transaction() as session:
            row = await session.get(SessionRow, caller.session_id)
            if row is not None and row.revoke_time is None and f"users/{row.user_id}" == caller.subject:
                self._revoke(session, row, now, "LOGOUT")

    async def sessions(self, caller: Identity, user_id: str) -> list[SessionRow]:
        """The sessions of ``user_id`` that have not ended (``me``: the caller's)."""
        user_id = self._own_or_managed(caller, user_id)
        now = self.clock.now()
        async with self.db.read() as session:
            rows = (
                (
                    await session.execute(
                        select(SessionRow)
                        .where(SessionRow.user_id == user_id, SessionRow.revoke_time.is_(None))
                        .order_by(SessionRow.create_time.desc(), SessionRow.id)
                    )
                )
                .scalars()
                .all()
            )
        return [row for row in rows if aware(row.expire_time) > now]

    async def revoke(self, caller: Identity, user_id: str, session_id: str) -> None:
        user_id = self._own_or_managed(caller, user_id)
        now = self.clock.now()
        async with self.db.transaction() as session:
            row = await session.get(SessionRow, session_id)
            if row is None or row.user_id != user_id:
                raise NotFound(f"会话 users/{user_id}/sessions/{session_id} 不存在 (not found)")
            if row.revoke_time is None:
                self._revoke(session, row, now, "REVOKED")

    async def revoke_all(self, session: AsyncSession, user_id: str, reason: str) -> int:
        """End every open session of ``user_id`` in the caller's transaction (a disabled user, a reset password)."""
        now = self.clock.now()
        rows = (
            (
                await session.execute(
                    select(SessionRow).where(SessionRow.user_id == user_id, SessionRow.revoke_time.is_(None))
                )
            )
            .scalars()
            .all()
        )
        for row in rows:
            self._revoke(session, row, now, reason)
        return len(rows)

    @staticmethod
    def _own_or_managed(caller: Identity, user_id: str) -> str:
        if user_id == "me" or f"users/{user_id}" == caller.subject:
            return caller.subject.removeprefix("users/")
        if not caller.can("users.manage"):
            # others' sessions exist only for administrators: not found, like any resource out of reach
            raise NotFound(f"用户 users/{user_id} 的会话不存在 (not found)")
        return user_id
