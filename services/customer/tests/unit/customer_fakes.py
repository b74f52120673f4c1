"""In-memory fakes of the customer service's ports (Cosmic Python's FakeRepository and FakeUnitOfWork), for unit
tests of the use cases behind the unit of work (:mod:`kam_customer.service_layer.unit_of_work`).

Like the database, the fake unit of work keeps what a use case stores — new customers, outbox events, audit
records — only when it commits, and drops it otherwise. Data scopes are the real rules (:func:`kam_kit.scope.resolve`)
over an org tree given to the fake; audit records keep what the kit would store (only the changed fields)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Generic, TypeVar

from google.protobuf.message import Message
from kam_customer.adapters.orm import ContactRow, CustomerRow
from kam_customer.adapters.repository import AbstractContactRepository, AbstractCustomerRepository
from kam_customer.service_layer.unit_of_work import AbstractUnitOfWork, AuditChange
from kam_kit import audit
from kam_kit.auth import Identity
from kam_kit.scope import DataScope, needs_tree, resolve

Row = TypeVar("Row", CustomerRow, ContactRow)


class _FakeRows(Generic[Row]):
    """Rows in a dict by id; what :meth:`add` and :meth:`remove` do is stored on commit. (A stored row is the
    object the use case changes, so a change shows before commit: tests check nothing changed before a refusal.)"""

    def __init__(self, rows: Iterable[Row] = ()) -> None:
        self.stored = {row.id: row for row in rows}
        self._added: dict[str, Row] = {}
        self._removed: set[str] = set()

    async def get(self, row_id: str) -> Row | None:
        if row_id in self._removed:
            return None
        return self._added.get(row_id) or self.stored.get(row_id)

    def add(self, row: Row) -> None:
        self._added[row.id] = row

    async def remove(self, row: Row) -> None:
        self._removed.add(row.id)

    def visible(self) -> list[Row]:
        """What the use case sees now (its own additions and removals included)."""
        rows = {**self.stored, **self._added}
        return [row for row_id, row in rows.items() if row_id not in self._removed]

    def commit(self) -> None:
        self.stored.update(self._added)
        for row_id in self._removed:
            self.stored.pop(row_id, None)
        self.rollback()

    def rollback(self) -> None:
        self._added.clear()
        self._removed.clear()


class FakeCustomerRepository(_FakeRows[CustomerRow], AbstractCustomerRepository):
    def __init__(
        self, customers: Iterable[CustomerRow] = (), groups: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(customers)
        self.groups = dict(groups or {})  # customer id → id of the corporate group it is a member of

    async def by_request_id(self, request_id: str) -> CustomerRow | None:
        return next((customer for customer in self.visible() if customer.request_id == request_id), None)

    async def group_of(self, customer_id: str) -> str | None:
        return self.groups.get(customer_id)


class FakeContactRepository(_FakeRows[ContactRow], AbstractContactRepository):
    async def primaries(self, customer_id: str) -> list[ContactRow]:
        return [c for c in self.visible() if c.customer_id == customer_id and c.primary]


class FakeUnitOfWork(AbstractUnitOfWork):
    """Its own factory (``CustomerService(uow, clock)``): every call of a use case opens this one, and its
    committed ``events`` and audit ``changes`` accumulate over the calls of a test."""

    def __init__(
        self,
        customers: Iterable[CustomerRow] = (),
        *,
        contacts: Iterable[ContactRow] = (),
        org_units: Mapping[str, str | None] | None = None,
        groups: Mapping[str, str] | None = None,
    ) -> None:
        self.customers: FakeCustomerRepository = FakeCustomerRepository(customers, groups)
        self.contacts: FakeContactRepository = FakeContactRepository(contacts)
        #: org unit id → parent id (ids without ``orgUnits/``), what the scan copies from the core system
        self.org_units = dict(org_units or {})
        self.events: list[tuple[Message, str]] = []  # committed outbox events: (message, resource)
        self.changes: list[AuditChange] = []  # committed audit records
        self.commits = 0
        self.opened: list[str] = []  # "read" or "write", per unit of work a use case opened
        self._events: list[tuple[Message, str]] = []
        self._changes: list[AuditChange] = []

    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        self.read_only = read_only
        self.opened.append("read" if read_only else "write")
        return self

    async def _commit(self) -> None:
        self.customers.commit()
        self.contacts.commit()
        self.events += self._events
        self.changes += self._changes
        self.commits += 1
        self._events, self._changes = [], []

    async def rollback(self) -> None:
        self.customers.rollback()
        self.contacts.rollback()
        self._events, self._changes = [], []

    async def scope(self, identity: Identity | None) -> DataScope:
        return resolve(identity, self.org_units if needs_tree(identity) else None)

    def record_event(self, message: Message, *, resource: str) -> None:
        self._events.append((message, resource))

    def record_change(self, change: AuditChange) -> None:
        before, after = audit.changed_fields(change.before, change.after)
        self._changes.append(replace(change, before=before, after=after))
