// 营销成果 (`/campaigns/:id`), what leadership reads: the campaign's header (state, period, product, measure, target,
// revision; 修改 / 启动 / 结束 / 取消 by state and permission, each with the etag read — a stale one reloads and says
// so), progress against quota per executing unit and per relationship manager (table and chart), the funnel
// (target customers → reached → interested → converted, declined beside it), the bank's own data (accounts of the
// product opened in the period) and the lift over the hold-out, the revisions after launch and the activities. It
// changes LIVE: a `campaign.progress` push for this campaign (an activity logged) refetches the figures and the
// activities (lib/push.ts), and they refetch every 30 s besides. A draft shows its plan.
import { ArrowLeftOutlined, EditOutlined, RocketOutlined, TeamOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, Descriptions, List, Row, Space, Statistic, Table, Timeline, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { type HTMLAttributes, type ReactNode, useMemo } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { LazyChart as Chart } from "@/components/LazyChart";
import { Money } from "@/components/Money";
import { NoData, PageError, PageLoading } from "@/components/PageState";
import { Pager, usePageTokens } from "@/features/control/shared";
import { customerQuery, useTierNames } from "@/features/customers/api";
import { useActiveUsers } from "@/features/notices/api";
import { api, ApiError, must } from "@/lib/api/client";
import { formatCount, formatMoney, formatTime, moneyValue, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { campaignQuery, useCampaign, useCampaignActivities, useCampaignResults, useCampaignRevisions, useChangeState, type StateChange } from "./api";
import {
  type Campaign,
  type CampaignAction,
  campaignActions,
  type CampaignActivity,
  type CampaignResultRow,
  type CampaignRevision,
  funnelOf,
  funnelOption,
  type FunnelStep,
  liftOf,
  measureNumber,
  measureOf,
  type Preview,
  previewRequestOf,
  quotaBarOption,
  revisionField,
  revisionValue,
  valuesOf,
} from "./logic";
import { CampaignProgress, CampaignStateTag, OutcomeTag, Period, TargetText, useMeasureText, useUnitNames } from "./parts";

const pre = { whiteSpace: "pre-wrap", wordBreak: "break-word" } as const;

/** The customer's 360 page, by name when the caller may read the customer (an activity carries the id only). */
function CustomerName({ customer }: { customer?: string }) {
  const { t } = useI18n();
  const { data: me } = useMe();
  const id = resourceId(customer);
  const found = useQuery({ ...customerQuery(id), enabled: Boolean(id) && can(me, "customers.read"), retry: false });
  if (!id) return null;
  return (
    <Link to={`/customers/${encodeURIComponent(id)}`} data-testid="activity-customer">
      {found.data?.displayName || t("campaigns.customerId", { id })}
    </Link>
  );
}

function Header({ campaign }: { campaign: Campaign }) {
  const { t, enumText, lang } = useI18n();
  const phone = useIsPhone();
  const unitName = useUnitNames();
  return (
    <Descriptions size="small" column={phone ? 1 : 3} bordered styles={{ label: { whiteSpace: "nowrap" } }} data-testid="campaign-header">
      <Descriptions.Item label={t("campaigns.period")}>
        <Period campaign={campaign} />
      </Descriptions.Item>
      <Descriptions.Item label={t("campaigns.product")}>
        <span data-testid="campaign-product-label">{enumText("campaignProduct", campaign.productType)}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t("campaigns.measure")}>{enumText("campaignMeasure", measureOf(campaign))}</Descriptions.Item>
      <Descriptions.Item label={t("campaigns.target")}>
        <TargetText campaign={campaign} />
      </Descriptions.Item>
      <Descriptions.Item label={t("campaigns.revision")}>
        <span data-testid="campaign-revision">{t("campaigns.revisionNo", { n: campaign.revision ?? 1 })}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t("campaigns.creator")}>{campaign.creatorDisplayName || resourceId(campaign.creator)}</Descriptions.Item>
      <Descriptions.Item label={t("campaigns.orgUnits")} span={phone ? 1 : 2}>
        {(campaign.orgUnits ?? []).map((u) => unitName(u)).join("、")}
      </Descriptions.Item>
      <Descriptions.Item label={t("campaigns.targetCustomers")}>
        {campaign.state === "STATE_DRAFT"
          ? t("campaigns.notLaunched")
          : t("campaigns.targetsAndHoldout", {
              count: formatCount(campaign.targetCustomerCount ?? 0, lang),
              holdout: formatCount(campaign.holdoutCustomerCount ?? 0, lang),
              percent: campaign.holdoutPercent ?? 0,
            })}
      </Descriptions.Item>
      {campaign.description ? (
        <Descriptions.Item label={t("campaigns.description")} span={phone ? 1 : 3}>
          <div style={pre}>{campaign.description}</div>
        </Descriptions.Item>
      ) : null}
      {campaign.script ? (
        <Descriptions.Item label={t("campaigns.script")} span={phone ? 1 : 3}>
          <div style={pre}>{campaign.script}</div>
        </Descriptions.Item>
      ) : null}
    </Descriptions>
  );
}

