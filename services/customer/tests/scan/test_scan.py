"""Full and incremental scans of a tiny demo-schema source: metrics, selection, copies, events, bad rows,
resume after a kill, unreachable sources, and one transaction seen both pushed and scanned."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from kam_customer.adapters.orm import (
    AccountRow,
    BalanceHistoryRow,
    ContactRow,
    CreditProfileRow,
    CustomerMetricsRow,
    CustomerRow,
    GroupLinkRow,
    OrgUnitRow,
    StaffRow,
    TransactionRow,
)
from kam_customer.ingestion import ingest
from kam_customer.scan.mapping import load_mapping
from kam_customer.scan.source import open_source
from kam_customer.scan.sqlgen import METRIC_COLUMNS, SqlBuilder, dialect_for, window_binds
from kam_customer.settings import DEFAULT_MAPPING
from kam_kit.db import outbox_table
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from . import tiny_source
from .conftest import ACCOUNT_NAMES, Scanner, issues_of, migrated, outbox_counts, snapshot

SELECTED = {"cp001", "cp003", "cp004", "cc001"}


def _reference():
    data = tiny_source.tiny()
    # The source's P004 opening date is unreadable (write_source), so tenure falls back to the first account.
    data.cust_indv = [dict(c, open_dt=None) if c["cust_no"] == "P004" else c for c in data.cust_indv]
    return tiny_source.reference_metrics(data)


async def _metrics(db) -> dict[str, CustomerMetricsRow]:
    async with db.read() as session:
        return {r.customer_id: r for r in (await session.scalars(select(CustomerMetricsRow))).all()}


async def test_metrics_equal_an_independent_computation(kam, clock, source) -> None:
    job = await Scanner(kam, clock, source).run()
    assert job.state == "SUCCEEDED", job.error_message
    assert job.as_of == tiny_source.AS_OF
    expected = _reference()
    stored = await _metrics(kam)
    assert set(stored) == SELECTED
    for kam_id, row in stored.items():
        want = expected[kam_id[1:].upper()]
        for column in METRIC_COLUMNS:
            assert getattr(row, column) == want[column], (kam_id, column)
        assert row.last_activity == want["last_activity"], kam_id
    # hand-checked figures
    p001 = stored["cp001"]
    assert p001.aum == Decimal("2000500.00")
    assert p001.adb_30 == Decimal("1460016.67")  # (14×300,000 + 15×600,000 + 600,500)/30 + 1,000,000
    assert p001.product_kinds == "DEMAND_DEPOSIT,TIME_DEPOSIT,WEALTH,CREDIT_CARD"
    assert p001.credit_limit == Decimal("50000.00") and p001.credit_used == Decimal("2000.00")
    assert stored["cc001"].consolidated_aum == Decimal("35000000.00")
    assert stored["cc001"].consolidated_loan_balance == Decimal("10000000.00")
    assert stored["cp003"].aum == Decimal("90000.00")  # the closed account does not count


async def test_a_floor_on_a_transaction_metric_selects_by_it(kam, clock, source) -> None:
    """By default a full scan's chunks leave the transaction metrics out (computed afterwards for the kept
    customers only); a candidate floor that names one puts them back into the selecting statement."""
    expected = _reference()
    want = {"c" + no.lower() for no, m in expected.items() if m["txn_count_90"] >= 2}
    assert want and want != SELECTED
    job = await Scanner(
        kam,
        clock,
        source,
        floors={"INDIVIDUAL": {"txn_count_90": Decimal(2)}, "CORPORATE": {"txn_count_90": Decimal(2)}},
    ).run()
    assert job.state == "SUCCEEDED", job.error_message
    stored = await _metrics(kam)
    assert set(stored) == want
    for kam_id, row in stored.items():
        assert row.txn_count_90 == expected[kam_id[1:].upper()]["txn_count_90"]
        assert row.txn_volume_90 == expected[kam_id[1:].upper()]["txn_volume_90"]


async def test_pushed_down_query_equals_hand_written_sql_for_every_customer(source) -> None:
    """The generated statement over all customers vs. a plain aggregate written by hand."""
    mapping = load_mapping(DEFAULT_MAPPING)
    dialect = dialect_for(source)
    engine = create_async_engine(source.replace("sqlite://", "sqlite+aiosqlite://"))
    try:
        async with engine.connect() as conn:
            binds = window_binds(dialect, tiny_source.AS_OF)
            binds.pop("since")
            generated = {
                r.cust_id: r
                for r in await conn.execute(text(SqlBuilder(mapping, dialect).metrics_sql()), binds)
            }
            hand = {
                r.cust_no: r
                for r in await conn.execute(
                    text(
                        "SELECT c.cust_no, "
                        " (SELECT COALESCE(SUM(a.cur_bal), 0) FROM acct a JOIN prod p ON p.prod_cd = a.prod_cd "
                        "   WHERE a.cust_no = c.cust_no AND a.acct_status <> 'C' AND p.prod_type IN ('DMD','TD','WM','FUND')) AS aum,"
                        " (SELECT COUNT(*) FROM txn t JOIN acct a ON a.acct_no = t.acct_no WHERE a.cust_no = c.cust_no"
                        "   AND date(t.txn_ts) >= '2026-04-02' AND t.dc_flag IN ('D', 'C')) AS n90 "  # unknown direction: bad row
                        "FROM (SELECT cust_no FROM cust_indv UNION ALL SELECT cust_no FROM cust_corp) c"
                    )
                )
            }
    finally:
        await engine.dispose()
    assert set(generated) == set(hand) == {"P001", "P002", "P003", "P004", "C001", "C002"}
    expected = _reference()
    for cust_no, row in generated.items():
        assert Decimal(str(row.aum)).quantize(Decimal("0.01")) == Decimal(str(hand[cust_no].aum)).quantize(
            Decimal("0.01")
        )
        assert row.txn_count_90 == hand[cust_no].n90
        assert Decimal(str(row.adb_365)).quantize(Decimal("0.01")) == expected[cust_no]["adb_365"], cust_no


async def test_key_customers_and_candidates_are_copied_in_detail(kam, clock, source) -> None:
    job = await Scanner(kam, clock, source).run()
    assert job.customers_selected == 4
    async with kam.read() as session:
        customers = {r.id: r for r in (await session.scalars(select(CustomerRow))).all()}
        accounts = {r.id: r for r in (await session.scalars(select(AccountRow))).all()}
        txns = set((await session.scalars(select(TransactionRow.id))).all())
        history = {(r.account_id, r.day) for r in (await session.scalars(select(BalanceHistoryRow))).all()}
        contacts = {
            (r.customer_id, r.title, r.display_name)
            for r in (await session.scalars(select(ContactRow))).all()
        }
        links = (await session.scalars(select(GroupLinkRow))).all()
        credit = await session.get(CreditProfileRow, "cc001")
        orgs = {r.id: r.level for r in (await session.scalars(select(OrgUnitRow))).all()}
        staff = (await session.scalars(select(StaffRow))).all()
    assert set(customers) == SELECTED
    p001, c001 = customers["cp001"], customers["cc001"]
    assert (p001.type, p001.source, p001.source_id, p001.branch, p001.relationship_manager) == (
        "INDIVIDUAL",
        "CORE_BANKING",
        "P001",
        "orgUnits/S011",
        "staff/R1",
    )
    assert p001.birth_date == date(1980, 1, 1) and p001.relationship_start_date == date(2020, 3, 15)
    assert (p001.tier, p001.key_customer) == ("tiers/gold", True)
    assert (customers["cp003"].tier, customers["cp003"].key_customer) == ("", False)  # a candidate
    assert c001.establishment_date == date(2005, 7, 8) and c001.legal_representative == "周建国"
    assert customers["cp004"].id_number == ""  # invalid check digit: not stored, reported
    assert set(accounts) == {"A1", "A2", "A3", "A10", "A5", "A11", "A6", "A8", "L1"}  # A7 has an unknown type
    assert accounts["A2"].maturity_date == date(2026, 7, 15) and accounts["A2"].type == "TIME_DEPOSIT"
    assert accounts["A11"].state == "CLOSED" and accounts["L1"].repayment_state == "OVERDUE"
    assert txns == {"0000000002", "0000000003", "0000000004", "0000000005", "0000000007"}  # 90 days, readable
    assert ("A1", date(2026, 6, 15)) in history and ("A1", date(2026, 1, 1)) not in history
    assert {
        ("cc001", "法定代表人", "周建国"),
        ("cc001", "财务负责人", "吴敏"),
        ("cc001", "实际控制人", "周建国"),
        ("cp003", "配偶", "刘强"),
    } <= contacts
    assert [(l.parent_id, l.child_id, l.shareholding_percent) for l in links] == [
        ("cc001", "cc002", Decimal("60.0000"))
    ]
    assert (credit.rating, credit.overdue_count, credit.overdue_amount, credit.credit_limit) == (
        "AA",
        2,
        Decimal("10000000.00"),
        Decimal("12000000.00"),
    )
    assert orgs == {"H001": "HEAD_OFFICE", "B01": "BRANCH", "S011": "SUB_BRANCH"} and len(staff) == 1
    counts = await outbox_counts(kam)
    assert counts["CustomerCreated"] == 4 and counts["AccountOpened"] == 9
    assert "TransactionPosted" not in counts  # the first scan is a backfill: history is stored, not announced
    # An account seen for the first time carries its balance in AccountOpened: no BalanceSnapshot yet.
    assert "BalanceSnapshot" not in counts and counts["ScanCompleted"] == 1
    # key dates of key customers within 30 days of 2026-07-01: TD maturity, loan maturity, founding anniversary
    assert counts["KeyDateApproaching"] == 3


async def test_a_scan_sets_the_key_customer_flag_from_the_tier_in_force(kam, clock, source) -> None:
    scanner = Scanner(kam, clock, source)
    await scanner.run()
    async with (
        kam.transaction() as session
    ):  # flags out of step with the tiers (e.g. an earlier release's rows)
        await session.execute(update(CustomerRow).where(CustomerRow.id == "cp001").values(key_customer=False))
        await session.execute(update(CustomerRow).where(CustomerRow.id == "cp003").values(key_customer=True))
    clock.advance(timedelta(hours=1))
    assert (await scanner.run()).state == "SUCCEEDED"
    async with kam.read() as session:
        flags = {
            r.id: (r.tier != "", r.key_customer) for r in (await session.scalars(select(CustomerRow))).all()
        }
    assert flags["cp001"] == (True, True) and flags["cp003"] == (False, False)
    assert all(has_tier == key for has_tier, key in flags.values())


async def test_scans_announce_key_dates_within_the_configured_lead_days(kam, clock, source) -> None:
    # KAM_CUSTOMER_KEY_DATE_LEAD_DAYS=10 on 2026-07-01: the founding anniversary (07-08) only, not the deposit
    # (07-15) or loan (07-20) maturities
    await Scanner(kam, clock, source, key_date_lead_days=10).run()
    assert (await outbox_counts(kam))["KeyDateApproaching"] == 1


async def test_a_second_full_scan_changes_and_publishes_nothing(kam, clock, source) -> None:
    scanner = Scanner(kam, clock, source)
    await scanner.run()
    before = await outbox_counts(kam)
    clock.advance(timedelta(hours=1))
    job = await scanner.run()
    assert (job.state, job.customers_changed, job.accounts_changed, job.transactions_ingested) == (
        "SUCCEEDED",
        0,
        0,
        0,
    )
    after = await outbox_counts(kam)
    assert after == {**before, "ScanCompleted": before["ScanCompleted"] + 1}


async def test_the_history_a_scan_copies_quietly_is_published_once_per_customer(kam, clock, source) -> None:
    """CustomerHistoryCopied: the copied window of end-of-day balances and the unannounced transactions summed
    per business day, per account — the analytical store's only way to the past (worked out by hand from
    tiny_source: window 2026-04-02 … 2026-06-30; transaction 8's unknown direction is not stored)."""
    from kam.customer.v1 import events_pb2

    source_ids = {ACCOUNT_NAMES.key(f"A{n}"): f"A{n}" for n in range(1, 13)}

    async def published() -> dict:
        async with kam.read() as session:
            payloads = (
                await session.scalars(
                    select(outbox_table.c.payload).where(
                        outbox_table.c.event_type == "kam.customer.v1.CustomerHistoryCopied"
                    )
                )
            ).all()
        out: dict = {}
        for payload in payloads:
            event = events_pb2.CustomerHistoryCopied.FromString(payload)
            for history in event.accounts:
                assert history.account.startswith(event.customer + "/accounts/")
                start = history.balance_window_start
                assert (start.year, start.month, start.day) == (2026, 4, 2)
                key = source_ids[history.account.rsplit("/", 1)[-1]]
                out[key] = (
                    [(f"{p.date.month}-{p.date.day}", p.balance.units) for p in history.balances],
                    [
                        (f"{d.date.month}-{d.date.day}", d.credit_count, d.credit_amount.units, d.debit_count)
                        for d in history.transaction_days
                    ],
                )
        return out

    scanner = Scanner(kam, clock, source)
    await scanner.run()
    assert await published() == {
        "A1": ([("6-15", 600000), ("6-30", 600500)], [("6-15", 1, 300000, 0), ("6-30", 1, 500, 0)]),
        "A5": ([("5-1", 90000)], [("5-1", 1, 90000, 0)]),
        "A8": ([("6-1", 30000000)], [("6-1", 1, 10000000, 0)]),
        "A6": ([("6-1", 200000)], [("6-1", 1, 200000, 0)]),
    }
    clock.advance(timedelta(hours=1))
    await scanner.run()  # nothing new: no second copy of the same transactions
    assert (await outbox_counts(kam))["CustomerHistoryCopied"] == 4


