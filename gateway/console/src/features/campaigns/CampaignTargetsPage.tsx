// 营销执行 (`/campaigns/:id/targets`), what a relationship manager works from in the field: the campaign's script,
// then the caller's target customers (ListCampaignTargets) — a relationship manager's own (`relationship_manager =
// "users/me"`), or for one who assigns everything in reach, those waiting for a manager (待分配), their own, and the
// hold-out — each with its stage, tier, assets, last contact and the customer's 360 page, and 记录 (ActivityDrawer):
// the row moves along the funnel at once. Held-out customers are greyed, 对照组，请勿联系, with nothing to record.
// One who assigns selects rows and 分配给 a relationship manager of their subtree (AssignCampaignTargets). Cards
// with big buttons on a phone, a table on a desktop. The view and stage live in the address (`?view=…&stage=…`).
import { BarChartOutlined, EditOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Checkbox, Collapse, List, Segmented, Select, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { type HTMLAttributes, useMemo, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { Money } from "@/components/Money";
import { NoData, PageError, PageLoading } from "@/components/PageState";
import { TierTag } from "@/components/TierTag";
import { useAllOrgUnits } from "@/features/control/api";
import { buildOrgTree, subtreeKeys } from "@/features/control/logic";
import { Pager, showError, usePageTokens } from "@/features/control/shared";
import { useTierNames } from "@/features/customers/api";
import { useActiveUsers } from "@/features/notices/api";
import type { Schemas } from "@/lib/api/client";
import { formatCount, formatTime, moneyValue, resourceId } from "@/lib/format";
import { audienceOf, can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { ActivityDrawer } from "./ActivityDrawer";
import { useAssignTargets, useCampaign, useCampaignTargets } from "./api";
import { afterActivity, type Campaign, type CampaignActivity, type CampaignTarget, mayAssign, mayRecord, type Stage, STAGES, targetFilter, type TargetView, targetViews } from "./logic";
import { CampaignStateTag, Period, StageTag } from "./parts";

type User = Schemas["kam.identity.v1.User"];
type TargetPage = Schemas["kam.task.v1.ListCampaignTargetsResponse"];

/** The relationship managers the caller may hand targets to: every one for the whole bank's people, else those of
 * the caller's unit and the units below it (the service's rule). */
function useAssignable(enabled: boolean) {
  const { data: me } = useMe();
  const users = useActiveUsers(enabled);
  const units = useAllOrgUnits(enabled && can(me, "org_units.read"));
  return useMemo(() => {
    const rms = (users.data ?? []).filter((u: User) => u.roles?.includes("roles/relationship_manager"));
    if (audienceOf(me) === "bank" || !me?.orgUnit) return rms;
    const subtree = subtreeKeys(buildOrgTree(units.data ?? []), me.orgUnit);
    return rms.filter((u) => subtree.has(u.orgUnit));
  }, [users.data, units.data, me]);
}

function LastContact({ target }: { target: CampaignTarget }) {
  const { t } = useI18n();
  return target.lastActivityTime ? (
    <span className="kam-num" data-testid="target-last">
      {formatTime(target.lastActivityTime)}
    </span>
  ) : (
    <span className="kam-muted" data-testid="target-last">
      {t("campaigns.neverContacted")}
    </span>
  );
}

function CustomerLink({ target }: { target: CampaignTarget }) {
  const id = resourceId(target.customer);
  return (
    <Link to={`/customers/${encodeURIComponent(id)}`} data-testid="target-customer" style={{ fontWeight: 500 }}>
      {target.customerDisplayName || id}
    </Link>
  );
}

function HoldoutTag() {
  const { t } = useI18n();
  return (
    <Tag color="default" data-testid="target-holdout">
      {t("campaigns.holdoutDoNotContact")}
    </Tag>
  );
}

function TargetCards(props: {
  targets: CampaignTarget[];
  loading: boolean;
  campaign: Campaign;
  showManager: boolean;
  selectable: boolean;
  selected: string[];
  onSelect: (names: string[]) => void;
  onRecord: (t: CampaignTarget) => void;
}) {
  const { targets, loading, campaign, showManager, selectable, selected, onSelect, onRecord } = props;
  const { t } = useI18n();
  const { data: me } = useMe();
  const tiers = useTierNames();
  return (
    <List<CampaignTarget>
      loading={loading}
      dataSource={targets}
      locale={{ emptyText: <NoData /> }}
      renderItem={(x) => {
        const held = Boolean(x.holdout);
        const picked = selected.includes(x.name ?? "");
        return (
          <Card
            key={x.name}
            size="small"
            style={{ marginBottom: 8, ...(held ? { background: "#fafafa", color: "rgba(0,0,0,0.45)" } : {}) }}
            className={held ? "kam-holdout" : undefined}
            data-testid="target-card"
          >
            <Space style={{ width: "100%", justifyContent: "space-between" }} align="start">
              <Space wrap size={4}>
                {selectable && !held ? (
                  <Checkbox
                    checked={picked}
                    onChange={(e) => onSelect(e.target.checked ? [...selected, x.name ?? ""] : selected.filter((n) => n !== x.name))}
                    aria-label={t("campaigns.select", { name: x.customerDisplayName ?? "" })}
                    style={{ padding: 6 }}
                  />
                ) : null}
                <CustomerLink target={x} />
                {x.tier ? <TierTag graded>{tiers.name(x.tier)}</TierTag> : null}
              </Space>
              {held ? <HoldoutTag /> : <StageTag stage={x.stage} />}
            </Space>
            <div style={{ marginTop: 4 }}>
              {t("campaigns.aum")}：<Money value={x.aum} />
            </div>
            <div>
              {t("campaigns.lastContact")}：<LastContact target={x} />
            </div>
            {moneyValue(x.convertedAmount) ? (
              <div>
                {t("campaigns.convertedAmount")}：<Money value={x.convertedAmount} />
              </div>
            ) : null}
            {showManager ? (
              <div className="kam-muted">
                {t("campaigns.manager")}：{x.relationshipManagerDisplayName || (x.relationshipManager ? resourceId(x.relationshipManager) : t("campaigns.unassigned"))}
              </div>
            ) : null}
            {mayRecord(campaign, x, me) ? (
              <Button type="primary" size="large" block icon={<EditOutlined />} style={{ marginTop: 8, minHeight: 44 }} onClick={() => onRecord(x)} data-testid="target-record">
                {t("campaigns.record")}
              </Button>
            ) : null}
          </Card>
        );
      }}
    />
  );
}

const VIEW_LABELS: Record<TargetView, string> = {
  mine: "campaigns.view_mine",
  all: "campaigns.view_all",
  unassigned: "campaigns.view_unassigned",
  holdout: "campaigns.view_holdout",
};

export default function CampaignTargetsPage() {
  const { id = "" } = useParams();
  const { t, lang, enumText } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const phone = useIsPhone();
  const client = useQueryClient();
  const { data: me } = useMe();
  const tiers = useTierNames();
  const campaign = useCampaign(id);
  const [params, setParams] = useSearchParams();
  const views = targetViews(me?.permissions);
  const view = views.find((v) => v === params.get("view")) ?? views[0]!;
  const stage = STAGES.find((s) => s === params.get("stage"));
  const filter = targetFilter(view, stage);
  const pager = usePageTokens();
  const page = useCampaignTargets(id, filter, pager.token);
  const [recording, setRecording] = useState<CampaignTarget | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [manager, setManager] = useState<string>();
  const assign = useAssignTargets(id);
  const c = campaign.data;
  const selectable = mayAssign(c, me);
  const assignable = useAssignable(selectable);

  if (campaign.isPending) return <PageLoading />;
  if (campaign.error) return <PageError error={campaign.error} onRetry={() => void campaign.refetch()} />;
  if (!c) return <NoData />;

  const change = (next: { view?: TargetView; stage?: Stage | null }) => {
    const out = new URLSearchParams(params);
    if (next.view) out.set("view", next.view);
    if (next.stage !== undefined) {
      if (next.stage) out.set("stage", next.stage);
      else out.delete("stage");
    }
    pager.reset();
    setSelected([]);
    setParams(out, { replace: true });
  };

  /** The row as it stands after the activity, at once (the refetch that follows brings the service's answer). */
  const recorded = (target: CampaignTarget, activity: CampaignActivity) => {
    client.setQueriesData<TargetPage>({ queryKey: ["campaigns", id, "targets"] }, (old) =>
      old ? { ...old, campaignTargets: (old.campaignTargets ?? []).map((x) => (x.name === target.name ? afterActivity(x, activity) : x)) } : old,
    );
  };

  const doAssign = () => {
    if (!manager || !selected.length) return;
    assign.mutate(
      { targets: selected, manager },
      {
        onSuccess: (done) => {
          void message.success(t("campaigns.assigned", { count: done.length, name: assignable.find((u) => u.name === manager)?.displayName ?? "" }));
          setSelected([]);
        },
        onError: (e) => showError(e, message, t),
      },
    );
  };

  const targets = page.data?.campaignTargets ?? [];
  const showManager = view !== "mine";
  const columns: ColumnsType<CampaignTarget> = [
    { key: "customer", title: t("campaigns.customer"), render: (_, x) => <CustomerLink target={x} /> },
    { key: "stage", title: t("campaigns.stage"), width: 170, render: (_, x) => (x.holdout ? <HoldoutTag /> : <StageTag stage={x.stage} />) },
    { key: "tier", title: t("campaigns.tier"), width: 90, render: (_, x) => (x.tier ? <TierTag graded>{tiers.name(x.tier)}</TierTag> : null) },
    { key: "aum", title: t("campaigns.aum"), width: 160, align: "right", render: (_, x) => <Money value={x.aum} /> },
    { key: "last", title: t("campaigns.lastContact"), width: 150, render: (_, x) => <LastContact target={x} /> },
    ...(showManager
      ? [
          {
            key: "manager",
            title: t("campaigns.manager"),
            width: 110,
            render: (_: unknown, x: CampaignTarget) => x.relationshipManagerDisplayName || (x.relationshipManager ? resourceId(x.relationshipManager) : <span className="kam-muted">{t("campaigns.unassigned")}</span>),
          },
        ]
      : []),
    { key: "converted", title: t("campaigns.convertedAmount"), width: 150, align: "right", render: (_, x) => (moneyValue(x.convertedAmount) ? <Money value={x.convertedAmount} /> : "") },
    {
      key: "record",
      title: "",
      width: 90,
      render: (_, x) =>
        mayRecord(c, x, me) ? (
          <Button size="small" type="primary" onClick={() => setRecording(x)} data-testid="target-record">
            {t("campaigns.record")}
          </Button>
        ) : null,
    },
  ];

  return (
    <div data-testid="campaign-targets-page">
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }} wrap>
        <div>
          <Space wrap size={4}>
            <CampaignStateTag state={c.state} />
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="targets-title">
              {c.displayName}
            </Typography.Title>
          </Space>
          <div className="kam-muted">
            {t("campaigns.execute")} · {enumText("campaignProduct", c.productType)} · <Period campaign={c} />
          </div>
        </div>
        <Button icon={<BarChartOutlined />} onClick={() => navigate(`/campaigns/${id}`)} data-testid="targets-results">
          {t("campaigns.results")}
        </Button>
      </Space>
      {c.state !== "STATE_ACTIVE" ? <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t("campaigns.notActive", { state: enumText("campaignState", c.state) })} /> : null}
      {c.script ? (
        <Collapse
          size="small"
          style={{ marginBottom: 12 }}
          defaultActiveKey={phone ? [] : ["script"]}
          items={[{ key: "script", label: t("campaigns.script"), children: <div style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>{c.script}</div> }]}
          data-testid="targets-script"
        />
      ) : null}
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<TargetView>
          value={view}
          onChange={(v) => change({ view: v })}
          options={views.map((v) => ({ value: v, label: t(VIEW_LABELS[v]) }))}
          size={phone ? "large" : "middle"}
          data-testid="targets-view"
        />
        <Select
          aria-label={t("campaigns.stage")}
          placeholder={t("campaigns.anyStage")}
          allowClear
          style={{ width: 130 }}
          size={phone ? "large" : "middle"}
          value={stage}
          onChange={(v?: Stage) => change({ stage: v ?? null })}
          options={STAGES.map((s) => ({ value: s, label: enumText("campaignStage", s) }))}
          data-testid="targets-stage"
        />
      </Space>
      {selectable && selected.length ? (
        <Card size="small" style={{ marginBottom: 12 }} data-testid="targets-assign">
          <Space wrap>
            <span>{t("campaigns.selected", { count: selected.length })}</span>
            <Select
              showSearch={{ optionFilterProp: "label" }}
              aria-label={t("campaigns.assignTo")}
              placeholder={t("campaigns.pickManager")}
              style={{ minWidth: 220 }}
              value={manager}
              onChange={setManager}
              options={assignable.map((u) => ({ value: u.name!, label: `${u.displayName}（${u.username ?? resourceId(u.name)}）` }))}
              data-testid="targets-manager"
            />
            <Button type="primary" disabled={!manager} loading={assign.isPending} onClick={doAssign} data-testid="targets-assign-button">
              {t("campaigns.assignTo")}
            </Button>
            <Button onClick={() => setSelected([])}>{t("campaigns.clearSelection")}</Button>
          </Space>
        </Card>
      ) : null}
      {page.error ? (
        <PageError error={page.error} onRetry={() => void page.refetch()} />
      ) : phone ? (
        <TargetCards
          targets={targets}
          loading={page.isPending}
          campaign={c}
          showManager={showManager}
          selectable={selectable}
          selected={selected}
          onSelect={setSelected}
          onRecord={setRecording}
        />
      ) : (
        <Table<CampaignTarget>
          rowKey={(x) => x.name ?? ""}
          size="small"
          loading={page.isPending}
          columns={columns}
          dataSource={targets}
          pagination={false}
          rowClassName={(x) => (x.holdout ? "kam-holdout" : "")}
          rowSelection={
            selectable
              ? {
                  selectedRowKeys: selected,
                  onChange: (keys) => setSelected(keys.map(String)),
                  getCheckboxProps: (x) => ({ disabled: Boolean(x.holdout) }),
                }
              : undefined
          }
          onRow={(x) => ({ "data-testid": "target-row", "data-stage": x.stage }) as HTMLAttributes<HTMLElement>}
          locale={{ emptyText: <NoData /> }}
          data-testid="targets-table"
        />
      )}
      <Space style={{ marginTop: 8 }} wrap>
        <Typography.Text type="secondary" data-testid="targets-total">
          {t("common.total", { count: formatCount(page.data?.totalSize ?? 0, lang) })}
        </Typography.Text>
        <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
      </Space>
      <ActivityDrawer campaign={c} target={recording} onClose={() => setRecording(null)} onRecorded={recorded} />
    </div>
  );
}
