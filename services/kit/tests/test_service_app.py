"""What every service repeats, done by the kit: registering servicers from the generated code, consumers by
producer, projections that apply only newer versions, one ORM base per service, the outbox recorder."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from kam.report.v1 import report_service_pb2_grpc
from kam_kit import db, events, outbox, projection, runtime
from kam_kit.clock import ManualClock
from kam_kit.db import Database, outbox_table
from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column


class Stats(report_service_pb2_grpc.ReportServiceServicer):
    pass


def test_a_servicer_is_registered_from_its_generated_base() -> None:
    register, name = runtime.registration(Stats())
    assert (register, name) == (
        report_service_pb2_grpc.add_ReportServiceServicer_to_server,
        "kam.report.v1.ReportService",
    )
    with pytest.raises(TypeError):
        runtime.registration(object())


Base = db.service_base()


class Copy(Base):
    __tablename__ = "copies"
    key: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[str] = mapped_column(String(10), default="")
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def test_each_service_base_has_its_own_metadata_and_naming() -> None:
    other = db.service_base()
    assert other.metadata is not Base.metadata and "copies" not in other.metadata.tables
    assert Base.metadata.naming_convention["pk"] == "pk_%(table_name)s"


async def test_projection_applies_only_newer_versions_and_the_recorder_binds_service_and_clock(
    tmp_path,
) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}")
    async with database.engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
        await connection.run_sync(db.kit_metadata.create_all)
    t1, t2 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    for version_time, value in ((t2, "new"), (t1, "old"), (t2, "same time")):
        async with database.transaction() as session:
            row = await projection.newer_row(session, Copy, "k", version_time)
            if row is not None:
                row.value, row.update_time = value, version_time
    async with database.read() as session:
        assert (await session.get(Copy, "k")).value == "same time"  # older skipped, equal applied
    clock = ManualClock(t1)
    from kam.customer.v1 import events_pb2

    async with database.transaction() as session:
        outbox.Recorder("report", clock).record(
            session, events_pb2.CustomerDeleted(customer="customers/x"), resource="customers/x"
        )
    async with database.read() as session:
        row = (await session.execute(select(outbox_table))).one()
    partition = events.partition_token(events.partition_for("customers/x") or 0)
    assert row.subject == f"kam.report.v1.CustomerDeleted.{partition}"
    assert row.headers["ce-subject"] == "customers/x"
    assert row.created_at.replace(tzinfo=UTC) == t1
    await database.dispose()