async def test_scans_publish_the_source_org_tree_as_it_changes(kam, clock, source) -> None:
    """SourceOrgUnitUpdated for each org unit a scan sees first or sees changed (the tree other services scope
    their figures by), named and typed as the identity API's OrgUnit."""
    from kam.customer.v1 import events_pb2
    from kam.identity.v1 import identity_pb2

    async def published() -> list:
        async with kam.read() as session:
            payloads = (
                await session.scalars(
                    select(outbox_table.c.payload).where(
                        outbox_table.c.event_type == "kam.customer.v1.SourceOrgUnitUpdated"
                    )
                )
            ).all()
        return [events_pb2.SourceOrgUnitUpdated.FromString(p).org_unit for p in payloads]

    scanner = Scanner(kam, clock, source)
    await scanner.run()
    units = {u.name: (u.parent, u.type, u.display_name) for u in await published()}
    assert units == {
        "orgUnits/H001": ("", identity_pb2.OrgUnit.TYPE_HEAD_OFFICE, "总行"),
        "orgUnits/B01": ("orgUnits/H001", identity_pb2.OrgUnit.TYPE_BRANCH, "上海分行"),
        "orgUnits/S011": ("orgUnits/B01", identity_pb2.OrgUnit.TYPE_SUB_BRANCH, "浦东支行"),
    }
    engine = create_async_engine(source.replace("sqlite://", "sqlite+aiosqlite://"))
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE org SET org_name = '浦东新区支行' WHERE org_id = 'S011'"))
    await engine.dispose()
    clock.advance(timedelta(hours=1))
    await scanner.run(mode="INCREMENTAL")
    after = await published()
    assert len(after) == 4 and after[-1].display_name == "浦东新区支行"


