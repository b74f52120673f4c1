// A report: `/reports/new?kind=…` (the conditions' form → CreateReport → the report's page; `&from={id}` fills the
// form with a stored report's conditions: 修改条件) and `/reports/:id` (a stored report: title, conditions, 数据截至,
// the kind's chart(s), the table under them — sortable columns, money in CNY, the totals as the summary row —,
// 导出 CSV / Excel / PDF, 重新生成, 修改条件, 定时发送 — its kind and conditions as a scheduled report, in a drawer).
// A report still being computed is asked again until it is done.
// Clicking a bar or a row drills down: an org unit or a relationship manager runs the next level as a new report and
// opens it, the drill path kept in the address as a breadcrumb (click a step to go back up); a customer opens the
// 客户360 page. Running reports (and so drilling) needs `reports.create`: without it the page says why.
import { ArrowLeftOutlined, DownloadOutlined, EditOutlined, NotificationOutlined, ReloadOutlined, ScheduleOutlined } from "@ant-design/icons";
import { Alert, App, Breadcrumb, Button, Card, Col, DatePicker, Descriptions, Dropdown, Form, Input, InputNumber, Row, Segmented, Select, Space, Spin, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import dayjs, { type Dayjs } from "dayjs";
import { type ReactNode, useMemo, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError, PageLoading } from "@/components/PageState";
import { Field } from "@/components/ProblemField";
import { openCampaignBuilderWith } from "@/features/campaigns/handoff";
import { OrgUnitPicker } from "@/features/control/OrgUnitPicker";
import { useTierNames } from "@/features/customers/api";
import { ApiError } from "@/lib/api/client";
import { formatCount, formatTime, resourceId } from "@/lib/format";
import { problemsOf, type Problems, unplaced } from "@/lib/problems";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { exportReport, saveFile, useCreateReport, useReport } from "./api";
import {
  bankToday,
  CHART_ROWS,
  columnTitle,
  compareCells,
  type Crumb,
  CUSTOMER_TYPES,
  defaultValues,
  dimensionName,
  drillReport,
  drillTarget,
  type ExportFormat,
  type FormValues,
  formatCell,
  formProblems,
  GROUPS,
  isKind,
  isNumeric,
  isWorking,
  type Kind,
  kindFromParam,
  kindName,
  kindParam,
  labelIndex,
  parameterSummary,
  presetOf,
  presetPeriod,
  PRESETS,
  productName,
  PRODUCTS,
  type Report,
  reportCharts,
  type ReportColumn,
  reportCustomers,
  reportFromValues,
  reportPath,
  type ReportRow,
  reportTitle,
  rowLabel,
  SPECS,
  TRAIL_PARAM,
  trailAfterDrill,
  trailAfterRerun,
  trailFromParam,
  valuesFromReport,
  violationPath,
} from "./logic";
import { ReportStateTag, useOrgUnitNames } from "./parts";
import { ReportChart } from "./ReportChart";
import { ScheduleDrawer } from "./ScheduleDrawer";

const idOf = (report: Report) => resourceId(report.name);
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

// --- the form -----------------------------------------------------------------------------------------------------

/** Every path the form shows a field for (the API's other violations go in the summary above the button). */
const FORM_PATHS = new Set([
  "kind",
  "displayName",
  "parameters.startDate",
  "parameters.endDate",
  "parameters.orgUnits",
  "parameters.relationshipManagers",
  "parameters.tiers",
  "parameters.customerTypes",
  "parameters.products",
  "parameters.dimension",
  "parameters.topN",
]);

function merge(a: Problems, b: Problems): Problems {
  const out: Problems = { ...a };
  for (const [path, texts] of Object.entries(b)) out[path] = [...(out[path] ?? []), ...texts];
  return out;
}

function ReportForm({ initial, mayCreate }: { initial: FormValues; mayCreate: boolean }) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [, setParams] = useSearchParams();
  const today = bankToday(new Date());
  const [values, setValues] = useState<FormValues>(initial);
  const [server, setServer] = useState<Problems>({});
  const create = useCreateReport();
  const tiers = useTierNames();
  const spec = SPECS[values.kind];
  const local = formProblems(values, t);
  const problems = merge(local, server);
  const hidden = unplaced(server, FORM_PATHS);

  const change = (next: Partial<FormValues>) => {
    setValues((v) => ({ ...v, ...next }));
    setServer({});
  };
  const changeKind = (kind: Kind) => {
    change({ kind, dimension: SPECS[kind].dimensions[0] ?? "" });
    setParams((p) => {
      const out = new URLSearchParams(p);
      out.set("kind", kindParam(kind));
      return out;
    }, { replace: true });
  };

  const submit = () => {
    if (Object.keys(local).length || !mayCreate) return;
    create
      .mutateAsync(reportFromValues(values))
      .then((created) => navigate(reportPath(idOf(created))))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.violations.length) setServer(problemsOf(error.violations, violationPath));
        else void message.error(t("reports.createFailed", { message: errorMessage(error) }));
      });
  };

  const day = (value: string) => (value ? dayjs(value) : null);
  const preset = presetOf(values, today);
  const half = { xs: 24, md: 12 };

  return (
    <Card size="small" data-testid="report-form">
      <Form layout="vertical" component="div">
        <Row gutter={16}>
          <Col {...half}>
            <Field path="kind" problems={problems} label={t("reports.kind")}>
              <Select<Kind>
                aria-label={t("reports.kind")}
                value={values.kind}
                onChange={changeKind}
                options={GROUPS.map((g) => ({
                  label: t(`reports.groups.${g.group}`),
                  title: t(`reports.groups.${g.group}`),
                  options: g.kinds.map((k) => ({ value: k, label: kindName(k, t) })),
                }))}
                data-testid="report-kind"
              />
            </Field>
            <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
              {t(`reports.kinds.${kindParam(values.kind)}.desc`)}
            </Typography.Paragraph>
          </Col>
          <Col {...half}>
            <Field path="displayName" problems={problems} label={t("reports.displayName")}>
              <Input
                aria-label={t("reports.displayName")}
                placeholder={t("reports.displayNameHint")}
                maxLength={100}
                value={values.displayName}
                onChange={(e) => change({ displayName: e.target.value })}
                data-testid="report-title-input"
              />
            </Field>
          </Col>
        </Row>
        <Typography.Text strong>{t("reports.period")}</Typography.Text>
        <div style={{ margin: "6px 0 8px" }}>
          <Segmented<string>
            value={preset ?? ""}
            onChange={(p) => change(presetPeriod(p as (typeof PRESETS)[number], today))}
            options={PRESETS.map((p) => ({ value: p, label: t(`reports.preset.${p}`) }))}
            data-testid="report-presets"
          />
        </div>
        <Row gutter={16}>
          <Col xs={12} md={6}>
            <Field path="parameters.startDate" problems={problems} label={t("reports.start")}>
              <DatePicker
                aria-label={t("reports.start")}
                allowClear={false}
                style={{ width: "100%" }}
                value={day(values.start)}
                onChange={(d: Dayjs | null) => change({ start: d ? d.format("YYYY-MM-DD") : "" })}
                data-testid="report-start"
              />
            </Field>
          </Col>
          <Col xs={12} md={6}>
            <Field path="parameters.endDate" problems={problems} label={t("reports.end")}>
              <DatePicker
                aria-label={t("reports.end")}
                allowClear={false}
                style={{ width: "100%" }}
                value={day(values.end)}
                onChange={(d: Dayjs | null) => change({ end: d ? d.format("YYYY-MM-DD") : "" })}
                data-testid="report-end"
              />
            </Field>
          </Col>
          {spec.dimensions.length ? (
            <Col xs={24} md={12}>
              <Field path="parameters.dimension" problems={problems} label={t("reports.dimension")}>
                <Segmented<string>
                  value={values.dimension}
                  onChange={(dimension) => change({ dimension })}
                  options={spec.dimensions.map((d) => ({ value: d, label: dimensionName(d, t) }))}
                  data-testid="report-dimension"
                />
              </Field>
            </Col>
          ) : null}
        </Row>
        <Row gutter={16}>
          {spec.topN ? (
            <Col xs={24} md={6}>
              <Field path="parameters.topN" problems={problems} label={t("reports.topN")}>
                <InputNumber
                  aria-label={t("reports.topN")}
                  min={1}
                  max={500}
                  precision={0}
                  style={{ width: "100%" }}
                  value={values.topN}
                  onChange={(n) => change({ topN: typeof n === "number" ? n : 0 })}
                  data-testid="report-top-n"
                />
              </Field>
            </Col>
          ) : null}
          {spec.filters.includes("orgUnits") ? (
            <Col {...half}>
              <Field path="parameters.orgUnits" problems={problems} label={t("reports.orgUnits")}>
                <OrgUnitPicker
                  label={t("reports.orgUnits")}
                  placeholder={t("reports.allScope")}
                  value={values.orgUnits}
                  onChange={(orgUnits) => change({ orgUnits })}
                  testId="report-org-units"
                />
              </Field>
            </Col>
          ) : null}
          {values.relationshipManagers.length ? (
            <Col {...half}>
              <Field path="parameters.relationshipManagers" problems={problems} label={t("reports.relationshipManagers")}>
                <Space wrap size={4} data-testid="report-managers">
                  {values.relationshipManagers.map((m) => (
                    <Tag key={m} closable onClose={() => change({ relationshipManagers: values.relationshipManagers.filter((x) => x !== m) })}>
                      {resourceId(m)}
                    </Tag>
                  ))}
                </Space>
              </Field>
            </Col>
          ) : null}
          {spec.filters.includes("tiers") ? (
            <Col {...half}>
              <Field path="parameters.tiers" problems={problems} label={t("reports.tiers")}>
                <Select<string[]>
                  mode="multiple"
                  allowClear
                  aria-label={t("reports.tiers")}
                  placeholder={t("reports.anyTier")}
                  value={values.tiers}
                  onChange={(v) => change({ tiers: v })}
                  options={tiers.tiers.map((tier) => ({ value: tier, label: tiers.name(tier) }))}
                  data-testid="report-tiers"
                />
              </Field>
            </Col>
          ) : null}
          {spec.filters.includes("customerTypes") ? (
            <Col {...half}>
              <Field path="parameters.customerTypes" problems={problems} label={t("reports.customerTypes")}>
                <Select<FormValues["customerTypes"]>
                  mode="multiple"
                  allowClear
                  aria-label={t("reports.customerTypes")}
                  placeholder={t("reports.anyCustomerType")}
                  value={values.customerTypes}
                  onChange={(v) => change({ customerTypes: v })}
                  options={CUSTOMER_TYPES.map((c) => ({ value: c, label: enumText("customerType", c) }))}
                  data-testid="report-customer-types"
                />
              </Field>
            </Col>
          ) : null}
          {spec.filters.includes("products") ? (
            <Col {...half}>
              <Field path="parameters.products" problems={problems} label={t("reports.products")}>
                <Select<string[]>
                  mode="multiple"
                  allowClear
                  aria-label={t("reports.products")}
                  placeholder={t("reports.anyProduct")}
                  value={values.products}
                  onChange={(v) => change({ products: v })}
                  options={PRODUCTS.map((p) => ({ value: p, label: productName(p, t) }))}
                  data-testid="report-products"
                />
              </Field>
            </Col>
          ) : null}
        </Row>
        {hidden.length ? (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={t("reports.problem.summary")}
            description={hidden.join("；")}
            data-testid="report-form-problems"
          />
        ) : null}
        <Space wrap>
          <Tooltip title={mayCreate ? undefined : t("reports.createDenied")}>
            <Button
              type="primary"
              onClick={submit}
              loading={create.isPending}
              disabled={!mayCreate}
              data-testid="report-submit"
            >
              {t("reports.create")}
            </Button>
          </Tooltip>
          <Button onClick={() => navigate("/reports")}>{t("common.cancel")}</Button>
        </Space>
      </Form>
    </Card>
  );
}

