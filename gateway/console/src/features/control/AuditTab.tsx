// 审计日志: the central audit trail (every service's change and view records), searched by service, actor, action,
// resource, kind and time; each record opens to its before/after values and hash chain. Verify checks every
// service's chain; export writes what the filter selects as CSV or Excel (the API's file, at most 100,000 records).
import { DownloadOutlined, SafetyCertificateOutlined, SearchOutlined } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { Alert, App, AutoComplete, Button, Card, DatePicker, Descriptions, Form, Input, Select, Space, Table, Tag, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";

import { NoData, PageError } from "@/components/PageState";
import { api, must } from "@/lib/api/client";
import { formatCount, formatTime } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { type AuditQuery, type AuditRecord, auditParams, useAuditRecords } from "./api";
import { base64Blob } from "./logic";
import { Pager, saveBlob, showError, useControlEnum, usePageTokens } from "./shared";

const KINDS = ["KIND_CHANGE", "KIND_VIEW"] as const;
const KNOWN_SERVICES = ["identity", "customer", "alert", "task", "notice", "report"];

interface FilterValues {
  service?: string;
  actor?: string;
  action?: string;
  resource?: string;
  kind?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function toQuery(v: FilterValues): AuditQuery {
  return {
    service: v.service?.trim() || undefined,
    actor: v.actor,
    action: v.action,
    resource: v.resource,
    kind: v.kind,
    startTime: v.range?.[0]?.toISOString(),
    endTime: v.range?.[1]?.toISOString(),
  };
}

const json = (value: unknown) => (value && Object.keys(value as object).length ? JSON.stringify(value, null, 2) : "");

function RecordDetails({ r }: { r: AuditRecord }) {
  const { t } = useI18n();
  const block = (label: string, value: unknown) =>
    json(value) ? (
      <div style={{ flex: 1, minWidth: 240 }}>
        <Typography.Text strong>{label}</Typography.Text>
        <pre style={{ whiteSpace: "pre-wrap", wordBreak: "break-all", maxHeight: 240, overflow: "auto", background: "#fafafa", padding: 8, margin: 0 }}>{json(value)}</pre>
      </div>
    ) : null;
  return (
    <>
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          { key: "id", label: t("control.audit.recordId"), children: r.recordId },
          { key: "request", label: t("control.audit.requestId"), children: r.requestId },
          { key: "trace", label: t("control.audit.traceId"), children: r.traceId },
          { key: "address", label: t("control.audit.address"), children: r.address },
          { key: "client", label: t("control.audit.client"), children: r.client },
          { key: "roles", label: t("control.audit.actorRoles"), children: (r.actorRoles ?? []).join(", ") },
          { key: "org", label: t("control.audit.actorOrgUnit"), children: r.actorOrgUnit },
          { key: "hash", label: t("control.audit.hash"), children: <Typography.Text code copyable>{r.hash}</Typography.Text> },
          { key: "prev", label: t("control.audit.prevHash"), children: <Typography.Text code>{r.prevHash}</Typography.Text> },
        ]}
      />
      <div style={{ display: "flex", gap: 12, flexWrap: "wrap", marginTop: 8 }}>
        {block(t("control.audit.before"), r.before)}
        {block(t("control.audit.after"), r.after)}
        {block(t("control.audit.details"), r.details)}
      </div>
    </>
  );
}

function VerifyResult({ chains }: { chains: NonNullable<Awaited<ReturnType<typeof verifyChains>>["chains"]> }) {
  const { t, lang } = useI18n();
  const intact = chains.every((c) => c.intact);
  return (
    <Card size="small" style={{ marginBottom: 12 }} data-testid="audit-verify">
      <Alert type={intact ? "success" : "error"} showIcon title={t(intact ? "control.audit.intact" : "control.audit.broken")} style={{ marginBottom: 8 }} />
      <Table
        rowKey="service"
        size="small"
        pagination={false}
        dataSource={chains}
        columns={[
          { key: "service", title: t("control.audit.service"), render: (_, c) => c.service },
          { key: "records", title: t("control.audit.records"), align: "right", render: (_, c) => formatCount(c.records, lang) },
          { key: "last", title: t("control.audit.lastSequence"), align: "right", render: (_, c) => formatCount(c.lastSequence, lang) },
          {
            key: "intact",
            title: t("control.audit.chain"),
            render: (_, c) => <Tag color={c.intact ? "green" : "red"}>{t(c.intact ? "control.audit.chainIntact" : "control.audit.chainBroken")}</Tag>,
          },
          {
            key: "problem",
            title: t("control.audit.problem"),
            render: (_, c) => (c.intact ? null : t("control.audit.brokenAt", { sequence: c.brokenSequence ?? "", problem: c.problem ?? "" })),
          },
        ]}
      />
    </Card>
  );
}

const verifyChains = () => must(api.GET("/v1/auditRecords:verify"));

