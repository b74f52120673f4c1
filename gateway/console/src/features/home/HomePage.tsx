// 工作台: the figures of the caller's own scope — a relationship manager's own customers, a branch's, the bank's —
// the key customers by tier (chart) and the largest of them; the first scan's progress while it runs; then the
// widgets (widgets.tsx: key dates, large transactions, relationship managers, branches), which load on their own;
// for head-office leaders and branch managers, a row of 报表中心's reports before them (ReportWidgets.tsx).
// The alert, task and announcement widgets join those with their services.
import { Alert, Card, Col, List, Progress, Row, Statistic, Tag, Typography } from "antd";
import { useMemo } from "react";
import { Link } from "react-router-dom";

import { type ChartOption, LazyChart as Chart } from "@/components/LazyChart";
import { Money } from "@/components/Money";
import { NoData, PageError, PageLoading } from "@/components/PageState";
import { TOP_CUSTOMERS, useCustomerPage, useStats, useTierNames } from "@/features/customers/api";
import { useLatestScan } from "@/features/scans/api";
import { formatCount, formatTime, resourceId } from "@/lib/format";
import { audienceOf, can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { LeaderReports } from "./ReportWidgets";
import { HomeWidgets } from "./widgets";

const SCOPE_LABEL = { own: "home.scopeOwn", branch: "home.scopeBranch", bank: "home.scopeBank" } as const;

function FirstScan() {
  const { t, enumText } = useI18n();
  const { data: me } = useMe();
  const job = useLatestScan(can(me, "scans.read"));
  if (!job || job.state === "STATE_SUCCEEDED" || job.state === "STATE_FAILED" || job.state === "STATE_CANCELLED") return null;
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="scan-progress"
      title={t("home.scanRunning")}
      description={
        <>
          <Tag>{enumText("scanState", job.state)}</Tag>
          <Progress percent={Math.round(job.progressPercent ?? 0)} size="small" style={{ maxWidth: 320 }} />
        </>
      }
    />
  );
}

export default function HomePage() {
  const { t, lang } = useI18n();
  const { data: me } = useMe();
  const stats = useStats();
  const tiers = useTierNames();
  const top = useCustomerPage(...TOP_CUSTOMERS);
  const audience = audienceOf(me);

  const counts = useMemo(
    () => new Map((stats.data?.tierCounts ?? []).map((c) => [c.tier ?? "", Number(c.customerCount ?? 0)])),
    [stats.data],
  );
  const option = useMemo<ChartOption>(() => {
    const order = tiers.tiers.length ? tiers.tiers : [...counts.keys()];
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      xAxis: { type: "category", data: order.map((tier) => tiers.name(tier)) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: order.map((tier) => counts.get(tier) ?? 0), itemStyle: { color: "#1f4e8c" } }],
    };
  }, [counts, tiers]);

  if (stats.isPending) return <PageLoading />;
  if (stats.error) return <PageError error={stats.error} onRetry={() => void stats.refetch()} />;
  const s = stats.data;
  return (
    <div data-testid="home">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t("home.welcome", { name: me?.displayName ?? "" })}
        <Tag color="blue" style={{ marginLeft: 8, verticalAlign: "middle" }} data-testid="home-scope">
          {t(SCOPE_LABEL[audience])}
        </Tag>
      </Typography.Title>
      <FirstScan />
      <Row gutter={[12, 12]}>
        {(
          [
            ["home.customers", s.customerCount],
            ["home.keyCustomers", s.keyCustomerCount],
            ["home.individual", s.individualCount],
            ["home.corporate", s.corporateCount],
          ] as const
        ).map(([label, value]) => (
          <Col xs={12} md={6} key={label}>
            <Card size="small">
              <Statistic title={t(label)} value={formatCount(value, lang)} data-testid={`stat-${label.split(".")[1]}`} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t("home.byTier")}>
            {counts.size ? <Chart option={option} label={t("home.byTier")} /> : <NoData />}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t("home.topCustomers")}>
            <List
              loading={top.isPending}
              dataSource={top.data?.customers ?? []}
              locale={{ emptyText: <NoData /> }}
              renderItem={(c) => (
                <List.Item key={c.name} extra={<Money value={c.metrics?.assetsUnderManagement} />}>
                  <List.Item.Meta
                    title={<Link to={`/customers/${resourceId(c.name)}`}>{c.displayName}</Link>}
                    description={
                      <>
                        <Tag>{tiers.name(c.tier)}</Tag>
                        <span className="kam-muted">{c.relationshipManagerDisplayName || c.branchDisplayName}</span>
                      </>
                    }
                  />
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
      {/* leaders' reports: asked once the page's own figures are in */}
      <LeaderReports ready={!top.isPending} />
      <HomeWidgets audience={audience} />
      {s.updateTime ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t("home.updated", { time: formatTime(s.updateTime) })}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}
