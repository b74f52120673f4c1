"""Reading key dates (ListKeyDates): the occurrences :mod:`kam_customer.keydates.service` announced, as stored in
``scan_key_dates`` — one piece of code decides what a key date is; this module only lists what it found, in the
caller's data scope, with the customer, account and contact they concern."""

from __future__ import annotations

from dataclasses import dataclass

from kam.customer.v1 import customer_pb2
from kam_kit.auth import Identity
from kam_kit.db import Database
from sqlalchemy import ColumnElement, and_, or_, select

from kam_customer.adapters import pii, protomap
from kam_customer.adapters.orm import AccountRow, ContactRow, CustomerRow
from kam_customer.adapters.scope import parent_condition
from kam_customer.domain import names
from kam_customer.keydates.orm import AnnouncedKeyDateRow
from kam_customer.keydates.service import MATURING, Kind, describe_related, kind_name
from kam_customer.service_layer import filters

CONTACT_BIRTHDAY = kind_name(Kind.KEY_DATE_KIND_CONTACT_BIRTHDAY)
MATURITY_KINDS = [kind_name(kind) for kind in MATURING.values()]
#: ListKeyDates filters: the occurrence's day and its kind (enum names, e.g. KEY_DATE_KIND_BIRTHDAY).
FILTERS = {
    "date": filters.Field(AnnouncedKeyDateRow.day, filters.day, filters.ORDERING),
    "kind": filters.Field(
        AnnouncedKeyDateRow.kind,
        filters.enum_value({v.name: kind_name(v.number) for v in Kind.DESCRIPTOR.values if v.number}),
    ),
}


@dataclass(frozen=True)
class ListedKeyDate:
    row: AnnouncedKeyDateRow
    customer: CustomerRow
    account: AccountRow | None
    contact: ContactRow | None

    @property
    def kind(self) -> int:
        return Kind.Value(f"KEY_DATE_KIND_{self.row.kind}")


class KeyDateListing:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def list(
        self,
        identity: Identity | None,
        parent: str,
        *,
        conditions: list[ColumnElement[bool]],
        offset: int,
        limit: int,
    ) -> list[ListedKeyDate]:
        """By day, then customer, kind and ref. An occurrence whose account has been closed or whose contact has
        been removed since it was announced is left out."""
        (customer_id,) = names.parse(parent, ("customers",), "parent")
        announced = AnnouncedKeyDateRow
        statement = (
            select(announced, CustomerRow, AccountRow, ContactRow)
            .join(CustomerRow, CustomerRow.id == announced.customer_id)
            .outerjoin(
                AccountRow,
                and_(
                    announced.kind.in_(MATURITY_KINDS),
                    AccountRow.id == announced.ref,
                    AccountRow.customer_id == announced.customer_id,
                ),
            )
            .outerjoin(
                ContactRow,
                and_(
                    announced.kind == CONTACT_BIRTHDAY,
                    ContactRow.id == announced.ref,
                    ContactRow.customer_id == announced.customer_id,
                ),
            )
            .where(
                *conditions,
                or_(
                    ~announced.kind.in_(MATURITY_KINDS),
                    and_(AccountRow.id.is_not(None), AccountRow.state != "CLOSED"),
                ),
                or_(announced.kind != CONTACT_BIRTHDAY, ContactRow.id.is_not(None)),
            )
            .order_by(announced.day, announced.customer_id, announced.kind, announced.ref)
            .offset(offset)
            .limit(limit)
        )
        async with self.db.read() as session:
            condition = await parent_condition(session, identity, customer_id, announced.customer_id)
            if condition is not None:
                statement = statement.where(condition)
            rows = (await session.execute(statement)).tuples().all()
        return [ListedKeyDate(*row) for row in rows]


def key_date_to_proto(
    item: ListedKeyDate, account_names: names.AccountNames, *, masked: bool
) -> customer_pb2.KeyDate:
    customer = item.customer
    message = customer_pb2.KeyDate(
        customer=f"customers/{customer.id}",
        customer_display_name=customer.display_name,
        customer_type=protomap.TYPE_TO_PROTO.get(customer.type, customer_pb2.Customer.TYPE_UNSPECIFIED),
        kind=item.kind,
        date=protomap.date_to_proto(item.row.day),
        tier=customer.tier,
        relationship_manager=customer.relationship_manager,
    )
    describe_related(message, item.account, item.contact, account_names)
    return pii.mask(message) if masked else message
