"""Scan jobs: create (on demand, by schedule, at start), run one at a time in the background, resume
unfinished ones after a restart, cancel, read."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from kam_kit import pagination
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database, earlier_request
from kam_kit.errors import FailedPrecondition, InvalidArgument, NotFound
from kam_kit.filtering import parse_equalities
from kam_kit.timeconv import aware
from sqlalchemy import and_, or_, select

from kam_customer.adapters.trail import trail, values
from kam_customer.domain.names import AccountNames
from kam_customer.keydates import service as key_dates
from kam_customer.scan.mapping import Mapping, MappingError, load_mapping
from kam_customer.scan.orm import ScanJobRow
from kam_customer.scan.runner import FULL, INCREMENTAL, TERMINAL, ScanRunner
from kam_customer.scan.source import SourceUnavailable, check_source, open_source
from kam_customer.settings import DEFAULT_SCAN_BATCH_SIZE

log = logging.getLogger(__name__)

ACTIVE = ("PENDING", "RUNNING")
_FILTERS = {
    "state": lambda v: _enum(v, "STATE_", ("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED")),
    "mode": lambda v: _enum(v, "MODE_", (FULL, INCREMENTAL)),
    "trigger": lambda v: _enum(v, "TRIGGER_", ("SCHEDULED", "MANUAL", "STARTUP")),
}


def _enum(value: str, prefix: str, allowed: tuple[str, ...]) -> str:
    name = value.removeprefix(prefix)
    if name not in allowed:
        raise ValueError(f"未知取值 (unknown value {value!r})")
    return name


def job_id_from_name(name: str, field_path: str = "name") -> str:
    prefix = "scanJobs/"
    if not name.startswith(prefix) or len(name) == len(prefix):
        raise InvalidArgument.for_field(field_path, "应为 scanJobs/{scan_job} (must be scanJobs/{scan_job})")
    return name[len(prefix) :]


class ScanManager:
    """Owns the background scan task of this process (one scan at a time)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        source_url: str,
        mapping_path,
        account_names: AccountNames,
        timezone: str = "Asia/Shanghai",
        batch_size: int = DEFAULT_SCAN_BATCH_SIZE,
        floors: dict[str, dict[str, Decimal]] | None = None,
        page_secret: bytes = b"scan",
        runner_factory: Callable[..., ScanRunner] | None = None,
        key_date_lead_days: int = key_dates.DEFAULT_LEAD_DAYS,
        fx_rates: dict[str, Decimal] | None = None,
    ) -> None:
        self.db = db
        self.account_names = account_names
        self.timezone = timezone
        self.fx_rates = fx_rates or {}
        self.key_date_lead_days = key_date_lead_days
        self.clock = clock
        self.source_url = source_url
        self.mapping_path = mapping_path
        self.batch_size = batch_size
        self.floors = floors
        self.page_secret = page_secret
        self.runner_factory = runner_factory
        self._tasks: dict[str, asyncio.Task] = {}
        self._lock = asyncio.Lock()
        self.idle = asyncio.Event()
        self.idle.set()

    # ------------------------------------------------------------------------------------------ create
    async def create(
        self,
        *,
        mode: str | None,
        trigger: str,
        creator: str = "",
        request_id: str = "",
        identity: Identity | None = None,
    ) -> ScanJobRow:
        async with self.db.transaction() as session:
            existing = await earlier_request(session, ScanJobRow, request_id)
            if existing is not None:
                return existing
            running = await session.scalar(select(ScanJobRow).where(ScanJobRow.state.in_(ACTIVE)).limit(1))
            if running is not None:
                raise FailedPrecondition(
                    f"另一个扫描任务正在进行 (scan scanJobs/{running.id} is {running.state.lower()})",
                    reason="SCAN_IN_PROGRESS",
                    metadata={"scan_job": f"scanJobs/{running.id}"},
                )
            if mode is None:
                has_mark = await session.scalar(
                    select(ScanJobRow.id)
                    .where(ScanJobRow.state == "SUCCEEDED", ScanJobRow.end_watermark != "")
                    .limit(1)
                )
                mode = INCREMENTAL if has_mark else FULL
            job = ScanJobRow(
                id=uuid.uuid4().hex[:20],
                mode=mode,
                trigger=trigger,
                state="PENDING",
                creator=creator,
                request_id=request_id or None,
                mapping=str(self.mapping_path),
                create_time=self.clock.now(),
                start_watermark="",
                end_watermark="",
                floors="",
                phase="",
                checkpoint="",
                progress=0.0,
                run_seconds=0.0,
                rows_read=0,
                customers_scanned=0,
                customers_selected=0,
                customers_changed=0,
                accounts_changed=0,
                transactions_ingested=0,
                tier_changes=0,
                bad_rows=0,
                issues="[]",
                error_message="",
            )
            session.add(job)
            await session.flush()
            trail(self.clock).change(
                session,
                actor=identity,
                action="scanJobs.create",
                resource=f"scanJobs/{job.id}",
                after=values(job, exclude=("checkpoint", "issues")),
            )
        self._spawn(job.id)
        return job

    def _spawn(self, job_id: str) -> None:
        if job_id in self._tasks and not self._tasks[job_id].done():
            return
        self.idle.clear()
        task = asyncio.create_task(self._run(job_id), name=f"scan-{job_id}")
        self._tasks[job_id] = task
        task.add_done_callback(lambda _t: self._done(job_id))

    def _done(self, job_id: str) -> None:
        self._tasks.pop(job_id, None)
        if not self._tasks:
            self.idle.set()

    def runner(self, mapping: Mapping) -> ScanRunner:
        if self.runner_factory is not None:
            return self.runner_factory(mapping)
        return ScanRunner(
            self.db,
            self.clock,
            mapping,
            self.source_url,
            account_names=self.account_names,
            timezone=self.timezone,
            batch_size=self.batch_size,
            floors=self.floors,
            key_date_lead_days=self.key_date_lead_days,
            fx_rates=self.fx_rates,
        )

    async def _run(self, job_id: str) -> None:
        async with self._lock:
            try:
                mapping = load_mapping(self.mapping_path)
            except MappingError as exc:
                await self._fail(job_id, exc.job_message)
                return
            await self.runner(mapping).run(job_id)

    async def _fail(self, job_id: str, message: str) -> None:
        async with self.db.transaction() as session:
            job = await session.get(ScanJobRow, job_id)
            if job is not None and job.state not in TERMINAL:
                job.state, job.error_message, job.end_time = "FAILED", message, self.clock.now()

    async def run_to_end(self, *, mode: str | None, trigger: str = "MANUAL", creator: str = "") -> ScanJobRow:
        """Create a job and wait for it (CLI, scan-on-start, tests)."""
        job = await self.create(mode=mode, trigger=trigger, creator=creator)
        await self.wait(job.id)
        return await self.get(job.id)

    async def wait(self, job_id: str) -> None:
        task = self._tasks.get(job_id)
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # ------------------------------------------------------------------------------------------ lifecycle
    async def resume_unfinished(self) -> list[str]:
        """Jobs left PENDING/RUNNING by a previous process continue from their checkpoint."""
        async with self.db.read() as session:
            ids = list(
                (
                    await session.scalars(
                        select(ScanJobRow.id)
                        .where(ScanJobRow.state.in_(ACTIVE))
                        .order_by(ScanJobRow.create_time)
                    )
                ).all()
            )
        for job_id in ids:
            self._spawn(job_id)
        return ids

    async def has_scanned(self) -> bool:
        """True once a scan succeeded (or one is under way)."""
        async with self.db.read() as session:
            return (
                await session.scalar(
                    select(ScanJobRow.id).where(ScanJobRow.state.in_(("SUCCEEDED", *ACTIVE))).limit(1)
                )
                is not None
            )

    async def source_problem(self) -> str | None:
        """Why the source cannot be read now, or None when it can."""
        try:
            engine = open_source(self.source_url)
        except SourceUnavailable as exc:
            return str(exc)
        try:
            await check_source(engine)
        except SourceUnavailable as exc:
            return str(exc)
        finally:
            await engine.dispose()
        return None

    async def cancel(self, job_id: str, identity: Identity | None = None) -> ScanJobRow:
        task = self._tasks.get(job_id)
        async with self.db.transaction() as session:
            job = await session.get(ScanJobRow, job_id)
            if job is None:
                raise NotFound(f"扫描任务不存在 (scanJobs/{job_id} not found)", reason="SCAN_JOB_NOT_FOUND")
            if job.state in TERMINAL:
                raise FailedPrecondition(
                    f"扫描任务已结束 (scan job already {job.state.lower()})", reason="SCAN_JOB_FINISHED"
                )
            before = values(job, exclude=("checkpoint", "issues"))
            job.state, job.end_time = "CANCELLED", self.clock.now()
            await session.flush()
            trail(self.clock).change(
                session,
                actor=identity,
                action="scanJobs.cancel",
                resource=f"scanJobs/{job.id}",
                before=before,
                after=values(job, exclude=("checkpoint", "issues")),
            )
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        return await self.get(job_id)

    async def stop(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        for task in list(self._tasks.values()):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # ------------------------------------------------------------------------------------------ read
    async def get(self, job_id: str) -> ScanJobRow:
        async with self.db.read() as session:
            job = await session.get(ScanJobRow, job_id)
        if job is None:
            raise NotFound(f"扫描任务不存在 (scanJobs/{job_id} not found)", reason="SCAN_JOB_NOT_FOUND")
        return job

    async def list(
        self, *, page_size: int, page_token: str, filter_text: str
    ) -> tuple[list[ScanJobRow], str]:
        size = pagination.page_size(page_size, default=20, maximum=200)
        conditions = parse_equalities(filter_text, _FILTERS)
        cursor = pagination.decode_token(page_token, bound_to=filter_text, secret=self.page_secret)
        query = select(ScanJobRow)
        for name, value in conditions.items():
            query = query.where(getattr(ScanJobRow, name) == value)
        if cursor:
            at = datetime.fromisoformat(cursor["t"])
            query = query.where(
                or_(
                    ScanJobRow.create_time < at,
                    and_(ScanJobRow.create_time == at, ScanJobRow.id < cursor["i"]),
                )
            )
        query = query.order_by(ScanJobRow.create_time.desc(), ScanJobRow.id.desc()).limit(size + 1)
        async with self.db.read() as session:
            rows = list((await session.scalars(query)).all())
        token = ""
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            token = pagination.encode_token(
                {"t": aware(last.create_time).isoformat(), "i": last.id},
                bound_to=filter_text,
                secret=self.page_secret,
            )
        return rows, token


async def last_scan_facts(db: Database) -> dict[str, str]:
    """The customer service's facts for the control center (kam_kit.status): its latest scan job and the end of the
    latest successful one."""
    async with db.read() as session:
        latest = await session.scalar(select(ScanJobRow).order_by(ScanJobRow.create_time.desc()).limit(1))
        succeeded = await session.scalar(
            select(ScanJobRow.end_time)
            .where(ScanJobRow.state == "SUCCEEDED")
            .order_by(ScanJobRow.create_time.desc())
            .limit(1)
        )
    facts: dict[str, str] = {}
    if latest is not None:
        facts.update(
            last_scan_job=f"scanJobs/{latest.id}",
            last_scan_state=latest.state,
            last_scan_mode=latest.mode,
            last_scan_time=aware(latest.end_time or latest.create_time).isoformat(),
        )
    if succeeded is not None:
        facts["last_successful_scan_time"] = aware(succeeded).isoformat()
    return facts
