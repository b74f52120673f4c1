// The 工作台's widgets beyond the figures: key dates, large transactions, relationship managers, branches. Each asks
// its own query and shows its own loading, error and empty states, so the figures above never wait for them.
// My open alerts lead, my open tasks and the campaigns under way follow (营销: on a phone, where the bottom
// navigation has no room for it, this card is the way to 营销执行); announcements join as a further card in the same
// grid (HomeWidgets) when their service lands.
import { Card, Col, List, Row, Table, Tag, Typography } from "antd";
import { type ReactNode, useMemo } from "react";
import { Link } from "react-router-dom";

import { type ChartOption, LazyChart as Chart } from "@/components/LazyChart";
import { Money } from "@/components/Money";
import { NoData, PageError, PageLoading } from "@/components/PageState";
import type { Schemas } from "@/lib/api/client";
import { formatCompactCny, formatCount, formatDate, formatTime, resourceId } from "@/lib/format";
import { type Audience, can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useAlertPage } from "@/features/alerts/api";
import { SeverityTag } from "@/features/alerts/parts";
import { useCampaignPage } from "@/features/campaigns/api";
import { type Campaign, listFilter } from "@/features/campaigns/logic";
import { CampaignProgress } from "@/features/campaigns/parts";
import { useAllTasks } from "@/features/tasks/api";
import { isOverdue, taskFilters } from "@/features/tasks/logic";
import { DueTime, PriorityTag, TaskLink } from "@/features/tasks/parts";

import { useKeyDates, useLargeTransactions, useSummaries } from "./api";
import { aumOf, bankToday, chartGroups, customerId, daysLeftText, daysUntil } from "./logic";

type KeyDate = Schemas["kam.customer.v1.KeyDate"];
type Transaction = Schemas["kam.customer.v1.Transaction"];
type Summary = Schemas["kam.customer.v1.CustomerSummary"];

/** Days ahead the key-date card looks; the amount (yuan) and window (days) of a "large" transaction. */
export const KEY_DATE_HORIZON = 30;
export const LARGE_AMOUNT = 500_000;
export const LARGE_WINDOW_DAYS = 30;

/** A card's body for a query: loading, error (with retry), empty, or the content. */
function Body({ query, empty, children }: { query: { isPending: boolean; error: unknown; refetch: () => unknown }; empty: boolean; children: ReactNode }) {
  if (query.isPending) return <PageLoading />;
  if (query.error) return <PageError error={query.error} onRetry={() => void query.refetch()} />;
  return empty ? <NoData /> : <>{children}</>;
}

function KeyDatesCard() {
  const { t, enumText } = useI18n();
  const { data: me } = useMe();
  const today = bankToday(new Date());
  const query = useKeyDates(today, KEY_DATE_HORIZON, can(me, "customers.read"));
  const items = query.data?.keyDates ?? [];
  return (
    <Card size="small" title={t("homeWidgets.keyDates", { days: KEY_DATE_HORIZON })} data-testid="widget-key-dates">
      <Body query={query} empty={!items.length}>
        <List<KeyDate>
          dataSource={items}
          renderItem={(k) => {
            const days = daysUntil(k.date, today);
            const [key, vars] = daysLeftText(days);
            return (
              <List.Item
                key={`${k.customer}|${k.kind}|${k.account ?? ""}|${k.contact ?? ""}|${formatDate(k.date)}`}
                data-testid="key-date"
                extra={<Tag color={days <= 0 ? "red" : days <= 3 ? "blue" : undefined}>{t(key, vars)}</Tag>}
              >
                <List.Item.Meta
                  title={
                    <>
                      <Link to={`/customers/${resourceId(k.customer)}`}>{k.customerDisplayName || resourceId(k.customer)}</Link>
                      <Tag style={{ marginLeft: 8 }}>{enumText("keyDateKind", k.kind)}</Tag>
                    </>
                  }
                  description={
                    <>
                      <span className="kam-num">{formatDate(k.date)}</span>
                      {k.contactDisplayName ? (
                        <span className="kam-muted" style={{ marginLeft: 8 }}>
                          {k.contactDisplayName}
                          {k.contactTitle ? `（${k.contactTitle}）` : ""}
                        </span>
                      ) : null}
                      {k.amount ? (
                        <span style={{ marginLeft: 8 }}>
                          <Money value={k.amount} />
                        </span>
                      ) : null}
                    </>
                  }
                />
              </List.Item>
            );
          }}
        />
      </Body>
    </Card>
  );
}

