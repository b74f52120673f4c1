"""What a response notes as shown unmasked: a page noted at once equals its customers noted one by one."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from kam.customer.v1 import customer_pb2
from kam_customer.domain import customers as domain
from kam_customer.service_layer import audit


def _rows() -> list[SimpleNamespace]:
    """Customers of both types with every combination of the fields that hold personal data (and none)."""
    rows = []
    fields = ("display_name", "legal_representative", "id_number", "phone", "email", "address")
    for n, (type_, present) in enumerate(
        itertools.product((domain.INDIVIDUAL, domain.CORPORATE), itertools.product((False, True), repeat=6))
    ):
        values = {name: (f"{name}-{n}" if shown else "") for name, shown in zip(fields, present, strict=True)}
        rows.append(SimpleNamespace(id=f"c{n % 37}", type=type_, **values))  # ids repeat: first-seen order
    return rows


@pytest.mark.parametrize(
    "view",
    [
        customer_pb2.PII_VIEW_UNSPECIFIED,
        customer_pb2.PII_VIEW_UNMASKED,
        customer_pb2.PII_VIEW_BASIC,
    ],
)
@pytest.mark.parametrize("size", [0, 1, 5, 128])
def test_a_page_noted_at_once_equals_each_customer_noted(view: int, size: int) -> None:
    rows = _rows()[-size:] if size else []
    with audit.collecting(view) as at_once:
        audit.customers_shown(rows)
    with audit.collecting(view) as one_by_one:
        for row in rows:
            audit.disclose(row.id, audit.customer_kinds(row))
    assert list(at_once.customers) == list(one_by_one.customers)
    assert at_once.kinds == one_by_one.kinds
    if size == 128:  # the cases above are not all empty
        assert at_once.customers and at_once.kinds
    if view == customer_pb2.PII_VIEW_BASIC:
        assert at_once.kinds <= {audit.NAME}


def test_nothing_is_noted_outside_a_call() -> None:
    audit.customers_shown(_rows())  # no collecting(): ignored, no error
