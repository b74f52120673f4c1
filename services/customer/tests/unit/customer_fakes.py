"""In-memory fakes of the customer service's ports (Cosmic Python's FakeRepository and FakeUnitOfWork), for unit
tests of the use cases behind the unit of work (:mod:`kam_customer.service_layer.unit_of_work`).

Like the database, the fake unit of work keeps what a use case stores — new customers, outbox events, audit
records — only when it commits, and drops it otherwise. Data scopes are the real rules (:func:`kam_kit.scope.resolve`)
over an org tree given to the fake; audit records keep what the kit would store (only the changed fields)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from google.protobuf.message import Message
from kam_customer.adapters.orm import CustomerRow
from kam_customer.adapters.repository import AbstractCustomerRepository
from kam_customer.service_layer.unit_of_work import AbstractUnitOfWork, AuditChange
from kam_kit import audit
from kam_kit.auth import Identity
from kam_kit.scope import DataScope, needs_tree, resolve


class FakeCustomerRepository(AbstractCustomerRepository):
    """Customers in a dict; what :meth:`add` and :meth:`remove` do is stored on commit. (A stored customer is the
    object the use case changes, so a change shows before commit: tests check nothing changed before a refusal.)"""

    def __init__(
        self, customers: Iterable[CustomerRow] = (), groups: Mapping[str, str] | None = None
    ) -> None:
        self.stored = {customer.id: customer for customer in customers}
        self.groups = dict(groups or {})  # customer id → id of the corporate group it is a member of
        self._added: dict[str, CustomerRow] = {}
        self._removed: set[str] = set()

    async def get(self, customer_id: str) -> CustomerRow | None:
        if customer_id in self._removed:
            return None
        return self._added.get(customer_id) or self.stored.get(customer_id)

    async def by_request_id(self, request_id: str) -> CustomerRow | None:
        customers = [*self.stored.values(), *self._added.values()]
        return next((customer for customer in customers if customer.request_id == request_id), None)

    def add(self, customer: CustomerRow) -> None:
        self._added[customer.id] = customer

    async def remove(self, customer: CustomerRow) -> None:
        self._removed.add(customer.id)

    async def group_of(self, customer_id: str) -> str | None:
        return self.groups.get(customer_id)

    def commit(self) -> None:
        self.stored.update(self._added)
        for customer_id in self._removed:
            self.stored.pop(customer_id, None)
        self.rollback()

    def rollback(self) -> None:
        self._added.clear()
        self._removed.clear()


class FakeUnitOfWork(AbstractUnitOfWork):
    """Its own factory (``CustomerService(uow, clock)``): every call of a use case opens this one, and its
    committed ``events`` and audit ``changes`` accumulate over the calls of a test."""

    def __init__(
        self,
        customers: Iterable[CustomerRow] = (),
        *,
        org_units: Mapping[str, str | None] | None = None,
        groups: Mapping[str, str] | None = None,
    ) -> None:
        self.customers: FakeCustomerRepository = FakeCustomerRepository(customers, groups)
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
        self.events += self._events
        self.changes += self._changes
        self.commits += 1
        self._events, self._changes = [], []

    async def rollback(self) -> None:
        self.customers.rollback()
        self._events, self._changes = [], []

    async def scope(self, identity: Identity | None) -> DataScope:
        return resolve(identity, self.org_units if needs_tree(identity) else None)

    def record_event(self, message: Message, *, resource: str) -> None:
        self._events.append((message, resource))

    def record_change(self, change: AuditChange) -> None:
        before, after = audit.changed_fields(change.before, change.after)
        self._changes.append(replace(change, before=before, after=after))
