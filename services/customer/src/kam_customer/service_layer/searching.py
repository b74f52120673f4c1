"""The SearchCustomers use case: scope the caller, run the (filtered) query against the index, load the customers."""

from __future__ import annotations

from collections.abc import Mapping

from kam_kit.auth import Identity
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument
from sqlalchemy import select

from kam_customer.adapters.orm import CustomerRow
from kam_customer.adapters.scope import scope_for
from kam_customer.search.query import Hit, search

MAX_QUERY_LENGTH = 100
CUSTOMERS = CustomerRow.__table__


class SearchService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def search(
        self,
        identity: Identity | None,
        query: str,
        *,
        offset: int,
        limit: int,
        filters: Mapping[str, object] | None = None,
        masked: bool = False,
    ) -> tuple[list[tuple[Hit, CustomerRow]], bool]:
        """The page of (hit, customer) in rank order and whether more results follow. ``filters``: customer
        column → required value (``type``, ``tier``, ``branch``, ``relationship_manager``, ``key_customer``)."""
        if not query.strip():
            raise InvalidArgument.for_field("query", "请输入搜索内容 (must not be empty)")
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidArgument.for_field(
                "query", f"最长{MAX_QUERY_LENGTH}个字符 (at most {MAX_QUERY_LENGTH})"
            )
        async with self.db.read() as session:
            scope = await scope_for(session, identity)
            hits = await search(
                session, query, scope, limit=limit, offset=offset, filters=filters or {}, masked=masked
            )
            ids = [hit.customer_id for hit in hits[:limit]]
            rows = (
                {
                    row.id: row
                    for row in (  # table rows, not ORM objects (rendered and dropped)
                        await session.execute(select(CUSTOMERS).where(CUSTOMERS.c.id.in_(ids)))
                    ).all()
                }
                if ids
                else {}
            )
        # The index is written in the same transaction as the customers, so every hit has its row; the check
        # keeps a result from ever showing a customer the scope does not allow.
        page = [
            (hit, rows[hit.customer_id])
            for hit in hits[:limit]
            if hit.customer_id in rows and scope.allows(rows[hit.customer_id])
        ]
        return page, len(hits) > limit
