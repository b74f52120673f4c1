"""The unit of work (Cosmic Python, "Architecture Patterns with Python" ch. 6): the port the write-side use cases
run in, and its SQLAlchemy implementation.

A use case opens one (``async with self.uow() as uow:``), reads and changes customers and their contacts through
its repositories, resolves the caller's data scope through it, queues the outbox events and audit records of the
change on it, and ends with ``await uow.commit()``: the change, its events and its audit records are stored in one transaction.
Leaving the block without committing — an error, or a use case with nothing to store — rolls back, and nothing
queued is written. ``read_only=True`` opens one for a read (on SQLite it does not queue behind the writers).

The in-memory fake (``services/customer/tests/unit/customer_fakes.py``) implements the same port, so the use cases
built on it (:mod:`kam_customer.service_layer.customers`, :mod:`kam_customer.service_layer.lifecycle`,
:mod:`kam_customer.service_layer.contacts`) are unit-tested without a database.

Layout as in the book: the repository port and its SQLAlchemy adapter in :mod:`kam_customer.adapters.repository`,
the unit of work here — the service layer sits above the adapters (``make lint``), and the SQLAlchemy unit of work
keeps the search index (:mod:`kam_customer.search`, between the two layers) current in the same transaction.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any, Protocol, Self

from google.protobuf.message import Message
from kam_kit import outbox
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.scope import DataScope
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from kam_customer.adapters.orm import (
    ContactRow,
    CreditProfileRow,
    CustomerMetricsRow,
    CustomerRow,
    InteractionRow,
)
from kam_customer.adapters.repository import (
    AbstractContactRepository,
    AbstractCustomerRepository,
    CoreContactReader,
    CoreCustomerReader,
    SqlAlchemyContactRepository,
    SqlAlchemyCustomerRepository,
)
from kam_customer.adapters.scope import customer_not_found, scope_for
from kam_customer.adapters.trail import trail
from kam_customer.context import SERVICE
from kam_customer.search.index import index_new, reindex
from kam_customer.tiering.orm import CustomerTierStateRow, TierHistoryRow, TierOverrideRow

#: The rows that are only about one customer and go with it when it is deleted: contacts, the timeline, credit
#: profile and metrics, tier state, history and overrides (its search terms go when the index is rewritten).
CUSTOMER_OWNED_ROWS = (
    ContactRow,
    InteractionRow,
    CreditProfileRow,
    CustomerMetricsRow,
    TierOverrideRow,
    TierHistoryRow,
    CustomerTierStateRow,
)


@dataclass(frozen=True)
class AuditChange:
    """The audit record of a change as a use case states it: ``before`` empty for a create, ``after`` for a delete
    (:func:`kam_kit.audit.record_change` keeps only the fields that changed)."""

    actor: Identity | None
    action: str
    resource: str
    before: Mapping[str, Any] = field(default_factory=dict)
    after: Mapping[str, Any] = field(default_factory=dict)


class AbstractUnitOfWork(abc.ABC):
    """One transaction of a use case: its repositories, the caller's data scope, and the events and audit
    records it queues, stored with the change on :meth:`commit` and dropped otherwise."""

    customers: AbstractCustomerRepository
    contacts: AbstractContactRepository
    read_only: bool = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.rollback()  # after a commit there is nothing left to roll back

    async def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        await self._commit()

    @abc.abstractmethod
    async def _commit(self) -> None: ...

    @abc.abstractmethod
    async def rollback(self) -> None:
        """Drop every change, event and audit record not committed yet."""

    @abc.abstractmethod
    async def scope(self, identity: Identity | None) -> DataScope:
        """The data scope of ``identity`` (:mod:`kam_kit.scope`) over the org tree as this unit of work sees it."""

    @abc.abstractmethod
    def record_event(self, message: Message, *, resource: str) -> None:
        """Queue an event for the outbox (published after commit, never without it)."""

    @abc.abstractmethod
    def record_change(self, change: AuditChange) -> None:
        """Queue the audit record of a change for the service's audit trail."""


class UnitOfWorkFactory(Protocol):
    """What a use case is given: a new unit of work for each call (concurrent calls do not share one)."""

    def __call__(self, *, read_only: bool = False) -> AbstractUnitOfWork: ...


async def visible_customer(uow: AbstractUnitOfWork, scope: DataScope, customer_id: str) -> CustomerRow:
    """The customer if it exists and ``scope`` allows it, else NOT_FOUND (the same answer either way:
    :func:`kam_customer.adapters.scope.visible_customer` through the unit of work's repository)."""
    customer = await uow.customers.get(customer_id)
    if customer is None or not scope.allows(customer):
        raise customer_not_found(customer_id)
    return customer


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """A transaction of the service database (:meth:`kam_kit.db.Database.transaction`): the outbox rows and audit
    records queued on it are inserted by the kit's ``before_commit`` hooks, and the search index rows of every
    customer it added, changed or deleted are rewritten just before the commit. A use case's transaction is a
    short write (a few statements), so on a SQLite file it runs inline (:meth:`kam_kit.db.Database.writing`).

    Read-only, it holds a connection for Core reads instead (:meth:`kam_kit.db.Database.reading`, the
    repositories' ``Core…Reader``): it answers rows with the ORM classes' attribute names, and has no session."""

    session: AsyncSession
    connection: AsyncConnection

    def __init__(self, db: Database, clock: Clock, *, read_only: bool = False) -> None:
        self.db = db
        self.read_only = read_only
        self._events = outbox.Recorder(SERVICE, clock)
        self._audit = trail(clock)
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> Self:
        if self.read_only:
            self.connection = await self._stack.enter_async_context(self.db.reading())
            self.customers = CoreCustomerReader(self.connection)
            self.contacts = CoreContactReader(self.connection)
        else:
            self.session = await self._stack.enter_async_context(self.db.transaction(inline=True))
            self.customers = SqlAlchemyCustomerRepository(self.session, owned=CUSTOMER_OWNED_ROWS)
            self.contacts = SqlAlchemyContactRepository(self.session)
        return await super().__aenter__()

    async def __aexit__(self, *exc_info: Any) -> None:  # noqa: PYI036 - passed on to the exit stack
        try:
            await super().__aexit__(*exc_info)
        finally:
            await self._stack.__aexit__(*exc_info)

    async def _commit(self) -> None:
        session = self.session
        added = [row for row in session.new if isinstance(row, CustomerRow)]
        changed = [row for row in (*session.dirty, *session.deleted) if isinstance(row, CustomerRow)]
        if added or changed:
            await session.flush()
            await index_new(session, added)
            await reindex(session, sorted({row.id for row in changed}))
        await session.commit()

    async def rollback(self) -> None:
        # Closing rolls the transaction back just the same, and leaves what the use case read loaded (detached)
        # for its caller, where ``session.rollback()`` would expire it (a read, or a create answered with the
        # customer an earlier request made, returns rows without committing). A read-only one has no session.
        if not self.read_only:
            await self.session.close()

    async def scope(self, identity: Identity | None) -> DataScope:
        return await scope_for(self.connection if self.read_only else self.session, identity)

    def record_event(self, message: Message, *, resource: str) -> None:
        self._events.record(self.session, message, resource=resource)

    def record_change(self, change: AuditChange) -> None:
        self._audit.change(
            self.session,
            actor=change.actor,
            action=change.action,
            resource=change.resource,
            before=change.before,
            after=change.after,
        )
