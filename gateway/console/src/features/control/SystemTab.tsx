// 系统状态: every service and the gateway (serving or not, version, start time, outbox backlog, unsealed audit
// records, its own facts such as the last scan) and every durable event consumer's lag, with a refresh button.
import { ReloadOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Space, Table, Tag, Typography } from "antd";

import { PageError, PageLoading } from "@/components/PageState";
import type { Schemas } from "@/lib/api/client";
import { formatCount, formatTime } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useSystemHealth } from "./api";
import { ServiceError, StateTag, useControlEnum } from "./shared";

type ServiceHealth = Schemas["kam.identity.v1.ServiceHealth"];
type ConsumerLag = Schemas["kam.identity.v1.ConsumerLag"];

const TIME_FACTS = new Set(["last_scan_time", "last_successful_scan_time"]);

/** A service's facts in words: known keys translated, states and modes through the enums, times formatted. */
function useFacts() {
  const { t, enumText } = useI18n();
  return (details: Record<string, string> | undefined): { key: string; label: string; value: string }[] =>
    Object.entries(details ?? {}).map(([key, value]) => {
      const labelKey = `control.system.fact.${key}`;
      const label = t(labelKey) === labelKey ? key : t(labelKey);
      let text = value;
      if (TIME_FACTS.has(key)) text = formatTime(value);
      else if (key === "last_scan_state") text = enumText("scanState", `STATE_${value}`);
      else if (key === "last_scan_mode") text = enumText("scanMode", `MODE_${value}`);
      return { key, label, value: text };
    });
}

export default function SystemTab() {
  const { t, lang } = useI18n();
  const ce = useControlEnum();
  const facts = useFacts();
  const health = useSystemHealth();
  if (health.isPending) return <PageLoading />;
  if (health.error) return <PageError error={health.error} onRetry={() => void health.refetch()} />;
  const h = health.data;
  const lag = (n: string | undefined) => <span className="kam-num" style={Number(n) > 0 ? { color: "#d46b08", fontWeight: 600 } : undefined}>{formatCount(n, lang)}</span>;
  return (
    <div data-testid="control-system">
      <Space wrap style={{ marginBottom: 12 }}>
        <Button icon={<ReloadOutlined />} onClick={() => void health.refetch()} loading={health.isFetching}>
          {t("control.refresh")}
        </Button>
        <span className="kam-muted">{t("control.system.checked", { time: formatTime(h.checkTime) })}</span>
      </Space>
      <Alert
        type={h.healthy ? "success" : "error"}
        showIcon
        title={t(h.healthy ? "control.system.healthy" : "control.system.unhealthy")}
        description={t(h.brokerConnected ? "control.system.brokerUp" : "control.system.brokerDown")}
        style={{ marginBottom: 12 }}
      />
      <Card size="small" title={t("control.system.services")} style={{ marginBottom: 12 }}>
        <Table<ServiceHealth>
          rowKey="service"
          size="small"
          pagination={false}
          dataSource={h.services ?? []}
          scroll={{ x: 960 }}
          columns={[
            { key: "service", title: t("control.system.service"), render: (_, s) => <Typography.Text strong>{s.service}</Typography.Text> },
            {
              key: "state",
              title: t("control.system.state"),
              render: (_, s) => <StateTag tone={s.state === "SERVING" ? "good" : "bad"}>{ce("serviceState", s.state)}</StateTag>,
            },
            { key: "version", title: t("control.system.version"), render: (_, s) => s.version },
            { key: "start", title: t("control.system.startTime"), render: (_, s) => <span className="kam-num">{formatTime(s.startTime)}</span> },
            {
              key: "outbox",
              title: t("control.system.outbox"),
              align: "right",
              render: (_, s) => (
                <>
                  {lag(s.outboxPending)}
                  {s.oldestPendingTime && <div className="kam-muted">{t("control.system.oldest", { time: formatTime(s.oldestPendingTime) })}</div>}
                </>
              ),
            },
            { key: "audit", title: t("control.system.auditUnsealed"), align: "right", render: (_, s) => lag(s.auditUnsealed) },
            {
              key: "facts",
              title: t("control.system.facts"),
              render: (_, s) => (
                <>
                  {facts(s.details).map((f) => (
                    <div key={f.key}>
                      <span className="kam-muted">{f.label}：</span>
                      {f.value}
                    </div>
                  ))}
                  {s.error && <ServiceError error={s.error} />}
                </>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={t("control.system.consumers")}>
        <Table<ConsumerLag>
          rowKey={(c) => `${c.stream}/${c.consumer}`}
          size="small"
          pagination={false}
          dataSource={h.consumers ?? []}
          columns={[
            { key: "stream", title: t("control.system.stream"), render: (_, c) => c.stream },
            { key: "consumer", title: t("control.system.consumer"), render: (_, c) => c.consumer },
            { key: "pending", title: t("control.system.pending"), align: "right", render: (_, c) => lag(c.pending) },
            { key: "ackPending", title: t("control.system.ackPending"), align: "right", render: (_, c) => lag(c.ackPending) },
            { key: "redelivered", title: t("control.system.redelivered"), align: "right", render: (_, c) => formatCount(c.redelivered, lang) },
            {
              key: "status",
              title: t("control.system.state"),
              render: (_, c) => (Number(c.pending) > 0 || Number(c.ackPending) > 0 ? <Tag color="orange">{t("control.system.lagging")}</Tag> : <Tag color="green">{t("control.system.caughtUp")}</Tag>),
            },
          ]}
        />
      </Card>
    </div>
  );
}
