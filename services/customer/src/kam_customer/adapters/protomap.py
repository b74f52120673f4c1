"""Conversions between customer rows and ``kam.customer.v1`` messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from google.type import date_pb2, money_pb2
from kam.customer.v1 import customer_pb2, customer_service_pb2
from kam_kit.timeconv import set_timestamp, to_timestamp

from kam_customer.adapters import pii
from kam_customer.adapters.orm import (
    AccountRow,
    BalanceHistoryRow,
    ContactRow,
    CustomerMetricsRow,
    CustomerRow,
    InteractionRow,
    TransactionRow,
)
from kam_customer.domain import customers as domain

Customer = customer_pb2.Customer

TYPE_TO_PROTO = {domain.INDIVIDUAL: Customer.TYPE_INDIVIDUAL, domain.CORPORATE: Customer.TYPE_CORPORATE}
TYPE_FROM_PROTO = {v: k for k, v in TYPE_TO_PROTO.items()}
STATE_TO_PROTO = {
    "ACTIVE": Customer.STATE_ACTIVE,
    "DORMANT": Customer.STATE_DORMANT,
    "CLOSED": Customer.STATE_CLOSED,
}
SOURCE_TO_PROTO = {"CORE_BANKING": Customer.SOURCE_CORE_BANKING, "MANUAL": Customer.SOURCE_MANUAL}
CUSTOMER_STATE_FROM_PROTO = {Customer.State.Name(v): k for k, v in STATE_TO_PROTO.items()}
SOURCE_FROM_PROTO = {Customer.Source.Name(v): k for k, v in SOURCE_TO_PROTO.items()}

#: Fields a caller may set (create or update), proto name → draft attribute of the same name.
WRITABLE_FIELDS = (
    "display_name",
    "phone",
    "branch",
    "relationship_manager",
    "email",
    "address",
    "industry",
    "legal_representative",
)


def draft_from_proto(message: Customer) -> domain.CustomerDraft:
    return domain.CustomerDraft(
        type=TYPE_FROM_PROTO.get(message.type, ""),
        id_number=message.id_number.strip().upper(),
        **{name: getattr(message, name).strip() for name in WRITABLE_FIELDS},
    )


#: The window of ``CustomerMetrics.average_daily_balance``: the 90-day average (``adb_90``), the figure the tier
#: rules call ``METRIC_AVERAGE_DAILY_BALANCE``.
ADB_WINDOW_DAYS = 90


def metrics_to_proto(row: Any, prefix: str = "") -> customer_pb2.CustomerMetrics:
    """A ``customer_metrics`` row (ORM object or table row with :data:`METRICS_COLUMNS`) as CustomerMetrics;
    amounts in CNY. ``prefix``: the columns' prefix in a row that joined them (:data:`METRICS_JOINED`)."""

    def column(name: str) -> Any:
        return getattr(row, prefix + name)

    return customer_pb2.CustomerMetrics(
        assets_under_management=money(column("aum")),
        average_daily_balance=money(column("adb_90")),
        loan_balance=money(column("loan_balance")),
        product_count=column("product_count") or 0,
        contribution=money(column("contribution")),
        tenure_months=column("tenure_months") or 0,
        as_of_date=date_to_proto(column("as_of")),
        window_days=ADB_WINDOW_DAYS,
    )


#: The ``customer_metrics`` columns :func:`metrics_to_proto` reads (a page's metrics are read in one query).
METRICS_COLUMNS = (
    "customer_id",
    "as_of",
    "aum",
    "adb_90",
    "loan_balance",
    "product_count",
    "contribution",
    "tenure_months",
)
#: Their prefix in a read of customers that joins them (``LEFT OUTER JOIN customer_metrics``).
METRICS_PREFIX = "metrics_"
#: :data:`METRICS_COLUMNS` labelled with :data:`METRICS_PREFIX`, for such a read: a get or a page of customers and
#: their metrics in one statement instead of two (docs/performance.md, round 6).
METRICS_JOINED = tuple(
    CustomerMetricsRow.__table__.c[name].label(METRICS_PREFIX + name) for name in METRICS_COLUMNS
)


