"""The report center's use cases: ask for a report (validated, computed over the caller's scope, stored with its
conditions and data time), read, list, delete and export it.

A report belongs to whoever asked for it: its figures are of their data scope, so nobody else reads it (another's
report is ``NOT_FOUND``, whatever their role). Reports are computed before ``CreateReport`` returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

from google.protobuf import json_format
from kam.customer.v1 import customer_pb2
from kam.report.v1 import report_pb2
from kam_kit import orgtree
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import Aborted, InvalidArgument, NotFound, Validator
from kam_kit.filtering import conditions as filter_conditions
from kam_kit.timeconv import to_timestamp
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kam_report.adapters import exports, tablemap
from kam_report.adapters.columnar import ColumnarStore
from kam_report.adapters.orm import CustomerFact, OrgUnitCopy, StoredReport
from kam_report.domain.tables import Query, Table
from kam_report.service_layer import activity, insights, reports
from kam_report.service_layer.reports import OrgTree, unit_id

log = logging.getLogger(__name__)
Report = report_pb2.Report
Kind = report_pb2.ReportKind
Customer = customer_pb2.Customer

TITLES = {
    "REGIONAL_SALES": "地区销售额统计表",
    "TOP_CUSTOMERS": "最重要的客户",
    "TOP_RELATIONSHIP_MANAGERS": "最重要的销售员",
    "CUSTOMER_SALES": "客户销售额统计",
    "CROSS_SELLING": "产品交叉销售统计",
    "SALES_SUMMARY": "销售额统计表",
    "TIER_DISTRIBUTION": "客户等级分布与迁移",
    "WORK_EFFICIENCY": "工作效率报表",
    "DEPOSIT_ANALYSIS": "客户存款状况",
    "ALERT_SUMMARY": "预警统计",
    "CAMPAIGN_RESULTS": "营销活动效果",
    "CUSTOMER_SEGMENTS": "客户细分",
    "CHURN_RISK": "流失风险预警",
    "NEXT_BEST_PRODUCT": "产品推荐",
}
STATES = {
    "PENDING": Report.STATE_PENDING,
    "RUNNING": Report.STATE_RUNNING,
    "SUCCEEDED": Report.STATE_SUCCEEDED,
    "FAILED": Report.STATE_FAILED,
}
FORMATS = {1: "csv", 2: "xlsx", 3: "pdf"}
CUSTOMER_TYPES = {Customer.TYPE_INDIVIDUAL: "INDIVIDUAL", Customer.TYPE_CORPORATE: "CORPORATE"}
CUSTOMER_TYPE_NAMES = {"INDIVIDUAL": "个人", "CORPORATE": "对公"}
MAX_TOP_N = 500
MAX_DAYS = 366 * 10
FILTERS = {"kind": lambda v: v.removeprefix("REPORT_KIND_"), "state": lambda v: v.removeprefix("STATE_")}


def kind_key(kind: int) -> str:
    return Kind.Name(kind).removeprefix("REPORT_KIND_") if kind in Kind.values() else ""


def _date(message, field: str, v: Validator) -> date | None:
    if not (message.year or message.month or message.day):
        v.add(field, "必填 (required)")
        return None
    try:
        return date(message.year, message.month, message.day)
    except ValueError:
        v.add(field, "日期无效 (invalid date)")
        return None


def _names(v: Validator, values, field: str, prefixes: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for i, value in enumerate(values):
        if v.check(
            any(value.startswith(p) and len(value) > len(p) for p in prefixes),
            f"{field}[{i}]",
            f"应为 {' 或 '.join(p + '…' for p in prefixes)} (expected a resource name)",
        ):
            out.append(value)
    return tuple(dict.fromkeys(out))


def query_of(report: Report, identity_scope, tree: OrgTree) -> Query:
    """The validated conditions of ``report`` (INVALID_ARGUMENT naming every problem)."""
    v = Validator()
    kind = kind_key(report.kind)
    v.check(kind in reports_registry(), "report.kind", "必填：报表类型 (required: a known report kind)")
    p = report.parameters
    start = _date(p.start_date, "report.parameters.start_date", v)
    end = _date(p.end_date, "report.parameters.end_date", v)
    if (
        start
        and end
        and v.check(end >= start, "report.parameters.end_date", "结束日期不能早于开始日期 (end before start)")
    ):
        v.check((end - start).days <= MAX_DAYS, "report.parameters.end_date", "期间不能超过十年 (≤ 10 years)")
    org_units = _names(v, p.org_units, "report.parameters.org_units", ("orgUnits/",))
    for i, name in enumerate(org_units):
        v.check(
            unit_id(name) in tree.parents,
            f"report.parameters.org_units[{i}]",
            "机构不存在 (unknown org unit)",
        )
    tiers = _names(v, p.tiers, "report.parameters.tiers", ("tiers/",))
    managers = _names(
        v, p.relationship_managers, "report.parameters.relationship_managers", ("users/", "staff/")
    )
    types = []
    for i, value in enumerate(p.customer_types):
        if v.check(
            value in CUSTOMER_TYPES, f"report.parameters.customer_types[{i}]", "客户类型无效 (invalid)"
        ):
            types.append(CUSTOMER_TYPES[value])
    v.check(
        0 <= p.top_n <= MAX_TOP_N, "report.parameters.top_n", f"应在 0–{MAX_TOP_N} 之间 (0 to {MAX_TOP_N})"
    )
    products = tuple(dict.fromkeys(x.strip() for x in p.products if x.strip()))
    if kind:
        try:
            reports.check_dimension(kind, p.dimension)
        except InvalidArgument as error:
            for violation in error.violations:
                v.add(violation.field, violation.description)
    v.check(
        len(report.display_name) <= 200, "report.display_name", "不能超过 200 字 (at most 200 characters)"
    )
    v.raise_if_any("报表条件无效 (invalid report conditions)")
    assert start is not None and end is not None
    return Query(
        start=start,
        end=end,
        org_units=org_units,
        tiers=tiers,
        products=products,
        relationship_managers=managers,
        customer_types=tuple(types),
        dimension=p.dimension,
        top_n=p.top_n or 20,
        scope=identity_scope,
    )


MINING = {
    "CUSTOMER_SEGMENTS": insights.customer_segments,
    "CHURN_RISK": insights.churn_risk,
    "NEXT_BEST_PRODUCT": insights.next_best_product,
}


def reports_registry() -> dict[str, Any]:
    """Every report by kind: the money reports, the activity reports (alerts, tasks, campaigns), data mining."""
    return {
        **reports.REPORTS,
        "ALERT_SUMMARY": activity.alert_summary,
        "WORK_EFFICIENCY": activity.work_efficiency,
        "CAMPAIGN_RESULTS": activity.campaign_results,
        **MINING,
    }


async def compute(
    session: AsyncSession, kind: str, query: Query, clock: Clock, mined: insights.Insights
) -> Table:
    if kind == "WORK_EFFICIENCY":  # what is overdue yet depends on the time
        table = await activity.work_efficiency(session, query, now=clock.now())
    elif kind in MINING:
        table = await MINING[kind](session, query, mined)
    else:
        table = await reports_registry()[kind](session, query)
    if table.data_time is None:
        table = replace(table, data_time=await reports.data_time(session))
    return table


def _etag(row: StoredReport) -> str:
    return hashlib.sha256(f"{row.id}|{row.state}|{row.complete_time}".encode()).hexdigest()[:16]


class ReportCenter:
    """The reports: computed, stored, read, exported. ``columnar``: the DuckDB copy of the store the money reports
    read while it is fresh enough (:mod:`kam_report.adapters.columnar`); without it, everything reads ``db``."""

    def __init__(self, db: Database, clock: Clock, columnar: ColumnarStore | None = None) -> None:
        self.db = db
        self.clock = clock
        self.columnar = columnar
        self.insights = insights.Insights()

    @contextlib.asynccontextmanager
    async def _source(self, kind: str, session: AsyncSession) -> AsyncIterator[Any]:
        """Where ``kind`` is computed: the columnar copy for the money reports when it may answer, else
        ``session`` (the activity reports and data mining read the service database)."""
        if self.columnar is None or kind not in reports.REPORTS:
            yield session
            return
        async with self.columnar.read() as copy:
            yield session if copy is None else copy

    async def insight(self, identity: Identity | None, name: str) -> report_pb2.CustomerInsight:
        """What mining says about one customer in the caller's scope (NOT_FOUND otherwise), as of today."""
        customer = name.removesuffix("/insight")
        if not (name.endswith("/insight") and customer.startswith("customers/") and customer.count("/") == 1):
            raise InvalidArgument.for_field("name", "应为 customers/{customer}/insight (expected …/insight)")
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            fact = await session.get(CustomerFact, customer)
            if fact is None or not scope.allows(fact):
                raise NotFound(f"客户不存在 (customer not found): {customer}")
            model = await self.insights.model(session, self.clock.now().astimezone(reports.BANK_TZ).date())
        message = report_pb2.CustomerInsight(name=name)
        if (segment := model.segments.get(customer)) is not None:
            message.segment.CopyFrom(
                report_pb2.CustomerSegment(
                    code=segment.segment.code,
                    display_name=segment.segment.name,
                    description=segment.segment.description,
                    scores=segment.scores,
                    explanation=segment.explanation,
                )
            )
        if (risk := model.risks.get(customer)) is not None:
            message.churn_risk.CopyFrom(
                report_pb2.ChurnRisk(
                    score=int(risk.score),
                    level=report_pb2.ChurnRisk.Level.Value(f"LEVEL_{risk.level.name}"),
                    factors=[
                        report_pb2.ChurnFactor(code=f.code, points=f.points, description=f.text)
                        for f in risk.factors
                    ],
                )
            )
        if (product := model.products.get(customer)) is not None:
            message.next_best_product.CopyFrom(
                report_pb2.NextBestProduct(
                    product=product.product,
                    display_name=product.product_name,
                    explanation=product.explanation,
                    confidence=float(product.rule.confidence),
                    lift=float(product.rule.lift),
                )
            )
        if model.data_time is not None:
            message.data_time.CopyFrom(to_timestamp(model.data_time))
        return message

    # --- create ---------------------------------------------------------------------------------------------

    async def create(self, identity: Identity | None, report: Report, request_id: str) -> Report:
        """Validate, compute over the caller's scope (in a read session: a failing computation is the report's
        state, not the caller's error), then store it — once per ``request_id``."""
        creator = _creator(identity)
        v = Validator()
        v.request_id(request_id)
        v.raise_if_any()
        if request_id and (found := await self._by_request(creator, request_id)) is not None:
            return found
        async with self.db.read() as session:
            scope = await orgtree.scope_of(session, identity, OrgUnitCopy)
            tree = await OrgTree.load(session)
            query = query_of(report, scope, tree)
            kind = kind_key(report.kind)
            row = StoredReport(
                id=uuid.uuid4().hex,
                kind=kind,
                display_name=(report.display_name or default_title(kind, query, tree))[:200],
                parameters=json_format.MessageToJson(report.parameters, indent=None),
                creator=creator,
                request_id=request_id or None,
                create_time=self.clock.now(),
                error_message="",
            )
            try:
                began = time.perf_counter()
                async with self._source(kind, session) as source:
                    table = await compute(source, kind, query, self.clock, self.insights)
                log.info(
                    "report computed",
                    extra={
                        "kind": kind,
                        "engine": "database" if source is session else "columnar",
                        "ms": round((time.perf_counter() - began) * 1000),
                    },
                )
            except InvalidArgument:
                raise
            except Exception:
                log.exception("report computation failed", extra={"kind": kind})
                row.state, row.error_message = (
                    "FAILED",
                    "计算失败，请稍后重试 (computation failed; try again)",
                )
            else:
                row.state, row.table, row.data_time = "SUCCEEDED", tablemap.dumps(table), table.data_time
        row.complete_time = self.clock.now()
        row.etag = _etag(row)
        try:
            async with self.db.transaction() as session:
                session.add(row)
        except IntegrityError:  # the same request_id, stored by a concurrent call in between
            if request_id and (found := await self._by_request(creator, request_id)) is not None:
                return found
            raise
        async with self.db.read() as session:
            return await self._to_proto(session, row, with_table=True)

    async def _by_request(self, creator: str, request_id: str) -> Report | None:
        async with self.db.read() as session:
            existing = await session.scalar(
                select(StoredReport).where(
                    StoredReport.creator == creator, StoredReport.request_id == request_id
                )
            )
            return None if existing is None else await self._to_proto(session, existing, with_table=True)

    # --- read -----------------------------------------------------------------------------------------------

    async def _owned(self, session: AsyncSession, identity: Identity | None, name: str) -> StoredReport:
        report_id = name.removeprefix("reports/") if name.startswith("reports/") else ""
        if not report_id or "/" in report_id:
            raise InvalidArgument.for_field("name", "应为 reports/{report} (expected reports/{report})")
        row = await session.get(StoredReport, report_id)
        if row is None or row.creator != _creator(identity):
            raise NotFound(f"报表不存在 (report not found): {name}")
        return row

    async def get(self, identity: Identity | None, name: str) -> Report:
        async with self.db.read() as session:
            return await self._to_proto(session, await self._owned(session, identity, name), with_table=True)

    async def list(
        self, identity: Identity | None, filters: dict[str, object], *, offset: int, limit: int
    ) -> tuple[list[Report], int]:
        where = [StoredReport.creator == _creator(identity)]
        where += filter_conditions(
            filters,
            {"kind": StoredReport.kind, "state": StoredReport.state, "create_time": StoredReport.create_time},
        )
        async with self.db.read() as session:
            total = int(
                await session.scalar(select(func.count()).select_from(StoredReport).where(*where)) or 0
            )
            rows = await session.scalars(
                select(StoredReport)
                .where(*where)
                .order_by(StoredReport.create_time.desc(), StoredReport.id)
                .offset(offset)
                .limit(limit)
            )
            return [await self._to_proto(session, row, with_table=False) for row in rows], total

    async def delete(self, identity: Identity | None, name: str, etag: str) -> None:
        async with self.db.transaction() as session:
            row = await self._owned(session, identity, name)
            if etag and etag != row.etag:
                raise Aborted("报表已变化，请刷新后重试 (the report changed; reload and retry)")
            await session.delete(row)

    async def export(self, identity: Identity | None, name: str, fmt: int) -> tuple[str, str, bytes]:
        if fmt not in FORMATS:
            raise InvalidArgument.for_field("format", "必填：CSV、XLSX 或 PDF (required: CSV, XLSX or PDF)")
        async with self.db.read() as session:
            row = await self._owned(session, identity, name)
            if row.state != "SUCCEEDED" or not row.table:
                raise InvalidArgument.for_field("name", "报表尚未计算完成 (the report has no table yet)")
            tree = await OrgTree.load(session)
            table = tablemap.loads(row.table)
            params = json_format.Parse(row.parameters, report_pb2.ReportParameters())
            conditions = describe(params, tree, table)
        # Rendering a long table takes seconds (PDF): off the event loop.
        render = partial(
            exports.export, table, title=row.display_name, conditions=conditions, fmt=FORMATS[fmt]
        )
        return await asyncio.to_thread(render, stem=row.display_name)

    async def _to_proto(self, session: AsyncSession, row: StoredReport, *, with_table: bool) -> Report:
        message = Report(
            name=f"reports/{row.id}",
            kind=Kind.Value(f"REPORT_KIND_{row.kind}"),
            display_name=row.display_name,
            state=STATES[row.state],
            creator=row.creator,
            error_message=row.error_message,
            etag=row.etag,
        )
        message.parameters.CopyFrom(json_format.Parse(row.parameters, report_pb2.ReportParameters()))
        message.create_time.CopyFrom(to_timestamp(row.create_time))
        if row.complete_time is not None:
            message.complete_time.CopyFrom(to_timestamp(row.complete_time))
        if row.data_time is not None:
            message.data_time.CopyFrom(to_timestamp(row.data_time))
        if with_table and row.table:
            columns, rows, totals = tablemap.to_proto(tablemap.loads(row.table))
            message.columns.extend(columns)
            message.rows.extend(rows)
            if totals is not None:
                message.totals.CopyFrom(totals)
        return message


