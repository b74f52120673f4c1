"""Tables of the customer service."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from kam_kit.db import NAMING_CONVENTION, BigIntPK
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    false,
    func,
    or_,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CustomerRow(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    industry: Mapped[str] = mapped_column(String(100), default="")
    legal_representative: Mapped[str] = mapped_column(String(100), default="")
    branch: Mapped[str] = mapped_column(String(128), default="", index=True)
    relationship_manager: Mapped[str] = mapped_column(String(128), default="")
    tier: Mapped[str] = mapped_column(String(64), default="")
    state: Mapped[str] = mapped_column(String(16), default="ACTIVE")
    source: Mapped[str] = mapped_column(String(16), default="MANUAL")
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Filled by the scan (source_id = the core system's customer number).
    source_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    establishment_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    relationship_start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    key_customer: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )  # False: candidate


# --------------------------------------------------------------------------------------------------------------
# What the scan copies from the core-banking source (org tree, staff) and keeps about key customers and
# candidates near a threshold. Amounts are CNY as Numeric(20, 2); dates are the bank's business dates.
# The scan is the only writer of these tables except contacts/interactions (staff) and credit profiles.
# --------------------------------------------------------------------------------------------------------------

Money = Numeric(20, 2)


class OrgUnitRow(Base):
    """Head office → branch (分行) → sub-branch (支行), as in the source."""

    __tablename__ = "org_units"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # source org id
    display_name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    level: Mapped[str] = mapped_column(String(16))  # HEAD_OFFICE | BRANCH | SUB_BRANCH
    region: Mapped[str] = mapped_column(String(100), default="")


class StaffRow(Base):
    """Bank staff from the source; relationship managers (客户经理) are assigned to customers."""

    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    org_unit_id: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[str] = mapped_column(String(32), default="")
    #: False for staff the source marks inactive (left the bank, on leave …).
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class CustomerMetricsRow(Base):
    """Metrics of one customer as of a scan, computed in the source (pushed-down SQL). Kept for key customers
    and candidates; ``consolidated_*`` are a corporate group's totals over its members (the parent's row)."""

    __tablename__ = "customer_metrics"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    scan_id: Mapped[str] = mapped_column(String(64), default="")
    aum: Mapped[Decimal] = mapped_column(Money, default=0)
    adb_30: Mapped[Decimal] = mapped_column(Money, default=0)
    adb_90: Mapped[Decimal] = mapped_column(Money, default=0)
    adb_365: Mapped[Decimal] = mapped_column(Money, default=0)
    deposit_balance: Mapped[Decimal] = mapped_column(Money, default=0)
    wealth_balance: Mapped[Decimal] = mapped_column(Money, default=0)
    fund_balance: Mapped[Decimal] = mapped_column(Money, default=0)
    loan_balance: Mapped[Decimal] = mapped_column(Money, default=0)
    credit_limit: Mapped[Decimal] = mapped_column(Money, default=0)
    credit_used: Mapped[Decimal] = mapped_column(Money, default=0)
    product_count: Mapped[int] = mapped_column(Integer, default=0)
    product_kinds: Mapped[str] = mapped_column(String(200), default="")  # comma-separated account types
    txn_count_90: Mapped[int] = mapped_column(Integer, default=0)
    txn_volume_90: Mapped[Decimal] = mapped_column(Money, default=0)
    contribution: Mapped[Decimal] = mapped_column(Money, default=0)
    tenure_months: Mapped[int] = mapped_column(Integer, default=0)
    last_activity: Mapped[date | None] = mapped_column(Date, nullable=True)
    consolidated_aum: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    consolidated_loan_balance: Mapped[Decimal | None] = mapped_column(Money, nullable=True)


class AccountRow(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # source account number
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(
        String(16)
    )  # DEMAND_DEPOSIT | TIME_DEPOSIT | WEALTH | FUND | LOAN | CREDIT_CARD
    product: Mapped[str] = mapped_column(String(64), default="")
    product_display_name: Mapped[str] = mapped_column(String(200), default="")
    balance: Mapped[Decimal] = mapped_column(Money, default=0)
    credit_limit: Mapped[Decimal] = mapped_column(Money, default=0)
    state: Mapped[str] = mapped_column(String(16), default="OPEN")
    repayment_state: Mapped[str] = mapped_column(String(16), default="")  # loans: NORMAL | OVERDUE | SETTLED
    org_unit_id: Mapped[str] = mapped_column(String(64), default="")
    open_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    maturity_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    balance_update_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: Where ``balance`` came from: ``SCAN`` (the source; authoritative) or ``PUSH`` (a pushed transaction's
    #: balance_after, provisional: the next scan, incremental or full, reads the account again and its value wins).
    balance_origin: Mapped[str] = mapped_column(String(8), default="SCAN", server_default="SCAN")


class BalanceHistoryRow(Base):
    """End-of-day balance of a key customer's account on each day it changed (recent window only)."""

    __tablename__ = "balance_history"

    account_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    balance: Mapped[Decimal] = mapped_column(Money)


