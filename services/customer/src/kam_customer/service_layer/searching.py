"""The SearchCustomers use case: scope the caller, run the (filtered) query against the index, load the customers."""

from __future__ import annotations

from collections.abc import Mapping

from kam_kit.auth import Identity
from kam_kit.db import Database
from kam_kit.errors import InvalidArgument
from kam_kit.rows import plain
from sqlalchemy import bindparam, select

from kam_customer.adapters.orm import CustomerMetricsRow, CustomerRow
from kam_customer.adapters.protomap import METRICS_JOINED
from kam_customer.adapters.scope import scope_for
from kam_customer.search.query import Hit, search

MAX_QUERY_LENGTH = 100
CUSTOMERS = CustomerRow.__table__
_CUSTOMERS_OF = (
    select(CUSTOMERS, *METRICS_JOINED)
    .outerjoin(CustomerMetricsRow, CustomerMetricsRow.customer_id == CUSTOMERS.c.id)
    .where(CUSTOMERS.c.id.in_(bindparam("ids", expanding=True)))
)


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
        """The page of (hit, customer) in rank order and whether more results follow; each customer's row holds its
        metrics' columns too (``metrics_…``). ``filters``: customer
        column → required value (``type``, ``tier``, ``branch``, ``relationship_manager``, ``key_customer``)."""
        if not query.strip():
            raise InvalidArgument.for_field("query", "请输入搜索内容 (must not be empty)")
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidArgument.for_field(
                "query", f"最长{MAX_QUERY_LENGTH}个字符 (at most {MAX_QUERY_LENGTH})"
            )
        async with self.db.reading() as connection:  # Core, as the listing (docs/performance.md, round 6)
            scope = await scope_for(connection, identity)
            hits = await search(
                connection, query, scope, limit=limit, offset=offset, filters=filters or {}, masked=masked
            )
            ids = [hit.customer_id for hit in hits[:limit]]
            rows = (
                {  # table rows, not ORM objects (rendered and dropped), with their metrics (METRICS_JOINED)
                    row.id: row for row in plain(await connection.execute(_CUSTOMERS_OF, {"ids": ids}))
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
