// 营销计划: the campaigns the caller sees (ListCampaigns), newest period first — name, product, period, state,
// progress against the target, creator — filtered by state (in the address: `?state=STATE_ACTIVE`); a table on a
// desktop, cards on a phone (an active campaign's card leads to 营销执行). 新建 for `campaigns.manage`.
import { PlusOutlined } from "@ant-design/icons";
import { Button, Card, List, Select, Space, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError } from "@/components/PageState";
import { Pager, usePageTokens } from "@/features/control/shared";
import { formatCount, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useCampaignPage } from "./api";
import { type Campaign, type CampaignState, listFilter, STATES } from "./logic";
import { CampaignProgress, CampaignStateTag, Period, TargetText } from "./parts";

const campaignPath = (c: Campaign) => `/campaigns/${resourceId(c.name)}`;

function CampaignCards({ campaigns, loading }: { campaigns: Campaign[]; loading: boolean }) {
  const { t, enumText } = useI18n();
  const { data: me } = useMe();
  const navigate = useNavigate();
  return (
    <List<Campaign>
      loading={loading}
      dataSource={campaigns}
      locale={{ emptyText: <NoData /> }}
      renderItem={(c) => (
        <Card key={c.name} size="small" style={{ marginBottom: 8 }} data-testid="campaign-card">
          <Space wrap size={4}>
            <CampaignStateTag state={c.state} />
            <span className="kam-muted">{enumText("campaignProduct", c.productType)}</span>
          </Space>
          <div style={{ marginTop: 4, fontWeight: 500, fontSize: 16, wordBreak: "break-word" }}>
            <Link to={campaignPath(c)}>{c.displayName}</Link>
          </div>
          <Period campaign={c} />
          {c.state !== "STATE_DRAFT" ? <CampaignProgress ratio={c.progress?.targetRatio} /> : null}
          {c.state === "STATE_ACTIVE" && can(me, "campaign_activities.create") ? (
            <Button
              type="primary"
              size="large"
              block
              style={{ marginTop: 8 }}
              onClick={() => navigate(`${campaignPath(c)}/targets`)}
              data-testid="campaign-execute"
            >
              {t("campaigns.execute")}
            </Button>
          ) : null}
        </Card>
      )}
    />
  );
}

export default function CampaignListPage() {
  const { t, lang, enumText } = useI18n();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const [params, setParams] = useSearchParams();
  const raw = params.get("state") ?? "";
  const state = STATES.find((s) => s === raw);
  const pager = usePageTokens();
  const page = useCampaignPage(listFilter(state), pager.token);
  const campaigns = page.data?.campaigns ?? [];

  const pick = (next?: CampaignState) => {
    pager.reset();
    setParams(next ? { state: next } : {}, { replace: true });
  };

  const columns: ColumnsType<Campaign> = [
    { key: "name", title: t("campaigns.name"), render: (_, c) => <Link to={campaignPath(c)} data-testid="campaign-link">{c.displayName}</Link> },
    { key: "product", title: t("campaigns.product"), width: 90, render: (_, c) => enumText("campaignProduct", c.productType) },
    { key: "period", title: t("campaigns.period"), width: 210, render: (_, c) => <Period campaign={c} /> },
    { key: "state", title: t("campaigns.state"), width: 90, render: (_, c) => <CampaignStateTag state={c.state} /> },
    { key: "target", title: t("campaigns.target"), width: 170, align: "right", render: (_, c) => <TargetText campaign={c} compact /> },
    {
      key: "progress",
      title: t("campaigns.progress"),
      width: 180,
      render: (_, c) => (c.state === "STATE_DRAFT" ? <span className="kam-muted">{t("campaigns.notLaunched")}</span> : <CampaignProgress ratio={c.progress?.targetRatio} />),
    },
    { key: "creator", title: t("campaigns.creator"), width: 110, render: (_, c) => c.creatorDisplayName || resourceId(c.creator) },
    ...(can(me, "campaign_activities.create")
      ? [
          {
            key: "execute",
            title: "",
            width: 100,
            render: (_: unknown, c: Campaign) =>
              c.state === "STATE_ACTIVE" ? (
                <Link to={`${campaignPath(c)}/targets`} data-testid="campaign-execute">
                  {t("campaigns.execute")}
                </Link>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <div data-testid="campaigns-page">
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("campaigns.title")}
        </Typography.Title>
        {can(me, "campaigns.manage") ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/campaigns/new")} data-testid="campaign-new">
            {t("campaigns.new")}
          </Button>
        ) : null}
      </Space>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t("campaigns.state")}
          placeholder={t("campaigns.anyState")}
          allowClear
          style={{ width: 140 }}
          value={state}
          onChange={(v?: CampaignState) => pick(v)}
          options={STATES.map((s) => ({ value: s, label: enumText("campaignState", s) }))}
          data-testid="campaign-state-filter"
        />
      </Space>
      {page.error ? (
        <PageError error={page.error} onRetry={() => void page.refetch()} />
      ) : phone ? (
        <CampaignCards campaigns={campaigns} loading={page.isPending} />
      ) : (
        <Table<Campaign>
          rowKey={(c) => c.name ?? ""}
          size="small"
          loading={page.isPending}
          columns={columns}
          dataSource={campaigns}
          pagination={false}
          locale={{ emptyText: <NoData /> }}
          data-testid="campaign-table"
        />
      )}
      <Space style={{ marginTop: 8 }} wrap>
        <Typography.Text type="secondary" data-testid="campaigns-total">
          {t("common.total", { count: formatCount(page.data?.totalSize ?? 0, lang) })}
        </Typography.Text>
        <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
      </Space>
    </div>
  );
}