function NewReport() {
  const { t } = useI18n();
  const { data: me } = useMe();
  const [params] = useSearchParams();
  const mayCreate = can(me, "reports.create");
  const kind = kindFromParam(params.get("kind"));
  const from = params.get("from") ?? "";
  const source = useReport(from, Boolean(from));
  const today = bankToday(new Date());

  let form: ReactNode;
  if (from && source.isPending) form = <PageLoading />;
  else if (from && source.error) form = <PageError error={source.error} onRetry={() => void source.refetch()} />;
  else {
    const initial = source.data ? valuesFromReport(source.data, today, kind) : defaultValues(kind ?? "REPORT_KIND_REGIONAL_SALES", today);
    form = <ReportForm key={from || "new"} initial={initial} mayCreate={mayCreate} />;
  }
  return (
    <div data-testid="report-new-page">
      <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: <Link to="/reports">{t("reports.backToCenter")}</Link> }, { title: t("reports.newReport") }]} />
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t("reports.newReport")}
      </Typography.Title>
      {mayCreate ? null : <Alert type="warning" showIcon title={t("reports.createDenied")} style={{ marginBottom: 12 }} data-testid="report-denied" />}
      {form}
    </div>
  );
}

// --- a stored report ----------------------------------------------------------------------------------------------

interface Line {
  key: number;
  index: number;
  row: ReportRow;
}

