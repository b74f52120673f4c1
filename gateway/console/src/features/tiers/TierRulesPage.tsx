// 分级规则: rule sets with their versions; the rules in words; the rules edited in a form (RuleSetEditor) with the
// API's validation messages beside the fields; 模拟 (simulation) with the per-tier counts and the migration matrix
// as a heat map; activation with confirmation (bound to the simulated draft's etag).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, Descriptions, List, Popconfirm, Row, Space, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";

import { type ChartOption, LazyChart as Chart } from "@/components/LazyChart";
import { NoData, PageError } from "@/components/PageState";
import { TierTag } from "@/components/TierTag";
import { useTierNames } from "@/features/customers/api";
import { ApiError, api, must, type Schemas } from "@/lib/api/client";
import { formatCount, formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { RuleSetEditor } from "./RuleSetEditor";
import { describeCondition, migrationMatrix } from "./rules";

type RuleSet = Schemas["kam.customer.v1.TierRuleSet"];
type Simulation = Schemas["kam.customer.v1.SimulateTierRuleSetResponse"];

function errorText(error: unknown): string {
  if (error instanceof ApiError && error.violations.length) {
    return error.violations.map((v) => `${v.field}: ${v.description}`).join("\n");
  }
  return error instanceof Error ? error.message : String(error);
}

function SimulationView({ result }: { result: Simulation }) {
  const { t, lang } = useI18n();
  const tiers = useTierNames();
  const matrix = useMemo(() => migrationMatrix(result.transitions ?? [], tiers.tiers), [result, tiers.tiers]);
  const labels = matrix.tiers.map((tier) => tiers.name(tier || undefined));
  const heat = useMemo<ChartOption>(
    () => ({
      tooltip: { position: "top" },
      grid: { left: 96, right: 16, top: 16, bottom: 64 },
      xAxis: { type: "category", data: labels, name: t("tiers.to"), nameLocation: "middle", nameGap: 36, splitArea: { show: true } },
      yAxis: { type: "category", data: labels, name: t("tiers.from"), inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: Math.max(1, matrix.max), calculable: true, orient: "horizontal", left: "center", bottom: 0, show: false },
      series: [{ type: "heatmap", data: matrix.cells, label: { show: true } }],
    }),
    [matrix, labels, t],
  );
  const counts = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: "axis" },
      grid: { left: 56, right: 16, top: 16, bottom: 32 },
      xAxis: { type: "category", data: (result.tierCounts ?? []).map((c) => tiers.name(c.tier || undefined)) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: (result.tierCounts ?? []).map((c) => Number(c.customerCount ?? 0)) }],
    }),
    [result, tiers],
  );
  return (
    <div data-testid="simulation">
      <Alert
        type="info"
        style={{ marginBottom: 12 }}
        title={t("tiers.evaluated", { count: formatCount(result.evaluatedCount, lang), changed: formatCount(result.changedCount, lang) })}
      />
      <Row gutter={12}>
        <Col xs={24} lg={10}>
          <Typography.Title level={5}>{t("tiers.countsTitle")}</Typography.Title>
          <Chart option={counts} label={t("tiers.countsTitle")} />
        </Col>
        <Col xs={24} lg={14}>
          <Typography.Title level={5}>{t("tiers.matrixTitle")}</Typography.Title>
          <Chart option={heat} label={t("tiers.matrixTitle")} height={320} />
        </Col>
      </Row>
    </div>
  );
}

