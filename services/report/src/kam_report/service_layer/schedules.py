"""Scheduled reports (定时报表): a report's kind and conditions, a period counted back from the run day and a cron
in the bank's local time. At each due minute the report is computed over its owner's data scope, exported, and
``kam.report.v1.ScheduledReportReady`` (with the file) is recorded in the same transaction that moves the
schedule to its next run — so a run is published once, by one replica, and a crash before that transaction
repeats the run with the same idempotency key (the same stored report). The notice service e-mails the file.

Whose scope: the owner's identity as the gateway last presented it to this service — when they created, changed,
opened or listed their schedules. Before a run it is compared with the identity service's copy of the user
(:class:`UserCopy`): a deactivated owner, or one whose roles, unit or staff code changed since, is not run (the
schedule's ``last_error`` says why) until the owner opens 定时报表 again. A cron run that starts failing (the
previous one went well) records ``kam.report.v1.ScheduledReportFailed`` with the error in the same transaction:
the notice service tells the owner once, not at every failed run after it. A schedule is its owner's alone:
anyone else reads ``NOT_FOUND``.

Missed runs (the service was down over several due times) are caught up once, not once per missed time.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from google.protobuf import json_format
from google.type import date_pb2
from kam.report.v1 import events_pb2, report_pb2
from kam_kit import orgtree, outbox
from kam_kit.audit import AuditTrail, changed_fields
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.cron import Cron, CronError
from kam_kit.db import Database
from kam_kit.errors import Aborted, InvalidArgument, NotFound, Validator
from kam_kit.timeconv import aware, to_timestamp
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kam_report.adapters.orm import OrgUnitCopy, ReportScheduleRow, UserCopy
from kam_report.service_layer.center import FORMATS, TITLES, ReportCenter, kind_key, query_of
from kam_report.service_layer.reports import OrgTree
from kam_report.service_layer.store import BANK_TZ

log = logging.getLogger(__name__)
SERVICE = "report"
Schedule = report_pb2.ReportSchedule
Period = report_pb2.SchedulePeriod
FIELD = "report_schedule"
WRITABLE = ("display_name", "parameters", "period", "cron", "format", "paused")
#: The largest file carried in the event (the broker's default message limit is 1 MiB).
MAX_ATTACHMENT = 768 * 1024
#: What a run needs of its owner.
NEEDED = "reports.create"
#: The owner's identity fields kept with the schedule.
_IDENTITY_FIELDS = (
    "subject",
    "kind",
    "display_name",
    "roles",
    "org_unit",
    "permissions",
    "staff_code",
    "scope",
)


# --- periods (pure) ---------------------------------------------------------------------------------------------


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def period_dates(period: str, run_day: date) -> tuple[date, date]:
    """The first and last day a run on ``run_day`` (bank-local) covers; every period ends by yesterday."""
    yesterday = run_day - timedelta(days=1)
    if period == "PREVIOUS_DAY":
        return yesterday, yesterday
    if period == "LAST_7_DAYS":
        return run_day - timedelta(days=7), yesterday
    if period == "PREVIOUS_MONTH":
        end = run_day.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if period == "MONTH_TO_DATE":
        return yesterday.replace(day=1), yesterday
    if period == "PREVIOUS_QUARTER":
        end = _quarter_start(run_day) - timedelta(days=1)
        return _quarter_start(end), end
    if period == "YEAR_TO_DATE":
        return date(yesterday.year, 1, 1), yesterday
    raise ValueError(f"unknown period {period!r}")


def period_key(value: int) -> str:
    return Period.Name(value).removeprefix("SCHEDULE_PERIOD_") if value else ""


def _date_message(day: date) -> date_pb2.Date:
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


# --- the owner's identity ------------------------------------------------------------------------------------


def identity_json(identity: Identity) -> str:
    values = asdict(identity)
    return json.dumps({k: values[k] for k in _IDENTITY_FIELDS}, ensure_ascii=False, sort_keys=True)


def identity_of(text: str) -> Identity:
    values: dict[str, Any] = json.loads(text)
    values["roles"] = tuple(values.get("roles", ()))
    values["permissions"] = tuple(values.get("permissions", ()))
    return Identity(**values)


def _owner_problem(identity: Identity, user: UserCopy | None) -> str:
    """Why ``identity`` (as kept) may not run now, or ``""``."""
    if not identity.can(NEEDED):
        return "负责人已无生成报表的权限 (the owner may no longer create reports)"
    if user is None:  # a user the identity service has not announced (a service account, a demo user)
        return ""
    if not user.active:
        return "负责人账户已停用 (the owner's account is deactivated)"
    if (
        sorted(user.roles.split()) != sorted(identity.roles)
        or user.org_unit != identity.org_unit
        or user.staff_code != identity.staff_code
    ):
        return (
            "负责人的角色或机构已变化，请打开「定时报表」以按新的数据范围继续 "
            "(the owner's roles or unit changed; open scheduled reports to go on with the new scope)"
        )
    return ""


# --- validation -----------------------------------------------------------------------------------------------


def _cron(v: Validator, text: str) -> Cron | None:
    field = f"{FIELD}.cron"
    try:
        cron = Cron.parse(text.strip())
        cron.next_after(datetime(2000, 1, 1, tzinfo=BANK_TZ))
    except CronError as error:
        v.add(field, f"cron 表达式无效：{error} (invalid cron: minute hour day month weekday)")
        return None
    v.check(len(cron.minutes) == 1, field, "每小时最多一次 (at most once an hour: one minute value)")
    return cron


def next_run(cron: str, after: datetime) -> datetime:
    """The first minute after ``after`` that ``cron`` matches in the bank's local time, in UTC (stored so: SQLite
    keeps no offset)."""
    return Cron.parse(cron).next_after(after.astimezone(BANK_TZ)).astimezone(UTC)


def _etag(row: ReportScheduleRow) -> str:
    """Changes with what the owner may change, not with runs (a run does not make the owner's page stale)."""
    key = f"{row.id}|{row.update_time.isoformat()}|{row.paused}|{row.cron}|{row.format}|{row.period}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _schedule_id(name: str, field: str = "name") -> str:
    sid = name.removeprefix("reportSchedules/") if name.startswith("reportSchedules/") else ""
    if not sid or "/" in sid:
        raise InvalidArgument.for_field(
            field, "应为 reportSchedules/{report_schedule} (expected a schedule name)"
        )
    return sid


class ReportSchedules:
    def __init__(self, db: Database, center: ReportCenter, clock: Clock) -> None:
        self.db = db
        self.center = center
        self.clock = clock
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = AuditTrail(SERVICE, clock)

    def _local_now(self) -> datetime:
        return self.clock.now().astimezone(BANK_TZ)

    async def _check(
        self,
        session: AsyncSession,
        identity: Identity,
        message: Schedule,
        paths: tuple[str, ...],
        v: Validator,
    ) -> Cron | None:
        """Field violations of the changed fields (``paths``) of ``message``, added to ``v``."""
        if "display_name" in paths:
            v.check(len(message.display_name) <= 200, f"{FIELD}.display_name", "不能超过 200 字 (≤ 200)")
        if "format" in paths:
            v.check(
                message.format in (0, *FORMATS), f"{FIELD}.format", "应为 CSV、XLSX 或 PDF (CSV, XLSX or PDF)"
            )
        if "period" in paths:
            v.check(message.period in Period.values(), f"{FIELD}.period", "统计期间无效 (unknown period)")
        cron = _cron(v, message.cron) if "cron" in paths else None
        if "parameters" in paths or "period" in paths:
            probe = report_pb2.Report(kind=message.kind, parameters=message.parameters)
            if message.period in Period.values() and message.period:
                start, end = period_dates(period_key(message.period), self._local_now().date())
                probe.parameters.start_date.CopyFrom(_date_message(start))
                probe.parameters.end_date.CopyFrom(_date_message(end))
            try:
                query_of(
                    probe, await orgtree.scope_of(session, identity, OrgUnitCopy), await OrgTree.load(session)
                )
            except InvalidArgument as error:
                for violation in error.violations:
                    v.add(violation.field.replace("report.", f"{FIELD}.", 1), violation.description)
        return cron

    def _next(self, row: ReportScheduleRow, after: datetime) -> datetime | None:
        if row.paused:
            return None
        return next_run(row.cron, after)

    # --- create, read, change, delete --------------------------------------------------------------------------

    async def create(self, identity: Identity | None, message: Schedule, request_id: str) -> Schedule:
        owner = _owner(identity)
        v = Validator()
        v.request_id(request_id)
        v.check(
            kind_key(message.kind) in TITLES,
            f"{FIELD}.kind",
            "必填：报表类型 (required: a known report kind)",
        )
        v.check(bool(message.cron.strip()), f"{FIELD}.cron", "必填 (required)")
        v.raise_if_any()
        if request_id and (found := await self._by_request(owner, request_id)) is not None:
            return found
        async with self.db.read() as session:
            cron = await self._check(session, identity, message, WRITABLE, v)
        v.raise_if_any("定时报表无效 (invalid report schedule)")
        assert cron is not None
        now = self.clock.now()
        kind = kind_key(message.kind)
        row = ReportScheduleRow(
            id=uuid.uuid4().hex,
            owner=owner,
            owner_identity=identity_json(identity),
            request_id=request_id or None,
            display_name=(message.display_name.strip() or TITLES[kind])[:200],
            kind=kind,
            parameters=_parameters_json(message),
            period=period_key(message.period),
            cron=cron.expression,
            format=FORMATS.get(message.format, "xlsx"),
            paused=message.paused,
            last_report="",
            last_error="",
            create_time=now,
            update_time=now,
        )
        row.next_run_time = self._next(row, now)
        row.etag = _etag(row)
        try:
            async with self.db.transaction() as session:
                session.add(row)
                schedule = _to_proto(row)
                self.audit.change(
                    session,
                    actor=identity,
                    action="reportSchedules.create",
                    resource=schedule.name,
                    after=_shown(row),
                )
        except IntegrityError:  # the same request_id, stored by a concurrent call in between
            if request_id and (found := await self._by_request(owner, request_id)) is not None:
                return found
            raise
        return schedule

    async def _by_request(self, owner: str, request_id: str) -> Schedule | None:
        async with self.db.read() as session:
            row = await session.scalar(
                select(ReportScheduleRow).where(
                    ReportScheduleRow.owner == owner, ReportScheduleRow.request_id == request_id
                )
            )
            return None if row is None else _to_proto(row)

    async def _owned(self, session: AsyncSession, identity: Identity | None, name: str, field: str = "name"):
        row = await session.get(ReportScheduleRow, _schedule_id(name, field))
        if row is None or row.owner != _owner(identity):
            raise NotFound(f"定时报表不存在 (report schedule not found): {name}")
        return row

    async def _refresh_owner(self, identity: Identity | None, rows: list[ReportScheduleRow]) -> None:
        """The owner presented themselves: their schedules run with this identity from now on."""
        if identity is None:
            return
        kept = identity_json(identity)
        stale = [row.id for row in rows if row.owner_identity != kept]
        if stale:
            async with self.db.transaction() as session:
                await session.execute(
                    update(ReportScheduleRow)
                    .where(ReportScheduleRow.id.in_(stale), ReportScheduleRow.owner == identity.subject)
                    .values(owner_identity=kept, last_error="")
                )
            for row in rows:
                if row.id in stale:
                    row.owner_identity, row.last_error = kept, ""

    async def get(self, identity: Identity | None, name: str) -> Schedule:
        async with self.db.read() as session:
            row = await self._owned(session, identity, name)
        await self._refresh_owner(identity, [row])
        return _to_proto(row)

    async def list(self, identity: Identity | None, *, offset: int, limit: int) -> tuple[list[Schedule], int]:
        where = ReportScheduleRow.owner == _owner(identity)
        async with self.db.read() as session:
            total = int(
                await session.scalar(select(func.count()).select_from(ReportScheduleRow).where(where)) or 0
            )
            rows = list(
                await session.scalars(
                    select(ReportScheduleRow)
                    .where(where)
                    .order_by(ReportScheduleRow.display_name, ReportScheduleRow.id)
                    .offset(offset)
                    .limit(limit)
                )
            )
        await self._refresh_owner(identity, rows)
        return [_to_proto(row) for row in rows], total

    async def update(self, identity: Identity | None, message: Schedule, paths: list[str]) -> Schedule:
        wanted = tuple(dict.fromkeys(paths)) or WRITABLE
        v = Validator()
        for path in wanted:
            v.check(path in WRITABLE, "update_mask", f"不可修改 {path} (not updatable)")
        v.raise_if_any()
        async with self.db.transaction() as session:
            row = await self._owned(session, identity, message.name, f"{FIELD}.name")
            if message.etag and message.etag != row.etag:
                raise Aborted("定时报表已被修改，请刷新后重试 (the schedule changed; reload and retry)")
            probe = Schedule()
            probe.CopyFrom(message)
            probe.kind = report_pb2.ReportKind.Value(f"REPORT_KIND_{row.kind}")
            if "parameters" not in wanted:
                json_format.Parse(row.parameters, probe.parameters)
            if "period" not in wanted:
                probe.period = Period.Value(f"SCHEDULE_PERIOD_{row.period}") if row.period else 0
            cron = await self._check(session, identity, probe, wanted, v)
            v.raise_if_any("定时报表无效 (invalid report schedule)")
            before = _shown(row)
            if "display_name" in wanted:
                row.display_name = (message.display_name.strip() or TITLES[row.kind])[:200]
            if "parameters" in wanted:
                row.parameters = _parameters_json(message)
            if "period" in wanted:
                row.period = period_key(message.period)
            if cron is not None:
                row.cron = cron.expression
            if "format" in wanted:
                row.format = FORMATS.get(message.format, "xlsx")
            if "paused" in wanted:
                row.paused = message.paused
            row.owner_identity, row.last_error = identity_json(identity), ""
            after = _shown(row)
            if after != before:
                row.update_time = self.clock.now()
                row.next_run_time = self._next(row, row.update_time)
                row.etag = _etag(row)
                old, new = changed_fields(before, after)
                self.audit.change(
                    session,
                    actor=identity,
                    action="reportSchedules.update",
                    resource=f"reportSchedules/{row.id}",
                    before=old,
                    after=new,
                )
            return _to_proto(row)

    async def delete(self, identity: Identity | None, name: str, etag: str) -> None:
        async with self.db.transaction() as session:
            row = await self._owned(session, identity, name)
            if etag and etag != row.etag:
                raise Aborted("定时报表已被修改，请刷新后重试 (the schedule changed; reload and retry)")
            self.audit.change(
                session, actor=identity, action="reportSchedules.delete", resource=name, before=_shown(row)
            )
            await session.delete(row)

    # --- runs ---------------------------------------------------------------------------------------------------

    async def run_now(self, identity: Identity | None, name: str) -> report_pb2.Report:
        """RunReportSchedule: a run now by the owner, with their identity of this call; the next run unchanged."""
        async with self.db.read() as session:
            row = await self._owned(session, identity, name)
        await self._refresh_owner(identity, [row])
        report = await self._run(row.id, self.clock.now(), scheduled=False, actor=identity)
        if report is None:  # deleted meanwhile
            raise NotFound(f"定时报表不存在 (report schedule not found): {name}")
        return report

    async def run_due(self) -> int:
        """Run every schedule whose time has come; the number run."""
        now = self.clock.now()
        async with self.db.read() as session:
            due = (
                await session.execute(
                    select(ReportScheduleRow.id, ReportScheduleRow.next_run_time)
                    .where(ReportScheduleRow.paused.is_(False), ReportScheduleRow.next_run_time <= now)
                    .order_by(ReportScheduleRow.next_run_time)
                )
            ).all()
        ran = 0
        for sid, when in due:
            try:
                if await self._run(sid, aware(when), scheduled=True) is not None:
                    ran += 1
            except Exception:
                log.exception("scheduled report failed", extra={"report_schedule": f"reportSchedules/{sid}"})
        return ran

    async def keep_running(self, poll_seconds: float = 20.0) -> None:
        """The background job: run what is due, then sleep until the next due time (at most ``poll_seconds``, so
        that schedules created on another replica are seen)."""
        while True:
            try:
                await self.run_due()
                async with self.db.read() as session:
                    upcoming = await session.scalar(
                        select(func.min(ReportScheduleRow.next_run_time)).where(
                            ReportScheduleRow.paused.is_(False)
                        )
                    )
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("report schedules: run failed; retrying")
                upcoming = None
            wait = poll_seconds
            if upcoming is not None:
                wait = min(poll_seconds, max(0.05, (aware(upcoming) - self.clock.now()).total_seconds()))
            await asyncio.sleep(wait)

    async def _run(
        self, sid: str, run_time: datetime, *, scheduled: bool, actor: Identity | None = None
    ) -> report_pb2.Report | None:
        """One run: compute and export in read sessions, then one transaction that records the event and moves the
        schedule on — guarded by the due time, so two replicas never both publish one run."""
        async with self.db.read() as session:
            row = await session.get(ReportScheduleRow, sid)
            if row is None or (scheduled and (row.paused or row.next_run_time is None)):
                return None
            if scheduled and aware(row.next_run_time) != run_time:
                return None
            identity = identity_of(row.owner_identity)
            problem = _owner_problem(identity, await session.get(UserCopy, row.owner))
        parameters = report_pb2.ReportParameters()
        json_format.Parse(row.parameters, parameters)
        if row.period:
            start, end = period_dates(row.period, run_time.astimezone(BANK_TZ).date())
            parameters.start_date.CopyFrom(_date_message(start))
            parameters.end_date.CopyFrom(_date_message(end))
        report, error, attachment = None, problem, None
        if not problem:
            key = f"{sid}|{run_time.isoformat()}|{'cron' if scheduled else 'now'}"
            asked = report_pb2.Report(
                kind=report_pb2.ReportKind.Value(f"REPORT_KIND_{row.kind}"),
                display_name=_run_title(row.display_name, parameters),
                parameters=parameters,
            )
            try:
                report = await self.center.create(identity, asked, str(uuid.uuid5(uuid.NAMESPACE_URL, key)))
            except InvalidArgument as invalid:
                error = f"报表条件已失效 (the conditions are no longer valid): {invalid}"[:500]
            else:
                if report.state == report_pb2.Report.STATE_SUCCEEDED:
                    fmt = next(k for k, v in FORMATS.items() if v == row.format)
                    attachment = await self.center.export(identity, report.name, fmt)
                else:
                    error = report.error_message or "计算失败 (computation failed)"
        now = self.clock.now()
        async with self.db.transaction() as session:
            values: dict[str, Any] = {
                "last_run_time": run_time,
                "last_report": report.name if report is not None else "",
                "last_error": error[:500],
            }
            guard = [ReportScheduleRow.id == sid]
            if scheduled:
                values["next_run_time"] = next_run(row.cron, max(now, run_time))
                guard.append(ReportScheduleRow.next_run_time == run_time)
            moved = await session.execute(update(ReportScheduleRow).where(*guard).values(**values))
            if moved.rowcount != 1:
                return None  # another replica ran it, or it was deleted meanwhile
            current = await session.get(ReportScheduleRow, sid)
            assert current is not None
            if report is not None and attachment is not None:
                filename, content_type, content = attachment
                event = events_pb2.ScheduledReportReady(
                    schedule=_to_proto(current),
                    report=report.name,
                    report_display_name=report.display_name,
                    recipients=[row.owner],
                    filename=filename,
                    content_type=content_type,
                    content=content if len(content) <= MAX_ATTACHMENT else b"",
                )
                event.run_time.CopyFrom(to_timestamp(run_time))
                self.events.record(session, event, resource=f"reportSchedules/{sid}")
            elif scheduled and error and not row.last_error:  # it starts failing: told once, not at every run
                failed = events_pb2.ScheduledReportFailed(
                    schedule=_to_proto(current), recipients=[row.owner], error=values["last_error"]
                )
                failed.run_time.CopyFrom(to_timestamp(run_time))
                self.events.record(session, failed, resource=f"reportSchedules/{sid}")
            if actor is not None:
                self.audit.change(
                    session,
                    actor=actor,
                    action="reportSchedules.run",
                    resource=f"reportSchedules/{sid}",
                    after={"report": values["last_report"], "error": values["last_error"]},
                )
        if report is None:
            return report_pb2.Report(
                state=report_pb2.Report.STATE_FAILED,
                kind=report_pb2.ReportKind.Value(f"REPORT_KIND_{row.kind}"),
                error_message=error,
            )
        return report


def _owner(identity: Identity | None) -> str:
    if identity is None:
        raise NotFound("定时报表属于登录用户 (report schedules belong to a signed-in user)")
    return identity.subject


def _parameters_json(message: Schedule) -> str:
    parameters = report_pb2.ReportParameters()
    parameters.CopyFrom(message.parameters)
    if message.period:  # each run sets the dates
        parameters.ClearField("start_date")
        parameters.ClearField("end_date")
    return json_format.MessageToJson(parameters, indent=None)


def _run_title(title: str, parameters: report_pb2.ReportParameters) -> str:
    s, e = parameters.start_date, parameters.end_date
    return f"{title}（{s.year:04d}-{s.month:02d}-{s.day:02d} 至 {e.year:04d}-{e.month:02d}-{e.day:02d}）"[
        :200
    ]


def _shown(row: ReportScheduleRow) -> dict[str, Any]:
    return {
        "display_name": row.display_name,
        "kind": row.kind,
        "parameters": row.parameters,
        "period": row.period,
        "cron": row.cron,
        "format": row.format,
        "paused": row.paused,
    }


def _to_proto(row: ReportScheduleRow) -> Schedule:
    message = Schedule(
        name=f"reportSchedules/{row.id}",
        display_name=row.display_name,
        kind=report_pb2.ReportKind.Value(f"REPORT_KIND_{row.kind}"),
        period=Period.Value(f"SCHEDULE_PERIOD_{row.period}") if row.period else 0,
        cron=row.cron,
        format=next(k for k, v in FORMATS.items() if v == row.format),
        paused=row.paused,
        owner=row.owner,
        last_report=row.last_report,
        last_error=row.last_error,
        etag=row.etag,
    )
    json_format.Parse(row.parameters, message.parameters)
    for field, value in (
        ("next_run_time", row.next_run_time),
        ("last_run_time", row.last_run_time),
        ("create_time", row.create_time),
        ("update_time", row.update_time),
    ):
        if value is not None:
            getattr(message, field).CopyFrom(to_timestamp(aware(value)))
    return message