def _creator(identity: Identity | None) -> str:
    return identity.subject if identity is not None else "system"


def _period(start: date, end: date) -> str:
    return f"{start.isoformat()} 至 {end.isoformat()}"


def default_title(kind: str, query: Query, tree: OrgTree) -> str:
    units = "、".join(tree.label(unit_id(u)) for u in query.org_units[:3])
    return f"{TITLES[kind]}（{units + '，' if units else ''}{_period(query.start, query.end)}）"


def describe(params: report_pb2.ReportParameters, tree: OrgTree, table: Table) -> list[tuple[str, str]]:
    """The conditions as a person reads them (zh-CN), for exports."""
    out = [
        (
            "统计期间",
            _period(
                date(params.start_date.year, params.start_date.month, params.start_date.day),
                date(params.end_date.year, params.end_date.month, params.end_date.day),
            ),
        )
    ]
    if params.org_units:
        out.append(("机构", "、".join(tree.label(unit_id(u)) for u in params.org_units)))
    if params.tiers:
        out.append(
            ("等级", "、".join(reports.DEFAULT_TIERS.get(t, t.removeprefix("tiers/")) for t in params.tiers))
        )
    if params.customer_types:
        names = [CUSTOMER_TYPE_NAMES.get(CUSTOMER_TYPES.get(t, ""), "") for t in params.customer_types]
        out.append(("客户类型", "、".join(n for n in names if n)))
    if params.products:
        out.append(("产品", "、".join(params.products)))
    if params.relationship_managers:
        out.append(("客户经理", "、".join(m.split("/", 1)[-1] for m in params.relationship_managers)))
    if table.data_time is not None:
        out.append(("数据截至", table.data_time.astimezone(reports.BANK_TZ).strftime("%Y-%m-%d %H:%M")))
    return out