function LargeTransactionsCard() {
  const { t, enumText, lang } = useI18n();
  const { data: me } = useMe();
  const query = useLargeTransactions(LARGE_AMOUNT, LARGE_WINDOW_DAYS, can(me, "customers.read"));
  const items = query.data?.transactions ?? [];
  return (
    <Card
      size="small"
      title={t("homeWidgets.largeTransactions", { amount: formatCompactCny(LARGE_AMOUNT, lang), days: LARGE_WINDOW_DAYS })}
      data-testid="widget-large-transactions"
    >
      <Body query={query} empty={!items.length}>
        <List<Transaction>
          dataSource={items}
          renderItem={(x) => {
            const customer = customerId(x.name);
            return (
              <List.Item
                key={x.name}
                data-testid="large-transaction"
                extra={<Money value={x.amount} sign={x.direction === "DIRECTION_DEBIT" ? "-" : "+"} />}
              >
                <List.Item.Meta
                  title={
                    <>
                      <Link to={`/customers/${customer}`}>{t("homeWidgets.customer", { id: customer })}</Link>
                      <Tag style={{ marginLeft: 8 }}>{enumText("direction", x.direction)}</Tag>
                    </>
                  }
                  description={
                    <>
                      <span className="kam-num">{formatTime(x.postTime)}</span>
                      <span className="kam-muted" style={{ marginLeft: 8 }}>
                        {[enumText("channel", x.channel), x.counterparty, x.summary].filter(Boolean).join(" · ")}
                      </span>
                    </>
                  }
                />
              </List.Item>
            );
          }}
        />
      </Body>
    </Card>
  );
}

function RelationshipManagersCard() {
  const { t, lang } = useI18n();
  const { data: me } = useMe();
  const query = useSummaries("relationship_manager", can(me, "customers.read"));
  const rows = query.data?.summaries ?? [];
  return (
    <Card size="small" title={t("homeWidgets.relationshipManagers")} data-testid="widget-relationship-managers">
      <Body query={query} empty={!rows.length}>
        <Table<Summary>
          rowKey={(s) => s.group ?? ""}
          size="small"
          dataSource={rows}
          pagination={rows.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
          scroll={{ x: 560 }}
          data-testid="rm-table"
          columns={[
            {
              key: "name",
              title: t("homeWidgets.rmName"),
              sorter: (a, b) => (a.displayName ?? "").localeCompare(b.displayName ?? "", lang),
              render: (_, s) =>
                s.group ? (
                  <>
                    {s.displayName || resourceId(s.group)} <span className="kam-muted">{resourceId(s.group)}</span>
                  </>
                ) : (
                  <span className="kam-muted">{t("homeWidgets.unassigned")}</span>
                ),
            },
            {
              key: "customers",
              title: t("homeWidgets.customers"),
              align: "right",
              sorter: (a, b) => Number(a.customerCount ?? 0) - Number(b.customerCount ?? 0),
              render: (_, s) => formatCount(s.customerCount, lang),
            },
            {
              key: "keyCustomers",
              title: t("homeWidgets.keyCustomers"),
              align: "right",
              sorter: (a, b) => Number(a.keyCustomerCount ?? 0) - Number(b.keyCustomerCount ?? 0),
              render: (_, s) => formatCount(s.keyCustomerCount, lang),
            },
            {
              key: "aum",
              title: t("homeWidgets.aum"),
              align: "right",
              defaultSortOrder: "descend",
              sorter: (a, b) => aumOf(a) - aumOf(b),
              render: (_, s) => <Money value={s.assetsUnderManagement} />,
            },
          ]}
        />
      </Body>
    </Card>
  );
}

function BranchesCard() {
  const { t, lang } = useI18n();
  const { data: me } = useMe();
  const query = useSummaries("org_unit", can(me, "customers.read"));
  const rows = query.data?.summaries ?? [];
  const option = useMemo<ChartOption>(() => {
    const bars = chartGroups(rows, 12, t("homeWidgets.other"), t("homeWidgets.unassigned"));
    return {
      tooltip: {
        trigger: "axis",
        valueFormatter: (v: unknown) => formatCompactCny(Number(v), lang),
      },
      grid: { left: 72, right: 16, top: 16, bottom: 56 },
      xAxis: { type: "category", data: bars.map((b) => b.name), axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatCompactCny(v, lang) } },
      series: [{ type: "bar", name: t("homeWidgets.aum"), data: bars.map((b) => b.aum), itemStyle: { color: "#1f4e8c" } }],
    };
  }, [rows, t, lang]);
  return (
    <Card size="small" title={t("homeWidgets.branches")} data-testid="widget-branches">
      <Body query={query} empty={!rows.length}>
        <Chart option={option} label={t("homeWidgets.branches")} />
      </Body>
    </Card>
  );
}