/** The plan's segment in words (a draft's page; a launched campaign's too, below its results). */
function SegmentSummary({ campaign }: { campaign: Campaign }) {
  const { t, enumText, lang } = useI18n();
  const tiers = useTierNames();
  const unitName = useUnitNames();
  const s = campaign.segment ?? {};
  const items: [string, string][] = [];
  if (s.tiers?.length) items.push([t("campaigns.tiers"), s.tiers.map((x) => tiers.name(x)).join("、")]);
  if (s.customerTypes?.length) items.push([t("campaigns.customerTypes"), s.customerTypes.map((x) => enumText("customerType", x)).join("、")]);
  if (s.branches?.length) items.push([t("campaigns.branches"), s.branches.map((x) => unitName(x)).join("、")]);
  if (s.minAum) items.push([t("campaigns.minAum"), formatMoney(s.minAum, lang)]);
  if (s.maxAum) items.push([t("campaigns.maxAum"), formatMoney(s.maxAum, lang)]);
  if (s.holds?.length) items.push([t("campaigns.holds"), s.holds.map((x) => enumText("campaignProduct", x)).join("、")]);
  if (s.lacks?.length) items.push([t("campaigns.lacks"), s.lacks.map((x) => enumText("campaignProduct", x)).join("、")]);
  const listed = s.customerCount || s.customers?.length || 0; // the count is there in every view (AIP-157)
  if (listed) items.push([t("campaigns.customerList"), t("campaigns.customerListCount", { count: formatCount(listed, lang) })]);
  return (
    <Card size="small" title={t("campaigns.sectionSegment")} style={{ marginTop: 12 }} data-testid="campaign-segment">
      {items.length ? (
        <Descriptions size="small" column={1}>
          {items.map(([label, value]) => (
            <Descriptions.Item key={label} label={label}>
              {value}
            </Descriptions.Item>
          ))}
        </Descriptions>
      ) : (
        <Typography.Text type="secondary">{t("campaigns.everyCustomer")}</Typography.Text>
      )}
    </Card>
  );
}

