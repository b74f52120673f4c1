"""The customer repository (Cosmic Python's repository pattern): the port — what the use cases behind the unit of
work (:mod:`kam_customer.service_layer.unit_of_work`) ask of stored customers — and its SQLAlchemy adapter.

The port knows nothing of data scopes: a repository answers for every customer, and the use case checks the
caller's scope (:meth:`~kam_customer.service_layer.unit_of_work.AbstractUnitOfWork.scope`) on what it gets, so the
rules stay in one place and an in-memory fake (``services/customer/tests/unit/customer_fakes.py``) needs none of
them. Listing and searching customers are not here: they are SQL queries on the read side
(:mod:`kam_customer.service_layer.listing`, :mod:`kam_customer.search`).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import CustomerGroupMemberRow, CustomerRow


class AbstractCustomerRepository(abc.ABC):
    """Customers by id (the aggregate is one :class:`CustomerRow`; a change to it is saved on commit)."""

    @abc.abstractmethod
    async def get(self, customer_id: str) -> CustomerRow | None:
        """The customer, None when there is none (whatever the caller's scope)."""

    @abc.abstractmethod
    async def by_request_id(self, request_id: str) -> CustomerRow | None:
        """The customer a create with this ``request_id`` made, None when none did."""

    @abc.abstractmethod
    def add(self, customer: CustomerRow) -> None:
        """A new customer, stored when the unit of work commits."""

    @abc.abstractmethod
    async def remove(self, customer: CustomerRow) -> None:
        """The customer and the rows that are only about it, deleted when the unit of work commits."""

    @abc.abstractmethod
    async def group_of(self, customer_id: str) -> str | None:
        """The id of the corporate group the customer is a member of, None when it is in none."""


class SqlAlchemyCustomerRepository(AbstractCustomerRepository):
    """Customers in the service database, through the unit of work's session. ``owned``: the ORM classes (each
    with a ``customer_id`` column) whose rows belong to one customer and are deleted with it."""

    def __init__(self, session: AsyncSession, *, owned: Sequence[Any] = ()) -> None:
        self.session = session
        self.owned = tuple(owned)

    async def get(self, customer_id: str) -> CustomerRow | None:
        return await self.session.get(CustomerRow, customer_id)

    async def by_request_id(self, request_id: str) -> CustomerRow | None:
        return await self.session.scalar(select(CustomerRow).where(CustomerRow.request_id == request_id))

    def add(self, customer: CustomerRow) -> None:
        self.session.add(customer)

    async def remove(self, customer: CustomerRow) -> None:
        for table in self.owned:
            await self.session.execute(delete(table).where(table.customer_id == customer.id))
        await self.session.delete(customer)

    async def group_of(self, customer_id: str) -> str | None:
        member = await self.session.get(CustomerGroupMemberRow, customer_id)
        return None if member is None else member.group_id
