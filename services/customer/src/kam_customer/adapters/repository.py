"""The repositories of customers and their contacts (Cosmic Python's repository pattern): the ports — what the use
cases behind the unit of work (:mod:`kam_customer.service_layer.unit_of_work`) ask of stored customers and
contacts — and their SQLAlchemy adapters.

The port knows nothing of data scopes: a repository answers for every customer, and the use case checks the
caller's scope (:meth:`~kam_customer.service_layer.unit_of_work.AbstractUnitOfWork.scope`) on what it gets, so the
rules stay in one place and an in-memory fake (``services/customer/tests/unit/customer_fakes.py``) needs none of
them. Listing and searching are not here: they are SQL queries on the read side
(:mod:`kam_customer.service_layer.listing`, :mod:`kam_customer.search`).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any

from kam_kit.rows import plain_first
from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from kam_customer.adapters.orm import ContactRow, CustomerGroupMemberRow, CustomerMetricsRow, CustomerRow
from kam_customer.adapters.protomap import METRICS_JOINED


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


CUSTOMERS = CustomerRow.__table__
#: A customer with its latest metrics (:data:`~kam_customer.adapters.protomap.METRICS_JOINED`): a get renders both
#: from one statement.
_CUSTOMER_BY_ID = (
    select(CUSTOMERS, *METRICS_JOINED)
    .outerjoin(CustomerMetricsRow, CustomerMetricsRow.customer_id == CUSTOMERS.c.id)
    .where(CUSTOMERS.c.id == bindparam("id"))
)
_GROUP_OF = select(CustomerGroupMemberRow.group_id).where(
    CustomerGroupMemberRow.customer_id == bindparam("id")
)


class CoreCustomerReader(AbstractCustomerRepository):
    """Customers for a read-only unit of work: Core queries on a connection, answering rows with the columns
    of a :class:`CustomerRow` as attributes (no ORM session or identity map: a primary-key read costs about a
    third, docs/performance.md). It cannot change anything."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def get(self, customer_id: str) -> CustomerRow | None:
        """The customer's row, which also holds its metrics' columns (``metrics_…``, None without metrics)."""
        # a named tuple read like the ORM object: the same attribute names (kam_kit.rows: cheaper than a Row's)
        return plain_first(await self.connection.execute(_CUSTOMER_BY_ID, {"id": customer_id}))

    async def by_request_id(self, request_id: str) -> CustomerRow | None:
        query = select(CUSTOMERS).where(CUSTOMERS.c.request_id == request_id)
        return plain_first(await self.connection.execute(query))

    def add(self, customer: CustomerRow) -> None:
        raise RuntimeError("a read-only unit of work cannot add a customer")

    async def remove(self, customer: CustomerRow) -> None:
        raise RuntimeError("a read-only unit of work cannot remove a customer")

    async def group_of(self, customer_id: str) -> str | None:
        return (await self.connection.execute(_GROUP_OF, {"id": customer_id})).scalar()


class AbstractContactRepository(abc.ABC):
    """Key contacts by id (each names its customer; the use case checks it is the one in the contact's name)."""

    @abc.abstractmethod
    async def get(self, contact_id: str) -> ContactRow | None:
        """The contact, None when there is none."""

    @abc.abstractmethod
    def add(self, contact: ContactRow) -> None:
        """A new contact, stored when the unit of work commits."""

    @abc.abstractmethod
    async def remove(self, contact: ContactRow) -> None:
        """The contact, deleted when the unit of work commits."""

    @abc.abstractmethod
    async def primaries(self, customer_id: str) -> list[ContactRow]:
        """The customer's contacts marked primary (those added in this unit of work too)."""


class SqlAlchemyContactRepository(AbstractContactRepository):
    """Contacts in the service database, through the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, contact_id: str) -> ContactRow | None:
        return await self.session.get(ContactRow, contact_id)

    def add(self, contact: ContactRow) -> None:
        self.session.add(contact)

    async def remove(self, contact: ContactRow) -> None:
        await self.session.delete(contact)

    async def primaries(self, customer_id: str) -> list[ContactRow]:
        query = select(ContactRow).where(ContactRow.customer_id == customer_id, ContactRow.primary.is_(True))
        return list((await self.session.scalars(query)).all())


CONTACTS = ContactRow.__table__
_CONTACT_BY_ID = select(CONTACTS).where(CONTACTS.c.id == bindparam("id"))


class CoreContactReader(AbstractContactRepository):
    """Contacts for a read-only unit of work (as :class:`CoreCustomerReader`)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    async def get(self, contact_id: str) -> ContactRow | None:
        return (await self.connection.execute(_CONTACT_BY_ID, {"id": contact_id})).first()  # type: ignore[return-value]

    def add(self, contact: ContactRow) -> None:
        raise RuntimeError("a read-only unit of work cannot add a contact")

    async def remove(self, contact: ContactRow) -> None:
        raise RuntimeError("a read-only unit of work cannot remove a contact")

    async def primaries(self, customer_id: str) -> list[ContactRow]:
        query = select(CONTACTS).where(CONTACTS.c.customer_id == customer_id, CONTACTS.c.primary.is_(True))
        return list((await self.connection.execute(query)).all())  # type: ignore[arg-type]