async def test_scans_publish_the_source_staff_as_they_change(kam, clock, source) -> None:
    """SourceStaffUpdated for each member of staff a scan sees first or sees changed (the identity service
    imports them as users to activate, linked by staff code); an unchanged rescan publishes none."""
    from kam.customer.v1 import events_pb2

    async def published() -> list:
        async with kam.read() as session:
            payloads = (
                await session.scalars(
                    select(outbox_table.c.payload).where(
                        outbox_table.c.event_type == "kam.customer.v1.SourceStaffUpdated"
                    )
                )
            ).all()
        return [events_pb2.SourceStaffUpdated.FromString(p) for p in payloads]

    scanner = Scanner(kam, clock, source)
    await scanner.run()
    assert [
        (s.staff_code, s.display_name, s.org_unit, s.position, s.active, s.phone) for s in await published()
    ] == [("R1", "陈经理", "orgUnits/S011", "RM", True, "13900000000")]
    clock.advance(timedelta(hours=1))
    await scanner.run(mode="INCREMENTAL")
    assert len(await published()) == 1
    engine = create_async_engine(source.replace("sqlite://", "sqlite+aiosqlite://"))
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE staff SET org_id = 'B01' WHERE staff_id = 'R1'"))
    await engine.dispose()
    clock.advance(timedelta(hours=1))
    await scanner.run(mode="INCREMENTAL")
    after = await published()
    assert len(after) == 2 and after[-1].org_unit == "orgUnits/B01"