function RuleSetDetail({ set, onChosen }: { set: RuleSet; onChosen: (name: string) => void }) {
  const { t, lang, enumText } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const client = useQueryClient();
  const tiers = useTierNames();
  const id = resourceId(set.name);
  const draft = set.state === "STATE_DRAFT";
  const manage = can(me, "tiers.manage");
  const [problem, setProblem] = useState<string | null>(null);
  const [simulatedEtag, setSimulatedEtag] = useState<string | null>(null);
  const words = {
    metric: (v?: string) => enumText("metric", v),
    operator: (v?: string) => enumText("operator", v),
    and: t("tiers.and"),
    or: t("tiers.or"),
  };
  const refresh = () => client.invalidateQueries({ queryKey: ["tierRuleSets"] });

  const simulate = useMutation({
    mutationFn: () => must(api.POST("/v1/tierRuleSets/{tierRuleSet}:simulate", { params: { path: { tierRuleSet: id } }, body: {} })),
    onSuccess: () => setSimulatedEtag(set.etag ?? null),
    onError: (error) => setProblem(errorText(error)),
  });
  const activate = useMutation({
    mutationFn: () =>
      must(api.POST("/v1/tierRuleSets/{tierRuleSet}:activate", { params: { path: { tierRuleSet: id } }, body: { name: set.name ?? "", etag: simulatedEtag ?? set.etag } })),
    onSuccess: async () => {
      void message.success(t("tiers.activated"));
      await refresh();
    },
    onError: (error) => setProblem(errorText(error)),
  });
  const copy = useMutation({
    mutationFn: () =>
      must(
        api.POST("/v1/tierRuleSets", {
          params: { query: { requestId: crypto.randomUUID() } },
          body: {
            displayName: set.displayName ?? "",
            customerType: set.customerType,
            rules: set.rules ?? [],
            downgradeAfterScans: set.downgradeAfterScans,
          },
        }),
      ),
    onSuccess: async (created) => {
      await refresh();
      if (created.name) onChosen(created.name);
    },
    onError: (error) => setProblem(errorText(error)),
  });

  return (
    <Card
      size="small"
      title={
        <Space>
          {set.displayName}
          <Tag color={set.state === "STATE_ACTIVE" ? "green" : undefined}>{enumText("ruleSetState", set.state)}</Tag>
        </Space>
      }
      extra={
        <Space wrap>
          <Button onClick={() => simulate.mutate()} loading={simulate.isPending}>
            {t("tiers.simulate")}
          </Button>
          {manage && !draft && <Button onClick={() => copy.mutate()} loading={copy.isPending}>{t("tiers.newDraft")}</Button>}
          {manage && draft && (
            <Popconfirm title={t("tiers.activateConfirm")} okText={t("common.confirm")} cancelText={t("common.cancel")} onConfirm={() => activate.mutate()}>
              <Button type="primary" loading={activate.isPending}>
                {t("tiers.activate")}
              </Button>
            </Popconfirm>
          )}
        </Space>
      }
    >
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={t("tiers.version")}>{set.version}</Descriptions.Item>
        <Descriptions.Item label={t("tiers.customerType")}>{enumText("customerType", set.customerType)}</Descriptions.Item>
        <Descriptions.Item label={t("tiers.activateTime")}>{formatTime(set.activateTime)}</Descriptions.Item>
      </Descriptions>
      {set.downgradeAfterScans ? <Typography.Paragraph type="secondary">{t("tiers.downgradeAfter", { count: set.downgradeAfterScans })}</Typography.Paragraph> : null}
      <Table
        size="small"
        rowKey={(r) => r.tier ?? ""}
        pagination={false}
        dataSource={set.rules ?? []}
        columns={[
          { key: "tier", title: t("tiers.tier"), width: 120, render: (_, r) => <TierTag graded>{(lang === "en-US" ? r.tierDisplayNameEn : r.tierDisplayName) || tiers.name(r.tier)}</TierTag> },
          {
            key: "condition",
            title: t("tiers.condition"),
            render: (_, r) => describeCondition(r.condition ?? { match: "MATCH_ALL", conditions: r.conditions }, words, lang),
          },
        ]}
      />
      {problem && <Alert type="error" showIcon style={{ marginTop: 12, whiteSpace: "pre-wrap" }} title={problem} role="alert" />}
      {simulate.data && (
        <div style={{ marginTop: 16 }}>
          <SimulationView result={simulate.data} />
        </div>
      )}
      {manage && <RuleSetEditor set={set} onCreated={onChosen} />}
    </Card>
  );
}

export default function TierRulesPage() {
  const { t, enumText } = useI18n();
  const sets = useQuery({
    queryKey: ["tierRuleSets", "all"],
    queryFn: () => must(api.GET("/v1/tierRuleSets", { params: { query: { pageSize: 100 } } })),
  });
  const [chosen, setChosen] = useState<string | null>(null);
  if (sets.error) return <PageError error={sets.error} onRetry={() => void sets.refetch()} />;
  const rows = sets.data?.tierRuleSets ?? [];
  const current = rows.find((s) => s.name === chosen);
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} lg={8}>
        <Card size="small" title={t("tiers.ruleSets")}>
          <List<RuleSet>
            loading={sets.isPending}
            dataSource={rows}
            locale={{ emptyText: <NoData /> }}
            renderItem={(s) => (
              <List.Item
                key={s.name}
                onClick={() => setChosen(s.name ?? null)}
                style={{ cursor: "pointer", background: s.name === chosen ? "#f0f5ff" : undefined, paddingInline: 8 }}
                data-testid="rule-set"
              >
                <List.Item.Meta
                  title={s.displayName}
                  description={`${enumText("customerType", s.customerType)} · ${t("tiers.version")} ${s.version ?? ""}`}
                />
                <Tag color={s.state === "STATE_ACTIVE" ? "green" : undefined}>{enumText("ruleSetState", s.state)}</Tag>
              </List.Item>
            )}
          />
        </Card>
      </Col>
      <Col xs={24} lg={16}>
        {current ? <RuleSetDetail key={`${current.name}-${current.etag}`} set={current} onChosen={setChosen} /> : <Card size="small"><NoData /><Typography.Paragraph type="secondary" style={{ textAlign: "center" }}>{t("tiers.pick")}</Typography.Paragraph></Card>}
      </Col>
    </Row>
  );
}
