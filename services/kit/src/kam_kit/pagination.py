"""AIP-158 pagination helpers: page-size coercion and opaque, tamper-evident keyset page tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_kit.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def page_size(requested: int, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    """0 → the default; above the maximum → the maximum; negative → INVALID_ARGUMENT."""
    if requested < 0:
        raise InvalidArgument.for_field("page_size", "不能为负数 (must not be negative)")
    return min(requested or default, maximum)


def _sign(body: bytes, secret: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).digest()[:8]


def encode_token(cursor: dict, *, bound_to: str, secret: bytes) -> str:
    """An opaque URL-safe token for ``cursor``, valid only with the same query (``bound_to``)."""
    body = json.dumps({"c": cursor, "q": bound_to}, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(_sign(body, secret) + body).decode().rstrip("=")


def decode_token(token: str, *, bound_to: str, secret: bytes) -> dict | None:
    """The cursor of a token made by :func:`encode_token` (None for an empty token)."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        mac, body = raw[:8], raw[8:]
        if not hmac.compare_digest(mac, _sign(body, secret)):
            raise ValueError("bad signature")
        data = json.loads(body)
    except (ValueError, json.JSONDecodeError):
        raise InvalidArgument.for_field("page_token", "无效的分页令牌 (invalid page token)") from None
    if data.get("q") != bound_to:
        raise InvalidArgument.for_field(
            "page_token", "分页令牌与查询条件不匹配 (page token does not match the query)"
        )
    return data["c"]


def page_secret(token_secret: str) -> bytes:
    """A service's own secret for page tokens (and other signed cursors), derived from ``KAM_TOKEN_SECRET`` so
    that every process of the service derives the same one."""
    return hashlib.sha256(b"page:" + token_secret.encode()).digest()


class OffsetPages:
    """Offset cursors in signed page tokens bound to the request's query (``bound_to``: e.g. its filter and
    order), for lists whose order is stable enough for offsets."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def offset(self, token: str, bound_to: str) -> int:
        cursor = decode_token(token, bound_to=bound_to, secret=self.secret)
        return int(cursor["offset"]) if cursor else 0

    def next(self, offset: int, count: int, more: bool, bound_to: str) -> str:
        return encode_token({"offset": offset + count}, bound_to=bound_to, secret=self.secret) if more else ""

    async def rows(
        self,
        session: AsyncSession,
        model: type[Any],
        conditions: Sequence[Any],
        order_by: Sequence[Any],
        *,
        token: str,
        bound_to: str,
        requested: int,
        maximum: int = 500,
    ) -> tuple[list[Any], str, int]:
        """One page of ``model``'s rows that meet ``conditions``, in ``order_by``: the rows, the next page's token
        and how many meet them in all (``total_size``). A bad token is ``INVALID_ARGUMENT`` before any query."""
        offset = self.offset(token, bound_to)
        size = page_size(requested, maximum=maximum)
        total = int(await session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)
        found = list(
            await session.scalars(
                select(model).where(*conditions).order_by(*order_by).offset(offset).limit(size)
            )
        )
        return found, self.next(offset, len(found), offset + len(found) < total, bound_to), total
