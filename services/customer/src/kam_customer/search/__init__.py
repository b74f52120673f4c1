"""Customer service: search (one search box over names, pinyin, initials, ID numbers, phones, account numbers
and 统一社会信用代码). Index maintenance: :func:`kam_customer.search.index.reindex`; lookups:
:func:`kam_customer.search.query.search`; the table: :mod:`kam_customer.search.orm`. SearchCustomers is served by
the CustomerService servicer; the index is kept current by ``reindex`` (scan, CreateCustomer/UpdateCustomer)."""

from __future__ import annotations

from kam_customer.search import orm as orm  # registers search_terms on Base.metadata
