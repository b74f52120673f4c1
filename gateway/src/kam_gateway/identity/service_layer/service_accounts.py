"""Service accounts (服务账户): internal systems that call KAM's gRPC services directly, e.g. the core system's
change feed. A client id and a secret (kept as an argon2id hash, shown once) get a token holding exactly the
account's permissions (OAuth 2.0 client credentials). Rotating the secret or disabling the account moves
``tokens_valid_after`` and records ``ServiceAccountRevoked``, from which every service refuses older tokens."""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kam.identity.v1 import events_pb2
from kam_kit import outbox, permissions
from kam_kit.auth import Identity, issue_token
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import AlreadyExists, NotFound, Unauthenticated, Validator
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_gateway.identity.adapters.orm import ServiceAccountRow
from kam_gateway.identity.domain.passwords import PasswordHashing
from kam_gateway.identity.service_layer.paging import page_by_id
from kam_gateway.identity.service_layer.sign_in import SERVICE
from kam_gateway.identity.service_layer.trail import account_values, actor, trail

CLIENT_ID = re.compile(r"^[a-z][a-z0-9-]{2,62}$")
TOKEN_TTL = timedelta(hours=1)
BAD_CLIENT = "客户端标识或密钥错误 (wrong client id or secret)"


@dataclass
class ServiceAccountDraft:
    display_name: str = ""
    permissions: list[str] = field(default_factory=list)


class ServiceAccounts:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        token_secret: str,
        hashing: PasswordHashing,
        token_ttl: timedelta = TOKEN_TTL,
        page_secret: bytes = b"identity",
    ) -> None:
        self.db = db
        self.clock = clock
        self.token_secret = token_secret
        self.hashing = hashing
        self.token_ttl = token_ttl
        self.page_secret = page_secret
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = trail(clock)

    async def create(self, client_id: str, draft: ServiceAccountDraft) -> tuple[ServiceAccountRow, str]:
        v = Validator()
        if v.require(client_id, "service_account_id"):
            v.check(
                bool(CLIENT_ID.match(client_id)),
                "service_account_id",
                "小写字母开头，小写字母、数字和 -，3至63位 (lower case, digits, -; 3 to 63)",
            )
        v.require(draft.display_name.strip(), "service_account.display_name")
        if v.check(
            bool(draft.permissions), "service_account.permissions", "至少一项权限 (at least one permission)"
        ):
            for index, name in enumerate(draft.permissions):
                v.check(
                    name in permissions.PERMISSIONS,
                    f"service_account.permissions[{index}]",
                    f"未知权限 {name} (unknown permission)",
                )
        v.raise_if_any()
        secret = secrets.token_urlsafe(32)
        secret_hash = await asyncio.to_thread(self.hashing.hash, secret)
        now = self.clock.now()
        async with self.db.transaction() as session:
            if await session.get(ServiceAccountRow, client_id) is not None:
                raise AlreadyExists(f"服务账户 serviceAccounts/{client_id} 已存在 (already exists)")
            row = ServiceAccountRow(
                id=client_id,
                display_name=draft.display_name.strip(),
                permissions=sorted(set(draft.permissions)),
                secret_hash=secret_hash,
                state="ACTIVE",
                tokens_valid_after=now,
                version=1,
                create_time=now,
                update_time=now,
            )
            session.add(row)
            self.audit.change(
                session,
                actor=actor(),
                action="serviceAccounts.create",
                resource=f"serviceAccounts/{client_id}",
                after=account_values(row),
            )
        return row, secret

    async def get(self, client_id: str) -> ServiceAccountRow:
        async with self.db.read() as session:
            row = await session.get(ServiceAccountRow, client_id)
        if row is None:
            raise NotFound(f"服务账户 serviceAccounts/{client_id} 不存在 (not found)")
        return row

    async def list(self, page_size: int, page_token: str) -> tuple[list[ServiceAccountRow], str]:
        rows, token, _ = await page_by_id(
            self.db,
            select(ServiceAccountRow),
            ServiceAccountRow.id,
            page_size=page_size,
            page_token=page_token,
            bound_to="",
            secret=self.page_secret,
            count=False,
        )
        return rows, token

    async def rotate(self, client_id: str) -> tuple[ServiceAccountRow, str]:
        secret = secrets.token_urlsafe(32)
        secret_hash = await asyncio.to_thread(self.hashing.hash, secret)
        async with self.db.transaction() as session:
            row = await self._row(session, client_id)
            row.secret_hash = secret_hash
            self._revoke(session, row, "serviceAccounts.rotateSecret", account_values(row))
        return row, secret

    async def disable(self, client_id: str) -> ServiceAccountRow:
        async with self.db.transaction() as session:
            row = await self._row(session, client_id)
            if row.state != "DISABLED":
                before = account_values(row)
                row.state = "DISABLED"
                self._revoke(session, row, "serviceAccounts.disable", before)
        return row

    async def issue_token(self, client_id: str, client_secret: str) -> tuple[str, datetime]:
        v = Validator()
        v.require(client_id, "client_id")
        v.require(client_secret, "client_secret")
        v.raise_if_any()
        async with self.db.read() as session:
            row = await session.get(ServiceAccountRow, client_id)
        matches = await asyncio.to_thread(
            self.hashing.verify, row.secret_hash if row else None, client_secret
        )
        if row is None or not matches or row.state != "ACTIVE":
            raise Unauthenticated(BAD_CLIENT, reason="BAD_CLIENT_CREDENTIALS")
        now = self.clock.now()
        async with self.db.transaction() as session:
            stored = await self._row(session, client_id)
            stored.last_token_time = now
        identity = Identity(
            subject=f"services/{client_id}",
            kind="service",
            display_name=row.display_name,
            roles=(permissions.SERVICE,),
            permissions=tuple(row.permissions),
        )
        token = issue_token(identity, secret=self.token_secret, clock=self.clock, ttl=self.token_ttl)
        return token, now + self.token_ttl

    async def _row(self, session: AsyncSession, client_id: str) -> ServiceAccountRow:
        row = await session.get(ServiceAccountRow, client_id, with_for_update=True)
        if row is None:
            raise NotFound(f"服务账户 serviceAccounts/{client_id} 不存在 (not found)")
        return row

    def _revoke(self, session: AsyncSession, row: ServiceAccountRow, action: str, before: dict) -> None:
        now = self.clock.now()
        row.tokens_valid_after = now
        row.version += 1
        row.update_time = now
        self.events.record(
            session,
            events_pb2.ServiceAccountRevoked(
                service_account=f"serviceAccounts/{row.id}", revoke_time=to_timestamp(aware(now))
            ),
            resource=f"serviceAccounts/{row.id}",
        )
        self.audit.change(
            session,
            actor=actor(),
            action=action,
            resource=f"serviceAccounts/{row.id}",
            before=before,
            after=account_values(row),
            details={"secret": "replaced"} if action.endswith("rotateSecret") else {},
        )
