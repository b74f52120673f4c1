// 工作效率: the work-efficiency figures of the tasks in the caller's reach (GetWorkEfficiency) over a period — this
// month by default — per person or per org unit, optionally one org unit's subtree and one priority: completed
// against overdue per row, the trend, and a table with every figure (per priority when a row is opened). Clicking
// an org unit's row shows its people. The filters live in the address (`?from=…&to=…&by=orgUnit&orgUnit=…`); a
// drill-down is a new entry in the browser's history, so Back returns to the units.
import { Alert, Button, Card, Col, DatePicker, Row, Segmented, Select, Space, Statistic, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import dayjs, { type Dayjs } from "dayjs";
import { useMemo } from "react";
import { useSearchParams } from "react-router-dom";

import { LazyChart as Chart } from "@/components/LazyChart";
import { NoData, PageError, PageLoading } from "@/components/PageState";
import { OrgUnitPicker } from "@/features/control/OrgUnitPicker";
import { formatCount, formatDate, formatTime } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useWorkEfficiency } from "./api";
import {
  bankToday,
  barOption,
  drillDown,
  type EfficiencyFilters,
  type EfficiencyRow,
  type Figures,
  figures,
  filtersFromParams,
  filtersToParams,
  formatHours,
  formatPercent,
  GRANULARITIES,
  type Granularity,
  type Grouping,
  lastPicked,
  periodProblem,
  presetPeriod,
  PRESETS,
  PRIORITIES,
  rowLabel,
  totalShown,
  trendOption,
  visibleRows,
  type WorkEfficiency,
} from "./logic";

interface Line {
  key: string;
  label: string;
  figures: Figures;
  row?: EfficiencyRow;
  children?: Line[];
}

/** The columns of every figure (after the name's). */
function useFigureColumns(): ColumnsType<Line> {
  const { t, lang } = useI18n();
  const count = (pick: (f: Figures) => number) => (_: unknown, line: Line) => formatCount(pick(line.figures), lang);
  return [
    { key: "assigned", title: t("efficiency.assigned"), align: "right", render: count((f) => f.assigned), sorter: (a, b) => a.figures.assigned - b.figures.assigned },
    { key: "completed", title: t("efficiency.completed"), align: "right", render: count((f) => f.completed), sorter: (a, b) => a.figures.completed - b.figures.completed },
    { key: "onTime", title: t("efficiency.onTime"), align: "right", render: count((f) => f.onTime) },
    {
      key: "onTimeRate",
      title: t("efficiency.onTimeRate"),
      align: "right",
      render: (_, line) => formatPercent(line.figures.onTimePercent, lang),
      sorter: (a, b) => (a.figures.onTimePercent ?? -1) - (b.figures.onTimePercent ?? -1),
    },
    {
      key: "overdue",
      title: t("efficiency.overdue"),
      align: "right",
      render: (_, line) => <span style={line.figures.overdue ? { color: "#cf1322" } : undefined}>{formatCount(line.figures.overdue, lang)}</span>,
      sorter: (a, b) => a.figures.overdue - b.figures.overdue,
    },
    { key: "returned", title: t("efficiency.returned"), align: "right", render: count((f) => f.returned), sorter: (a, b) => a.figures.returned - b.figures.returned },
    {
      key: "average",
      title: t("efficiency.averageHours"),
      align: "right",
      render: (_, line) => formatHours(line.figures.averageHours, lang),
      sorter: (a, b) => (a.figures.averageHours ?? -1) - (b.figures.averageHours ?? -1),
    },
    {
      key: "p90",
      title: t("efficiency.p90Hours"),
      align: "right",
      render: (_, line) => formatHours(line.figures.p90Hours, lang),
      sorter: (a, b) => (a.figures.p90Hours ?? -1) - (b.figures.p90Hours ?? -1),
    },
  ];
}

/** One org unit, on the org tree picker (which holds several: the last one picked is kept). */
function OneOrgUnit({ value, onChange }: { value?: string; onChange: (unit: string | undefined) => void }) {
  const { t } = useI18n();
  return (
    <OrgUnitPicker
      label={t("efficiency.orgUnit")}
      placeholder={t("efficiency.anyOrgUnit")}
      value={value ? [value] : []}
      onChange={(units) => onChange(lastPicked(units, value))}
      testId="efficiency-org-unit"
    />
  );
}

