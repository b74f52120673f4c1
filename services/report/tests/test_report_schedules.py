"""Scheduled reports (定时报表) over gRPC on the hand-made bank of ``test_report_center``: a schedule runs at its cron
time in the bank's local time — not a minute before, once however often the runner looks, once across two
replicas — with the period counted back from the run day, over its owner's scope, and records one
``ScheduledReportReady`` carrying the file; pausing, changing, running now, the owner's identity going stale, and
bad input naming the field."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime, timedelta

import grpc
import pytest
from google.protobuf import field_mask_pb2
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from kam.identity.v1 import events_pb2 as identity_events
from kam.identity.v1 import identity_pb2
from kam.report.v1 import events_pb2, report_pb2
from kam.report.v1 import report_service_pb2 as pb
from kam.report.v1 import report_service_pb2_grpc as pb_grpc
from kam_devkit.testing import migrated_database
from kam_kit import directory
from kam_kit.clock import ManualClock
from kam_kit.db import outbox_table
from kam_kit.grpcserver import GrpcServer
from kam_kit.pagination import OffsetPages
from kam_kit.permissions import BRANCH_MANAGER, HEAD_OFFICE_LEADER
from kam_kit.timeconv import to_timestamp
from kam_report.adapters.orm import Base, UserCopy
from kam_report.bootstrap import MIGRATIONS
from kam_report.entrypoints.grpc_api import ReportServicer
from kam_report.service_layer.center import ReportCenter
from kam_report.service_layer.schedules import ReportSchedules, period_dates
from openpyxl import load_workbook
from sqlalchemy import select
from test_report_center import META, NOW, _d, _load, _value, callers

Kind = report_pb2.ReportKind
Period = report_pb2.SchedulePeriod
# NOW is Thursday 2026-04-02 09:00 in Beijing; "0 8 * * 1" is due on Monday 2026-04-06 08:00 there.
MONDAY_8 = datetime(2026, 4, 6, 0, 0, tzinfo=UTC)


@pytest.fixture
async def bank(database_url, token_secret):
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        await _load(db)
        clock = ManualClock(NOW)
        center = ReportCenter(db, clock)
        schedules = ReportSchedules(db, center, clock)
        server = GrpcServer("report", 0, token_secret=token_secret, clock=clock)
        server.add(
            pb_grpc.add_ReportServiceServicer_to_server,
            ReportServicer(db, center, OffsetPages(b"pages"), schedules),
            "kam.report.v1.ReportService",
        )
        await server.start()
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{server.port}")

        caller = callers(token_secret, clock, ttl=timedelta(days=30))
        yield pb_grpc.ReportServiceStub(channel), caller, schedules, clock, db
        await channel.close()
        await server.stop()


HQ = (HEAD_OFFICE_LEADER,)


def _schedule(**overrides) -> report_pb2.ReportSchedule:
    values = {
        "display_name": "每周地区销售",
        "kind": Kind.REPORT_KIND_REGIONAL_SALES,
        "parameters": report_pb2.ReportParameters(),
        "period": Period.SCHEDULE_PERIOD_PREVIOUS_MONTH,
        "cron": "0 8 * * 1",
        "format": report_pb2.EXPORT_FORMAT_XLSX,
    }
    values.update(overrides)
    return report_pb2.ReportSchedule(**values)


async def _create(stub, metadata, **overrides) -> report_pb2.ReportSchedule:
    reply = await stub.CreateReportSchedule(
        pb.CreateReportScheduleRequest(report_schedule=_schedule(**overrides)), metadata=metadata, timeout=20
    )
    return reply.report_schedule


async def _published(db, kind=events_pb2.ScheduledReportReady) -> list:
    async with db.read() as session:
        rows = (
            await session.execute(
                select(outbox_table.c.payload)
                .where(outbox_table.c.event_type == kind.DESCRIPTOR.full_name)
                .order_by(outbox_table.c.seq)
            )
        ).all()
    return [kind.FromString(payload) for (payload,) in rows]


def _fields(error: grpc.aio.AioRpcError) -> set[str]:
    fields: set[str] = set()
    for detail in rpc_status.from_call(error).details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            fields |= {v.field for v in bad.field_violations}
    return fields


@pytest.mark.parametrize(
    ("period", "run_day", "expected"),
    [
        ("PREVIOUS_DAY", date(2026, 3, 1), (date(2026, 2, 28), date(2026, 2, 28))),
        ("LAST_7_DAYS", date(2026, 4, 6), (date(2026, 3, 30), date(2026, 4, 5))),
        ("PREVIOUS_MONTH", date(2026, 1, 15), (date(2025, 12, 1), date(2025, 12, 31))),
        ("MONTH_TO_DATE", date(2026, 4, 6), (date(2026, 4, 1), date(2026, 4, 5))),
        ("MONTH_TO_DATE", date(2026, 4, 1), (date(2026, 3, 1), date(2026, 3, 31))),
        ("PREVIOUS_QUARTER", date(2026, 5, 20), (date(2026, 1, 1), date(2026, 3, 31))),
        ("PREVIOUS_QUARTER", date(2026, 1, 1), (date(2025, 10, 1), date(2025, 12, 31))),
        ("YEAR_TO_DATE", date(2026, 4, 6), (date(2026, 1, 1), date(2026, 4, 5))),
        ("YEAR_TO_DATE", date(2026, 1, 1), (date(2025, 1, 1), date(2025, 12, 31))),
    ],
)
def test_a_period_is_counted_back_from_the_run_day(period, run_day, expected) -> None:
    assert period_dates(period, run_day) == expected


async def test_a_schedule_runs_at_its_local_time_once_with_the_file(bank) -> None:
    stub, caller, schedules, clock, db = bank
    hq = caller(*HQ)
    made = await _create(stub, hq)
    assert made.owner == "users/hq" and made.etag
    assert made.next_run_time.ToDatetime(tzinfo=UTC) == MONDAY_8

    clock.set(MONDAY_8 - timedelta(seconds=1))
    assert await schedules.run_due() == 0 and await _published(db) == []
    clock.set(MONDAY_8 + timedelta(seconds=3))
    assert await schedules.run_due() == 1
    assert await schedules.run_due() == 0  # looked at again: nothing more

    [event] = await _published(db)
    assert event.recipients == ["users/hq"] and event.schedule.name == made.name
    assert event.run_time.ToDatetime(tzinfo=UTC) == MONDAY_8
    assert event.filename.endswith(".xlsx") and "2026-03-01" in event.report_display_name
    assert "2026-03-31" in event.report_display_name
    # The attachment is the report the run stored, for March (the previous month of Monday 6 April).
    report = (await stub.GetReport(pb.GetReportRequest(name=event.report), metadata=hq, timeout=20)).report
    assert (report.parameters.start_date, report.parameters.end_date) == (
        _d(date(2026, 3, 1)),
        _d(date(2026, 3, 31)),
    )
    sheet = load_workbook(io.BytesIO(event.content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    totals = dict(zip([c.key for c in report.columns], report.totals.values, strict=True))
    aum = float(_value(totals["assets_under_management"]))  # money travels as a decimal string
    assert aum > 0 and aum in {float(c) for c in cells if isinstance(c, int | float)}

    after = (
        await stub.GetReportSchedule(pb.GetReportScheduleRequest(name=made.name), metadata=hq)
    ).report_schedule
    assert after.last_report == event.report and not after.last_error
    assert after.last_run_time.ToDatetime(tzinfo=UTC) == MONDAY_8
    assert after.next_run_time.ToDatetime(tzinfo=UTC) == MONDAY_8 + timedelta(days=7)
    assert after.etag == made.etag  # a run does not make the owner's copy stale


async def test_two_replicas_publish_a_run_once_and_missed_runs_are_caught_up_once(bank) -> None:
    stub, caller, schedules, clock, db = bank
    made = await _create(stub, caller(*HQ))
    other = ReportSchedules(db, schedules.center, clock)
    clock.set(MONDAY_8 + timedelta(days=21, hours=1))  # three Mondays missed
    ran = await asyncio.gather(schedules.run_due(), other.run_due())
    assert sum(ran) == 1 and len(await _published(db)) == 1
    after = (
        await stub.GetReportSchedule(pb.GetReportScheduleRequest(name=made.name), metadata=caller(*HQ))
    ).report_schedule
    assert after.next_run_time.ToDatetime(tzinfo=UTC) == MONDAY_8 + timedelta(days=28)


async def test_a_branch_managers_schedule_covers_their_subtree(bank) -> None:
    stub, caller, schedules, clock, db = bank
    manager = caller(BRANCH_MANAGER, subject="users/b1", org_unit="orgUnits/B1")
    await _create(
        stub,
        manager,
        period=Period.SCHEDULE_PERIOD_UNSPECIFIED,
        parameters=report_pb2.ReportParameters(
            start_date=_d(date(2026, 1, 1)), end_date=_d(date(2026, 3, 31))
        ),
    )
    hq_report = (
        await stub.CreateReport(
            pb.CreateReportRequest(
                report=report_pb2.Report(
                    kind=Kind.REPORT_KIND_REGIONAL_SALES,
                    parameters=report_pb2.ReportParameters(
                        start_date=_d(date(2026, 1, 1)), end_date=_d(date(2026, 3, 31))
                    ),
                )
            ),
            metadata=caller(*HQ),
            timeout=20,
        )
    ).report
    clock.set(MONDAY_8)
    assert await schedules.run_due() == 1
    [event] = await _published(db)
    mine = (await stub.GetReport(pb.GetReportRequest(name=event.report), metadata=manager)).report
    keys = [c.key for c in hq_report.columns]
    b1 = next(r for r in hq_report.rows if r.drill_down.endswith("B1"))
    assert (
        dict(zip(keys, mine.totals.values, strict=True))["assets_under_management"]
        == dict(zip(keys, b1.values, strict=True))["assets_under_management"]
    )


async def test_pause_change_and_run_now(bank) -> None:
    stub, caller, schedules, clock, db = bank
    hq = caller(*HQ)
    made = await _create(stub, hq)
    paused = (
        await stub.UpdateReportSchedule(
            pb.UpdateReportScheduleRequest(
                report_schedule=report_pb2.ReportSchedule(name=made.name, paused=True, etag=made.etag),
                update_mask=field_mask_pb2.FieldMask(paths=["paused"]),
            ),
            metadata=hq,
        )
    ).report_schedule
    assert paused.paused and not paused.HasField("next_run_time") and paused.etag != made.etag
    clock.set(MONDAY_8 + timedelta(minutes=5))
    assert await schedules.run_due() == 0
    # A stale etag is refused; the schedule is as it was.
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.UpdateReportSchedule(
            pb.UpdateReportScheduleRequest(
                report_schedule=report_pb2.ReportSchedule(name=made.name, paused=False, etag=made.etag),
                update_mask=field_mask_pb2.FieldMask(paths=["paused"]),
            ),
            metadata=hq,
        )
    assert caught.value.code() == grpc.StatusCode.ABORTED
    resumed = (
        await stub.UpdateReportSchedule(
            pb.UpdateReportScheduleRequest(
                report_schedule=report_pb2.ReportSchedule(
                    name=made.name, paused=False, cron="30 7 1 * *", etag=paused.etag
                ),
                update_mask=field_mask_pb2.FieldMask(paths=["paused", "cron"]),
            ),
            metadata=hq,
        )
    ).report_schedule
    # 07:30 on the 1st in Beijing: 2026-05-01 07:30 +08:00.
    assert resumed.next_run_time.ToDatetime(tzinfo=UTC) == datetime(2026, 4, 30, 23, 30, tzinfo=UTC)
    assert resumed.display_name == "每周地区销售" and resumed.period == Period.SCHEDULE_PERIOD_PREVIOUS_MONTH

    ran = (await stub.RunReportSchedule(pb.RunReportScheduleRequest(name=made.name), metadata=hq)).report
    assert ran.state == report_pb2.Report.STATE_SUCCEEDED
    [event] = await _published(db)
    assert event.report == ran.name
    after = (
        await stub.GetReportSchedule(pb.GetReportScheduleRequest(name=made.name), metadata=hq)
    ).report_schedule
    assert after.next_run_time == resumed.next_run_time and after.last_report == ran.name


async def test_a_schedule_is_its_owners_alone(bank) -> None:
    stub, caller, *_ = bank
    made = await _create(stub, caller(*HQ))
    someone = caller(*HQ, subject="users/other")
    listed = await stub.ListReportSchedules(pb.ListReportSchedulesRequest(), metadata=someone)
    assert listed.total_size == 0 and not listed.report_schedules
    calls = [
        stub.GetReportSchedule(pb.GetReportScheduleRequest(name=made.name), metadata=someone),
        stub.RunReportSchedule(pb.RunReportScheduleRequest(name=made.name), metadata=someone),
        stub.DeleteReportSchedule(pb.DeleteReportScheduleRequest(name=made.name), metadata=someone),
        stub.UpdateReportSchedule(
            pb.UpdateReportScheduleRequest(
                report_schedule=report_pb2.ReportSchedule(name=made.name, paused=True)
            ),
            metadata=someone,
        ),
    ]
    for call in calls:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    mine = await stub.ListReportSchedules(pb.ListReportSchedulesRequest(), metadata=caller(*HQ))
    assert [s.name for s in mine.report_schedules] == [made.name]
    await stub.DeleteReportSchedule(
        pb.DeleteReportScheduleRequest(name=made.name, etag=made.etag), metadata=caller(*HQ)
    )
    assert (
        await stub.ListReportSchedules(pb.ListReportSchedulesRequest(), metadata=caller(*HQ))
    ).total_size == 0


async def test_an_owner_deactivated_or_changed_is_not_run_until_they_come_back(bank) -> None:
    stub, caller, schedules, clock, db = bank
    owner = caller(BRANCH_MANAGER, subject="users/b1", org_unit="orgUnits/B1")
    made = await _create(stub, owner)
    on_user = directory.updater(UserCopy)

    async def user(state, unit, at):
        async with db.transaction() as session:
            await on_user(
                session,
                identity_events.UserUpdated(
                    user=identity_pb2.User(
                        name="users/b1",
                        display_name="分行长",
                        org_unit=unit,
                        roles=[BRANCH_MANAGER],
                        state=state,
                        update_time=to_timestamp(at),
                    )
                ),
                META,
            )

    await user(identity_pb2.User.STATE_DISABLED, "orgUnits/B1", NOW)
    clock.set(MONDAY_8)
    assert await schedules.run_due() == 1
    assert await _published(db) == []
    after = (
        await stub.GetReportSchedule(pb.GetReportScheduleRequest(name=made.name), metadata=owner)
    ).report_schedule
    assert "停用" in after.last_error and not after.last_report
    [failed] = await _published(db, events_pb2.ScheduledReportFailed)  # the owner is told it did not run
    assert (failed.schedule.name, list(failed.recipients), failed.error) == (
        made.name,
        ["users/b1"],
        after.last_error,
    )
    assert failed.run_time.ToDatetime(UTC) == MONDAY_8

    # Active again but moved to 北京分行: the schedule waits for its owner rather than widening or narrowing.
    await user(identity_pb2.User.STATE_ACTIVE, "orgUnits/B2", NOW + timedelta(days=1))
    clock.set(MONDAY_8 + timedelta(days=7))
    assert await schedules.run_due() == 1
    assert await _published(db) == []
    assert len(await _published(db, events_pb2.ScheduledReportFailed)) == 1  # still failing: not told again
    # The owner opens 定时报表 with their new identity: the next run goes out over 北京分行.
    moved = caller(BRANCH_MANAGER, subject="users/b1", org_unit="orgUnits/B2")
    await stub.ListReportSchedules(pb.ListReportSchedulesRequest(), metadata=moved)
    clock.set(MONDAY_8 + timedelta(days=14))
    assert await schedules.run_due() == 1
    [event] = await _published(db)
    report = (await stub.GetReport(pb.GetReportRequest(name=event.report), metadata=moved)).report
    assert [r.values[0].string_value for r in report.rows] == ["王五"]  # 北京分行's one relationship manager


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cron": "0 8 * *"}, "report_schedule.cron"),
        ({"cron": "*/5 * * * *"}, "report_schedule.cron"),
        ({"cron": "0 8 31 2 *"}, "report_schedule.cron"),
        ({"cron": ""}, "report_schedule.cron"),
        ({"kind": Kind.REPORT_KIND_UNSPECIFIED}, "report_schedule.kind"),
        ({"period": 99}, "report_schedule.period"),
        ({"format": 9}, "report_schedule.format"),
        (
            {"parameters": report_pb2.ReportParameters(dimension="planet")},
            "report_schedule.parameters.dimension",
        ),
        (
            {
                "period": Period.SCHEDULE_PERIOD_UNSPECIFIED,
                "parameters": report_pb2.ReportParameters(
                    start_date=_d(date(2026, 3, 1)), end_date=_d(date(2026, 1, 1))
                ),
            },
            "report_schedule.parameters.end_date",
        ),
        (
            {"parameters": report_pb2.ReportParameters(org_units=["orgUnits/nowhere"])},
            "report_schedule.parameters.org_units[0]",
        ),
    ],
)
async def test_bad_schedules_name_the_field(bank, overrides, field) -> None:
    stub, caller, *_ = bank
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await _create(stub, caller(*HQ), **overrides)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in _fields(caught.value)


async def test_an_unknown_update_path_is_refused(bank) -> None:
    stub, caller, *_ = bank
    made = await _create(stub, caller(*HQ))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.UpdateReportSchedule(
            pb.UpdateReportScheduleRequest(
                report_schedule=report_pb2.ReportSchedule(name=made.name, owner="users/me"),
                update_mask=field_mask_pb2.FieldMask(paths=["owner"]),
            ),
            metadata=caller(*HQ),
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "update_mask" in _fields(caught.value)
