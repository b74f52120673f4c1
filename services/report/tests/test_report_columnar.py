"""The columnar (DuckDB) copy of the store (``kam_report.adapters.columnar``): the money reports read it while it
is at most ``max_age`` old, and the service database otherwise; a copy is one snapshot, swapped in whole, its old
file removed once nobody reads it. (That every report gives the same answer on the copy as on the service database
is test_report_center.py: each of its tests runs on both.) On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from google.type import date_pb2
from kam.report.v1 import report_pb2
from kam_devkit.testing import migrated_database
from kam_kit.auth import Identity
from kam_kit.clock import ManualClock
from kam_kit.permissions import HEAD_OFFICE_LEADER
from kam_kit.settings import SettingsError
from kam_report.adapters.activity_orm import AlertFact
from kam_report.adapters.columnar import ColumnarStore
from kam_report.adapters.orm import AccountFact, BalanceDay, Base, CustomerFact, OrgUnitCopy
from kam_report.bootstrap import MIGRATIONS
from kam_report.service_layer.center import ReportCenter
from kam_report.settings import ReportSettings
from sqlalchemy import select

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
END = date(2026, 11, 30)
HQ = Identity(subject="users/hq", roles=(HEAD_OFFICE_LEADER,))
Kind = report_pb2.ReportKind


def _customer(n: int, balance: int) -> list:
    name = f"customers/c{n}"
    account = f"{name}/accounts/a"
    return [
        CustomerFact(
            customer=name,
            display_name=f"客户{n}",
            type="INDIVIDUAL",
            branch="orgUnits/B1",
            create_time=NOW,
            update_time=NOW,
        ),
        AccountFact(
            account=account,
            customer=name,
            type="DEMAND_DEPOSIT",
            product="DMD",
            state="ACTIVE",
            open_date=date(2026, 1, 1),
            balance=Decimal(balance),
            update_time=NOW,
        ),
        BalanceDay(
            account=account,
            day=date(2026, 1, 1),
            customer=name,
            type="DEMAND_DEPOSIT",
            balance=Decimal(balance),
            until=None,
            earliest=True,
        ),
    ]


def _alert(n: int) -> AlertFact:
    return AlertFact(
        alert=f"alerts/a{n}",
        rule="alertRules/big",
        rule_display_name="大额转出",
        customer="customers/c1",
        branch="orgUnits/B1",
        state="STATE_OPEN",
        create_time=NOW - timedelta(days=2),
        update_time=NOW,
    )


@pytest.fixture
async def store(database_url, tmp_path):
    async with migrated_database(database_url, MIGRATIONS, Base.metadata) as db:
        async with db.transaction() as session:
            session.add_all([OrgUnitCopy(id="H", parent_id=None, display_name="总行")])
            session.add_all([OrgUnitCopy(id="B1", parent_id="H", display_name="上海分行")])
            session.add_all([*_customer(1, 100_000), *_customer(2, 250_000), _alert(1)])
        clock = ManualClock(NOW)
        columnar = ColumnarStore(db, tmp_path / "copy" / "report.duckdb", clock, max_age=120)
        yield db, clock, columnar
        await columnar.close()


async def _report(center: ReportCenter, kind: int) -> report_pb2.Report:
    day = date_pb2.Date(year=END.year, month=END.month, day=END.day)
    params = report_pb2.ReportParameters(start_date=date_pb2.Date(year=2026, month=11, day=1), end_date=day)
    report = await center.create(HQ, report_pb2.Report(kind=kind, parameters=params), "")
    assert report.state == report_pb2.Report.STATE_SUCCEEDED, report.error_message
    return report


def _total(report: report_pb2.Report, key: str):
    values = dict(zip((c.key for c in report.columns), report.totals.values, strict=True))
    value = values[key]
    return getattr(value, value.WhichOneof("kind"))


async def _add(db, *rows) -> None:
    async with db.transaction() as session:
        session.add_all(rows)


async def test_a_fresh_copy_answers_an_old_one_does_not_and_asking_refreshes_it(store) -> None:
    db, clock, columnar = store
    center = ReportCenter(db, clock, columnar)
    await columnar.refresh()
    await _add(db, *_customer(3, 1_000_000))  # after the snapshot: only the service database knows it

    on_copy = await _report(center, Kind.REPORT_KIND_REGIONAL_SALES)
    assert _total(on_copy, "customer_count") == 2
    assert Decimal(_total(on_copy, "assets_under_management")) == Decimal(350_000)
    assert not columnar._wanted.is_set()  # young: nothing asked

    clock.advance(timedelta(seconds=61))  # half its age: still answers, and a new copy is asked for
    assert _total(await _report(center, Kind.REPORT_KIND_REGIONAL_SALES), "customer_count") == 2
    assert columnar._wanted.is_set()

    clock.advance(timedelta(seconds=60))  # older than max_age: the service database answers
    assert _total(await _report(center, Kind.REPORT_KIND_REGIONAL_SALES), "customer_count") == 3

    await columnar.refresh()  # what the background job does when asked
    assert not columnar._wanted.is_set()
    refreshed = await _report(center, Kind.REPORT_KIND_REGIONAL_SALES)
    assert _total(refreshed, "customer_count") == 3
    assert Decimal(_total(refreshed, "assets_under_management")) == Decimal(1_350_000)


async def test_events_applied_after_the_copy_send_a_small_stores_reports_to_it(store) -> None:
    """The watched handlers count what they apply: a copy that misses it answers only for a large store."""
    db, clock, columnar = store
    center = ReportCenter(db, clock, columnar)

    async def add_customer(session, rows) -> None:
        session.add_all(rows)

    apply = columnar.watch({list: add_customer})[list]
    await columnar.refresh()
    async with db.transaction() as session:
        await apply(session, _customer(3, 1_000_000))
    assert columnar.changes == 1
    # the copy took well under ``quick``: the service database answers, live
    assert _total(await _report(center, Kind.REPORT_KIND_REGIONAL_SALES), "customer_count") == 3
    assert not columnar._wanted.is_set()  # the copy is younger than 5 s: not yet copied again
    clock.advance(timedelta(seconds=5))
    assert _total(await _report(center, Kind.REPORT_KIND_REGIONAL_SALES), "customer_count") == 3
    assert columnar._wanted.is_set()

    columnar.quick = 0  # as if copying took long (a large store): the copy answers, its age bounded
    assert _total(await _report(center, Kind.REPORT_KIND_REGIONAL_SALES), "customer_count") == 2
    await columnar.refresh()
    assert columnar.current.changes == 1 and not columnar._wanted.is_set()
    assert _total(await _report(center, Kind.REPORT_KIND_REGIONAL_SALES), "customer_count") == 3

    async with db.transaction() as session:  # a transaction that rolls back changes nothing
        await apply(session, _customer(4, 1))
        await session.rollback()
    assert columnar.changes == 1


async def test_activity_reports_read_the_service_database(store) -> None:
    db, clock, columnar = store
    center = ReportCenter(db, clock, columnar)
    await columnar.refresh()
    await _add(db, _alert(2))
    report = await _report(center, Kind.REPORT_KIND_ALERT_SUMMARY)
    assert _total(report, "raised") == 2


async def test_a_new_copy_is_swapped_in_and_the_old_file_goes_once_its_readers_are_done(store) -> None:
    db, _, columnar = store
    first = await columnar.refresh()
    async with columnar.read() as session:
        assert session is not None
        await _add(db, *_customer(3, 1_000_000))
        second = await columnar.refresh()
        assert columnar.current is second and first.path.exists()  # still read
        count = await session.scalar(
            select(CustomerFact.customer).where(CustomerFact.customer == "customers/c3")
        )
        assert count is None  # the reader goes on seeing its own snapshot
    assert not first.path.exists()
    async with columnar.read() as session:
        assert (
            await session.scalar(
                select(CustomerFact.display_name).where(CustomerFact.customer == "customers/c3")
            )
            == "客户3"
        )
    assert sorted(p.name for p in second.path.parent.iterdir() if not p.name.startswith(".")) == [
        second.path.name
    ]


async def test_a_failed_copy_leaves_the_last_one_answering_and_no_file_behind(store) -> None:
    _, clock, columnar = store
    first = await columnar.refresh()
    clock.advance(timedelta(seconds=61))
    assert columnar.usable() is first and columnar._wanted.is_set()  # half its age: a new one is asked for

    async def broken(tables, directory) -> None:
        (directory / "customer_facts.csv").write_text("customer\n")
        raise OSError("disk full")

    columnar.export = broken
    with pytest.raises(OSError):
        await columnar.refresh()
    assert columnar.current is first and columnar._wanted.is_set()  # still asked for: the job tries again
    assert sorted(p.name for p in first.path.parent.iterdir()) == [first.path.name]


async def test_a_restore_drops_the_copy(store) -> None:
    """After a restore replaced the service database, reports read it until the next copy (bootstrap hooks
    :meth:`ColumnarStore.forget` to the restore)."""
    db, clock, columnar = store
    center = ReportCenter(db, clock, columnar)
    old = await columnar.refresh()
    await _add(db, *_customer(3, 1_000_000))  # stands for the database the restore put back
    columnar.forget()
    assert columnar.current is None and not old.path.exists()
    assert _total(await _report(center, Kind.REPORT_KIND_REGIONAL_SALES), "customer_count") == 3
    assert columnar._wanted.is_set()


async def test_the_background_job_clears_old_files_and_copies_when_asked(store) -> None:
    _, _, columnar = store
    columnar.path.parent.mkdir(parents=True)
    left = columnar.path.with_name("report.7.duckdb")  # a previous process's copy
    left.write_bytes(b"old")
    job = asyncio.create_task(columnar.keep_fresh())
    try:
        async with columnar.read() as session:
            assert session is None  # no copy yet: read the service database, and one is asked for
        for _ in range(200):
            if columnar.current is not None:
                break
            await asyncio.sleep(0.05)
        assert columnar.current is not None and not left.exists()
        async with columnar.read() as session:
            assert session is not None
            rows = (
                await session.execute(select(CustomerFact.customer).order_by(CustomerFact.customer))
            ).all()
        assert [r[0] for r in rows] == ["customers/c1", "customers/c2"]
    finally:
        job.cancel()


def test_settings(tmp_path: Path) -> None:
    assert ReportSettings.from_env({}).columnar_path is None
    settings = ReportSettings.from_env(
        {"KAM_REPORT_COLUMNAR_PATH": str(tmp_path / "r.duckdb"), "KAM_REPORT_COLUMNAR_MAX_AGE": "300"}
    )
    assert settings.columnar_path == tmp_path / "r.duckdb" and settings.columnar_max_age == 300
    with pytest.raises(SettingsError):
        ReportSettings.from_env({"KAM_REPORT_COLUMNAR_MAX_AGE": "1"})