function Totals({ efficiency }: { efficiency: WorkEfficiency }) {
  const { t, lang } = useI18n();
  const f = figures(efficiency.total);
  const items: [string, string, string?][] = [
    ["efficiency.assigned", formatCount(f.assigned, lang)],
    ["efficiency.completed", formatCount(f.completed, lang)],
    ["efficiency.onTimeRate", formatPercent(f.onTimePercent, lang)],
    ["efficiency.overdue", formatCount(f.overdue, lang), f.overdue ? "#cf1322" : undefined],
    ["efficiency.returned", formatCount(f.returned, lang)],
    ["efficiency.averageHours", formatHours(f.averageHours, lang)],
    ["efficiency.p90Hours", formatHours(f.p90Hours, lang)],
  ];
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 12 }} data-testid="efficiency-totals">
      {items.map(([key, value, color]) => (
        <Col key={key} flex="1 0 140px">
          <Card size="small">
            <Statistic title={t(key)} value={value} styles={{ content: color ? { color } : undefined }} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

export default function EfficiencyPage() {
  const { t, lang, enumText } = useI18n();
  const { data: me, isPending } = useMe();
  const today = bankToday(new Date());
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params, today);
  const problem = periodProblem(filters.start, filters.end);
  const allowed = can(me, "tasks.read");
  const query = useWorkEfficiency(filters, allowed && !problem);
  const columns = useFigureColumns();
  const efficiency = query.data;

  /** A change of filter replaces the address; a drill-down adds to the history. */
  const change = (next: Partial<EfficiencyFilters>) =>
    setParams(filtersToParams({ ...filtersFromParams(new URLSearchParams(window.location.search), today), ...next }), { replace: true });
  const drill = (next: EfficiencyFilters) => setParams(filtersToParams(next));

  const words = useMemo(() => ({ own: (name: string) => t("efficiency.ownUnit", { name }), noUnit: t("efficiency.noUnit") }), [t]);
  const { groupBy, orgUnit, own } = filters;
  const lines = useMemo<Line[]>(
    () =>
      visibleRows(efficiency, filters).map((row) => ({
        key: row.name || "-",
        label: rowLabel(row, efficiency, words),
        figures: figures(row.figures),
        row,
        children: row.byPriority?.length
          ? [...row.byPriority].reverse().map((p) => ({
              key: `${row.name}|${p.priority}`,
              label: enumText("taskPriority", p.priority),
              figures: figures(p.figures),
            }))
          : undefined,
      })),
    // the rows depend on the answer and on how they are grouped and narrowed, not on the period's other filters
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [efficiency, groupBy, orgUnit, own, words, enumText],
  );
  const bar = useMemo(() => barOption(lines, { completed: t("efficiency.completed"), overdue: t("efficiency.overdue") }), [lines, t]);
  const trend = useMemo(
    () => trendOption(efficiency, { assigned: t("efficiency.assigned"), completed: t("efficiency.completed"), onTimeRate: t("efficiency.onTimeRate") }),
    [efficiency, t],
  );

  if (isPending) return <PageLoading />;
  if (!allowed) return <NoData />;

  const nameColumn: ColumnsType<Line>[number] = {
    key: "name",
    title: filters.groupBy === "orgUnit" ? t("efficiency.byOrgUnit") : t("efficiency.byUser"),
    render: (_, line) => {
      const next = line.row ? drillDown(line.row, filters) : undefined;
      return next ? (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => drill(next)} data-testid="efficiency-drill">
          {line.label}
        </Button>
      ) : (
        line.label
      );
    },
  };
  const total = efficiency && totalShown(filters) ? figures(efficiency.total) : undefined;

  return (
    <div data-testid="efficiency-page">
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("efficiency.title")}
        </Typography.Title>
        {efficiency?.cutoffTime ? (
          <Typography.Text type="secondary">{t("efficiency.cutoff", { time: formatTime(efficiency.cutoffTime) })}</Typography.Text>
        ) : null}
      </Space>
      <Space wrap style={{ marginBottom: 12 }}>
        <DatePicker.RangePicker
          aria-label={t("efficiency.period")}
          allowClear={false}
          value={[dayjs(filters.start), dayjs(filters.end)]}
          onChange={(range) => {
            const [from, to] = (range ?? []) as [Dayjs | null, Dayjs | null];
            if (from && to) change({ start: from.format("YYYY-MM-DD"), end: to.format("YYYY-MM-DD") });
          }}
          presets={PRESETS.map((preset) => {
            const period = presetPeriod(preset, today);
            return { label: t(`efficiency.preset_${preset}`), value: [dayjs(period.start), dayjs(period.end)] as [Dayjs, Dayjs] };
          })}
          data-testid="efficiency-period"
        />
        <Segmented<Grouping>
          value={filters.groupBy}
          onChange={(groupBy) => change({ groupBy, own: false })}
          options={[
            { value: "user", label: t("efficiency.byUser") },
            { value: "orgUnit", label: t("efficiency.byOrgUnit") },
          ]}
          data-testid="efficiency-group-by"
        />
        <div style={{ width: 220 }}>
          <OneOrgUnit value={filters.orgUnit} onChange={(orgUnit) => change({ orgUnit, own: false })} />
        </div>
        <Select
          aria-label={t("efficiency.priority")}
          placeholder={t("efficiency.anyPriority")}
          allowClear
          style={{ width: 120 }}
          value={filters.priority}
          onChange={(priority) => change({ priority })}
          options={PRIORITIES.map((p) => ({ value: p, label: enumText("taskPriority", p) }))}
          data-testid="efficiency-priority"
        />
        <Segmented<Granularity>
          value={filters.granularity}
          onChange={(granularity) => change({ granularity })}
          options={GRANULARITIES.map((g) => ({ value: g, label: t(`efficiency.trend_${g}`) }))}
          data-testid="efficiency-granularity"
        />
      </Space>
      {filters.own && filters.orgUnit ? (
        <div style={{ marginBottom: 12 }}>
          <Tag closable onClose={() => change({ own: false })} data-testid="efficiency-own">
            {t("efficiency.ownPeople")}
          </Tag>
        </div>
      ) : null}
      {problem ? (
        <Alert type="error" showIcon title={t(`efficiency.problem_${problem}`)} data-testid="efficiency-problem" />
      ) : query.isPending ? (
        <PageLoading />
      ) : query.error ? (
        <PageError error={query.error} onRetry={() => void query.refetch()} />
      ) : efficiency ? (
        <>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t("efficiency.scope", {
              start: formatDate(efficiency.startDate),
              end: formatDate(efficiency.endDate),
              unit: efficiency.orgUnitDisplayName || t("efficiency.yourReach"),
            })}
          </Typography.Paragraph>
          {total ? <Totals efficiency={efficiency} /> : null}
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            <Col xs={24} lg={12}>
              <Card size="small" title={t("efficiency.chartRows")}>
                {lines.length ? <Chart option={bar} label={t("efficiency.chartRows")} /> : <NoData />}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={t("efficiency.chartTrend")}>
                <Chart option={trend} label={t("efficiency.chartTrend")} />
              </Card>
            </Col>
          </Row>
          <Card size="small">
            <Table<Line>
              rowKey="key"
              size="small"
              dataSource={lines}
              columns={[nameColumn, ...columns]}
              pagination={false}
              scroll={{ x: 900 }}
              loading={query.isFetching}
              locale={{ emptyText: <NoData /> }}
              expandable={{ childrenColumnName: "children" }}
              data-testid="efficiency-table"
              summary={() =>
                total ? (
                  <Table.Summary.Row>
                    <Table.Summary.Cell index={0}>
                      <strong>{t("efficiency.total")}</strong>
                    </Table.Summary.Cell>
                    {[
                      formatCount(total.assigned, lang),
                      formatCount(total.completed, lang),
                      formatCount(total.onTime, lang),
                      formatPercent(total.onTimePercent, lang),
                      formatCount(total.overdue, lang),
                      formatCount(total.returned, lang),
                      formatHours(total.averageHours, lang),
                      formatHours(total.p90Hours, lang),
                    ].map((value, i) => (
                      <Table.Summary.Cell key={i} index={i + 1} align="right">
                        <strong>{value}</strong>
                      </Table.Summary.Cell>
                    ))}
                  </Table.Summary.Row>
                ) : null
              }
            />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
              {t("efficiency.definitions")}
            </Typography.Paragraph>
          </Card>
        </>
      ) : null}
    </div>
  );
}
