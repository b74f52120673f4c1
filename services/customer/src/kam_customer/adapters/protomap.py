"""Conversions between customer rows and ``kam.customer.v1`` messages."""

from __future__ import annotations

from kam.customer.v1 import customer_pb2
from kam_kit.timeconv import to_timestamp

from kam_customer.adapters.orm import CustomerRow
from kam_customer.domain import customers as domain

Customer = customer_pb2.Customer

TYPE_TO_PROTO = {domain.INDIVIDUAL: Customer.TYPE_INDIVIDUAL, domain.CORPORATE: Customer.TYPE_CORPORATE}
TYPE_FROM_PROTO = {v: k for k, v in TYPE_TO_PROTO.items()}
STATE_TO_PROTO = {"ACTIVE": Customer.STATE_ACTIVE, "DORMANT": Customer.STATE_DORMANT, "CLOSED": Customer.STATE_CLOSED}
SOURCE_TO_PROTO = {"CORE_BANKING": Customer.SOURCE_CORE_BANKING, "MANUAL": Customer.SOURCE_MANUAL}

#: Fields a caller may set (create or update), proto name → draft attribute of the same name.
WRITABLE_FIELDS = (
    "display_name", "phone", "branch", "relationship_manager", "email", "address", "industry",
    "legal_representative",
)


def draft_from_proto(message: Customer) -> domain.CustomerDraft:
    return domain.CustomerDraft(
        type=TYPE_FROM_PROTO.get(message.type, ""),
        id_number=message.id_number.strip().upper(),
        **{name: getattr(message, name).strip() for name in WRITABLE_FIELDS},
    )


def customer_to_proto(row: CustomerRow, *, masked: bool = False) -> Customer:
    message = Customer(
        name=f"customers/{row.id}",
        type=TYPE_TO_PROTO.get(row.type, Customer.TYPE_UNSPECIFIED),
        display_name=row.display_name,
        id_number=row.id_number,
        phone=row.phone,
        branch=row.branch,
        relationship_manager=row.relationship_manager,
        tier=row.tier,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        etag=domain.etag_for(row.version),
        legal_representative=row.legal_representative,
        industry=row.industry,
        email=row.email,
        address=row.address,
        state=STATE_TO_PROTO.get(row.state, Customer.STATE_UNSPECIFIED),
        source=SOURCE_TO_PROTO.get(row.source, Customer.SOURCE_UNSPECIFIED),
    )
    if masked:
        message.id_number = domain.mask_id_number(row.id_number)
        message.phone = domain.mask_phone(row.phone)
        if row.type == domain.INDIVIDUAL:
            message.display_name = domain.mask_name(row.display_name)
        message.masked = True
    return message
