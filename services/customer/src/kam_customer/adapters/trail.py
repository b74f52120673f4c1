"""The customer service's audit trail: :mod:`kam_kit.audit` bound to the service, and ORM rows as the
``before``/``after`` of a change (every column; the kit keeps only the fields that changed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kam_kit import audit
from kam_kit.clock import Clock
from sqlalchemy import inspect

from kam_customer.context import SERVICE


def trail(clock: Clock) -> audit.AuditTrail:
    return audit.AuditTrail(SERVICE, clock)


def values(row: object, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """Every mapped column of an ORM row (by attribute name) as JSON data, minus ``exclude``."""
    skipped = set(exclude)
    return audit.snapshot(row, [a.key for a in inspect(row).mapper.column_attrs if a.key not in skipped])
