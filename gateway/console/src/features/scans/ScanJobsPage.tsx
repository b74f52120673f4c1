// 扫描任务: scan jobs with live progress (rows/s), what was wrong with bad rows, and starting a full or incremental
// scan (scans.run).
import { PlayCircleOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Descriptions, Dropdown, Progress, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";

import { NoData, PageError } from "@/components/PageState";
import { api, must, type Schemas } from "@/lib/api/client";
import { formatCount, formatTime } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { isRunning, useScanJobs } from "./api";

type ScanJob = Schemas["kam.customer.v1.ScanJob"];

const STATE_COLOR: Record<string, string> = {
  STATE_SUCCEEDED: "green",
  STATE_FAILED: "red",
  STATE_RUNNING: "blue",
  STATE_PENDING: "default",
  STATE_CANCELLED: "orange",
};

function Issues({ job }: { job: ScanJob }) {
  const { t, lang } = useI18n();
  if (!job.issues?.length) return <NoData />;
  return (
    <Table
      size="small"
      rowKey={(issue) => `${issue.entity}.${issue.field}.${issue.problem}`}
      pagination={false}
      dataSource={job.issues}
      columns={[
        { key: "where", title: t("scans.issue"), render: (_, issue) => `${issue.entity}${issue.field ? `.${issue.field}` : ""}: ${issue.problem}` },
        { key: "count", title: t("scans.badRows"), align: "right", render: (_, issue) => formatCount(issue.count, lang) },
        { key: "examples", title: t("scans.examples"), render: (_, issue) => (issue.examples ?? []).join("；") },
      ]}
    />
  );
}

export default function ScanJobsPage() {
  const { t, lang, enumText } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const jobs = useScanJobs();
  const client = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: (mode: "MODE_FULL" | "MODE_INCREMENTAL") =>
      must(api.POST("/v1/scanJobs", { params: { query: { requestId: crypto.randomUUID() } }, body: { mode } })),
    onSuccess: async () => {
      void message.success(t("scans.started"));
      await client.invalidateQueries({ queryKey: ["scanJobs"] });
    },
    onError: (error) => void message.error(error instanceof Error ? error.message : String(error)),
  });
  if (jobs.error) return <PageError error={jobs.error} onRetry={() => void jobs.refetch()} />;
  const rows = jobs.data?.scanJobs ?? [];
  const running = rows.some((j) => isRunning(j.state));
  const chosen = rows.find((j) => j.name === open);

  return (
    <Card
      title={t("scans.jobs")}
      extra={
        can(me, "scans.run") && (
          <Dropdown
            disabled={running}
            menu={{
              items: [
                { key: "MODE_INCREMENTAL", label: t("scans.incremental") },
                { key: "MODE_FULL", label: t("scans.full") },
              ],
              onClick: ({ key }) => start.mutate(key as "MODE_FULL" | "MODE_INCREMENTAL"),
            }}
          >
            <Button type="primary" icon={<PlayCircleOutlined />} loading={start.isPending}>
              {t("scans.start")}
            </Button>
          </Dropdown>
        )
      }
    >
      <Table<ScanJob>
        rowKey="name"
        size="middle"
        loading={jobs.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: <NoData /> }}
        onRow={(j) => ({ onClick: () => setOpen(j.name ?? null), style: { cursor: "pointer" } })}
        columns={[
          { key: "time", title: t("scans.createTime"), render: (_, j) => formatTime(j.createTime) },
          { key: "mode", title: t("scans.mode"), render: (_, j) => enumText("scanMode", j.mode) },
          {
            key: "state",
            title: t("scans.state"),
            render: (_, j) => <Tag color={STATE_COLOR[j.state ?? ""]}>{enumText("scanState", j.state)}</Tag>,
          },
          {
            key: "progress",
            title: t("scans.progress"),
            width: 260,
            render: (_, j) => (
              <Space orientation="vertical" size={0} style={{ width: "100%" }}>
                <Progress percent={Math.round(j.progressPercent ?? 0)} size="small" status={isRunning(j.state) ? "active" : undefined} />
                {isRunning(j.state) && (
                  <span className="kam-muted">
                    {enumText("scanPhase", j.phase ?? "")} · {t("scans.rowsPerSecond", { rate: formatCount(Math.round(j.rowsPerSecond ?? 0), lang) })}
                  </span>
                )}
              </Space>
            ),
          },
          { key: "scanned", title: t("scans.scanned"), align: "right", render: (_, j) => formatCount(j.customersScanned, lang) },
          { key: "tiers", title: t("scans.tierChanges"), align: "right", render: (_, j) => formatCount(j.tierChanges, lang) },
          {
            key: "bad",
            title: t("scans.badRows"),
            align: "right",
            render: (_, j) => (Number(j.badRows ?? 0) ? <Tag color="red">{formatCount(j.badRows, lang)}</Tag> : "0"),
          },
        ]}
      />
      {chosen && (
        <Card size="small" style={{ marginTop: 16 }} title={formatTime(chosen.createTime)}>
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t("scans.endTime")}>{formatTime(chosen.endTime)}</Descriptions.Item>
            <Descriptions.Item label={t("scans.changed")}>{formatCount(chosen.customersChanged, lang)}</Descriptions.Item>
            <Descriptions.Item label={t("scans.badRows")}>{formatCount(chosen.badRows, lang)}</Descriptions.Item>
          </Descriptions>
          {chosen.errorMessage && <Typography.Paragraph type="danger">{chosen.errorMessage}</Typography.Paragraph>}
          <Issues job={chosen} />
        </Card>
      )}
    </Card>
  );
}
