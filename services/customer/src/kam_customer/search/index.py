"""Keeping the search index current: ``reindex`` rewrites the index rows of some customers.

Called (inside the caller's transaction; the caller commits) by the scan after it wrote customers/accounts and by
CreateCustomer/UpdateCustomer. Customers that no longer exist lose their rows. Work is set-based: one delete,
one select of the customers, one of their accounts, one bulk insert per chunk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from operator import itemgetter

from kam_kit import bulk
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import AccountRow, CustomerRow
from kam_customer.search.orm import SearchTermRow
from kam_customer.search.text import IndexedCustomer, terms_for

#: Customers handled per round trip (bounded IN lists on both engines).
CHUNK = 500
_KEY_ORDER = itemgetter(*(c.name for c in SearchTermRow.__table__.primary_key.columns))


def priority_of(tier: str, key_customer: bool) -> int:
    """0: has a tier; 1: key customer without a tier (candidate); 2: anyone else."""
    return 0 if tier else (1 if key_customer else 2)


def index_rows(customer: CustomerRow | object, account_numbers: Iterable[str]) -> list[dict]:
    """The ``search_terms`` rows of one customer (anything with CustomerRow's attributes)."""
    indexed = IndexedCustomer(
        display_name=customer.display_name,
        type=customer.type,
        id_number=customer.id_number,
        phone=customer.phone or "",
        account_numbers=tuple(account_numbers),
    )
    priority = priority_of(customer.tier or "", bool(customer.key_customer))
    return [
        {
            "kind": kind,
            "priority": priority,
            "term": term,
            "customer_id": customer.id,
            "org_unit": customer.branch or "",
            "relationship_manager": customer.relationship_manager or "",
        }
        for kind, term in sorted(terms_for(indexed))
    ]


async def reindex(session: AsyncSession, customer_ids: list[str]) -> None:
    """(Re)build the index rows of ``customer_ids`` in the caller's transaction."""
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), CHUNK):
        await _reindex_chunk(session, ids[start : start + CHUNK])


async def _reindex_chunk(session: AsyncSession, ids: Sequence[str]) -> None:
    await session.flush()  # the caller's pending customer/account changes must be visible to the selects
    await session.execute(delete(SearchTermRow).where(SearchTermRow.customer_id.in_(ids)))
    customers = (
        await session.execute(
            select(  # plain rows (a scan reindexes thousands of customers per batch)
                CustomerRow.id,
                CustomerRow.display_name,
                CustomerRow.type,
                CustomerRow.id_number,
                CustomerRow.phone,
                CustomerRow.tier,
                CustomerRow.key_customer,
                CustomerRow.branch,
                CustomerRow.relationship_manager,
            ).where(CustomerRow.id.in_(ids))
        )
    ).all()
    accounts: dict[str, list[str]] = defaultdict(list)
    for customer_id, number in (
        await session.execute(
            select(AccountRow.customer_id, AccountRow.id).where(AccountRow.customer_id.in_(ids))
        )
    ).all():
        accounts[customer_id].append(number)
    rows = [row for customer in customers for row in index_rows(customer, accounts.get(customer.id, ()))]
    # In primary-key order: the key's B-tree is then filled page by page instead of at random places (on SQLite
    # this halves the cost of a scan's biggest insert).
    rows.sort(key=_KEY_ORDER)
    await bulk.insert_rows(
        session, SearchTermRow.__table__, rows
    )  # one executemany, no per-row SQLAlchemy work


async def index_new(session: AsyncSession, customers: Sequence[CustomerRow]) -> None:
    """The index rows of customers added in the caller's transaction and flushed: from the rows in hand (a new
    customer has no terms and no accounts yet), without :func:`reindex`'s delete and selects."""
    rows = [row for customer in customers for row in index_rows(customer, ())]
    rows.sort(key=_KEY_ORDER)
    await bulk.insert_rows(session, SearchTermRow.__table__, rows)


async def reindex_all(session: AsyncSession) -> int:
    """Rebuild the whole index (e.g. after a restore); returns the number of customers indexed."""
    ids = list((await session.scalars(select(CustomerRow.id))).all())
    await session.execute(delete(SearchTermRow))
    await reindex(session, ids)
    return len(ids)
