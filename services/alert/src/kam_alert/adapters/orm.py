"""Tables of the alert service."""

from __future__ import annotations

from datetime import datetime

from kam_kit.db import service_base
from sqlalchemy import Boolean, DateTime, Integer, String, Text
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
