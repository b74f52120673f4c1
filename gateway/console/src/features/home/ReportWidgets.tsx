// 工作台's decision-support row for head-office leaders and branch managers who may run reports (reportLogic
// showsLeaderReports): 流失风险预警 (the five customers most likely to leave, each to their 360 page), 最重要的销售员
// (the five relationship managers whose customers' AUM grew most this year) and 地区销售额 (AUM and its growth per
// unit one level below the caller's, a bar to drill into that unit as 报表中心 does). Each card is a report of
// 报表中心 stored at most once a day per user (the request id of the day), asked only once the page's own figures
// are in (`ready`), with its own skeleton, error (a rate limit said so), empty state and data time, and a link to
// the full report. Columns stack on a phone.
import { Alert, App, Button, Card, Col, List, Row, Skeleton, Space, Tag, Typography } from "antd";
import { type ReactNode, useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import type { ChartOption } from "@/components/LazyChart";
import { NoData, PageError } from "@/components/PageState";
import { ReportChart } from "@/features/reports/ReportChart";
import { churnLevelTag, compactNumber, drillReport, drillTarget, formatCell, labelIndex, type Report, reportPath, reportTitle, rowLabel, trailAfterDrill } from "@/features/reports/logic";
import { ApiError } from "@/lib/api/client";
import { formatCompactCny, formatCount, formatTime, resourceId } from "@/lib/format";
import { useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { bankToday } from "./logic";
import { useDrillReport, useHomeReport } from "./reportApi";
import {
  churnRows,
  drillRequestId,
  homeReportRequest,
  managerRows,
  regionalBars,
  REGIONAL_BARS,
  type RiskLevel,
  reportPeriod,
  showsLeaderReports,
  TITLES,
  type Widget,
} from "./reportLogic";

/** The 360 page's churn-level colours (AA contrast), without the tag's end margin. */
const levelTag = (level: RiskLevel) => {
  const tag = churnLevelTag(`LEVEL_${level.toUpperCase()}`);
  return { ...tag, style: { ...tag.style, marginInlineEnd: 0 } };
};
const MONEY_COLUMN = { key: "aum_growth", type: "TYPE_MONEY" } as const;
const PERCENT_COLUMN = { key: "tasks_on_time_rate", type: "TYPE_PERCENT" } as const;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A widget's report for today (a new attempt after a failed computation). */
function useWidgetReport(widget: Widget, user: string, ready: boolean) {
  const [attempt, setAttempt] = useState(0);
  const today = bankToday(new Date());
  const request = useMemo(() => homeReportRequest(widget, user, today, attempt), [widget, user, today, attempt]);
  const { query, report, working } = useHomeReport(request, ready);
  const retry = () => (report?.state === "STATE_FAILED" ? setAttempt((a) => a + 1) : void query.refetch());
  return { query, report, working, retry, waiting: !ready || query.isPending || working };
}

type WidgetState = ReturnType<typeof useWidgetReport>;

/** The card of a widget: title, 查看完整报表 once there is a report, and the body for its state — skeleton, error
 * (the API's, or its rate limit in words), the computation failed, empty, or the content — then 数据截至. */
function WidgetCard({ widget, state, empty, hint, children }: { widget: Widget; state: WidgetState; empty: boolean; hint?: ReactNode; children: ReactNode }) {
  const { t } = useI18n();
  const { query, report, waiting, retry } = state;
  const id = resourceId(report?.name);
  let body: ReactNode;
  if (waiting) {
    body = (
      <div role="status" aria-busy="true" aria-label={t("common.loading")} data-testid={`home-report-loading-${widget}`}>
        <Skeleton active title={false} paragraph={{ rows: 5 }} />
      </div>
    );
  } else if (query.error) {
    const limited = query.error instanceof ApiError && query.error.status === 429;
    body = (
      <div data-testid={`home-report-error-${widget}`}>
        <PageError error={limited ? new Error(t("homeReports.rateLimited")) : query.error} onRetry={retry} />
      </div>
    );
  } else if (report?.state === "STATE_FAILED") {
    body = (
      <Alert
        type="error"
        showIcon
        title={t("homeReports.failed")}
        description={report.errorMessage}
        action={<Button onClick={retry}>{t("common.retry")}</Button>}
        data-testid={`home-report-error-${widget}`}
      />
    );
  } else if (empty) {
    body = (
      <div data-testid={`home-report-empty-${widget}`}>
        <NoData />
      </div>
    );
  } else {
    body = (
      <>
        {hint ? (
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 4 }}>
            {hint}
          </Typography.Paragraph>
        ) : null}
        {children}
      </>
    );
  }
  return (
    <Card
      size="small"
      title={t(`homeReports.${widget}.title`)}
      extra={
        id && !waiting ? (
          <Link to={reportPath(id)} data-testid={`home-report-full-${widget}`}>
            {t("homeReports.viewFull")}
          </Link>
        ) : null
      }
      style={{ height: "100%" }}
      data-testid={`home-report-${widget}`}
    >
      {body}
      {report && !waiting && (report.dataTime || reportPeriod(report)) ? (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: "8px 0 0" }} data-testid={`home-report-time-${widget}`}>
          {[report.dataTime ? t("homeReports.dataTime", { time: formatTime(report.dataTime) }) : "", reportPeriod(report)].filter(Boolean).join(" · ")}
        </Typography.Paragraph>
      ) : null}
    </Card>
  );
}

