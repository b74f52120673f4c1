"""The scan's own table: scan jobs (state, watermarks, checkpoint, counters, issues)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kam_customer.adapters.orm import Base


class ScanJobRow(Base):
    __tablename__ = "scan_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))  # FULL | INCREMENTAL
    trigger: Mapped[str] = mapped_column(String(32))  # SCHEDULED | MANUAL | STARTUP
    state: Mapped[str] = mapped_column(
        String(16), index=True
    )  # PENDING | RUNNING | SUCCEEDED | FAILED | CANCELLED
    creator: Mapped[str] = mapped_column(String(128), default="")
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    mapping: Mapped[str] = mapped_column(String(400), default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    start_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    end_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: JSON {entity: [type, value]}: where an incremental scan starts / what the next one starts from.
    start_watermark: Mapped[str] = mapped_column(Text, default="")
    end_watermark: Mapped[str] = mapped_column(Text, default="")
    as_of: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: JSON {customer type: {metric: "decimal"}}: the candidate floors fixed at the start (same on resume).
    floors: Mapped[str] = mapped_column(Text, default="")
    phase: Mapped[str] = mapped_column(String(16), default="")
    #: Resume point: the last source customer id whose batch committed.
    checkpoint: Mapped[str] = mapped_column(String(128), default="")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    run_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    customers_scanned: Mapped[int] = mapped_column(Integer, default=0)
    customers_selected: Mapped[int] = mapped_column(Integer, default=0)
    customers_changed: Mapped[int] = mapped_column(Integer, default=0)
    accounts_changed: Mapped[int] = mapped_column(Integer, default=0)
    transactions_ingested: Mapped[int] = mapped_column(Integer, default=0)
    tier_changes: Mapped[int] = mapped_column(Integer, default=0)
    bad_rows: Mapped[int] = mapped_column(Integer, default=0)
    issues: Mapped[str] = mapped_column(
        Text, default="[]"
    )  # JSON list of {entity, field, problem, count, examples}
    error_message: Mapped[str] = mapped_column(Text, default="")
    #: JSON {currency: "CNY per unit"}: the exchange rates fixed at the start (same on resume).
    rates: Mapped[str] = mapped_column(Text, default="")
