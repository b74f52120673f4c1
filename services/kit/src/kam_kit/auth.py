"""Signed caller-identity tokens.

The gateway (after login) and internal systems (service tokens) carry the caller's identity to every service
as gRPC metadata ``authorization: Bearer <token>``. A token is an HS256 JWT signed with the secret shared by
the gateway and the services (``KAM_TOKEN_SECRET``), with issuer ``kam`` and audience ``kam``. Expiry is
checked against the injected :class:`~kam_kit.clock.Clock`, never the wall clock, so tests can move time.

Command line, for internal systems that call gRPC directly::

    KAM_TOKEN_SECRET=... python -m kam_kit.auth core-banking-feed --permission transactions.ingest

What a caller may do is :attr:`Identity.granted`: the token's explicit ``perms`` claim, or else what its built-in
roles grant (:mod:`kam_kit.permissions`); its data scope is :attr:`Identity.data_scope`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import jwt

from kam_kit import permissions as catalogue
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.errors import Unauthenticated

ISSUER = "kam"
AUDIENCE = "kam"
ALGORITHM = "HS256"
METADATA_KEY = "authorization"
MIN_SECRET_LENGTH = 32
SECRET_ENV = "KAM_TOKEN_SECRET"
KINDS = ("user", "service")
#: How far ahead of this clock a token's ``iat``/``nbf`` may be (clock skew between the gateway and a service).
CLOCK_SKEW = timedelta(seconds=60)

_BEARER = "bearer "


@dataclass(frozen=True)
class Identity:
    """Who is calling.

    ``org_unit`` is the resource name of the caller's branch/department (the data scope is derived from it).
    """

    subject: str
    kind: str = "user"
    display_name: str = ""
    roles: tuple[str, ...] = ()
    org_unit: str = ""
    #: Permissions granted explicitly (the token's ``perms`` claim); empty → what the roles grant.
    permissions: tuple[str, ...] = ()
    #: When the token that carried this identity expires (epoch seconds; 0 when not from a token).
    expires_at: float = field(default=0.0, compare=False)
    #: The core-banking staff code (工号) of a person who is a relationship manager there: customers whose
    #: relationship manager is ``staff/<staff_code>`` are their own (data scope ``OWN``).
    staff_code: str = ""
    #: A data scope set for this user (``ALL``, ``ORG_UNIT_TREE``, ``OWN``); empty → the widest of their roles'.
    scope: str = ""
    #: The sign-in session the token belongs to (empty for service tokens); revoking it revokes the token.
    session_id: str = ""
    #: When the token that carried this identity was issued (epoch seconds; 0 when not from a token).
    issued_at: float = field(default=0.0, compare=False)
    #: The person must change their password first (a new or reset one): until then they hold no permission,
    #: only what any signed-in caller may do (change the password, read themselves, sign out).
    password_change_required: bool = False

    def __post_init__(self) -> None:
        if not self.subject:
            raise ValueError("Identity.subject must not be empty")
        if self.kind not in KINDS:
            raise ValueError(f"Identity.kind must be one of {KINDS}, got {self.kind!r}")
        if self.scope and self.scope not in catalogue.SCOPES:
            raise ValueError(f"Identity.scope must be one of {catalogue.SCOPES}, got {self.scope!r}")
        # Accept any iterables but keep the dataclass hashable and immutable.
        object.__setattr__(self, "roles", tuple(self.roles))
        object.__setattr__(self, "permissions", tuple(self.permissions))
        granted = frozenset(self.permissions) if self.permissions else catalogue.role_permissions(self.roles)
        if self.kind != "service":
            granted -= catalogue.SERVICE_ONLY  # never a person, whatever the token says
        if self.password_change_required:
            granted = frozenset()
        object.__setattr__(self, "_granted", granted)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def granted(self) -> frozenset[str]:
        """Every permission this caller holds."""
        return self._granted  # type: ignore[attr-defined]

    def can(self, permission: str) -> bool:
        return permission in self.granted

    @property
    def data_scope(self) -> str:
        """``ALL``, ``ORG_UNIT_TREE`` or ``OWN`` (:mod:`kam_kit.permissions`): service identities see everything;
        a person the scope set for them, else the widest of their roles'."""
        if self.kind == "service":
            return catalogue.SCOPE_ALL
        return self.scope or catalogue.role_scope(self.roles)


def _check_secret(secret: str) -> None:
    if not secret or len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"{SECRET_ENV} 必须至少 {MIN_SECRET_LENGTH} 个字符 "
            f"({SECRET_ENV} must be at least {MIN_SECRET_LENGTH} characters long)"
        )


def issue_token(identity: Identity, *, secret: str, clock: Clock, ttl: timedelta) -> str:
    """A signed token for ``identity``, valid from ``clock.now()`` for ``ttl``."""
    _check_secret(secret)
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    now = clock.now()
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": identity.subject,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "kind": identity.kind,
        "name": identity.display_name,
        "roles": list(identity.roles),
        "org": identity.org_unit,
    }
    if identity.permissions:
        claims["perms"] = list(identity.permissions)
    for claim, value in (
        ("staff", identity.staff_code),
        ("scope", identity.scope),
        ("sid", identity.session_id),
    ):
        if value:
            claims[claim] = value
    if identity.password_change_required:
        claims["pcr"] = True
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def _unauthenticated(zh: str, en: str, reason: str) -> Unauthenticated:
    return Unauthenticated(f"{zh} ({en})", reason=reason)