function ChurnCard({ user, ready }: { user: string; ready: boolean }) {
  const { t, lang } = useI18n();
  const state = useWidgetReport("churn", user, ready);
  const rows = useMemo(() => churnRows(state.report), [state.report]);
  return (
    <WidgetCard widget="churn" state={state} empty={!rows.length} hint={t("homeReports.churn.hint")}>
      <List
        size="small"
        dataSource={rows}
        renderItem={(r) => (
          <List.Item
            key={r.key}
            data-testid="home-churn-row"
            extra={
              <Space size={4} wrap={false}>
                <span className="kam-num" data-testid="home-churn-score">
                  {r.score === null ? "—" : formatCount(r.score, lang)}
                </span>
                <Tag {...levelTag(r.level)} data-testid="home-churn-level">
                  {t(`homeReports.level.${r.level}`)}
                </Tag>
              </Space>
            }
          >
            <List.Item.Meta
              style={{ minWidth: 0 }}
              title={
                r.customer ? (
                  <Link to={`/customers/${encodeURIComponent(r.customer)}`} data-testid="home-churn-link">
                    {r.name}
                  </Link>
                ) : (
                  r.name
                )
              }
              description={r.reason ? <span style={{ fontSize: 12 }}>{r.reason}</span> : null}
            />
          </List.Item>
        )}
      />
    </WidgetCard>
  );
}

function TopManagersCard({ user, ready }: { user: string; ready: boolean }) {
  const { t, lang } = useI18n();
  const state = useWidgetReport("topManagers", user, ready);
  const rows = useMemo(() => managerRows(state.report), [state.report]);
  const words = { t, lang };
  return (
    <WidgetCard widget="topManagers" state={state} empty={!rows.length} hint={t("homeReports.topManagers.hint")}>
      <List
        size="small"
        dataSource={rows}
        renderItem={(r) => {
          const figures = [
            r.conversions !== null ? t("homeReports.topManagers.conversions", { count: formatCount(r.conversions, lang) }) : "",
            r.onTimeRate !== null ? t("homeReports.topManagers.onTime", { rate: formatCell(r.onTimeRate, r.onTimeColumn ?? PERCENT_COLUMN, words) }) : "",
          ].filter(Boolean);
          const growth = r.growth === null ? "—" : formatCell(r.growth, r.growthColumn ?? MONEY_COLUMN, words);
          return (
            <List.Item
              key={r.key}
              data-testid="home-manager-row"
              extra={
                <span className="kam-num" style={{ color: r.growth !== null && r.growth < 0 ? "#cf1322" : undefined }} data-testid="home-manager-growth">
                  {r.growth !== null && r.growth > 0 ? `+${growth}` : growth}
                </span>
              }
            >
              <List.Item.Meta
                style={{ minWidth: 0 }}
                avatar={<Tag style={{ marginInlineEnd: 0 }}>{r.rank}</Tag>}
                title={
                  <>
                    {r.name}
                    {r.orgUnit ? (
                      <span className="kam-muted" style={{ marginLeft: 8, fontWeight: "normal", fontSize: 12 }}>
                        {r.orgUnit}
                      </span>
                    ) : null}
                  </>
                }
                description={
                  figures.length ? (
                    <span style={{ fontSize: 12 }} data-testid="home-manager-figures">
                      {figures.join(" · ")}
                    </span>
                  ) : null
                }
              />
            </List.Item>
          );
        }}
      />
    </WidgetCard>
  );
}