function ReportTable({
  report,
  onDrill,
  drillable,
}: {
  report: Report;
  onDrill: (index: number) => void;
  drillable: (row: ReportRow) => boolean;
}) {
  const { t, lang } = useI18n();
  const phone = useIsPhone();
  const columns = report.columns ?? [];
  const label = labelIndex(columns);
  const words = { t, lang };
  const lines = useMemo<Line[]>(() => (report.rows ?? []).map((row, index) => ({ key: index, index, row })), [report.rows]);

  const cell = (column: ReportColumn, value: unknown, line?: Line): ReactNode => {
    const text = formatCell(value, column, words);
    if (column.type === "TYPE_RESOURCE_NAME" && typeof value === "string") {
      return value.startsWith("customers/") ? <Link to={`/customers/${encodeURIComponent(resourceId(value))}`}>{resourceId(value)}</Link> : resourceId(value);
    }
    if (column.key === "rank_change") {
      const n = typeof value === "number" ? value : null;
      return <span style={{ color: n === null ? "#1f4e8c" : n > 0 ? "#135200" : n < 0 ? "#cf1322" : undefined }}>{text}</span>;
    }
    if (line && columns.indexOf(column) === label && drillable(line.row)) {
      return (
        <Button
          type="link"
          size="small"
          style={{ padding: 0, height: "auto", whiteSpace: "normal", textAlign: "left" }}
          onClick={(e) => {
            e.stopPropagation();
            onDrill(line.index);
          }}
          data-testid="report-drill"
        >
          {text}
        </Button>
      );
    }
    return text;
  };

  const tableColumns: ColumnsType<Line> = columns.map((column, i) => ({
    key: column.key || String(i),
    title: columnTitle(column, words),
    align: isNumeric(column.type) ? "right" : "left",
    fixed: i === label && !phone ? "left" : undefined,
    width: i === label ? (phone ? 120 : 160) : undefined,
    onHeaderCell: () => ({ style: { whiteSpace: "nowrap" } }),
    render: (_: unknown, line: Line) => cell(column, line.row.values?.[i], line),
    sorter: (a: Line, b: Line) => compareCells(a.row.values?.[i], b.row.values?.[i], column.type),
    sortDirections: isNumeric(column.type) ? ["descend", "ascend"] : ["ascend", "descend"],
  }));

  const totals = report.totals?.values;
  return (
    <Table<Line>
      rowKey="key"
      size="small"
      dataSource={lines}
      columns={tableColumns}
      pagination={lines.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      scroll={{ x: "max-content" }}
      locale={{ emptyText: <NoData /> }}
      onRow={(line) => (drillable(line.row) ? { onClick: () => onDrill(line.index), style: { cursor: "pointer" } } : {})}
      data-testid="report-data"
      summary={() =>
        totals?.length ? (
          <Table.Summary fixed="bottom">
            <Table.Summary.Row data-testid="report-totals">
              {columns.map((column, i) => {
                const value = totals[i];
                const text = i === label && value === "合计" ? t("reports.total") : formatCell(value, column, words);
                return (
                  <Table.Summary.Cell key={i} index={i} align={isNumeric(column.type) ? "right" : "left"}>
                    <strong>{value === null || value === undefined || value === "" ? "" : text}</strong>
                  </Table.Summary.Cell>
                );
              })}
            </Table.Summary.Row>
          </Table.Summary>
        ) : null
      }
    />
  );
}

const EXPORTS: { format: ExportFormat; label: string }[] = [
  { format: "EXPORT_FORMAT_CSV", label: "reports.exportCsv" },
  { format: "EXPORT_FORMAT_XLSX", label: "reports.exportXlsx" },
  { format: "EXPORT_FORMAT_PDF", label: "reports.exportPdf" },
];

function ExportButtons({ id }: { id: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const run = (format: ExportFormat) => {
    setBusy(format);
    exportReport(id, format)
      .then(({ filename, blob }) => saveFile(filename, blob))
      .catch((error: unknown) => void message.error(t("reports.exportFailed", { message: errorMessage(error) })))
      .finally(() => setBusy(null));
  };
  if (phone)
    return (
      <Dropdown menu={{ items: EXPORTS.map((e) => ({ key: e.format, label: t(e.label), onClick: () => run(e.format) })) }}>
        <Button icon={<DownloadOutlined />} loading={busy !== null} data-testid="report-export">
          {t("reports.export")}
        </Button>
      </Dropdown>
    );
  return (
    <Space.Compact>
      {EXPORTS.map((e) => (
        <Button
          key={e.format}
          icon={<DownloadOutlined />}
          loading={busy === e.format}
          onClick={() => run(e.format)}
          data-testid={`report-export-${e.format.replace("EXPORT_FORMAT_", "").toLowerCase()}`}
        >
          {t(e.label)}
        </Button>
      ))}
    </Space.Compact>
  );
}

function StoredReport({ id }: { id: string }) {
  const { t, lang, enumText } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { data: me } = useMe();
  const mayCreate = can(me, "reports.create");
  const query = useReport(id);
  const report = query.data;
  const create = useCreateReport();
  const tiers = useTierNames();
  const orgUnitName = useOrgUnitNames(Boolean(report?.parameters?.orgUnits?.length));
  const trail = trailFromParam(params.get(TRAIL_PARAM), id);
  const charts = useMemo(() => (report?.state === "STATE_SUCCEEDED" ? reportCharts(report, { t, lang }) : []), [report, t, lang]);
  const [scheduling, setScheduling] = useState(false);

  if (query.isPending) return <PageLoading />;
  if (query.error || !report) return <PageError error={query.error} onRetry={() => void query.refetch()} />;

  const title = reportTitle(report, t);
  const here: Crumb = { id, label: title };
  const customers = report.state === "STATE_SUCCEEDED" ? reportCustomers(report) : [];
  const rows = report.rows ?? [];
  const label = labelIndex(report.columns ?? []);
  const summary = parameterSummary(report, {
    t,
    orgUnit: orgUnitName,
    tier: (name) => tiers.name(name),
    customerType: (type) => enumText("customerType", type),
  });

  const open = (created: Report, nextTrail: Crumb[]) => navigate(reportPath(idOf(created), nextTrail));
  const failed = (error: unknown) => void message.error(t("reports.createFailed", { message: errorMessage(error) }));

  /** A row's (or bar's) next level: the customer's 360 page, or the next report run and opened. */
  const drill = (index: number) => {
    const row = rows[index];
    const target = row ? drillTarget(report, row.drillDown) : undefined;
    if (!target) return;
    if (target.to === "customer") {
      navigate(`/customers/${encodeURIComponent(target.id)}`);
      return;
    }
    if (!mayCreate || create.isPending) return;
    const name = rowLabel(row, label, index);
    create
      .mutateAsync(drillReport(target, name, t))
      .then((created) => open(created, trailAfterDrill(trail, here, { id: idOf(created), label: name })))
      .catch(failed);
  };
  const drillable = (row: ReportRow) => {
    const target = drillTarget(report, row.drillDown);
    return Boolean(target && (target.to === "customer" || mayCreate));
  };
  const anyDrill = rows.some((r) => drillTarget(report, r.drillDown));
  const rerun = () =>
    create
      .mutateAsync({ kind: report.kind, displayName: report.displayName, parameters: report.parameters })
      .then((created) => open(created, trailAfterRerun(trail, idOf(created))))
      .catch(failed);

  const crumbs = [
    { title: <Link to="/reports">{t("reports.backToCenter")}</Link> },
    ...(trail.length > 1
      ? trail.map((c, i) => ({
          title:
            i === trail.length - 1 ? (
              c.label
            ) : (
              <Link to={reportPath(c.id, trail.slice(0, i + 1))} data-testid="report-crumb">
                {c.label}
              </Link>
            ),
        }))
      : [{ title }]),
  ];

  return (
    <div data-testid="report-page">
      <Breadcrumb style={{ marginBottom: 8 }} items={crumbs} data-testid="report-breadcrumb" />
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }} wrap align="start">
        <Space wrap size={8} align="center">
          {trail.length > 1 ? (
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              aria-label={t("common.back")}
              onClick={() => navigate(reportPath(trail.at(-2)!.id, trail.slice(0, -1)))}
              data-testid="report-up"
            />
          ) : null}
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="report-title">
            {title}
          </Typography.Title>
          <ReportStateTag state={report.state} />
          <Tag>{kindName(report.kind, t)}</Tag>
        </Space>
        <Space wrap>
          {report.state === "STATE_SUCCEEDED" ? <ExportButtons id={id} /> : null}
          <Tooltip title={mayCreate ? undefined : t("reports.createDenied")}>
            <Button icon={<ReloadOutlined />} onClick={() => void rerun()} loading={create.isPending} disabled={!mayCreate || !isKind(report.kind)} data-testid="report-rerun">
              {t("reports.rerun")}
            </Button>
          </Tooltip>
          <Tooltip title={mayCreate ? undefined : t("reports.createDenied")}>
            <Button
              icon={<EditOutlined />}
              onClick={() => navigate(`/reports/new?kind=${isKind(report.kind) ? kindParam(report.kind) : ""}&from=${encodeURIComponent(id)}`)}
              disabled={!mayCreate || !isKind(report.kind)}
              data-testid="report-edit"
            >
              {t("reports.edit")}
            </Button>
          </Tooltip>
          <Tooltip title={mayCreate ? t("reports.schedule.buttonHint") : t("reports.createDenied")}>
            <Button icon={<ScheduleOutlined />} onClick={() => setScheduling(true)} disabled={!mayCreate || !isKind(report.kind)} data-testid="report-schedule">
              {t("reports.schedule.button")}
            </Button>
          </Tooltip>
          {customers.length && can(me, "campaigns.manage") ? (
            <Tooltip title={t("reports.toCampaignHint", { count: customers.length })}>
              <Button
                icon={<NotificationOutlined />}
                onClick={() => openCampaignBuilderWith(navigate, { customers, name: title, source: title })}
                data-testid="report-to-campaign"
              >
                {t("reports.toCampaign")}
              </Button>
            </Tooltip>
          ) : null}
        </Space>
      </Space>
      <ScheduleDrawer open={scheduling} source={report} onClose={() => setScheduling(false)} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={summary.map((s) => ({ key: s.label, label: s.label, children: s.text }))}
          data-testid="report-conditions"
        />
        <Space wrap size={16} style={{ marginTop: 4 }}>
          {report.dataTime ? (
            <Typography.Text type="secondary" data-testid="report-data-time">
              {t("reports.dataTime", { time: formatTime(report.dataTime) })}
            </Typography.Text>
          ) : null}
          {report.completeTime ? <Typography.Text type="secondary">{t("reports.completeTime", { time: formatTime(report.completeTime) })}</Typography.Text> : null}
        </Space>
      </Card>
      {isWorking(report) ? (
        <Card size="small">
          <div className="kam-center" role="status" data-testid="report-working">
            <Spin description={t("reports.working")} />
          </div>
        </Card>
      ) : report.state === "STATE_FAILED" ? (
        <Alert type="error" showIcon title={t("reports.failed")} description={report.errorMessage} data-testid="report-failed" />
      ) : (
        <>
          {create.isPending ? <Alert type="info" showIcon title={t("reports.drilling")} style={{ marginBottom: 12 }} /> : null}
          {anyDrill ? (
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }} data-testid="report-drill-hint">
              {mayCreate || rows.some((r) => drillTarget(report, r.drillDown)?.to === "customer") ? t("reports.drillHint") : t("reports.drillDenied")}
            </Typography.Paragraph>
          ) : null}
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            {charts.map((chart) => (
              <Col key={chart.key} xs={24} xl={charts.length > 1 ? 12 : 24}>
                <Card size="small" title={chart.title} data-testid={`report-chart-${chart.key}`}>
                  <ReportChart
                    option={chart.option}
                    height={chart.height}
                    label={chart.title}
                    onPick={chart.rows ? (i) => chart.rows?.[i] !== undefined && drill(chart.rows[i]) : undefined}
                  />
                  {rows.length > CHART_ROWS ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t("reports.chartCapped", { count: CHART_ROWS })}
                    </Typography.Text>
                  ) : null}
                </Card>
              </Col>
            ))}
          </Row>
          <Card size="small" extra={<Typography.Text type="secondary">{t("reports.rows", { count: formatCount(rows.length, lang) })}</Typography.Text>}>
            <ReportTable report={report} onDrill={drill} drillable={drillable} />
          </Card>
        </>
      )}
    </div>
  );
}

export default function ReportPage() {
  const { id } = useParams();
  return id ? <StoredReport key={id} id={id} /> : <NewReport />;
}