function Actions({ campaign }: { campaign: Campaign }) {
  const { t, lang } = useI18n();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const { data: me } = useMe();
  const change = useChangeState();
  const actions = campaignActions(campaign, me);
  const id = resourceId(campaign.name);

  const run = (action: StateChange) =>
    change.mutateAsync({ campaign, action }).then(
      () => void message.success(t(`campaigns.done_${action}`)),
      (error: unknown) => {
        if (error instanceof ApiError && error.code === "ABORTED") {
          // someone else changed it: show it as it is now, and say why nothing was done
          void message.warning(t("campaigns.stale"));
          void client.invalidateQueries({ queryKey: campaignQuery(id).queryKey });
          return;
        }
        void message.error(error instanceof Error ? error.message : String(error));
      },
    );

  const confirm = async (action: StateChange) => {
    let content = t(`campaigns.confirm_${action}`);
    if (action === "launch") {
      // who the plan targets now: the count the launch will fix
      const request = previewRequestOf(valuesOf(campaign), campaign.name);
      const preview: Preview | undefined = request ? await must(api.POST("/v1/campaigns:previewTargets", { body: request })).catch(() => undefined) : undefined;
      if (preview) {
        const count = Number(preview.targetCustomerCount ?? 0);
        const held = Number(preview.holdoutCustomerCount ?? 0);
        content = t("campaigns.launchConfirm", { count: formatCount(count, lang), holdout: formatCount(held, lang), worked: formatCount(count - held, lang) });
      }
    }
    modal.confirm({
      title: t(`campaigns.confirmTitle_${action}`, { name: campaign.displayName }),
      content: <span data-testid={`confirm-${action}`}>{content}</span>,
      okText: t(`campaigns.action_${action}`),
      okButtonProps: { danger: action === "cancel" },
      cancelText: t("common.cancel"),
      onOk: () => run(action),
    });
  };

  const button = (action: CampaignAction) => {
    if (action === "edit")
      return (
        <Button key={action} icon={<EditOutlined />} onClick={() => navigate(`/campaigns/${id}/edit`)} data-testid="campaign-edit">
          {t("campaigns.action_edit")}
        </Button>
      );
    return (
      <Button
        key={action}
        type={action === "launch" ? "primary" : "default"}
        danger={action === "cancel"}
        icon={action === "launch" ? <RocketOutlined /> : undefined}
        loading={change.isPending && change.variables?.action === action}
        onClick={() => void confirm(action)}
        data-testid={`campaign-${action}`}
      >
        {t(`campaigns.action_${action}`)}
      </Button>
    );
  };

  return (
    <Space wrap style={{ marginBottom: 12 }} data-testid="campaign-actions">
      {campaign.state !== "STATE_DRAFT" ? (
        <Button type="primary" icon={<TeamOutlined />} onClick={() => navigate(`/campaigns/${id}/targets`)} data-testid="campaign-execute">
          {t("campaigns.execute")}
        </Button>
      ) : null}
      {actions.map(button)}
    </Space>
  );
}