class TransactionRow(Base):
    """A key customer's transaction, scanned or pushed; ``id`` is the source's transaction id, so a
    transaction seen both ways is stored (and published) once."""

    __tablename__ = "transactions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(64), index=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    direction: Mapped[str] = mapped_column(String(8))  # DEBIT | CREDIT
    amount: Mapped[Decimal] = mapped_column(Money)
    balance_after: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    channel: Mapped[str] = mapped_column(String(16), default="")  # COUNTER | ATM | ONLINE | MOBILE | POS
    cash: Mapped[bool] = mapped_column(Boolean, default=False)
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(String(200), default="")
    post_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: The source's business date (账务日期) and entry time (入账时间) when the mapping names them (scans only).
    business_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    entry_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    receive_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    origin: Mapped[str] = mapped_column(String(8))  # SCAN | PUSH


class ContactRow(Base):
    """Key contacts (法定代表人, 财务负责人, 实际控制人, 配偶 …) of a customer."""

    __tablename__ = "contacts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    display_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    id_number: Mapped[str] = mapped_column(String(32), default="")
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    primary: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[str] = mapped_column(String(8), default="MANUAL")  # SCAN | MANUAL
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InteractionRow(Base):
    """The events timeline: staff interactions (visits, calls, notes) and system entries (tier changes, large
    transactions)."""

    __tablename__ = "interactions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(
        String(16)
    )  # VISIT | CALL | MEETING | MESSAGE | REQUEST | NOTE | SYSTEM
    summary: Mapped[str] = mapped_column(String(400))
    details: Mapped[str] = mapped_column(Text, default="")
    occur_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    author: Mapped[str] = mapped_column(String(128), default="")
    contact_id: Mapped[str] = mapped_column(String(64), default="")
    related_resource: Mapped[str] = mapped_column(String(200), default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class GroupLinkRow(Base):
    """Corporate group structure: ``child`` is a subsidiary of ``parent`` with a shareholding."""

    __tablename__ = "group_links"

    parent_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    child_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    shareholding_percent: Mapped[Decimal] = mapped_column(Numeric(7, 4), default=0)


class CreditProfileRow(Base):
    """Credit standing (资信): source rating, limits and usage, overdue history, KAM's score and its factors."""

    __tablename__ = "credit_profiles"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rating: Mapped[str] = mapped_column(String(16), default="")
    score: Mapped[int] = mapped_column(Integer, default=0)
    credit_limit: Mapped[Decimal] = mapped_column(Money, default=0)
    credit_used: Mapped[Decimal] = mapped_column(Money, default=0)
    overdue_count: Mapped[int] = mapped_column(Integer, default=0)
    overdue_amount: Mapped[Decimal] = mapped_column(Money, default=0)
    factors: Mapped[str] = mapped_column(Text, default="")  # JSON list of human-readable factors
    assess_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --------------------------------------------------------------------------------------------------------------
# Corporate groups managed in KAM (集团客户认定): staff decide which corporates form a group, unlike the
# shareholdings copied from the source (``group_links``), which only fill in missing shareholding figures.
# --------------------------------------------------------------------------------------------------------------


class CustomerGroupRow(Base):
    __tablename__ = "customer_groups"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), index=True)
    relationship_manager: Mapped[str] = mapped_column(String(128), default="", index=True)
    creator: Mapped[str] = mapped_column(String(128), default="")
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CustomerGroupMemberRow(Base):
    """One member of a KAM group. ``customer_id`` is the key: a customer belongs to at most one group."""

    __tablename__ = "customer_group_members"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    group_id: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order as given by the caller
    role: Mapped[str] = mapped_column(String(16))  # PARENT | SUBSIDIARY | AFFILIATE
    parent_customer_id: Mapped[str] = mapped_column(String(64), default="")
    shareholding_percent: Mapped[Decimal | None] = mapped_column(Numeric(7, 4), nullable=True)


