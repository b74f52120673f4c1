"""The report service's analytical store (built only from events)."""

from __future__ import annotations

from datetime import datetime

from kam_kit.db import service_base
from kam_kit.orgtree import OrgUnitCopyColumns
from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

Base = service_base()


class CustomerFact(Base):
    """One row per customer known from ``kam.customer.v1`` events."""

    __tablename__ = "customer_facts"

    customer: Mapped[str] = mapped_column(String(128), primary_key=True)  # customers/{customer}
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