def verify_token(token: str | None, *, secret: str, clock: Clock) -> Identity:
    """The identity in ``token``; :class:`Unauthenticated` if it is missing, expired, forged or malformed."""
    _check_secret(secret)
    if not token:
        raise _unauthenticated("缺少身份令牌", "missing token", "TOKEN_MISSING")
    try:
        # Time claims are checked below against the injected clock, not the wall clock.
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={
                "require": ["exp", "iat", "iss", "aud", "sub"],
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
    except jwt.InvalidSignatureError as exc:
        raise _unauthenticated("身份令牌签名无效", "invalid token signature", "TOKEN_INVALID") from exc
    except jwt.InvalidTokenError as exc:
        raise _unauthenticated("身份令牌无效", f"invalid token: {exc}", "TOKEN_INVALID") from exc

    now = clock.now().timestamp()
    try:
        exp, iat = float(claims["exp"]), float(claims["iat"])
        nbf = float(claims.get("nbf", iat))
    except (TypeError, ValueError) as exc:
        raise _unauthenticated("身份令牌无效", "invalid time claims", "TOKEN_INVALID") from exc
    if now >= exp:
        raise _unauthenticated("身份令牌已过期", "token expired", "TOKEN_EXPIRED")
    skew = CLOCK_SKEW.total_seconds()
    if nbf > now + skew:
        raise _unauthenticated("身份令牌尚未生效", "token not yet valid (nbf)", "TOKEN_INVALID")
    if iat > now + skew:
        raise _unauthenticated("身份令牌签发时间在未来", "token issued in the future (iat)", "TOKEN_INVALID")

    roles, perms = claims.get("roles", []), claims.get("perms", [])
    for claim in (roles, perms):
        if not isinstance(claim, list) or not all(isinstance(item, str) for item in claim):
            raise _unauthenticated("身份令牌无效", "invalid roles or perms claim", "TOKEN_INVALID")
    try:
        return Identity(
            subject=str(claims["sub"]),
            kind=str(claims.get("kind", "user")),
            display_name=str(claims.get("name", "")),
            roles=tuple(roles),
            org_unit=str(claims.get("org", "")),
            permissions=tuple(perms),
            expires_at=exp,
            staff_code=str(claims.get("staff", "")),
            scope=str(claims.get("scope", "")),
            session_id=str(claims.get("sid", "")),
            issued_at=iat,
            password_change_required=claims.get("pcr") is True,
        )
    except ValueError as exc:
        raise _unauthenticated("身份令牌无效", str(exc), "TOKEN_INVALID") from exc


#: How long a verified token is remembered (never past its expiry): revocation is checked on every call anyway.
TOKEN_CACHE_SECONDS = 300.0


class VerifiedTokens:
    """:func:`verify_token` remembering good tokens until they expire (at most :data:`TOKEN_CACHE_SECONDS`):
    callers reuse one token for many calls, and an HMAC check with PyJWT's claim handling cost more than the
    rest of the gateway's work for a cheap read (docs/performance.md). Bad tokens are not remembered."""

    def __init__(self, *, secret: str, clock: Clock, size: int = 4096) -> None:
        self.secret, self.clock, self.size = secret, clock, size
        self._known: dict[str, tuple[Identity, float]] = {}

    def verify(self, token: str | None) -> Identity:
        now = self.clock.now().timestamp()
        cached = self._known.get(token) if token else None
        if cached is not None and cached[1] > now:
            return cached[0]
        identity = verify_token(token, secret=self.secret, clock=self.clock)
        if len(self._known) >= self.size:
            self._known.clear()
        self._known[token or ""] = (identity, min(identity.expires_at, now + TOKEN_CACHE_SECONDS))
        return identity


def bearer(token: str) -> str:
    """The ``authorization`` metadata value for ``token``."""
    return f"Bearer {token}"


def token_from_metadata(metadata: Iterable[tuple[str, str | bytes]] | None) -> str | None:
    """The bearer token in gRPC (or HTTP-header-like) metadata, or None when there is none."""
    for key, value in metadata or ():
        if key.lower() != METADATA_KEY:
            continue
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        value = value.strip()
        if value.lower().startswith(_BEARER):
            return value[len(_BEARER) :].strip() or None
        return None
    return None


def issue_service_token(
    name: str,
    secret: str,
    ttl: timedelta = timedelta(days=30),
    *,
    clock: Clock = SYSTEM_CLOCK,
    permissions: tuple[str, ...] = (),
) -> str:
    """A token for an internal system (``kind="service"``) calling KAM's gRPC services directly: with exactly
    ``permissions`` when given (least privilege), else the built-in ``roles/service`` bundle (which does not
    include ``transactions.ingest``)."""
    unknown = sorted(set(permissions) - catalogue.PERMISSIONS.keys())
    if unknown:
        raise ValueError(f"unknown permissions: {', '.join(unknown)} (see docs/api.md, permissions)")
    return issue_token(
        Identity(
            subject=f"services/{name}",
            kind="service",
            display_name=name,
            roles=(catalogue.SERVICE,),
            permissions=permissions,
        ),
        secret=secret,
        clock=clock,
        ttl=ttl,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kam_kit.auth",
        description="签发服务令牌 (issue a service token); reads KAM_TOKEN_SECRET",
    )
    parser.add_argument("name", help="internal system name, e.g. core-banking-feed")
    parser.add_argument("--ttl-hours", type=float, default=24 * 30, help="validity in hours (default 720)")
    parser.add_argument(
        "--permission",
        "-p",
        action="append",
        default=[],
        metavar="PERMISSION",
        help="grant exactly this permission (repeatable), e.g. transactions.ingest for the core "
        "system's feed; without it the token has the roles/service bundle",
    )
    args = parser.parse_args(argv)
    secret = os.environ.get(SECRET_ENV, "")
    try:
        print(
            issue_service_token(
                args.name, secret, timedelta(hours=args.ttl_hours), permissions=tuple(args.permission)
            )
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
