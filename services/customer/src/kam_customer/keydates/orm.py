"""The key dates already announced (so KeyDateApproaching is published once per occurrence); the table keeps its
name from when key dates were part of the scan (migration scan_0001)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from kam_customer.adapters.orm import Base


class AnnouncedKeyDateRow(Base):
    """A key date occurrence already announced with KeyDateApproaching."""

    __tablename__ = "scan_key_dates"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    ref: Mapped[str] = mapped_column(String(128), primary_key=True, default="")  # account / contact id or ""
