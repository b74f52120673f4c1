"""The search index table (KAM's database; Alembic branch ``search``, file migrations/search_0001_terms.py).

One row per (kind, term, customer): see :mod:`kam_customer.search.text` for the kinds. ``priority`` ranks equal
matches (0 = has a tier, 1 = key customer without tier, 2 = other); ``org_unit``/``relationship_manager`` copy
the customer's ``branch``/``relationship_manager`` so searches are scoped inside the index.

Indexes: the primary key (kind, priority, term, customer_id) serves exact, prefix (range) and fuzzy (IN)
lookups for unrestricted callers in rank order; (org_unit, kind, term) and (relationship_manager, kind, term)
serve scoped callers; (customer_id) serves reindexing. ``term`` compares in binary order (SQLite's default;
``COLLATE "C"`` on PostgreSQL) so that a prefix is a range ``[p, p⁺)``.
"""

from __future__ import annotations

from sqlalchemy import Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from kam_customer.adapters.orm import Base

TERM_TYPE = String(200).with_variant(String(200, collation="C"), "postgresql")


class SearchTermRow(Base):
    __tablename__ = "search_terms"

    kind: Mapped[str] = mapped_column(String(2), primary_key=True)
    priority: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    term: Mapped[str] = mapped_column(TERM_TYPE, primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_unit: Mapped[str] = mapped_column(String(128), default="")
    relationship_manager: Mapped[str] = mapped_column(String(128), default="")

    __table_args__ = (
        Index("ix_search_terms_org_unit", "org_unit", "kind", "term"),
        Index("ix_search_terms_relationship_manager", "relationship_manager", "kind", "term"),
        Index("ix_search_terms_customer_id", "customer_id"),
    )
