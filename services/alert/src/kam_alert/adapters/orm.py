"""Tables of the alert service."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from kam_kit.db import service_base
from kam_kit.directory import UserCopyColumns
from kam_kit.orgtree import IdentityOrgUnitColumns, OrgUnitCopyColumns
from sqlalchemy import Boolean, DateTime, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

Base = service_base()


class WatchedCustomer(Base):
    """The alert service's own copy of what it needs about each customer (from customer events), so that
    monitoring and care reminders never call back to the customer service per transaction."""

    __tablename__ = "watched_customers"

    customer: Mapped[str] = mapped_column(String(128), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))
    relationship_manager: Mapped[str] = mapped_column(String(128), default="")
    branch: Mapped[str] = mapped_column(String(128), default="")
    tier: Mapped[str] = mapped_column(String(64), default="")
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: the latest transaction's time (or, before any, when the customer was created): dormancy
    last_activity_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AlertRuleRow(Base):
    """An alert rule (预警规则). ``definition`` is the rule as data: the ``kam.alert.v1.AlertRule`` message in
    its JSON form without the output-only fields; ``kind`` and ``enabled`` are copies for filters and for the
    evaluator to find its rules."""

    __tablename__ = "alert_rules"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(Boolean)
    definition: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    creator: Mapped[str] = mapped_column(String(128), default="")
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertRuleVersionRow(Base):
    """Every version of every rule, kept (an alert names the version that raised it; the editor shows history)."""

    __tablename__ = "alert_rule_versions"

    rule_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(128), default="")
    change_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrgUnitCopy(OrgUnitCopyColumns, IdentityOrgUnitColumns, Base):
    """The org tree as the identity service's org-unit events tell it — the core's units and those made in KAM —
    and, before the identity service has told about a unit, as the customer service's SourceOrgUnitUpdated do
    (rules' org units, recipients, escalation, data scope; kam_kit.orgtree)."""

    __tablename__ = "org_units"


class DetectorStateRow(Base):
    """A rule's window state for one customer (kam_alert.domain.detection, as JSON): what a restart reads back
    instead of replaying history. Written in the transaction that applies the event, so a redelivered event
    (dropped by the consumer) never counts twice."""

    __tablename__ = "detector_states"

    rule_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertRow(Base):
    """An alert (预警). ``alert_key`` is the rule's window (rule, customer, day or run): while an alert with the key
    is not resolved, the rule firing again updates it (occurrences, transactions) instead of raising another."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_alert_key", "alert_key"),
        Index("ix_alerts_state_create_time", "state", "create_time"),
        Index("ix_alerts_customer", "customer"),
        Index("ix_alerts_branch", "branch"),
        Index("ix_alerts_relationship_manager", "relationship_manager"),
        Index("ix_alerts_next_notify_time", "next_notify_time"),
        Index("ix_alerts_escalate_time", "escalate_time"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    alert_key: Mapped[str] = mapped_column(String(300))
    rule_id: Mapped[str] = mapped_column(String(64))
    rule_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    customer: Mapped[str] = mapped_column(String(128), default="")
    account: Mapped[str] = mapped_column(String(200), default="")
    task: Mapped[str] = mapped_column(String(128), default="")
    branch: Mapped[str] = mapped_column(String(128), default="")
    relationship_manager: Mapped[str] = mapped_column(String(128), default="")
    severity: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[label, value], …]
    transactions: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of transaction names
    recipients: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of users/…
    occurrence_count: Mapped[int] = mapped_column(Integer, default=1)
    event_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_notify_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    next_notify_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    notify_count: Mapped[int] = mapped_column(Integer, default=0)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    #: when the next escalation is due while unacknowledged (None: the rule does not escalate, or no level left)
    escalate_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    snooze_expire_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    silence_expire_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    acknowledger: Mapped[str] = mapped_column(String(128), default="")
    acknowledge_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolver: Mapped[str] = mapped_column(String(128), default="")
    resolve_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    resolution_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class TierRank(Base):
    """The tiers of the active rule sets in order (0 highest: the first rule a customer meets decides its tier),
    from ``TierRuleSetActivated``: tells an upgrade from a downgrade."""

    __tablename__ = "tier_ranks"

    tier: Mapped[str] = mapped_column(String(64), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)
    display_name: Mapped[str] = mapped_column(String(100), default="")


class ReminderRow(Base):
    """A dated alert waiting for its rule's lead time (a birthday announced 30 days ahead by the customer service,
    for a rule that reminds 3 days before): the scheduler raises it at ``due_time``."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due_time", "due_time"),)

    alert_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    customer: Mapped[str] = mapped_column(String(128))
    #: for task reminders, the task (its reminders go when it is done, cancelled or moved)
    task: Mapped[str] = mapped_column(String(128), default="")
    due_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    context: Mapped[str] = mapped_column(Text)  # JSON: title, evidence, branch, relationship manager, …
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserCopy(UserCopyColumns, Base):
    """The identity service's users as its events tell them (kam_kit.directory): branch managers and role holders
    as recipients, without a call per alert."""

    __tablename__ = "users"


class AlertCommentRow(Base):
    """A comment on an alert (处理记录)."""

    __tablename__ = "alert_comments"
    __table_args__ = (Index("ix_alert_comments_alert_id", "alert_id", "create_time"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RuleSilenceRow(Base):
    """A rule told to keep quiet about one customer until a time ("do not keep alerting", StopAlert)."""

    __tablename__ = "rule_silences"

    rule_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer: Mapped[str] = mapped_column(String(128), primary_key=True)
    expire_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))


class TransactionHistoryRow(Base):
    """The transactions evaluated in the last days (what a backtest replays), pruned daily."""

    __tablename__ = "transaction_history"
    __table_args__ = (Index("ix_transaction_history_post_time", "post_time"),)

    name: Mapped[str] = mapped_column(String(250), primary_key=True)  # customers/…/accounts/…/transactions/…
    customer: Mapped[str] = mapped_column(String(128))
    customer_type: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(64), default="")
    branch: Mapped[str] = mapped_column(String(128), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    direction: Mapped[str] = mapped_column(String(8))
    cash: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(32), default="")
    post_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