async def test_incremental_scan_changes_only_what_changed(kam, clock, source) -> None:
    scanner = Scanner(kam, clock, source)
    full = await scanner.run()
    before = await _metrics(kam)
    async_url = source.replace("sqlite://", "sqlite+aiosqlite://")
    later = datetime(2026, 7, 1, 10, 0)
    await tiny_source.add_rows(
        async_url,
        txn=[tiny_source._txn(10, "A5", later, "C", "50000.00", "140000.00")],
        cust_indv=[
            {
                **tiny_source._indv("P005", "孙七", tiny_source.rid("11010519750505123"), date(1975, 5, 5)),
                "upd_ts": later,
            }
        ],
        acct=[{**tiny_source._acct("A12", "P005", "DMD01", "3000000.00"), "upd_ts": later}],
    )
    engine = create_async_engine(async_url)
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE acct SET cur_bal = 140000, upd_ts = '2026-07-01 10:00:00' WHERE acct_no = 'A5'")
        )
    await engine.dispose()
    events_before = await outbox_counts(kam)
    clock.advance(timedelta(hours=12))
    job = await scanner.run(mode=None)  # incremental: a watermark exists
    assert (job.mode, job.state) == ("INCREMENTAL", "SUCCEEDED"), job.error_message
    assert job.customers_selected == 2
    after = await _metrics(kam)
    assert {k for k, v in after.items() if v.scan_id == job.id} == {"cp003", "cp005"}
    for unchanged in ("cp001", "cp004", "cc001"):
        assert after[unchanged].scan_id == full.id and after[unchanged].aum == before[unchanged].aum
    assert after["cp003"].aum == Decimal("140000.00") and after["cp005"].aum == Decimal("3000000.00")
    events = await outbox_counts(kam)
    delta = {k: events.get(k, 0) - events_before.get(k, 0) for k in events}
    assert delta["TransactionPosted"] == 1 and delta["CustomerCreated"] == 1 and delta["AccountUpdated"] == 1
    assert delta["AccountOpened"] == 1 and delta.get("CustomerUpdated", 0) == 0
    # The known account whose balance moved (A5) gets a snapshot; the new one (A12) only its AccountOpened.
    assert delta["BalanceSnapshot"] == 1