def joined_metrics(rows: Any) -> dict[str, Any]:
    """The metrics of the rows of a read that joined :data:`METRICS_JOINED`, by customer id: the rows themselves,
    read by :func:`customer_to_proto` through ``metrics_prefix``, for those that have metrics."""
    return {row.id: row for row in rows if getattr(row, METRICS_PREFIX + "customer_id") is not None}


def customer_to_proto(
    row: CustomerRow, *, masked: bool = False, metrics: Any = None, metrics_prefix: str = ""
) -> Customer:
    """``metrics``: the customer's ``customer_metrics`` row, if it has one (metrics are not personal data: they
    are shown masked or not), or a row that joined them with ``metrics_prefix`` (:data:`METRICS_JOINED`)."""
    message = Customer(
        name=f"customers/{row.id}",
        type=TYPE_TO_PROTO.get(row.type, Customer.TYPE_UNSPECIFIED),
        display_name=row.display_name,
        id_number=row.id_number,
        phone=row.phone,
        branch=row.branch,
        relationship_manager=row.relationship_manager,
        tier=row.tier,
        etag=domain.etag_for(row.version),
        legal_representative=row.legal_representative,
        industry=row.industry,
        email=row.email,
        address=row.address,
        state=STATE_TO_PROTO.get(row.state, Customer.STATE_UNSPECIFIED),
        source=SOURCE_TO_PROTO.get(row.source, Customer.SOURCE_UNSPECIFIED),
    )
    set_timestamp(message.create_time, row.create_time)
    set_timestamp(message.update_time, row.update_time)
    if metrics is not None:
        message.metrics.CopyFrom(metrics_to_proto(metrics, metrics_prefix))
    return pii.render(message, masked)


# ---------------------------------------------------------------------------------------------- customer 360

Account = customer_pb2.Account
Transaction = customer_pb2.Transaction
Contact = customer_pb2.Contact
Interaction = customer_pb2.Interaction
SearchResult = customer_service_pb2.CustomerSearchResult