function RegionalCard({ user, ready }: { user: string; ready: boolean }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const state = useWidgetReport("regional", user, ready);
  const report = state.report;
  const bars = useMemo(() => regionalBars(report), [report]);
  const drill = useDrillReport();
  const option = useMemo<ChartOption>(() => {
    const aum = t("homeReports.regional.aum");
    const growth = t("homeReports.regional.growth");
    return {
      color: ["#1f4e8c", "#d48806"],
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: (v: unknown) => formatCompactCny(Number(v), lang),
      },
      legend: { data: [aum, growth], top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 8 },
      xAxis: {
        type: "category",
        data: bars.map((b) => b.name),
        axisLabel: { interval: 0, rotate: bars.length > 4 ? 30 : 0, width: 72, overflow: "truncate" },
      },
      yAxis: { type: "value", axisLabel: { formatter: (v: number) => compactNumber(v, lang) } },
      series: [
        { name: aum, type: "bar", barMaxWidth: 24, data: bars.map((b) => b.aum) },
        { name: growth, type: "bar", barMaxWidth: 24, data: bars.map((b) => b.growth) },
      ],
    };
  }, [bars, t, lang]);

  /** A bar: that unit's (or manager's) regional sales as a report of 报表中心, with the way back up in the address
   * as 报表中心's drills keep it; a bar with no level below opens the widget's report. */
  const open = (index: number) => {
    const row = report?.rows?.[index];
    if (!report?.name || !row) return;
    const id = resourceId(report.name);
    const target = drillTarget(report, row.drillDown);
    if (!target || !row.drillDown) {
      navigate(reportPath(id));
      return;
    }
    if (target.to === "customer") {
      navigate(`/customers/${encodeURIComponent(target.id)}`);
      return;
    }
    if (drill.isPending) return;
    const name = rowLabel(row, labelIndex(report.columns ?? []), index);
    const next: Report = { ...drillReport(target, name, t), displayName: `${TITLES.regional} · ${name}` };
    drill
      .mutateAsync({ report: next, requestId: drillRequestId(user, report.name, row.drillDown) })
      .then((created) => {
        const nextId = resourceId(created.name);
        navigate(reportPath(nextId, trailAfterDrill([], { id, label: reportTitle(report, t) }, { id: nextId, label: name })));
      })
      .catch((error: unknown) => void message.error(t("homeReports.drillFailed", { message: errorText(error) })));
  };

  return (
    <WidgetCard widget="regional" state={state} empty={!bars.length} hint={t("homeReports.regional.hint")}>
      {drill.isPending ? <Alert type="info" showIcon title={t("homeReports.drilling")} style={{ marginBottom: 8 }} /> : null}
      <ReportChart option={option} height={260} label={t("homeReports.regional.title")} onPick={(i) => open(i)} />
      {(report?.rows?.length ?? 0) > REGIONAL_BARS ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("homeReports.regional.capped", { count: REGIONAL_BARS })}
        </Typography.Text>
      ) : null}
    </WidgetCard>
  );
}

/** The row for those it is for (nothing for the others); `ready` once the page's own figures are in. */
export function LeaderReports({ ready }: { ready: boolean }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  if (!showsLeaderReports(me) || !me?.name) return null;
  return (
    <div style={{ marginTop: 12 }} data-testid="home-leader-reports">
      <Typography.Title level={5} style={{ margin: "0 0 8px" }}>
        {t("homeReports.section")}
      </Typography.Title>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12} xl={8}>
          <ChurnCard user={me.name} ready={ready} />
        </Col>
        <Col xs={24} lg={12} xl={8}>
          <TopManagersCard user={me.name} ready={ready} />
        </Col>
        <Col xs={24} lg={24} xl={8}>
          <RegionalCard user={me.name} ready={ready} />
        </Col>
      </Row>
    </div>
  );
}
