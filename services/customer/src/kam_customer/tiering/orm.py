"""Tables of the tiering part (in the customer service's database, Alembic branch ``tier``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kam_kit.db import BigIntPK
from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kam_customer.adapters.orm import Base


class TierRuleSetRow(Base):
    """A versioned rule set of one customer type. ``version`` is 0 for drafts and numbered on activation; at most
    one ACTIVE per type (enforced by the service layer)."""

    __tablename__ = "tier_rule_sets"
    __table_args__ = (Index("ix_tier_rule_sets_type_state", "customer_type", "state"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_type: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16))  # DRAFT | ACTIVE | RETIRED
    display_name: Mapped[str] = mapped_column(String(200), default="")
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    creator: Mapped[str] = mapped_column(String(128), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)  # etag
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    activate_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CustomerTierStateRow(Base):
    """A customer's graded tier (the rules' verdict after hysteresis; an override may mask it in
    ``customers.tier``), the consecutive-scans-below counter and the explanation of the current assignment."""

    __tablename__ = "customer_tier_states"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_type: Mapped[str] = mapped_column(String(16))
    graded_tier: Mapped[str] = mapped_column(String(64), default="")
    below_count: Mapped[int] = mapped_column(Integer, default=0)
    rule_set_id: Mapped[str] = mapped_column(String(64), default="")
    rule_set_version: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[str] = mapped_column(Text, default="")  # the condition that matched, with actual values
    verdict_tier: Mapped[str] = mapped_column(
        String(64), default=""
    )  # the rules' verdict of the last grading
    metrics: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    scan_id: Mapped[str] = mapped_column(String(64), default="")
    assign_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # when graded_tier was set
    grade_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # last grading


class TierHistoryRow(Base):
    """One tier decision of a customer: a change, a deferred downgrade (HYSTERESIS_HOLD) or an override event."""

    __tablename__ = "tier_history"
    __table_args__ = (Index("ix_tier_history_customer_seq", "customer_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    from_tier: Mapped[str] = mapped_column(String(64), default="")
    to_tier: Mapped[str] = mapped_column(String(64), default="")
    # SCAN | RULE_SET_ACTIVATED | HYSTERESIS_HOLD | OVERRIDE | OVERRIDE_REMOVED | OVERRIDE_EXPIRED
    reason: Mapped[str] = mapped_column(String(32))
    explanation: Mapped[str] = mapped_column(Text, default="")
    matched: Mapped[str] = mapped_column(Text, default="")
    metrics: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    rule_set_id: Mapped[str] = mapped_column(String(64), default="")
    rule_set_version: Mapped[int] = mapped_column(Integer, default=0)
    rule_index: Mapped[int] = mapped_column(Integer, default=-1)  # the matching tier's index; -1 none/manual
    scan_id: Mapped[str] = mapped_column(String(64), default="")
    actor: Mapped[str] = mapped_column(String(128), default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TierOverrideRow(Base):
    """A manual tier (人工调整) with reason and expiry. At most one open (``end_time`` NULL) per customer."""

    __tablename__ = "tier_overrides"
    __table_args__ = (UniqueConstraint("customer_id", "open_key", name="uq_tier_overrides_customer_open"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    tier: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(128))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expire_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    end_reason: Mapped[str] = mapped_column(String(32), default="")  # EXPIRED | REMOVED | REPLACED
    # "open" while the override is in force, NULL after it ended: one open override per customer.
    open_key: Mapped[str | None] = mapped_column(String(8), nullable=True, default="open")


class TierRow(Base):
    """The tier catalogue (客户等级): what a tier is called, its rank and service level. Rule sets reference tiers
    by id (``tiers/<id>``); the rules decide who holds them."""

    __tablename__ = "tiers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    rank: Mapped[int] = mapped_column(Integer, unique=True)  # 1 = highest
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)  # etag
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
