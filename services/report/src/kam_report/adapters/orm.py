"""The report service's analytical store (built only from events)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from kam_kit.db import service_base
from kam_kit.directory import UserCopyColumns
from kam_kit.orgtree import OrgUnitCopyColumns
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Numeric, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

Base = service_base()


class CustomerFact(Base):
    """One row per customer known from ``kam.customer.v1`` events."""

    __tablename__ = "customer_facts"

    customer: Mapped[str] = mapped_column(String(128), primary_key=True)  # customers/{customer}
    display_name: Mapped[str] = mapped_column(String(200), default="", server_default="")  # unmasked
    type: Mapped[str] = mapped_column(String(16))
    branch: Mapped[str] = mapped_column(String(128), default="", index=True)
    relationship_manager: Mapped[str] = mapped_column(String(128), default="")
    tier: Mapped[str] = mapped_column(String(64), default="")  # from TierChanged events
    tier_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrgUnitCopy(OrgUnitCopyColumns, Base):
    """The org tree as the customer service's SourceOrgUnitUpdated events tell it (for data scope)."""

    __tablename__ = "org_units"


Money = Numeric(20, 2)


class AccountFact(Base):
    """One row per account (``AccountOpened`` / ``AccountUpdated``): the product dimension and the latest state."""

    __tablename__ = "account_facts"

    account: Mapped[str] = mapped_column(String(200), primary_key=True)  # customers/{c}/accounts/{a}
    customer: Mapped[str] = mapped_column(String(128), index=True)
    type: Mapped[str] = mapped_column(
        String(16)
    )  # DEMAND_DEPOSIT, TIME_DEPOSIT, LOAN, WEALTH, CREDIT_CARD, FUND
    product: Mapped[str] = mapped_column(String(64), default="")
    product_display_name: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16), default="OPEN")
    open_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    close_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # the day a closing was first seen
    # time deposits, loans (and wealth products that carry one); NULL otherwise, and on rows written before
    # report_0007 until the account's next event
    maturity_date: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    balance: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BalanceDay(Base):
    """An account's end-of-day balance on a day it changed (daily balance facts). The balance on any day is the
    one of the latest row on or before it (before the first, the first's).

    Each row also says where its balance holds — from its day (from the beginning for the account's earliest
    row) until the day of the account's next row (``until``; None: still) — and its account's opening and closing
    days, kept by the writers (:func:`kam_report.service_layer.store.respan`), so that the balances on a day are the
    rows whose span holds it in an account open on it: a filter, not a group-by over every account's days nor a
    join to the accounts."""

    __tablename__ = "balance_days"

    account: Mapped[str] = mapped_column(String(200), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    customer: Mapped[str] = mapped_column(String(128), index=True)
    type: Mapped[str] = mapped_column(String(16))
    balance: Mapped[Decimal] = mapped_column(Money)
    as_of: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )  # latest wins in a day
    #: the day of the account's next balance fact; None for its latest
    until: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: the account's earliest fact, whose balance also holds before its day
    earliest: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: the account's opening and closing days as ``account_facts`` has them (kept by the same writers: None until
    #: its ``AccountOpened`` is seen), so a day's balances are read without joining the account dimension
    open_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    close_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class TransactionDay(Base):
    """An account's transactions on one business day, summed by direction. ``origin`` keeps the two ways they
    arrive apart: ``L`` live (``TransactionPosted``, added one by one) and ``H`` history
    (``CustomerHistoryCopied``, each transaction in exactly one event)."""

    __tablename__ = "transaction_days"

    account: Mapped[str] = mapped_column(String(200), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    origin: Mapped[str] = mapped_column(String(1), primary_key=True)
    customer: Mapped[str] = mapped_column(String(128), index=True)
    type: Mapped[str] = mapped_column(String(16))
    credit_count: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    debit_count: Mapped[int] = mapped_column(BigInteger, default=0)
    debit_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))


class TierSpan(Base):
    """A customer's tier from ``valid_from`` until the next span (a slowly changing dimension): "" = no tier."""

    __tablename__ = "tier_spans"

    customer: Mapped[str] = mapped_column(String(128), primary_key=True)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    tier: Mapped[str] = mapped_column(String(64), default="")


class StaffFact(Base):
    """A member of staff of the core (``SourceStaffUpdated``): relationship managers' names and units."""

    __tablename__ = "staff_facts"

    staff: Mapped[str] = mapped_column(String(128), primary_key=True)  # staff/{staff_code}
    display_name: Mapped[str] = mapped_column(String(200), default="")
    org_unit: Mapped[str] = mapped_column(String(128), default="")  # orgUnits/{org_unit}


class TierLabel(Base):
    """A tier's name and order as the active rule set says (``TierRuleSetActivated``): rank 0 is the highest."""

    __tablename__ = "tier_labels"

    tier: Mapped[str] = mapped_column(String(64), primary_key=True)  # tiers/{tier}
    display_name: Mapped[str] = mapped_column(String(100), default="")
    rank: Mapped[int] = mapped_column(BigInteger, default=0)


class StoredReport(Base):
    """A report asked for: its kind and conditions, and once computed its table (``kam_report.adapters.tablemap``
    JSON)."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("creator", "request_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)  # REGIONAL_SALES …
    display_name: Mapped[str] = mapped_column(String(200))
    parameters: Mapped[str] = mapped_column(Text)  # JSON of ReportParameters (proto JSON names)
    state: Mapped[str] = mapped_column(String(16))  # PENDING RUNNING SUCCEEDED FAILED
    creator: Mapped[str] = mapped_column(String(128), index=True)  # users/{user}
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    table: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_message: Mapped[str] = mapped_column(String(500), default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    complete_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    data_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    etag: Mapped[str] = mapped_column(String(64), default="")


class UserCopy(UserCopyColumns, Base):
    """The identity service's users (``UserCreated``/``UserUpdated``): a relationship manager's user by staff code
    (最重要的销售员), a schedule's owner still active and in the same roles and unit."""

    __tablename__ = "users"


class ReportScheduleRow(Base):
    """A scheduled report (``kam.report.v1.ReportSchedule``) with its owner's identity as of their last change
    to it, refreshed from :class:`UserCopy` before each run."""

    __tablename__ = "report_schedules"
    __table_args__ = (UniqueConstraint("owner", "request_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128), index=True)  # users/{user}
    owner_identity: Mapped[str] = mapped_column(Text)  # JSON: roles, org unit, staff code, scope, permissions
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    display_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(48))
    parameters: Mapped[str] = mapped_column(Text)  # JSON of ReportParameters (proto JSON names)
    period: Mapped[str] = mapped_column(
        String(32), default=""
    )  # PREVIOUS_MONTH …; "" → the parameters' dates
    cron: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(8))  # csv xlsx pdf
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    next_run_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    last_run_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_report: Mapped[str] = mapped_column(String(128), default="")
    last_error: Mapped[str] = mapped_column(String(500), default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    etag: Mapped[str] = mapped_column(String(64), default="")