#: ListTiers/GetTier count customers per tier; DeleteTier checks that nobody holds a tier.
Index("ix_customers_tier", CustomerRow.tier)


def key_customer_condition() -> ColumnElement[bool]:
    """Key customers (重点客户): flagged key by a scan, or holding a tier (e.g. by a manual override)."""
    return or_(CustomerRow.key_customer == true(), CustomerRow.tier != "")


# --------------------------------------------------------------------------------------------------------------
# The audit trail of personal-data views (Alembic branch ``audit``): one row per response that showed personal
# data unmasked, written by ``service_layer/audit.py``. Append-only; ``seq`` orders it (newest first in lists).
# --------------------------------------------------------------------------------------------------------------


class AccessRecordRow(Base):
    __tablename__ = "access_records"

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)  # accessRecords/{id}; also the event id
    access_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(128))
    actor_kind: Mapped[str] = mapped_column(String(8))  # user | service
    actor_display_name: Mapped[str] = mapped_column(String(200), default="")
    actor_roles: Mapped[str] = mapped_column(Text, default="")  # space-separated role names
    actor_org_unit: Mapped[str] = mapped_column(String(128), default="")
    method: Mapped[str] = mapped_column(String(128))
    customer_count: Mapped[int] = mapped_column(Integer)
    data_kinds: Mapped[str] = mapped_column(String(200))  # space-separated kinds (NAME ID_NUMBER …)
    search_query: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")  # the caller's pii_reason (查看事由)
    request_id: Mapped[str] = mapped_column(String(64), default="")
    trace_id: Mapped[str] = mapped_column(String(32), default="")
    #: The customers shown (the first 100), space-separated in response order: written with the record, before
    #: the data leaves. On PostgreSQL this list is itself indexed by customer (``ix_access_records_customer_list``,
    #: GIN, in the record's transaction). On SQLite the index by customer (``access_record_customers``) is filled
    #: after the commit (``AccessAudit.index_customers``); until then ``customers_indexed`` is false and a search
    #: by customer reads this column.
    customer_ids: Mapped[str] = mapped_column(Text, default="", server_default="")
    customers_indexed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        Index("ix_access_records_actor", "actor", "seq"),
        Index(
            "ix_access_records_customer_list",
            func.string_to_array(text("customer_ids"), text("' '")),
            postgresql_using="gin",
            postgresql_with={"gin_pending_list_limit": 256},  # (see migration audit_0004)
        ).ddl_if(dialect="postgresql"),
        Index(
            "ix_access_records_unindexed",
            "seq",
            sqlite_where=text("NOT customers_indexed"),
            postgresql_where=text("NOT customers_indexed"),
        ),
    )


class AccessRecordCustomerRow(Base):
    """The customers of an access record (the first 100), in response order: SQLite's index by customer (on
    PostgreSQL the GIN index over ``access_records.customer_ids`` serves, and this table stays empty)."""

    __tablename__ = "access_record_customers"

    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_access_record_customers_customer_id", "customer_id", "record_id"),)
