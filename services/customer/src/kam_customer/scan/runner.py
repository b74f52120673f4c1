"""Running one scan job: prepare (as-of date, watermarks, floors), org tree, audit, pushed-down metrics with
detail copies in checkpointed batches, refresh of previously kept customers, completion.

Resumable: every batch commits KAM's changes together with the job's checkpoint (the last source customer id
done) and counters, so a scan that is killed resumes after its last committed batch and — since every write
compares with what KAM holds and transactions go through the idempotent path — ends in the same state as an
uninterrupted scan. The source is only read.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kam.customer.v1 import events_pb2
from kam_kit import outbox
from kam_kit.clock import Clock
from kam_kit.db import Database
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kam_customer.adapters.orm import CustomerMetricsRow, CustomerRow
from kam_customer.context import SERVICE
from kam_customer.scan import messages
from kam_customer.scan.issues import Issues
from kam_customer.scan.mapping import Mapping
from kam_customer.scan.orm import ScanJobRow
from kam_customer.scan.source import SourceUnavailable, check_source, open_source, short_reason
from kam_customer.scan.sqlgen import SqlBuilder, dialect_for, window_binds
from kam_customer.scan.writer import BatchDetails, BatchWriter, kam_customer_id

log = logging.getLogger(__name__)

FULL, INCREMENTAL = "FULL", "INCREMENTAL"
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
PHASE_ORG, PHASE_DETAILS, PHASE_KNOWN, PHASE_DONE = "ORG", "DETAILS", "KNOWN", "DONE"
AUDITED = ("org_unit", "staff", "individual", "corporate", "account", "group_link", "relation", "rating")
CUSTOMER_TYPES = ("INDIVIDUAL", "CORPORATE")


def _tiering():
    try:
        from kam_customer.tiering import engine
    except ImportError:  # pragma: no cover - tiering is part of the service
        return None, None
    return getattr(engine, "grade_customers", None), getattr(engine, "candidate_floor", None)


def _optional(module: str, name: str):
    try:
        imported = __import__(module, fromlist=[name])
    except ImportError:
        return None
    return getattr(imported, name, None)


def encode_mark(value: Any) -> list:
    if value is None:
        return ["null", None]
    if isinstance(value, datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, date):
        return ["date", value.isoformat()]
    if isinstance(value, int):
        return ["int", value]
    if isinstance(value, (float, Decimal)):
        return ["number", str(value)]
    return ["str", str(value)]


def decode_mark(mark: list) -> Any:
    kind, value = mark
    return {"null": lambda v: None, "datetime": datetime.fromisoformat, "date": date.fromisoformat,
            "int": int, "number": Decimal, "str": str}[kind](value)


class ScanRunner:
    """Runs scan jobs of one mapping against one source."""

    def __init__(self, db: Database, clock: Clock, mapping: Mapping, source_url: str, *, batch_size: int = 500,
                 floors: dict[str, dict[str, Decimal]] | None = None,
                 after_batch: Callable[[str, int], Awaitable[None]] | None = None,
                 on_progress: Callable[[ScanJobRow], None] | None = None, grade=None) -> None:
        self.db = db
        self.clock = clock
        self.mapping = mapping
        self.source_url = source_url
        self.batch_size = batch_size
        self.fixed_floors = floors
        self.after_batch = after_batch
        self.on_progress = on_progress
        self.grade, self.candidate_floor = _tiering()
        if grade is not None:  # tests and simulations may grade differently
            self.grade = grade
        self.reindex = _optional("kam_customer.search.index", "reindex")
        self.assess = _optional("kam_customer.service_layer.credit", "assess")
        self.dialect = dialect_for(source_url)
        self.sql = SqlBuilder(mapping, self.dialect)

    # ------------------------------------------------------------------------------------------------ job
    async def run(self, job_id: str) -> ScanJobRow:
        started = time.monotonic()
        async with self.db.transaction() as session:
            job = await session.get(ScanJobRow, job_id)
            if job is None or job.state in TERMINAL:
                return job
            job.state = "RUNNING"
            job.start_time = job.start_time or self.clock.now()
            job.mapping = self.mapping.path
        self._clock_start = started
        engine: AsyncEngine | None = None
        try:
            engine = open_source(self.source_url)
            await check_source(engine)
            if not job.phase:
                await self._prepare(engine, job_id)
            job = await self._load(job_id)
            if job.phase == PHASE_ORG:
                await self._org_and_audit(engine, job)
                job = await self._load(job_id)
            if job.phase == PHASE_DETAILS:
                await self._details(engine, job)
                job = await self._load(job_id)
            if job.phase == PHASE_KNOWN:
                await self._known(engine, job)
            return await self._finish(job_id, "SUCCEEDED", "")
        except asyncio.CancelledError:
            raise  # killed: the job stays RUNNING with its checkpoint and resumes later
        except SourceUnavailable as exc:
            return await self._finish(job_id, "FAILED", str(exc))
        except Exception as exc:
            log.exception("scan failed", extra={"scan_job": job_id})
            return await self._finish(job_id, "FAILED", f"扫描失败 (scan failed): {short_reason(exc)}")
        finally:
            if engine is not None:
                await engine.dispose()

    async def _load(self, job_id: str) -> ScanJobRow:
        async with self.db.read() as session:
            return await session.get(ScanJobRow, job_id)

    def _elapsed(self) -> float:
        now = time.monotonic()
        elapsed, self._clock_start = now - self._clock_start, now
        return elapsed

    async def _finish(self, job_id: str, state: str, error: str) -> ScanJobRow:
        async with self.db.transaction() as session:
            job = await session.get(ScanJobRow, job_id)
            if job.state in TERMINAL:
                return job
            job.state, job.error_message = state, error
            job.end_time = self.clock.now()
            job.run_seconds += self._elapsed()
            if state == "SUCCEEDED":
                job.phase, job.progress = PHASE_DONE, 100.0
            outbox.record(session, events_pb2.ScanCompleted(scan_job=messages.scan_job_to_proto(job)),
                          service=SERVICE, clock=self.clock, resource=f"scanJobs/{job.id}")
        self._notify(job)
        return job

    def _notify(self, job: ScanJobRow) -> None:
        if self.on_progress is not None:
            self.on_progress(job)

    # ------------------------------------------------------------------------------------------- prepare
    async def _prepare(self, engine: AsyncEngine, job_id: str) -> None:
        async with engine.connect() as conn:
            as_of = (await conn.execute(text(self.sql.as_of_sql()))).scalar()
            as_of = date.fromisoformat(str(as_of)[:10]) if as_of is not None else self.clock.now().date()
            marks = {}
            for name, entity in self.mapping.entities.items():
                if entity.watermark:
                    marks[name] = encode_mark((await conn.execute(text(self.sql.watermark_sql(entity)))).scalar())
            customers = 0
            for name in ("individual", "corporate"):
                entity = self.mapping.entity(name)
                if entity is not None:
                    customers += (await conn.execute(
                        text(f"SELECT COUNT(*) {self.sql.from_where(entity)}"))).scalar() or 0
        async with self.db.transaction() as session:
            job = await session.get(ScanJobRow, job_id)
            start = ""
            if job.mode == INCREMENTAL:
                last = await session.scalar(
                    select(ScanJobRow.end_watermark).where(ScanJobRow.state == "SUCCEEDED", ScanJobRow.end_watermark != "")
                    .order_by(ScanJobRow.end_time.desc()).limit(1))
                if last:
                    start = last
                else:
                    job.mode = FULL  # nothing to be incremental from
            floors = self.fixed_floors
            if floors is None:
                floors = {}
                for ctype in CUSTOMER_TYPES:
                    floors[ctype] = await self.candidate_floor(session, ctype) if self.candidate_floor else {}
            job.floors = json.dumps({t: {m: str(v) for m, v in f.items()} for t, f in floors.items()})
            job.as_of, job.start_watermark, job.end_watermark = as_of, start, json.dumps(marks)
            job.customers_scanned = customers
            job.phase, job.progress = PHASE_ORG, 1.0

    def _floors(self, job: ScanJobRow) -> dict[str, dict[str, Decimal]]:
        return {t: {m: Decimal(v) for m, v in f.items()} for t, f in json.loads(job.floors or "{}").items()}

    def _writer(self, job: ScanJobRow, issues: Issues) -> BatchWriter:
        return BatchWriter(clock=self.clock, scan_id=job.id, as_of=job.as_of, timezone=self.mapping.timezone,
                           dialect_date_of=self.dialect.date_of, issues=issues, grade=self.grade,
                           reindex=self.reindex, assess=self.assess,
                           audited=frozenset(AUDITED) if job.mode == FULL else frozenset())

    # ------------------------------------------------------------------------------------- org + audit
    async def _org_and_audit(self, engine: AsyncEngine, job: ScanJobRow) -> None:
        issues = Issues()
        rows_read = 0
        async with engine.connect() as conn:
            org, staff = [], []
            for name, target in (("org_unit", org), ("staff", staff)):
                entity = self.mapping.entity(name)
                if entity is not None:
                    target.extend(dict(r._mapping) for r in await conn.execute(text(self.sql.all_rows_sql(entity))))
            rows_read += len(org) + len(staff)
            if job.mode == FULL:
                for name in AUDITED:
                    entity = self.mapping.entity(name)
                    if entity is None:
                        continue
                    for field_name, problem, sql in self.sql.audit_sql(entity):
                        for value, count in (await conn.execute(text(sql))).all():
                            issues.add(name, field_name, problem, str(value), count=int(count))
        writer = self._writer(job, issues)
        async with self.db.transaction() as session:
            await writer.write_org(session, org, staff)
            current = await session.get(ScanJobRow, job.id)
            current.issues = issues.merge_into(current.issues)
            current.bad_rows += issues.total
            current.rows_read += rows_read
            current.phase, current.progress = PHASE_DETAILS, 5.0
            current.run_seconds += self._elapsed()
        self._notify(current)

    # ------------------------------------------------------------------------------------------ details
    def _binds(self, job: ScanJobRow) -> dict[str, Any]:
        binds: dict[str, Any] = dict(window_binds(self.dialect, job.as_of))
        binds.pop("since")
        return binds

    async def _details(self, engine: AsyncEngine, job: ScanJobRow) -> None:
        floors = self._floors(job)
        binds = self._binds(job)
        if job.mode == INCREMENTAL:
            start = {k: decode_mark(v) for k, v in json.loads(job.start_watermark or "{}").items()}
            marks = {name: f"wm_{name}" for name, v in start.items() if v is not None}
            binds.update({f"wm_{name}": start[name] for name in marks})
            sql = self.sql.metrics_sql(seed=self.sql.changed_customers_sql(marks), after=bool(job.checkpoint))
        else:
            sql = self.sql.metrics_sql(floors=floors, after=bool(job.checkpoint))
            for ctype, metrics in floors.items():
                for metric, value in metrics.items():
                    binds[SqlBuilder.floor_param(ctype, metric)] = self.dialect.number_param(value)
        if job.checkpoint:
            binds["after"] = job.checkpoint
        expected = await self._expected_selected(job)
        async with engine.connect() as conn:
            result = await conn.stream(text(sql), binds)
            batch: list[dict] = []
            async for row in result:
                batch.append(dict(row._mapping))
                if len(batch) >= self.batch_size:
                    job = await self._process(engine, job, batch, floors, expected)
                    batch = []
            if batch:
                job = await self._process(engine, job, batch, floors, expected)
        async with self.db.transaction() as session:
            current = await session.get(ScanJobRow, job.id)
            current.phase = PHASE_KNOWN  # a no-op for incremental scans
            current.progress = max(current.progress, 90.0)
        self._notify(current)

    async def _expected_selected(self, job: ScanJobRow) -> int:
        async with self.db.read() as session:
            previous = await session.scalar(
                select(ScanJobRow.customers_selected).where(ScanJobRow.state == "SUCCEEDED", ScanJobRow.mode == job.mode)
                .order_by(ScanJobRow.end_time.desc()).limit(1))
        return previous or max(1, job.customers_scanned // 10)

    async def _process(self, engine: AsyncEngine, job: ScanJobRow, rows: list[dict],
                       floors: dict[str, dict[str, Decimal]], expected: int) -> ScanJobRow:
        read = len(rows)
        last = rows[-1]["cust_id"]  # the source's own order (its collation), not Python's
        if job.mode == INCREMENTAL:
            known = await self._known_ids([kam_customer_id(r["cust_id"]) for r in rows])
            rows = [r for r in rows if kam_customer_id(r["cust_id"]) in known or _meets(r, floors)]
        return await self._write(engine, job, rows, checkpoint=last, read=read, expected=expected)

    async def _write(self, engine: AsyncEngine, job: ScanJobRow, rows: list[dict], *, checkpoint: str | None,
                     read: int, expected: int) -> ScanJobRow:
        issues = Issues()
        details = await self._fetch_details(engine, rows, job) if rows else BatchDetails(metrics=[])
        writer = self._writer(job, issues)
        async with self.db.transaction() as session:
            result = await writer.write_batch(session, details) if rows else None
            current = await session.get(ScanJobRow, job.id)
            if checkpoint is not None and job.phase == PHASE_DETAILS:
                current.checkpoint = checkpoint
            if result is not None:
                current.customers_selected += len(rows)
                current.customers_changed += result.customers_changed
                current.accounts_changed += result.accounts_changed
                current.transactions_ingested += result.transactions_ingested
                current.tier_changes += result.tier_changes
            current.rows_read += read + details.row_count
            current.issues = issues.merge_into(current.issues)
            current.bad_rows += issues.total
            current.progress = max(current.progress, min(89.0, 5.0 + 85.0 * current.customers_selected / max(expected, 1)))
            current.run_seconds += self._elapsed()
        self._notify(current)
        if self.after_batch is not None:
            await self.after_batch(job.id, current.customers_selected)
        return current

    async def _known_ids(self, kam_ids: list[str]) -> set[str]:
        async with self.db.read() as session:
            return set((await session.scalars(select(CustomerRow.id).where(
                CustomerRow.id.in_(kam_ids), CustomerRow.source == "CORE_BANKING"))).all())

    async def _fetch_details(self, engine: AsyncEngine, metrics: list[dict], job: ScanJobRow) -> BatchDetails:
        ids = [r["cust_id"] for r in metrics]
        details = BatchDetails(metrics=metrics)
        since = window_binds(self.dialect, job.as_of)["since"]
        async with engine.connect() as conn:
            for name, ctype in (("individual", "INDIVIDUAL"), ("corporate", "CORPORATE")):
                entity = self.mapping.entity(name)
                if entity is None:
                    continue
                for row in await self._rows(conn, self.sql.detail_sql(entity, "id"), ids):
                    row["ctype"] = ctype
                    details.customers[str(row["id"])] = row
            details.accounts = await self._rows(conn, self.sql.detail_sql(self.mapping.entities["account"], "customer_id"), ids)
            account_ids = [str(a["id"]) for a in details.accounts if a.get("id") is not None]
            bh = self.mapping.entity("balance_history")
            if bh is not None and account_ids:
                details.balances = await self._rows(
                    conn, self.sql.detail_sql(bh, "account_id", extra=self.sql.recent_condition(bh, "day")),
                    account_ids, since=since)
            txn = self.mapping.entities["transaction"]
            recent = self.sql.detail_sql(txn, "account_id", extra=self.sql.recent_condition(txn, "time"))
            mark = self._txn_mark(job)
            if account_ids and mark is None:
                details.transactions = await self._rows(conn, recent, account_ids, since=since)
            elif account_ids:
                # Incremental: customers KAM already keeps only need the transactions past the watermark; new
                # ones get the whole recent window.
                known = await self._known_ids([kam_customer_id(i) for i in ids])
                owners = {str(a["id"]): kam_customer_id(str(a["customer_id"])) for a in details.accounts}
                old = [a for a in account_ids if owners.get(a) in known]
                new = [a for a in account_ids if owners.get(a) not in known]
                newer = self.sql.detail_sql(txn, "account_id", extra=self.sql.newer_condition(txn, "wm_txn"))
                details.transactions = (await self._rows(conn, newer, old, wm_txn=mark)
                                        + await self._rows(conn, recent, new, since=since))
            rel = self.mapping.entity("relation")
            if rel is not None:
                details.relations = await self._rows(conn, self.sql.detail_sql(rel, "customer_id"), ids)
            rating = self.mapping.entity("rating")
            if rating is not None:
                details.ratings = {str(r["customer_id"]): r for r in
                                   await self._rows(conn, self.sql.detail_sql(rating, "customer_id"), ids)}
            link = self.mapping.entity("group_link")
            if link is not None:
                seen = set()
                for key in ("parent_id", "child_id"):
                    for row in await self._rows(conn, self.sql.detail_sql(link, key), ids):
                        pair = (str(row["parent_id"]), str(row["child_id"]))
                        if pair not in seen:
                            seen.add(pair)
                            details.links.append(row)
        return details

    def _txn_mark(self, job: ScanJobRow):
        """The transaction watermark an incremental job starts from (None: copy the recent window)."""
        if job.mode != INCREMENTAL or not self.mapping.entities["transaction"].watermark:
            return None
        mark = json.loads(job.start_watermark or "{}").get("transaction")
        return decode_mark(mark) if mark else None

    @staticmethod
    async def _rows(conn: AsyncConnection, sql: str, ids: list[str], **binds: Any) -> list[dict]:
        out: list[dict] = []
        if not ids:
            return out
        statement = text(sql).bindparams(bindparam("ids", expanding=True))
        for start in range(0, len(ids), 2000):
            result = await conn.execute(statement, {"ids": ids[start:start + 2000], **binds})
            out.extend(dict(r._mapping) for r in result)
        return out

    # -------------------------------------------------------------------------------------- known refresh
    async def _known(self, engine: AsyncEngine, job: ScanJobRow) -> None:
        """A full scan also refreshes customers KAM kept before that fell below every floor (their metrics and
        tier must follow, e.g. for hysteresis), in batches by id."""
        if job.mode == FULL:
            binds = self._binds(job)
            while True:
                async with self.db.read() as session:
                    pending = (await session.execute(
                        select(CustomerRow.source_id).join(CustomerMetricsRow, CustomerMetricsRow.customer_id == CustomerRow.id,
                                                           isouter=True)
                        .where(CustomerRow.source == "CORE_BANKING", CustomerRow.source_id.is_not(None),
                               func.coalesce(CustomerMetricsRow.scan_id, "") != job.id)
                        .order_by(CustomerRow.source_id).limit(self.batch_size))).scalars().all()
                if not pending:
                    break
                literal = ", ".join("(" + _quote(p) + ")" for p in pending)
                seed = f"SELECT v.cust_id FROM (VALUES {literal}) AS v(cust_id)" if self.dialect.pg else \
                    f"SELECT column1 AS cust_id FROM (VALUES {literal})"
                sql = self.sql.metrics_sql(seed=seed)
                async with engine.connect() as conn:
                    rows = [dict(r._mapping) for r in await conn.execute(text(sql), binds)]
                wanted = set(pending)
                rows = [r for r in rows if r["cust_id"] in wanted]
                job = await self._write(engine, job, rows, checkpoint=None, read=len(rows), expected=1)
                # Customers gone from the source are marked seen too, so the loop ends.
                await self._mark_gone(job, list(pending))
        async with self.db.transaction() as session:
            current = await session.get(ScanJobRow, job.id)
            current.phase = PHASE_DONE

    async def _mark_gone(self, job: ScanJobRow, source_ids: list[str]) -> None:
        async with self.db.transaction() as session:
            for source_id in source_ids:
                kam_id = kam_customer_id(source_id)
                row = await session.get(CustomerMetricsRow, kam_id)
                if row is None:
                    session.add(CustomerMetricsRow(customer_id=kam_id, as_of=job.as_of, scan_id=job.id))
                else:
                    row.scan_id = job.id


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _meets(row: dict, floors: dict[str, dict[str, Decimal]]) -> bool:
    for metric, floor in floors.get(row["ctype"], {}).items():
        value = row.get(metric)
        if value is not None and Decimal(str(value)) >= floor:
            return True
    return False
