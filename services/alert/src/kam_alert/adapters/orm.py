"""Tables of the alert service."""

from __future__ import annotations

from datetime import datetime

from kam_kit.db import service_base
from sqlalchemy import DateTime, String
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
