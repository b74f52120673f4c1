"""What the identity use cases share: a page of rows by id (AIP-158 keyset pages with signed tokens bound to the
query) and the update-mask check."""

from __future__ import annotations

from typing import Any

from kam_kit import pagination
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument
from sqlalchemy import Select, func, select


async def page_by_id(
    db: Database,
    query: Select,
    id_column: Any,
    *,
    page_size: int,
    page_token: str,
    bound_to: str,
    secret: bytes,
    count: bool = True,
) -> tuple[list[Any], str, int]:
    """Rows of ``query`` in ``id_column`` order after the token's cursor, the next token ('' on the last page) and,
    with ``count``, how many rows the query has in all."""
    size = pagination.page_size(page_size, maximum=500)
    cursor = pagination.decode_token(page_token, bound_to=bound_to, secret=secret)
    async with db.read() as session:
        total = (
            (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
            if count
            else 0
        )
        if cursor:
            query = query.where(id_column > str(cursor.get("after", "")))
        rows = list((await session.execute(query.order_by(id_column).limit(size + 1))).scalars())
    token = (
        pagination.encode_token({"after": rows[size - 1].id}, bound_to=bound_to, secret=secret)
        if len(rows) > size
        else ""
    )
    return rows[:size], token, total


def check_mask(mask: set[str], updatable: frozenset[str]) -> None:
    unknown = mask - updatable
    if unknown:
        raise InvalidArgument.for_field(
            "update_mask",
            f"不能修改 {', '.join(sorted(unknown))} (not updatable; "
            f"updatable: {', '.join(sorted(updatable))})",
        )