ACCOUNT_TYPE_TO_PROTO = {
    "DEMAND_DEPOSIT": Account.TYPE_DEMAND_DEPOSIT,
    "TIME_DEPOSIT": Account.TYPE_TIME_DEPOSIT,
    "LOAN": Account.TYPE_LOAN,
    "WEALTH": Account.TYPE_WEALTH,
    "CREDIT_CARD": Account.TYPE_CREDIT_CARD,
    "FUND": Account.TYPE_FUND,
}
ACCOUNT_TYPE_FROM_PROTO = {Account.Type.Name(v): k for k, v in ACCOUNT_TYPE_TO_PROTO.items()}
ACCOUNT_STATE_TO_PROTO = {
    "OPEN": Account.STATE_OPEN,
    "FROZEN": Account.STATE_FROZEN,
    "DORMANT": Account.STATE_DORMANT,
    "CLOSED": Account.STATE_CLOSED,
}
ACCOUNT_STATE_FROM_PROTO = {Account.State.Name(v): k for k, v in ACCOUNT_STATE_TO_PROTO.items()}
DIRECTION_TO_PROTO = {"DEBIT": Transaction.DIRECTION_DEBIT, "CREDIT": Transaction.DIRECTION_CREDIT}
DIRECTION_FROM_PROTO = {Transaction.Direction.Name(v): k for k, v in DIRECTION_TO_PROTO.items()}
DIRECTION_FROM_ENUM = {v: k for k, v in DIRECTION_TO_PROTO.items()}
CHANNEL_TO_PROTO = {
    "COUNTER": Transaction.CHANNEL_COUNTER,
    "ATM": Transaction.CHANNEL_ATM,
    "ONLINE": Transaction.CHANNEL_ONLINE,
    "MOBILE": Transaction.CHANNEL_MOBILE,
    "POS": Transaction.CHANNEL_POS,
    "THIRD_PARTY": Transaction.CHANNEL_THIRD_PARTY,
}
CHANNEL_FROM_PROTO = {Transaction.Channel.Name(v): k for k, v in CHANNEL_TO_PROTO.items()}
CHANNEL_FROM_ENUM = {v: k for k, v in CHANNEL_TO_PROTO.items()}
INTERACTION_TYPE_TO_PROTO = {
    name: Interaction.Type.Value(f"TYPE_{name}")
    for name in ("VISIT", "CALL", "MEETING", "MESSAGE", "REQUEST", "NOTE", "SYSTEM")
}
INTERACTION_TYPE_FROM_PROTO = {v: k for k, v in INTERACTION_TYPE_TO_PROTO.items()}
ORIGIN_TO_PROTO = {"SCAN": Contact.ORIGIN_SCAN, "MANUAL": Contact.ORIGIN_MANUAL}
MATCH_FIELD = {
    "N": SearchResult.MATCH_FIELD_DISPLAY_NAME,
    "P": SearchResult.MATCH_FIELD_PINYIN,
    "I": SearchResult.MATCH_FIELD_PINYIN_INITIALS,
    "D": SearchResult.MATCH_FIELD_ID_NUMBER,
    "C": SearchResult.MATCH_FIELD_CREDIT_CODE,
    "M": SearchResult.MATCH_FIELD_PHONE,
    "A": SearchResult.MATCH_FIELD_ACCOUNT_NUMBER,
}
MATCH_KIND = {
    "EXACT": SearchResult.MATCH_KIND_EXACT,
    "PREFIX": SearchResult.MATCH_KIND_PREFIX,
    "FUZZY": SearchResult.MATCH_KIND_FUZZY,
}


_CENT = Decimal("0.01")


def money(amount: Decimal | int | None) -> money_pb2.Money:
    """CNY amount → google.type.Money (units + nanos, same sign)."""
    value = (amount if type(amount) is Decimal else Decimal(str(amount or 0))).quantize(_CENT)
    units = int(value)
    return money_pb2.Money(currency_code="CNY", units=units, nanos=int((value - units) * 1_000_000_000))


def date_to_proto(value: date | None) -> date_pb2.Date | None:
    return date_pb2.Date(year=value.year, month=value.month, day=value.day) if value else None


def date_from_proto(message: date_pb2.Date) -> date | None:
    return date(message.year, message.month, message.day) if message.year else None


def account_to_proto(
    row: AccountRow, key: str, *, masked: bool, history: list[BalanceHistoryRow] | None = None
) -> Account:
    message = Account(
        name=f"customers/{row.customer_id}/accounts/{key}",
        account_number=row.id,
        type=ACCOUNT_TYPE_TO_PROTO.get(row.type, Account.TYPE_UNSPECIFIED),
        product=row.product,
        product_display_name=row.product_display_name,
        balance=money(row.balance),
        state=ACCOUNT_STATE_TO_PROTO.get(row.state, Account.STATE_UNSPECIFIED),
        branch=f"orgUnits/{row.org_unit_id}" if row.org_unit_id else "",
        credit_limit=money(row.credit_limit),
        repayment_state=row.repayment_state,
        open_date=date_to_proto(row.open_date),
        maturity_date=date_to_proto(row.maturity_date),
    )
    if row.balance_update_time:
        message.balance_update_time.CopyFrom(to_timestamp(row.balance_update_time))
    for point in history or ():
        message.balance_history.add(date=date_to_proto(point.day), balance=money(point.balance))
    return pii.render(message, masked)