export default function AuditTab() {
  const { t, lang } = useI18n();
  const ce = useControlEnum();
  const { message } = App.useApp();
  const [form] = Form.useForm<FilterValues>();
  const [query, setQuery] = useState<AuditQuery>({});
  const pager = usePageTokens();
  const records = useAuditRecords(query, pager.token);
  const verify = useMutation({ mutationFn: verifyChains, onError: (error) => showError(error, message, t) });
  const exporter = useMutation({
    mutationFn: (format: "FORMAT_CSV" | "FORMAT_XLSX") => must(api.GET("/v1/auditRecords:export", { params: { query: { ...auditParams(query), format } } })),
    onSuccess: (file) => {
      saveBlob(file.filename || "audit", base64Blob(file.content ?? "", file.contentType ?? ""));
      void message.success(t("control.audit.exported", { count: formatCount(file.recordCount, lang) }));
    },
    onError: (error) => showError(error, message, t),
  });
  const search = (v: FilterValues) => {
    setQuery(toQuery(v));
    pager.reset();
  };
  const services = [...new Set([...KNOWN_SERVICES, ...(verify.data?.chains ?? []).map((c) => c.service ?? "")].filter(Boolean))];
  const list = records.data?.auditRecords ?? [];

  return (
    <div data-testid="control-audit">
      <Form<FilterValues> form={form} name="auditFilter" layout="inline" onFinish={search} style={{ rowGap: 8, marginBottom: 12 }}>
        <Form.Item name="service" label={t("control.audit.service")}>
          <AutoComplete allowClear style={{ width: 120 }} options={services.map((s) => ({ value: s }))} />
        </Form.Item>
        <Form.Item name="actor" label={t("control.audit.actor")}>
          <Input allowClear placeholder={t("control.audit.actorHint")} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="action" label={t("control.audit.action")}>
          <Input allowClear placeholder="customers.update" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="resource" label={t("control.audit.resource")}>
          <Input allowClear placeholder="customers/…" style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="kind" label={t("control.audit.kind")}>
          <Select allowClear style={{ width: 100 }} options={KINDS.map((k) => ({ value: k, label: ce("auditKind", k) }))} />
        </Form.Item>
        <Form.Item name="range" label={t("control.audit.time")}>
          <DatePicker.RangePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item>
          <Space wrap>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              {t("control.audit.search")}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                search({});
              }}
            >
              {t("common.reset")}
            </Button>
            <Button icon={<SafetyCertificateOutlined />} loading={verify.isPending} onClick={() => verify.mutate()}>
              {t("control.audit.verify")}
            </Button>
            <Button icon={<DownloadOutlined />} loading={exporter.isPending && exporter.variables === "FORMAT_CSV"} onClick={() => exporter.mutate("FORMAT_CSV")}>
              {t("control.audit.exportCsv")}
            </Button>
            <Button icon={<DownloadOutlined />} loading={exporter.isPending && exporter.variables === "FORMAT_XLSX"} onClick={() => exporter.mutate("FORMAT_XLSX")}>
              {t("control.audit.exportXlsx")}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {verify.data && <VerifyResult chains={verify.data.chains ?? []} />}
      {records.error ? (
        <PageError error={records.error} onRetry={() => void records.refetch()} />
      ) : (
        <Table<AuditRecord>
          rowKey={(r) => `${r.service}-${r.sequence}-${r.recordId}`}
          size="small"
          loading={records.isFetching}
          dataSource={list}
          pagination={false}
          scroll={{ x: 1000, y: 600 }}
          locale={{ emptyText: <NoData /> }}
          expandable={{ expandedRowRender: (r) => <RecordDetails r={r} /> }}
          columns={[
            { key: "time", title: t("control.audit.time"), width: 150, render: (_, r) => <span className="kam-num">{formatTime(r.occurTime)}</span> },
            { key: "service", title: t("control.audit.service"), render: (_, r) => r.service },
            { key: "sequence", title: t("control.audit.sequence"), align: "right", render: (_, r) => r.sequence },
            {
              key: "actor",
              title: t("control.audit.actor"),
              render: (_, r) => (
                <>
                  <div>{r.actorDisplayName || ce("actorKind", r.actorKind)}</div>
                  <span className="kam-muted">{r.actor}</span>
                </>
              ),
            },
            { key: "action", title: t("control.audit.action"), render: (_, r) => <Typography.Text code>{r.action}</Typography.Text> },
            { key: "resource", title: t("control.audit.resource"), render: (_, r) => r.resource },
            { key: "kind", title: t("control.audit.kind"), render: (_, r) => <Tag color={r.kind === "KIND_VIEW" ? "blue" : "gold"}>{ce("auditKind", r.kind)}</Tag> },
          ]}
          footer={() => (
            <Space style={{ justifyContent: "space-between", width: "100%" }}>
              <Typography.Text type="secondary">{t("common.total", { count: formatCount(records.data?.totalSize ?? list.length, lang) })}</Typography.Text>
              <Pager pager={pager} nextToken={records.data?.nextPageToken} loading={records.isFetching} />
            </Space>
          )}
        />
      )}
    </div>
  );
}