/** The widgets for the caller's audience: everyone's lists, then the managers' tables and the bank's chart. */
/** The newest open alerts the user received (预警中心 for the rest). */
function MyAlertsCard() {
  const { t } = useI18n();
  const { data: me } = useMe();
  const query = useAlertPage({ state: "STATE_OPEN", mine: true }, me?.name, 5, "", Boolean(me?.name));
  const alerts = query.data?.alerts ?? [];
  return (
    <Card
      size="small"
      title={`${t("alerts.widget")}（${query.data?.totalSize ?? 0}）`}
      extra={<Link to="/alerts?state=STATE_OPEN&mine=1">{t("alerts.widgetMore")}</Link>}
      data-testid="widget-alerts"
    >
      <Body query={query} empty={!alerts.length}>
        <List
          dataSource={alerts}
          renderItem={(a) => (
            <List.Item key={a.name} data-testid="widget-alert" extra={<Typography.Text type="secondary">{formatTime(a.createTime)}</Typography.Text>}>
              <SeverityTag severity={a.severity} />
              <Link to={`/alerts/${resourceId(a.name)}`}>{a.title}</Link>
            </List.Item>
          )}
        />
      </Body>
    </Card>
  );
}

/** My open and in-progress tasks, soonest due first, and how many are overdue (任务 for the rest). */
function MyTasksCard() {
  const { t } = useI18n();
  const query = useAllTasks(taskFilters({ tab: "mine" }));
  const tasks = query.data ?? [];
  const overdue = tasks.filter((task) => isOverdue(task)).length;
  return (
    <Card
      size="small"
      title={
        <>
          {`${t("tasks.widget")}（${tasks.length}）`}
          {overdue ? (
            <Tag color="red" style={{ marginLeft: 8 }} data-testid="widget-tasks-overdue">
              {t("tasks.widgetOverdue", { count: overdue })}
            </Tag>
          ) : null}
        </>
      }
      extra={<Link to="/tasks">{t("tasks.widgetMore")}</Link>}
      data-testid="widget-tasks"
    >
      <Body query={query} empty={!tasks.length}>
        <List
          dataSource={tasks.slice(0, 5)}
          renderItem={(task) => (
            <List.Item key={task.name} data-testid="widget-task" extra={<DueTime task={task} />}>
              <PriorityTag task={task} />
              <TaskLink task={task} />
            </List.Item>
          )}
        />
      </Body>
    </Card>
  );
}

/** The campaigns under way the caller takes part in (营销): each leads to 营销执行 for those who log activities,
 * to 营销成果 for the others; 全部营销 for the rest. */
function MyCampaignsCard({ audience }: { audience: Audience }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const query = useCampaignPage(listFilter("STATE_ACTIVE"), "", 5);
  const campaigns = query.data?.campaigns ?? [];
  const works = can(me, "campaign_activities.create");
  const path = (c: Campaign) => `/campaigns/${resourceId(c.name)}${works ? "/targets" : ""}`;
  return (
    <Card
      size="small"
      title={`${t(audience === "own" ? "campaigns.widgetMine" : "campaigns.widget")}（${query.data?.totalSize ?? 0}）`}
      extra={<Link to="/campaigns">{t("campaigns.widgetMore")}</Link>}
      data-testid="widget-campaigns"
    >
      <Body query={query} empty={!campaigns.length}>
        <List
          dataSource={campaigns}
          renderItem={(c) => (
            <List.Item key={c.name} data-testid="widget-campaign" extra={<div style={{ width: 140 }}><CampaignProgress ratio={c.progress?.targetRatio} /></div>}>
              <List.Item.Meta
                title={<Link to={path(c)}>{c.displayName}</Link>}
                description={<span className="kam-num">{t("campaigns.widgetEnds", { date: formatDate(c.endDate) })}</span>}
              />
            </List.Item>
          )}
        />
      </Body>
    </Card>
  );
}

export function HomeWidgets({ audience }: { audience: Audience }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  return (
    <Row gutter={[12, 12]} style={{ marginTop: 12 }} data-testid="home-widgets">
      {can(me, "alerts.read") ? (
        <Col xs={24}>
          <MyAlertsCard />
        </Col>
      ) : null}
      {can(me, "tasks.work") ? (
        <Col xs={24}>
          <MyTasksCard />
        </Col>
      ) : null}
      {can(me, "campaigns.read") ? (
        <Col xs={24}>
          <MyCampaignsCard audience={audience} />
        </Col>
      ) : null}
      <Col xs={24} lg={12}>
        <KeyDatesCard />
      </Col>
      <Col xs={24} lg={12}>
        <LargeTransactionsCard />
      </Col>
      {audience === "bank" ? (
        <Col xs={24}>
          <BranchesCard />
        </Col>
      ) : null}
      {audience !== "own" ? (
        <Col xs={24}>
          <RelationshipManagersCard />
        </Col>
      ) : null}
      <Col xs={24}>
        <Typography.Text type="secondary">{t("home.widgetsLater")}</Typography.Text>
      </Col>
    </Row>
  );
}