@pytest.mark.parametrize("mode", ["FULL", "INCREMENTAL"])
async def test_history_is_stored_and_only_transactions_after_the_last_scan_are_announced(
    kam, clock, source, mode
) -> None:
    scanner = Scanner(kam, clock, source)
    first = await scanner.run()
    assert first.transactions_ingested == 5 and "TransactionPosted" not in await outbox_counts(kam)
    # P002 (below every floor, not kept) receives a large deposit after the scan and becomes a candidate.
    async_url = source.replace("sqlite://", "sqlite+aiosqlite://")
    await tiny_source.add_rows(
        async_url,
        txn=[tiny_source._txn(12, "A4", datetime(2026, 7, 1, 10, 0), "C", "100000.00", "105000.00")],
    )
    engine = create_async_engine(async_url)
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE acct SET cur_bal = 105000, upd_ts = '2026-07-01 10:00:00' WHERE acct_no = 'A4'")
        )
    await engine.dispose()
    clock.advance(timedelta(hours=12))
    job = await scanner.run(mode=mode)
    assert (job.mode, job.state) == (mode, "SUCCEEDED"), job.error_message
    async with kam.read() as session:
        stored = set(
            (
                await session.scalars(select(TransactionRow.id).where(TransactionRow.customer_id == "cp002"))
            ).all()
        )
        posted = (
            await session.scalars(
                select(outbox_table.c.headers).where(
                    outbox_table.c.event_type == "kam.customer.v1.TransactionPosted"
                )
            )
        ).all()
    # Its older transaction is history (the first scan saw it): stored, not announced; the new one is announced.
    assert stored == {"0000000006", "0000000012"}
    assert [h["ce-subject"].rsplit("/", 1)[-1] for h in posted] == ["0000000012"]
    assert posted[0]["ce-subject"].startswith("customers/cp002/accounts/")