def transaction_to_proto(row: TransactionRow, key: str, *, masked: bool) -> Transaction:
    message = Transaction(
        name=f"customers/{row.customer_id}/accounts/{key}/transactions/{row.id}",
        direction=DIRECTION_TO_PROTO.get(row.direction, Transaction.DIRECTION_UNSPECIFIED),
        amount=money(row.amount),
        channel=CHANNEL_TO_PROTO.get(row.channel, Transaction.CHANNEL_UNSPECIFIED),
        counterparty=row.counterparty,
        summary=row.summary,
        post_time=to_timestamp(row.post_time),
        receive_time=to_timestamp(row.receive_time),
        cash=bool(row.cash),
    )
    if row.balance_after is not None:
        message.balance_after.CopyFrom(money(row.balance_after))
    return pii.render(message, masked)


def contact_to_proto(row: ContactRow, *, masked: bool) -> Contact:
    message = Contact(
        name=f"customers/{row.customer_id}/contacts/{row.id}",
        display_name=row.display_name,
        title=row.title,
        phone=row.phone,
        email=row.email,
        id_number=row.id_number,
        birth_date=date_to_proto(row.birth_date),
        primary=row.primary,
        notes=row.notes,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        etag=domain.etag_for(row.version),
        origin=ORIGIN_TO_PROTO.get(row.origin, Contact.ORIGIN_UNSPECIFIED),
    )
    return pii.render(message, masked)


def interaction_to_proto(entry: InteractionRow | object) -> Interaction:
    """An interaction row or a timeline entry (same attributes)."""
    message = Interaction(
        name=f"customers/{entry.customer_id}/interactions/{entry.id}",
        type=INTERACTION_TYPE_TO_PROTO.get(entry.type, Interaction.TYPE_UNSPECIFIED),
        summary=entry.summary,
        details=entry.details,
        occur_time=to_timestamp(entry.occur_time),
        author=entry.author,
        contact=f"customers/{entry.customer_id}/contacts/{entry.contact_id}" if entry.contact_id else "",
        related_resource=entry.related_resource,
        create_time=to_timestamp(entry.create_time),
    )
    return message


# ------------------------------------------------------------------------------------------ corporate groups

GroupMember = customer_pb2.GroupMember
GROUP_ROLE_TO_PROTO = {
    "PARENT": GroupMember.ROLE_PARENT,
    "SUBSIDIARY": GroupMember.ROLE_SUBSIDIARY,
    "AFFILIATE": GroupMember.ROLE_AFFILIATE,
}
GROUP_ROLE_FROM_PROTO = {v: k for k, v in GROUP_ROLE_TO_PROTO.items()}


def percent(value: Decimal | None) -> str:
    """A shareholding as the API writes it (``51.00``); empty when unknown."""
    return "" if value is None else f"{Decimal(value):.2f}"


def group_to_proto(
    row, members, display_names: dict[str, str], restricted: frozenset[str] = frozenset()
) -> customer_pb2.CustomerGroup:
    """A ``CustomerGroupRow`` with its ``CustomerGroupMemberRow`` list (in order) as a CustomerGroup; members in
    ``restricted`` are outside the reader's data scope."""
    return customer_pb2.CustomerGroup(
        name=f"customerGroups/{row.id}",
        display_name=row.display_name,
        relationship_manager=row.relationship_manager,
        create_time=to_timestamp(row.create_time),
        update_time=to_timestamp(row.update_time),
        etag=domain.etag_for(row.version),
        members=[
            GroupMember(
                customer=f"customers/{m.customer_id}",
                role=GROUP_ROLE_TO_PROTO.get(m.role, GroupMember.ROLE_UNSPECIFIED),
                parent_customer=f"customers/{m.parent_customer_id}" if m.parent_customer_id else "",
                shareholding_percent=percent(m.shareholding_percent),
                display_name=display_names.get(m.customer_id, ""),
                restricted=m.customer_id in restricted,
            )
            for m in members
        ],
    )