function Figures({ campaign, total }: { campaign: Campaign; total: CampaignResultRow | undefined }) {
  const { t, lang } = useI18n();
  const text = useMeasureText();
  const measure = measureOf(campaign);
  const p = campaign.progress;
  const items: { key: string; title: string; value: string; extra?: ReactNode }[] = [
    {
      key: "achieved",
      title: t("campaigns.achieved"),
      value: text(measure, total?.achieved ?? 0, true),
      extra: <CampaignProgress ratio={p?.targetRatio} />,
    },
    { key: "reached", title: t("campaigns.reached"), value: formatCount(total?.reachedCount ?? 0, lang) },
    { key: "interested", title: t("campaigns.interested"), value: formatCount(total?.interestedCount ?? 0, lang) },
    { key: "converted", title: t("campaigns.converted"), value: formatCount(total?.convertedCount ?? 0, lang) },
    { key: "convertedAmount", title: t("campaigns.convertedAmount"), value: measureNumber("MEASURE_AMOUNT", moneyValue(total?.convertedAmount), lang, true) },
    { key: "activities", title: t("campaigns.activityCount"), value: formatCount(p?.activityCount ?? 0, lang) },
  ];
  return (
    <Row gutter={[12, 12]} style={{ marginTop: 12 }} data-testid="campaign-figures">
      {items.map((item) => (
        <Col key={item.key} xs={12} md={8} xl={4}>
          <Card size="small" style={{ height: "100%" }}>
            <Statistic title={item.title} value={item.value} data-testid={`figure-${item.key}`} />
            {item.extra}
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function QuotaTable({ rows, campaign, title, testId }: { rows: CampaignResultRow[]; campaign: Campaign; title: string; testId: string }) {
  const { t, lang } = useI18n();
  const phone = useIsPhone();
  const text = useMeasureText();
  const measure = measureOf(campaign);
  // the chart is drawn again only when a figure changes (not at every refetch)
  const figures = JSON.stringify(rows);
  const option = useMemo(
    () =>
      quotaBarOption(JSON.parse(figures) as CampaignResultRow[], { achieved: t("campaigns.achieved"), quota: t("campaigns.quota") }, (v) => measureNumber(measure, v, lang, true), measure !== "MEASURE_AMOUNT"),
    [figures, t, lang, measure],
  );
  if (!rows.length) return null;
  const columns: ColumnsType<CampaignResultRow> = [
    { key: "name", title: t("campaigns.subject"), render: (_, r) => r.displayName || resourceId(r.subject) },
    { key: "quota", title: t("campaigns.quota"), align: "right", render: (_, r) => (r.quota ? text(measure, r.quota) : "—") },
    { key: "achieved", title: t("campaigns.achieved"), align: "right", render: (_, r) => text(measure, r.achieved ?? 0) },
    { key: "ratio", title: t("campaigns.quotaRatio"), width: 160, render: (_, r) => (r.quota ? <CampaignProgress ratio={r.quotaRatio} /> : "—") },
    { key: "targets", title: t("campaigns.targetCustomers"), align: "right", render: (_, r) => formatCount(r.targetCustomerCount ?? 0, lang) },
    { key: "reached", title: t("campaigns.reached"), align: "right", render: (_, r) => formatCount(r.reachedCount ?? 0, lang) },
    { key: "interested", title: t("campaigns.interested"), align: "right", render: (_, r) => formatCount(r.interestedCount ?? 0, lang) },
    { key: "converted", title: t("campaigns.converted"), align: "right", render: (_, r) => formatCount(r.convertedCount ?? 0, lang) },
    { key: "amount", title: t("campaigns.convertedAmount"), align: "right", render: (_, r) => <Money value={r.convertedAmount} /> },
    { key: "attributed", title: t("campaigns.attributedAccounts"), align: "right", render: (_, r) => formatCount(r.attributedAccountCount ?? 0, lang) },
  ];
  return (
    <Card size="small" title={title} style={{ marginTop: 12 }} data-testid={testId}>
      <Chart option={option} height={240} label={t("campaigns.chartQuota", { title })} />
      {phone ? (
        <List
          size="small"
          dataSource={rows}
          renderItem={(r) => (
            <List.Item key={r.subject} data-testid={`${testId}-row`}>
              <div style={{ width: "100%" }}>
                <Space style={{ width: "100%", justifyContent: "space-between" }}>
                  <strong>{r.displayName || resourceId(r.subject)}</strong>
                  <span className="kam-num">
                    {text(measure, r.achieved ?? 0, true)} / {r.quota ? text(measure, r.quota, true) : "—"}
                  </span>
                </Space>
                {r.quota ? <CampaignProgress ratio={r.quotaRatio} /> : null}
                <div className="kam-muted">
                  {t("campaigns.rowFunnel", {
                    targets: formatCount(r.targetCustomerCount ?? 0, lang),
                    reached: formatCount(r.reachedCount ?? 0, lang),
                    converted: formatCount(r.convertedCount ?? 0, lang),
                  })}
                </div>
              </div>
            </List.Item>
          )}
        />
      ) : (
        <Table<CampaignResultRow>
          rowKey={(r) => r.subject ?? ""}
          size="small"
          columns={columns}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1000 }}
          onRow={() => ({ "data-testid": `${testId}-row` }) as HTMLAttributes<HTMLElement>}
        />
      )}
    </Card>
  );
}

function Results({ campaign }: { campaign: Campaign }) {
  const { t, lang } = useI18n();
  const id = resourceId(campaign.name);
  const results = useCampaignResults(id);
  const r = results.data;
  const funnel = funnelOf(r?.total);
  // the chart is drawn again only when a figure changes (not at every refetch)
  const steps = JSON.stringify(funnel.steps);
  const option = useMemo(() => funnelOption(JSON.parse(steps) as FunnelStep[], (key) => t(`campaigns.funnel_${key}`)), [steps, t]);
  const lift = liftOf(r, lang);
  const p = campaign.progress;
  if (results.error) return <PageError error={results.error} onRetry={() => void results.refetch()} />;
  return (
    <div data-testid="campaign-results">
      <Figures campaign={campaign} total={r?.total} />
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t("campaigns.funnel")} style={{ marginTop: 12, height: "calc(100% - 12px)" }} data-testid="campaign-funnel">
            <Chart option={option} height={240} label={t("campaigns.funnel")} />
            <Space wrap size={16}>
              {funnel.steps.map((s) => (
                <span key={s.key} data-testid={`funnel-${s.key}`}>
                  {t(`campaigns.funnel_${s.key}`)}：<strong className="kam-num">{formatCount(s.value, lang)}</strong>
                </span>
              ))}
              <span data-testid="funnel-declined">
                {t("campaigns.declined")}：<strong className="kam-num">{formatCount(funnel.declined, lang)}</strong>
              </span>
            </Space>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t("campaigns.attribution")} style={{ marginTop: 12 }} data-testid="campaign-attribution">
            <Typography.Paragraph type="secondary">{t("campaigns.attributionHint")}</Typography.Paragraph>
            <Row gutter={12}>
              <Col span={12}>
                <Statistic title={t("campaigns.attributedAccounts")} value={formatCount(p?.attributedAccountCount ?? 0, lang)} data-testid="attributed-accounts" />
              </Col>
              <Col span={12}>
                <Statistic title={t("campaigns.attributedAmount")} value={measureNumber("MEASURE_AMOUNT", moneyValue(p?.attributedAmount), lang, true)} data-testid="attributed-amount" />
              </Col>
            </Row>
          </Card>
          <Card size="small" title={t("campaigns.lift")} style={{ marginTop: 12 }} data-testid="campaign-lift">
            {lift ? (
              <Row gutter={12}>
                <Col span={8}>
                  <Statistic title={t("campaigns.treatedRate")} value={lift.treated} />
                </Col>
                <Col span={8}>
                  <Statistic title={t("campaigns.holdoutRate")} value={lift.holdout} />
                </Col>
                <Col span={8}>
                  <Statistic title={t("campaigns.liftPoints")} value={lift.points} suffix={t("campaigns.points")} data-testid="lift-points" />
                </Col>
              </Row>
            ) : (
              <Typography.Text type="secondary" data-testid="no-holdout">
                {t("campaigns.noHoldout")}
              </Typography.Text>
            )}
            {lift ? (
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                {t("campaigns.liftHint", { holdout: formatCount(r?.holdoutCustomerCount ?? 0, lang), converted: formatCount(r?.holdoutConvertedCount ?? 0, lang) })}
              </Typography.Paragraph>
            ) : null}
          </Card>
        </Col>
      </Row>
      <QuotaTable rows={r?.units ?? []} campaign={campaign} title={t("campaigns.byUnit")} testId="results-units" />
      <QuotaTable rows={r?.relationshipManagers ?? []} campaign={campaign} title={t("campaigns.byManager")} testId="results-managers" />
      {r?.computeTime ? (
        <Typography.Text type="secondary" style={{ display: "block", marginTop: 8 }} data-testid="results-time">
          {t("campaigns.computedAt", { time: formatTime(r.computeTime) })}
        </Typography.Text>
      ) : null}
    </div>
  );
}

function Revisions({ id }: { id: string }) {
  const { t, enumText, lang } = useI18n();
  const { data: me } = useMe();
  const revisions = useCampaignRevisions(id);
  const users = useActiveUsers(can(me, "users.read"));
  const name = (user?: string) => (users.data ?? []).find((u) => u.name === user)?.displayName || resourceId(user);
  const list: CampaignRevision[] = revisions.data?.revisions ?? [];
  return (
    <Card size="small" title={t("campaigns.revisions")} style={{ marginTop: 12 }} data-testid="campaign-revisions">
      {revisions.error ? <PageError error={revisions.error} onRetry={() => void revisions.refetch()} /> : null}
      {list.length ? (
        <Timeline
          items={[...list].reverse().map((r) => ({
            key: r.revision,
            content: (
              <div data-testid="campaign-revision-entry">
                <Typography.Text strong>{t("campaigns.revisionNo", { n: r.revision ?? 0 })}</Typography.Text>
                <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                  {name(r.editor)} · {formatTime(r.time)}
                </Typography.Text>
                {(r.changes ?? []).map((c) => {
                  const field = revisionField(c.field);
                  return (
                    <div key={c.field} className="kam-muted" style={{ wordBreak: "break-word" }}>
                      {enumText("campaignField", field)}：
                      {field === "quotas"
                        ? t("campaigns.quotasChanged")
                        : `${revisionValue(c.field, c.before, lang) || t("campaigns.emptyValue")} → ${revisionValue(c.field, c.after, lang) || t("campaigns.emptyValue")}`}
                    </div>
                  );
                })}
              </div>
            ),
          }))}
        />
      ) : (
        <Typography.Text type="secondary">{t("campaigns.noRevisions")}</Typography.Text>
      )}
    </Card>
  );
}

function Activities({ id }: { id: string }) {
  const { t, enumText, lang } = useI18n();
  const phone = useIsPhone();
  const pager = usePageTokens();
  const page = useCampaignActivities(id, pager.token);
  const list: CampaignActivity[] = page.data?.campaignActivities ?? [];
  const columns: ColumnsType<CampaignActivity> = [
    { key: "time", title: t("campaigns.occurTime"), width: 150, render: (_, a) => <span className="kam-num">{formatTime(a.occurTime)}</span> },
    { key: "staff", title: t("campaigns.staff"), width: 100, render: (_, a) => a.staffDisplayName || resourceId(a.staff) },
    { key: "customer", title: t("campaigns.customer"), render: (_, a) => <CustomerName customer={a.customer} /> },
    { key: "channel", title: t("campaigns.channel"), width: 100, render: (_, a) => enumText("campaignChannel", a.channel) },
    { key: "outcome", title: t("campaigns.outcome"), width: 90, render: (_, a) => <OutcomeTag outcome={a.outcome} /> },
    { key: "amount", title: t("campaigns.amount"), width: 140, align: "right", render: (_, a) => (moneyValue(a.amount) ? <Money value={a.amount} /> : "") },
    { key: "notes", title: t("campaigns.notes"), render: (_, a) => <div style={pre}>{[a.product, a.notes].filter(Boolean).join(" · ")}</div> },
  ];
  return (
    <Card
      size="small"
      title={t("campaigns.activities")}
      style={{ marginTop: 12 }}
      extra={<span className="kam-muted">{t("common.total", { count: formatCount(page.data?.totalSize ?? 0, lang) })}</span>}
      data-testid="campaign-activities"
    >
      {page.error ? <PageError error={page.error} onRetry={() => void page.refetch()} /> : null}
      {phone ? (
        <List
          loading={page.isPending}
          dataSource={list}
          locale={{ emptyText: <NoData /> }}
          renderItem={(a) => (
            <List.Item key={a.name} data-testid="campaign-activity">
              <div style={{ width: "100%" }}>
                <Space wrap size={4}>
                  <OutcomeTag outcome={a.outcome} />
                  <CustomerName customer={a.customer} />
                  {moneyValue(a.amount) ? <Money value={a.amount} /> : null}
                </Space>
                <div className="kam-muted">
                  {formatTime(a.occurTime)} · {a.staffDisplayName || resourceId(a.staff)} · {enumText("campaignChannel", a.channel)}
                </div>
                {a.notes ? <div style={pre}>{a.notes}</div> : null}
              </div>
            </List.Item>
          )}
        />
      ) : (
        <Table<CampaignActivity>
          rowKey={(a) => a.name ?? ""}
          size="small"
          loading={page.isPending}
          columns={columns}
          dataSource={list}
          pagination={false}
          locale={{ emptyText: <NoData /> }}
          onRow={() => ({ "data-testid": "campaign-activity" }) as HTMLAttributes<HTMLElement>}
        />
      )}
      <div style={{ marginTop: 8 }}>
        <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
      </div>
    </Card>
  );
}

export default function CampaignPage() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const campaign = useCampaign(id, true);
  if (campaign.isPending) return <PageLoading />;
  if (campaign.error) return <PageError error={campaign.error} onRetry={() => void campaign.refetch()} />;
  const c = campaign.data;
  const launched = c.state !== "STATE_DRAFT";
  return (
    <div data-testid="campaign-page">
      <Button icon={<ArrowLeftOutlined />} onClick={() => navigate("/campaigns")} style={{ marginBottom: 8 }}>
        {t("campaigns.back")}
      </Button>
      <Card
        size="small"
        title={
          <Space wrap>
            <CampaignStateTag state={c.state} />
            <span data-testid="campaign-title" style={{ whiteSpace: "normal" }}>
              {c.displayName}
            </span>
          </Space>
        }
      >
        <Actions campaign={c} />
        <Header campaign={c} />
      </Card>
      {launched ? (
        <>
          <Results campaign={c} />
          <Row gutter={[12, 12]}>
            <Col xs={24} xl={16}>
              <Activities id={id} />
            </Col>
            <Col xs={24} xl={8}>
              <Revisions id={id} />
              <SegmentSummary campaign={c} />
            </Col>
          </Row>
        </>
      ) : (
        <>
          <Alert type="info" showIcon style={{ marginTop: 12 }} title={t("campaigns.draftHint")} />
          <SegmentSummary campaign={c} />
        </>
      )}
    </div>
  );
}