async def test_a_killed_scan_resumes_and_ends_as_an_uninterrupted_one(kam, clock, source, tmp_path) -> None:
    reference_db = await migrated(f"sqlite+aiosqlite:///{tmp_path / 'reference.db'}")
    try:
        await Scanner(reference_db, clock, source, batch_size=1).run()
        expected = await snapshot(reference_db)
    finally:
        await reference_db.dispose()

    async def kill_after_two(job_id: str, selected: int) -> None:
        if selected >= 2:
            raise asyncio.CancelledError  # as if the process died right after the second batch committed

    manager = Scanner(kam, clock, source, batch_size=1, after_batch=kill_after_two).manager()
    job = await manager.create(mode="FULL", trigger="MANUAL")
    await manager.wait(job.id)
    killed = await manager.get(job.id)
    assert (killed.state, killed.customers_selected) == ("RUNNING", 2) and killed.checkpoint

    restarted = Scanner(kam, clock, source, batch_size=1).manager()  # a new process
    assert await restarted.resume_unfinished() == [job.id]
    await restarted.wait(job.id)
    done = await restarted.get(job.id)
    assert (done.state, done.customers_selected) == ("SUCCEEDED", 4)
    assert await snapshot(kam) == expected


async def test_an_unreachable_source_fails_the_job_and_leaves_kam_untouched(kam, clock, tmp_path) -> None:
    for url in (f"sqlite:///{tmp_path / 'missing.db'}", "postgresql://postgres@127.0.0.1:1/core"):
        job = await Scanner(kam, clock, url).run()
        assert job.state == "FAILED"
        assert "source" in job.error_message and "SELECT" not in job.error_message
    async with kam.read() as session:
        for model in (CustomerRow, AccountRow, CustomerMetricsRow, OrgUnitRow):
            assert (await session.scalars(select(model))).all() == []
    assert set(await outbox_counts(kam)) == {"ScanCompleted"}


async def test_unreadable_rows_are_counted_with_examples_and_never_stop_the_scan(kam, clock, source) -> None:
    job = await Scanner(kam, clock, source).run()
    assert job.state == "SUCCEEDED"
    issues = issues_of(job)
    assert issues[("individual", "open_date")]["examples"] == ["2021-13-45"]
    assert issues[("account", "type")]["count"] == 1 and issues[("account", "type")]["examples"] == ["ZZ"]
    assert issues[("individual", "id_number")]["examples"] == ["P004: 1101**********1230"]
    assert issues[("transaction", "direction")]["examples"] == ["0000000008: X"]
    assert job.bad_rows == 4


async def test_pushed_and_scanned_transaction_is_applied_and_published_once(kam, clock, source) -> None:
    scanner = Scanner(kam, clock, source)
    await scanner.run()
    pushed = ingest.IncomingTransaction(
        id="0000000011",
        account_id="A1",
        direction="DEBIT",
        amount=Decimal("100000.00"),
        post_time=datetime(2026, 7, 1, 2, 0, tzinfo=UTC),
        balance_after=Decimal("500500.00"),
        channel="COUNTER",
    )
    async with kam.transaction() as session:
        first = await ingest.apply_transactions(
            session, [pushed], origin=ingest.PUSH, clock=clock, account_names=ACCOUNT_NAMES
        )
    async with kam.transaction() as session:
        again = await ingest.apply_transactions(
            session, [pushed], origin=ingest.PUSH, clock=clock, account_names=ACCOUNT_NAMES
        )
    assert (first.accepted, again.accepted, again.duplicates) == (1, 0, 1)
    await tiny_source.add_rows(
        source.replace("sqlite://", "sqlite+aiosqlite://"),
        txn=[
            {**tiny_source._txn(11, "A1", datetime(2026, 7, 1, 10, 0), "D", "100000.00", "500500.00", "CTR")}
        ],
    )
    job = await scanner.run(mode="INCREMENTAL")
    assert job.state == "SUCCEEDED" and job.transactions_ingested == 0
    async with kam.read() as session:
        rows = (await session.scalars(select(TransactionRow).where(TransactionRow.id == "0000000011"))).all()
        posted = (
            (
                await session.execute(
                    select(outbox_table.c.headers).where(
                        outbox_table.c.event_type == "kam.customer.v1.TransactionPosted"
                    )
                )
            )
            .scalars()
            .all()
        )
        account = await session.get(AccountRow, "A1")
    assert [r.origin for r in rows] == ["PUSH"]
    assert sum(1 for h in posted if h.get("ce-subject", "").endswith("/transactions/0000000011")) == 1
    # The source wins over a pushed balance: its accounts row still says 600,500.00 (docs/architecture.md).
    assert (account.balance, account.balance_origin) == (Decimal("600500.00"), "SCAN")


