"""Running one scan job: prepare (as-of date, watermarks, floors), org tree, audit, pushed-down metrics with
detail copies in checkpointed batches, refresh of previously kept customers, completion.

Resumable: every batch commits KAM's changes together with the job's checkpoint (the last source customer id
done) and counters, so a scan that is killed resumes after its last committed batch and — since every write
compares with what KAM holds and transactions go through the idempotent path — ends in the same state as an
uninterrupted scan. The source is only read.

Pipelined: the metrics statement is read by one task, the detail rows of the next batch are fetched by a second
one (each on its own source connection) while the current batch is written into KAM, so the source's engine and
KAM's work overlap. The metrics rows waiting to be copied are buffered generously (up to METRICS_BUFFER_ROWS —
selected customers' metrics only, a few kB each), so the source's engine keeps computing the next chunks while
KAM catches up instead of idling on a full queue; detail rows (much larger) are fetched up to two batches ahead.

Transactions the previous successful scan already saw (at or below its transaction watermark — every one on the
first scan) are history: stored, but announced with no TransactionPosted (docs/architecture.md §21).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kam.customer.v1 import events_pb2
from kam_kit import heap, outbox
from kam_kit.clock import Clock
from kam_kit.db import Database
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kam_customer.adapters.orm import AccountRow, CustomerMetricsRow, CustomerRow
from kam_customer.context import SERVICE
from kam_customer.domain.names import AccountNames
from kam_customer.keydates import service as key_dates
from kam_customer.scan import messages, preflight
from kam_customer.scan.issues import Issues
from kam_customer.scan.mapping import Mapping, MappingError
from kam_customer.scan.orm import ScanJobRow
from kam_customer.scan.source import SourceUnavailable, check_source, open_source, short_reason
from kam_customer.scan.sqlgen import TXN_METRICS, KeyRange, SqlBuilder, dialect_for, window_binds
from kam_customer.scan.writer import BatchDetails, BatchWriter, as_date, kam_customer_id
from kam_customer.settings import DEFAULT_SCAN_BATCH_SIZE

log = logging.getLogger(__name__)

FULL, INCREMENTAL = "FULL", "INCREMENTAL"
TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
PHASE_ORG, PHASE_DETAILS, PHASE_KNOWN, PHASE_DONE = "ORG", "DETAILS", "KNOWN", "DONE"
AUDITED = ("org_unit", "staff", "individual", "corporate", "account", "group_link", "relation", "rating")
CUSTOMER_TYPES = ("INDIVIDUAL", "CORPORATE")
#: The page cache of KAM's SQLite connection while it writes a batch (SQLite's default is 2 MiB; the batch's
#: inserts into the indexes of search terms, transactions and events touch far more pages than that).
SQLITE_CACHE = "PRAGMA cache_size = -65536"
#: Metrics rows (of selected customers) read ahead of the copy, at most: keeps the source's engine busy while KAM
#: writes (each row is a dict of about 35 numbers: 50,000 rows ≈ 100 MB at worst).
METRICS_BUFFER_ROWS = 50_000
#: A full scan computes metrics in about this many chunks of consecutive customers (see ScanRunner._chunks).
CHUNKS = 20


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
    return {
        "null": lambda v: None,
        "datetime": datetime.fromisoformat,
        "date": date.fromisoformat,
        "int": int,
        "number": Decimal,
        "str": str,
    }[kind](value)


class ScanRunner:
    """Runs scan jobs of one mapping against one source."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        mapping: Mapping,
        source_url: str,
        *,
        account_names: AccountNames,
        timezone: str = "Asia/Shanghai",
        batch_size: int = DEFAULT_SCAN_BATCH_SIZE,
        floors: dict[str, dict[str, Decimal]] | None = None,
        after_batch: Callable[[str, int], Awaitable[None]] | None = None,
        on_progress: Callable[[ScanJobRow], None] | None = None,
        grade=None,
        key_date_lead_days: int = key_dates.DEFAULT_LEAD_DAYS,
        fx_rates: dict[str, Decimal] | None = None,
    ) -> None:
        self.db = db
        self.account_names = account_names
        #: The zone of the source's naive timestamps: the mapping's, else the bank's.
        self.timezone = mapping.timezone or timezone
        #: Exchange rates of KAM's setting (currency → CNY per unit); a mapped ``fx_rate`` table's rates win.
        self.fx_rates = fx_rates or {}
        self.key_date_lead_days = key_date_lead_days
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
        with heap.bulk_work():  # millions of short-lived rows: let reference counting free them
            return await self._run(job_id)

    async def _run(self, job_id: str) -> ScanJobRow:
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
            async with engine.connect() as conn:  # before anything is read or written
                await preflight.check(conn, self.sql, fixed_rates=bool(self.fx_rates))
            if not job.phase:
                await self._prepare(engine, job_id)
            job = await self._load(job_id)
            self.sql = SqlBuilder(self.mapping, self.dialect, self._rates(job))
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
        except MappingError as exc:  # the message says it all; the traceback is for the debug log
            log.debug("mapping does not fit the source", exc_info=True, extra={"scan_job": job_id})
            return await self._finish(job_id, "FAILED", exc.job_message)
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
            outbox.record(
                session,
                events_pb2.ScanCompleted(scan_job=messages.scan_job_to_proto(job)),
                service=SERVICE,
                clock=self.clock,
                resource=f"scanJobs/{job.id}",
            )
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
                    marks[name] = encode_mark(
                        (await conn.execute(text(self.sql.watermark_sql(entity)))).scalar()
                    )
            customers = 0
            for name in ("individual", "corporate"):
                entity = self.mapping.entity(name)
                if entity is not None:
                    customers += (
                        await conn.execute(text(f"SELECT COUNT(*) {self.sql.from_where(entity)}"))
                    ).scalar() or 0
            rates = await self._read_rates(conn, as_of)
        async with self.db.transaction() as session:
            job = await session.get(ScanJobRow, job_id)
            # Where the last successful scan ended: an incremental scan starts there; for both modes it tells which
            # transactions are history (seen before) and which are announced.
            start = (
                await session.scalar(
                    select(ScanJobRow.end_watermark)
                    .where(ScanJobRow.state == "SUCCEEDED", ScanJobRow.end_watermark != "")
                    .order_by(ScanJobRow.end_time.desc())
                    .limit(1)
                )
                or ""
            )
            if job.mode == INCREMENTAL and not start:
                job.mode = FULL  # nothing to be incremental from
            floors = self.fixed_floors
            if floors is None:
                floors = {}
                for ctype in CUSTOMER_TYPES:
                    floors[ctype] = await self.candidate_floor(session, ctype) if self.candidate_floor else {}
            job.floors = json.dumps({t: {m: str(v) for m, v in f.items()} for t, f in floors.items()})
            job.as_of, job.start_watermark, job.end_watermark = as_of, start, json.dumps(marks)
            job.customers_scanned = customers
            job.rates = json.dumps({code: str(rate) for code, rate in sorted(rates.items())})
            job.phase, job.progress = PHASE_ORG, 1.0

    async def _read_rates(self, conn: AsyncConnection, as_of: date) -> dict[str, Decimal]:
        """KAM's exchange rates, and over them each currency's newest rate on or before ``as_of`` of the mapped
        ``fx_rate`` table (rows without a day apply to any day; rates that are not positive are left out)."""
        rates = dict(self.fx_rates)
        statement = self.sql.rates_sql()
        if statement is None:
            return rates
        newest: dict[str, tuple[date, Decimal]] = {}
        for currency, rate, day in (await conn.execute(text(statement))).all():
            code, day = str(currency), as_date(day) or date.min
            if currency is None or rate is None or Decimal(str(rate)) <= 0 or day > as_of:
                continue
            if code not in newest or day >= newest[code][0]:
                newest[code] = (day, Decimal(str(rate)))
        return {**rates, **{currency: rate for currency, (_day, rate) in newest.items()}}

    @staticmethod
    def _rates(job: ScanJobRow) -> dict[str, Decimal]:
        return {code: Decimal(rate) for code, rate in json.loads(job.rates or "{}").items()}

    def _floors(self, job: ScanJobRow) -> dict[str, dict[str, Decimal]]:
        return {t: {m: Decimal(v) for m, v in f.items()} for t, f in json.loads(job.floors or "{}").items()}

    def _writer(self, job: ScanJobRow, issues: Issues) -> BatchWriter:
        return BatchWriter(
            clock=self.clock,
            scan_id=job.id,
            as_of=job.as_of,
            timezone=self.timezone,
            dialect_date_of=self.dialect.date_of,
            issues=issues,
            grade=self.grade,
            account_names=self.account_names,
            reindex=self.reindex,
            assess=self.assess,
            audited=frozenset(AUDITED) if job.mode == FULL else frozenset(),
            key_date_lead_days=self.key_date_lead_days,
            rates=self._rates(job),
        )

    # ------------------------------------------------------------------------------------- org + audit
    async def _org_and_audit(self, engine: AsyncEngine, job: ScanJobRow) -> None:
        issues = Issues()
        rows_read = 0
        async with engine.connect() as conn:
            org, staff = [], []
            for name, target in (("org_unit", org), ("staff", staff)):
                entity = self.mapping.entity(name)
                if entity is not None:
                    target.extend(
                        dict(r._mapping) for r in await conn.execute(text(self.sql.all_rows_sql(entity)))
                    )
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
        expanding: list[str] = []
        if job.mode == INCREMENTAL:
            start = {k: decode_mark(v) for k, v in json.loads(job.start_watermark or "{}").items()}
            marks = {name: f"wm_{name}" for name, v in start.items() if v is not None}
            binds.update({f"wm_{name}": start[name] for name in marks})
            pushed = await self._pushed_accounts()
            if pushed:
                binds["pushed"] = pushed
                expanding.append("pushed")
            seed = self.sql.changed_customers_sql(marks, pushed="pushed" if pushed else "")
            sql = self.sql.metrics_sql(seed=seed, after=bool(job.checkpoint))
        else:
            for ctype, metrics in floors.items():
                for metric, value in metrics.items():
                    binds[SqlBuilder.floor_param(ctype, metric)] = self.dialect.number_param(value)
        if job.checkpoint:
            binds["after"] = job.checkpoint
        expected = await self._expected_selected(job)
        deferred_txn_metrics = job.mode != INCREMENTAL and not self._floors_need_transactions(floors)
        batches: asyncio.Queue = asyncio.Queue(maxsize=max(2, METRICS_BUFFER_ROWS // self.batch_size))
        fetched: asyncio.Queue = asyncio.Queue(maxsize=2)

        async def incremental_statement() -> AsyncIterator[tuple[str, dict[str, Any]]]:
            yield sql, binds

        async def read_metrics() -> None:
            async with engine.connect() as conn:
                if job.mode == INCREMENTAL:
                    statements = incremental_statement()
                else:
                    statements = self._chunks(conn, job, floors, binds)
                batch: list[dict] = []
                async for statement, values in statements:
                    clause = text(statement)
                    if expanding and not self.dialect.pg:
                        clause = clause.bindparams(*(bindparam(name, expanding=True) for name in expanding))
                    result = await conn.stream(clause, values)
                    async for row in result:
                        batch.append(dict(row._mapping))
                        if len(batch) >= self.batch_size:
                            await batches.put(batch)
                            batch = []
                if batch:
                    await batches.put(batch)

        async def fetch() -> None:
            while (rows := await _take(batches)) is not None:
                read, last = (
                    len(rows),
                    rows[-1]["cust_id"],
                )  # the source's own order (its collation), not Python's
                if job.mode == INCREMENTAL:
                    known = await self._known_ids([kam_customer_id(r["cust_id"]) for r in rows])
                    rows = [r for r in rows if kam_customer_id(r["cust_id"]) in known or _meets(r, floors)]
                details = await self._fetch_details(engine, rows, job, txn_metrics=deferred_txn_metrics)
                await fetched.put((details, last, read))

        async with _stages((read_metrics(), batches), (fetch(), fetched)):
            while (item := await _take(fetched)) is not None:
                details, last, read = item
                job = await self._write(job, details, checkpoint=last, read=read, expected=expected)
        async with self.db.transaction() as session:
            current = await session.get(ScanJobRow, job.id)
            current.phase = PHASE_KNOWN  # a no-op for incremental scans
            current.progress = max(current.progress, 90.0)
        self._notify(current)

    async def _chunks(
        self,
        conn: AsyncConnection,
        job: ScanJobRow,
        floors: dict[str, dict[str, Decimal]],
        binds: dict[str, Any],
    ) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """A full scan's metrics statement, one per chunk of consecutive customers (about 1/CHUNKS of them, the
        first chunk a fifth of that; groups expanded inside each), yielded as each is due. Costs the source about
        what one statement over everyone costs, but the first rows come after one chunk instead of after the
        whole source, so copying overlaps computing.

        On PostgreSQL a chunk's statement reaches its customers by their id range and the members of their groups
        outside it by a list read just before (:class:`KeyRange`): seeded by a recursive group query instead,
        whose row estimate the planner cannot make, PostgreSQL reads every customer and account for each chunk."""
        after = job.checkpoint or ""
        size = max(self.batch_size, job.customers_scanned // CHUNKS)
        # The first chunk is a fifth of the others: the copy cannot start before it is computed.
        first = max(self.batch_size, size // 5)
        step = max(1, size // first)
        fine = (
            (await conn.execute(text(self.sql.chunk_bounds_sql()), {"after": after, "size": first}))
            .scalars()
            .all()
        )
        bounds = [after, *(b for i, b in enumerate(fine) if i == 0 or (i + 1) % step == 0)]
        transactions = self._floors_need_transactions(floors)
        for index, low in enumerate(bounds):
            last = index == len(bounds) - 1
            values = {**binds, "after": low} if last else {**binds, "after": low, "upto": bounds[index + 1]}
            if not self.dialect.pg:
                yield (
                    self.sql.metrics_sql(
                        seed=self.sql.chunk_seed_sql(last=last),
                        floors=floors,
                        seed_only=True,
                        transactions=transactions,
                    ),
                    values,
                )
                continue
            members = self.sql.chunk_members_sql(last=last)
            bounds_only = {k: v for k, v in values.items() if k in ("after", "upto")}
            extra = (await conn.execute(text(members), bounds_only)).scalars().all() if members else []
            yield (
                self.sql.metrics_sql(key_range=KeyRange(last), floors=floors, transactions=transactions),
                {**values, "extra": list(extra)},
            )

    @staticmethod
    def _floors_need_transactions(floors: dict[str, dict[str, Decimal]]) -> bool:
        """Whether selecting candidates needs the transaction metrics: only if a floor names one. Otherwise a
        full scan's chunks leave the transactions out (on most sources the costliest part of a customer-seeded
        statement) and they are computed for the kept customers only, with their details."""
        return any(metric in TXN_METRICS for metrics in floors.values() for metric in metrics)

    async def _expected_selected(self, job: ScanJobRow) -> int:
        async with self.db.read() as session:
            previous = await session.scalar(
                select(ScanJobRow.customers_selected)
                .where(ScanJobRow.state == "SUCCEEDED", ScanJobRow.mode == job.mode)
                .order_by(ScanJobRow.end_time.desc())
                .limit(1)
            )
        return previous or max(1, job.customers_scanned // 10)

    async def _write(
        self, job: ScanJobRow, details: BatchDetails, *, checkpoint: str | None, read: int, expected: int
    ) -> ScanJobRow:
        issues = Issues()
        rows = details.metrics
        writer = self._writer(job, issues)
        async with self.db.transaction() as session:
            if self.db.engine.dialect.name == "sqlite":
                await session.execute(text(SQLITE_CACHE))
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
            current.progress = max(
                current.progress, min(89.0, 5.0 + 85.0 * current.customers_selected / max(expected, 1))
            )
            current.run_seconds += self._elapsed()
        self._notify(current)
        if self.after_batch is not None:
            await self.after_batch(job.id, current.customers_selected)
        return current

    async def _known_ids(self, kam_ids: list[str]) -> set[str]:
        async with self.db.read() as session:
            return set(
                (
                    await session.scalars(
                        select(CustomerRow.id).where(
                            CustomerRow.id.in_(kam_ids), CustomerRow.source == "CORE_BANKING"
                        )
                    )
                ).all()
            )

    async def _fetch_details(
        self, engine: AsyncEngine, metrics: list[dict], job: ScanJobRow, *, txn_metrics: bool = False
    ) -> BatchDetails:
        """The detail rows of the batch's customers (and, with ``txn_metrics``, their transaction metrics,
        which the chunked metrics statement left out)."""
        ids = [r["cust_id"] for r in metrics]
        details = BatchDetails(metrics=metrics)
        if not ids:
            return details
        since = window_binds(self.dialect, job.as_of)["since"]
        async with engine.connect() as conn:
            if txn_metrics:
                by_id = {str(r["cust_id"]): r for r in metrics}
                window = self._binds(job)
                for row in await self._rows(
                    conn, self.sql.txn_metrics_sql(), ids, w90=window["w90"], asof=window["asof"]
                ):
                    target = by_id.get(str(row["cust_id"]))
                    if target is not None:
                        target.update(
                            txn_count_90=row["txn_count_90"],
                            txn_volume_90=row["txn_volume_90"],
                            last_dn=row["last_dn"],
                        )
            for name, ctype in (("individual", "INDIVIDUAL"), ("corporate", "CORPORATE")):
                entity = self.mapping.entity(name)
                if entity is None:
                    continue
                for row in await self._rows(conn, self.sql.detail_sql(entity, "id"), ids):
                    details.customers[str(row["id"])] = {**row, "ctype": ctype}
            details.accounts = await self._rows(
                conn, self.sql.detail_sql(self.mapping.entities["account"], "customer_id"), ids
            )
            account_ids = [str(a["id"]) for a in details.accounts if a.get("id") is not None]
            bh = self.mapping.entity("balance_history")
            if bh is not None and account_ids:
                details.balances = await self._rows(
                    conn,
                    self.sql.detail_sql(bh, "account_id", extra=self.sql.recent_condition(bh, "day")),
                    account_ids,
                    since=since,
                )
            txn = self.mapping.entities["transaction"]
            announce, seen = self._announce(job)
            recent = self.sql.detail_sql(
                txn,
                "account_id",
                extra=self.sql.recent_condition(txn, self.sql.txn_day_field()),
                columns=(announce,),
            )
            mark = self._txn_mark(job)
            if account_ids and mark is None:
                details.transactions = await self._rows(conn, recent, account_ids, since=since, **seen)
            elif account_ids:
                # Incremental: customers KAM already keeps only need the transactions past the watermark; new
                # ones get the whole recent window.
                known = await self._known_ids([kam_customer_id(i) for i in ids])
                owners = {str(a["id"]): kam_customer_id(str(a["customer_id"])) for a in details.accounts}
                old = [a for a in account_ids if owners.get(a) in known]
                new = [a for a in account_ids if owners.get(a) not in known]
                newer = self.sql.detail_sql(
                    txn, "account_id", extra=self.sql.newer_condition(txn, "wm_txn"), columns=(announce,)
                )
                details.transactions = await self._rows(
                    conn, newer, old, wm_txn=mark, **seen
                ) + await self._rows(conn, recent, new, since=since, **seen)
            rel = self.mapping.entity("relation")
            if rel is not None:
                details.relations = await self._rows(conn, self.sql.detail_sql(rel, "customer_id"), ids)
            rating = self.mapping.entity("rating")
            if rating is not None:
                details.ratings = {
                    str(r["customer_id"]): r
                    for r in await self._rows(conn, self.sql.detail_sql(rating, "customer_id"), ids)
                }
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

    def _announce(self, job: ScanJobRow) -> tuple[str, dict[str, Any]]:
        """The ``announce`` column of copied transactions and its binds: 1 past the transaction watermark of the
        last successful scan (transactions it did not see), 0 for history and for every transaction of the
        first scan (a backfill). A mapping without a transaction watermark announces every newly stored
        transaction after the first scan."""
        txn = self.mapping.entities["transaction"]
        if not job.start_watermark:
            return self.sql.announce_column(txn, None), {}
        if not txn.watermark:
            return "1 AS announce", {}
        mark = json.loads(job.start_watermark).get("transaction")
        if not mark or decode_mark(mark) is None:
            return self.sql.announce_column(txn, None), {}
        return self.sql.announce_column(txn, "wm_seen"), {"wm_seen": decode_mark(mark)}

    def _txn_mark(self, job: ScanJobRow):
        """The transaction watermark an incremental job starts from (None: copy the recent window)."""
        if job.mode != INCREMENTAL or not self.mapping.entities["transaction"].watermark:
            return None
        mark = json.loads(job.start_watermark or "{}").get("transaction")
        return decode_mark(mark) if mark else None

    async def _pushed_accounts(self) -> list[str]:
        """Accounts whose balance a pushed transaction set since the last scan read them (``PUSH``)."""
        async with self.db.read() as session:
            return list(
                (
                    await session.scalars(
                        select(AccountRow.id)
                        .where(AccountRow.balance_origin == "PUSH")
                        .order_by(AccountRow.id)
                    )
                ).all()
            )

    async def _rows(
        self, conn: AsyncConnection, sql: str, ids: list[str], **binds: Any
    ) -> list[dict[str, Any]]:
        """The rows (plain dicts: the writer reads each field of tens of thousands of them, and a dict's ``get``
        is several times cheaper than a RowMapping's) of ``sql`` for ``ids`` bound as ``:ids``
        (:meth:`SqlBuilder.in_ids`), 2,000 ids per statement (more, and PostgreSQL's planner starts to prefer
        reading whole tables to thousands of index probes)."""
        out: list[dict[str, Any]] = []
        if not ids:
            return out
        statement = text(sql) if self.dialect.pg else text(sql).bindparams(bindparam("ids", expanding=True))
        for start in range(0, len(ids), 2000):
            result = await conn.execute(statement, {"ids": ids[start : start + 2000], **binds})
            keys = tuple(result.keys())
            out.extend(dict(zip(keys, row)) for row in result)
        return out

    # -------------------------------------------------------------------------------------- known refresh
    async def _known(self, engine: AsyncEngine, job: ScanJobRow) -> None:
        """A full scan also refreshes customers KAM kept before that fell below every floor (their metrics and
        tier must follow, e.g. for hysteresis), in batches by id."""
        if job.mode == FULL:
            binds = self._binds(job)
            while True:
                async with self.db.read() as session:
                    pending = (
                        (
                            await session.execute(
                                select(CustomerRow.source_id)
                                .join(
                                    CustomerMetricsRow,
                                    CustomerMetricsRow.customer_id == CustomerRow.id,
                                    isouter=True,
                                )
                                .where(
                                    CustomerRow.source == "CORE_BANKING",
                                    CustomerRow.source_id.is_not(None),
                                    func.coalesce(CustomerMetricsRow.scan_id, "") != job.id,
                                )
                                .order_by(CustomerRow.source_id)
                                .limit(self.batch_size)
                            )
                        )
                        .scalars()
                        .all()
                    )
                if not pending:
                    break
                literal = ", ".join("(" + _quote(p) + ")" for p in pending)
                seed = (
                    f"SELECT v.cust_id FROM (VALUES {literal}) AS v(cust_id)"
                    if self.dialect.pg
                    else f"SELECT column1 AS cust_id FROM (VALUES {literal})"
                )
                sql = self.sql.metrics_sql(seed=seed)
                async with engine.connect() as conn:
                    rows = [dict(r._mapping) for r in await conn.execute(text(sql), binds)]
                wanted = set(pending)
                rows = [r for r in rows if r["cust_id"] in wanted]
                details = await self._fetch_details(engine, rows, job)
                job = await self._write(job, details, checkpoint=None, read=len(rows), expected=1)
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


_END = object()


async def _take(queue: asyncio.Queue):
    """The next item of a pipeline stage's queue: None once the stage is done; re-raises the stage's failure."""
    item = await queue.get()
    if isinstance(item, BaseException):
        raise item
    return None if item is _END else item


@contextlib.asynccontextmanager
async def _stages(*stages: tuple[Coroutine[Any, Any, None], asyncio.Queue]):
    """Run pipeline stages as tasks: each ends its queue with an end marker, or with its exception; all are
    cancelled when the consumer leaves (done, failed or cancelled itself)."""

    async def run(stage: Coroutine[Any, Any, None], out: asyncio.Queue) -> None:
        try:
            await stage
        except Exception as exc:  # noqa: BLE001 - handed to the consumer, which raises it
            await out.put(exc)
        else:
            await out.put(_END)

    tasks = [asyncio.create_task(run(stage, out)) for stage, out in stages]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _meets(row: dict, floors: dict[str, dict[str, Decimal]]) -> bool:
    for metric, floor in floors.get(row["ctype"], {}).items():
        value = row.get(metric)
        if value is not None and Decimal(str(value)) >= floor:
            return True
    return False
