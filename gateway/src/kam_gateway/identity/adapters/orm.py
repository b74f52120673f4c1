"""The identity store (the gateway's own database): org units, users and their roles, roles, sign-in sessions
and service accounts. Secrets are kept only as hashes (argon2id for passwords and service-account secrets,
SHA-256 for refresh tokens, which are long random values)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kam_kit.db import service_base
from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

Base = service_base()

KAM, CORE_BANKING = "KAM", "CORE_BANKING"  # origin


class OrgUnitRow(Base):
    __tablename__ = "org_units"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the institution code (机构号)
    display_name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))  # HEAD_OFFICE | BRANCH | SUB_BRANCH | DEPARTMENT
    parent_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    region: Mapped[str] = mapped_column(String(100), default="")
    origin: Mapped[str] = mapped_column(String(16), default=KAM)
    keep_kam_changes: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # users/{id}
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    org_unit_id: Mapped[str] = mapped_column(String(64), index=True)
    manager_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    staff_code: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    state: Mapped[str] = mapped_column(String(24), default="ACTIVE")  # ACTIVE | DISABLED | PENDING_ACTIVATION
    data_scope: Mapped[str] = mapped_column(String(16), default="")  # "" → the widest of the roles'
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_change_required: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_login_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    origin: Mapped[str] = mapped_column(String(16), default=KAM)
    keep_kam_changes: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserRoleRow(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    role_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class RoleRow(Base):
    __tablename__ = "roles"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # roles/{id}
    display_name: Mapped[str] = mapped_column(String(100))
    permissions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    data_scope: Mapped[str] = mapped_column(String(16))  # ALL | ORG_UNIT_TREE | OWN
    built_in: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the tokens' sid claim
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    #: SHA-256 of the current refresh token, and of the one it replaced (presenting that again is a replay).
    refresh_hash: Mapped[str] = mapped_column(String(64), unique=True)
    previous_refresh_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    refresh_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expire_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoke_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoke_reason: Mapped[str] = mapped_column(String(32), default="")
    client_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(Text, default="")


class ServiceAccountRow(Base):
    __tablename__ = "service_accounts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the client id
    display_name: Mapped[str] = mapped_column(String(200))
    permissions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    secret_hash: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="ACTIVE")  # ACTIVE | DISABLED
    #: Tokens issued before this instant no longer work (secret rotated or account disabled).
    tokens_valid_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_token_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditTrailRow(Base):
    """Every service's audit records as their ``AuditRecorded`` events brought them (the central trail)."""

    __tablename__ = "audit_trail"

    service: Mapped[str] = mapped_column(String(64), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # CHANGE | VIEW
    occur_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(128), index=True)
    action: Mapped[str] = mapped_column(String(128), index=True)
    resource: Mapped[str] = mapped_column(String(255), index=True)
    hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    canonical_json: Mapped[str] = mapped_column(Text)
    #: The kam.audit.v1.AuditRecord, serialized without what ``canonical_json`` holds (``before``, ``after``,
    #: ``details``, the JSON itself: ``abridged``); rows stored before held it whole. Read whole again by
    #: ``service_layer.audit_trail``.
    record: Mapped[bytes] = mapped_column(LargeBinary)