async def test_item1_the_next_scan_replaces_a_pushed_balance_by_the_sources(kam, clock, source) -> None:
    """Issue 11, item 1: a balance pushed with a transaction (even one that claims to be newer than anything in
    the source) is provisional; the next scan — here an incremental one in which the source did not change at
    all — reads the account again and the source's balance wins."""
    scanner = Scanner(kam, clock, source)
    await scanner.run()
    bogus = ingest.IncomingTransaction(
        id="push-bogus",
        account_id="A1",
        direction="CREDIT",
        amount=Decimal("1.00"),
        post_time=clock.now() + timedelta(minutes=4),
        balance_after=Decimal("99999999.00"),
    )
    async with kam.transaction() as session:
        await ingest.apply_transactions(
            session, [bogus], origin=ingest.PUSH, clock=clock, account_names=ACCOUNT_NAMES
        )
    async with kam.read() as session:
        pushed = await session.get(AccountRow, "A1")
    assert (pushed.balance, pushed.balance_origin) == (Decimal("99999999.00"), "PUSH")  # shown until the scan
    clock.advance(timedelta(minutes=10))
    job = await scanner.run(mode="INCREMENTAL")
    assert job.state == "SUCCEEDED"
    async with kam.read() as session:
        account = await session.get(AccountRow, "A1")
        others = (await session.scalars(select(AccountRow.balance_origin).where(AccountRow.id != "A1"))).all()
    assert (account.balance, account.balance_origin) == (Decimal("600500.00"), "SCAN")
    assert set(others) == {"SCAN"}


@pytest.mark.postgres
@pytest.mark.parametrize("batch_size", [1, 2], ids=["a-chunk-per-customer", "two-per-chunk"])
async def test_a_postgresql_source_gives_the_same_metrics(database_url, clock, tmp_path, batch_size) -> None:
    """On PostgreSQL a chunk reaches its customers by id range plus the members of their groups outside it: with
    one customer per chunk, C001's consolidated figures need C002 from the next chunk."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the source is the PostgreSQL parametrization's database")
    await tiny_source.write_source(database_url, tiny_source.tiny(), bad_date=False)
    kam_db = await migrated(f"sqlite+aiosqlite:///{tmp_path / 'kam.db'}")
    try:
        job = await Scanner(kam_db, clock, database_url.replace("+asyncpg", ""), batch_size=batch_size).run()
        assert job.state == "SUCCEEDED", job.error_message
        stored = await _metrics(kam_db)
    finally:
        await kam_db.dispose()
    expected = tiny_source.reference_metrics(tiny_source.tiny())
    assert set(stored) == SELECTED
    for kam_id, row in stored.items():
        for column in METRIC_COLUMNS:
            assert getattr(row, column) == expected[kam_id[1:].upper()][column], (kam_id, column)
    assert stored["cc001"].consolidated_aum == Decimal("35000000.00")


@pytest.mark.postgres
async def test_postgresql_source_sessions_are_read_only_and_never_jit_compiled(database_url) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the source is the PostgreSQL parametrization's database")
    engine = open_source(database_url.replace("+asyncpg", ""))
    try:
        async with engine.connect() as conn:
            settings = {
                name: (await conn.execute(text(f"SHOW {name}"))).scalar()
                for name in ("default_transaction_read_only", "jit")
            }
            assert settings == {"default_transaction_read_only": "on", "jit": "off"}
            with pytest.raises(Exception, match="read-only transaction"):
                await conn.execute(text("CREATE TABLE kam_must_not_exist (x INTEGER)"))
    finally:
        await engine.dispose()


async def test_a_cancelled_scan_stops_and_another_can_start(kam, clock, source) -> None:
    gate = asyncio.Event()

    async def hold(job_id: str, selected: int) -> None:
        gate.set()
        await asyncio.sleep(30)

    manager = Scanner(kam, clock, source, batch_size=1, after_batch=hold).manager()
    job = await manager.create(mode="FULL", trigger="MANUAL")
    await asyncio.wait_for(gate.wait(), 10)
    with pytest.raises(Exception, match="scanJobs/"):  # one scan at a time
        await manager.create(mode="FULL", trigger="MANUAL")
    cancelled = await manager.cancel(job.id)
    assert cancelled.state == "CANCELLED" and cancelled.customers_selected == 1
    assert await manager.resume_unfinished() == []
    again = await Scanner(kam, clock, source).run()
    assert again.state == "SUCCEEDED" and again.customers_selected == 4
