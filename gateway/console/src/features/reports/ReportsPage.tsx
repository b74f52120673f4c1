// 报表中心 (`/reports`): the catalogue of report kinds in four groups — 客户分析, 热点分析, 销售分析, 经营管理 —, each a
// card with a line saying what it shows and 生成报表 (to `/reports/new?kind=…`); and 我的报表 (ListReports, newest
// first, filtered by kind and state in the address): title, kind, period, state, requested; 打开, 重新生成 (the
// same kind and conditions) and 删除 (after a confirmation). Running reports needs `reports.create`: without it the
// buttons are disabled and the page says why. A table on a desktop, cards on a phone. 定时报表 is the other tab
// (SchedulesPage, /reports/schedules).
import { DeleteOutlined, FileAddOutlined, ReloadOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Col, Popconfirm, Row, Select, Space, Table, Tooltip, Typography } from "antd";
import type { ButtonProps } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError } from "@/components/PageState";
import { Pager, usePageTokens } from "@/features/control/shared";
import { formatCount, formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useCreateReport, useDeleteReport, useReportList } from "./api";
import {
  GROUPS,
  isKind,
  type Kind,
  kindFromParam,
  kindName,
  kindParam,
  KINDS,
  listFilter,
  periodText,
  type Report,
  reportTitle,
  type ReportState,
  STATES,
} from "./logic";
import { CENTER_PATH, CenterTabs, ReportStateTag } from "./parts";

const reportLink = (r: Report) => `/reports/${encodeURIComponent(resourceId(r.name))}`;

function Catalogue({ mayCreate }: { mayCreate: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <div data-testid="report-catalogue">
      {GROUPS.map(({ group, kinds }) => (
        <section key={group} style={{ marginBottom: 16 }}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t(`reports.groups.${group}`)}
          </Typography.Title>
          <Row gutter={[12, 12]}>
            {kinds.map((kind) => {
              const key = kindParam(kind);
              const button = (
                <Button
                  type="primary"
                  ghost
                  icon={<FileAddOutlined />}
                  disabled={!mayCreate}
                  onClick={() => navigate(`/reports/new?kind=${key}`)}
                  data-testid={`report-new-${key}`}
                >
                  {t("reports.create")}
                </Button>
              );
              return (
                <Col key={kind} xs={24} sm={12} xl={6}>
                  <Card size="small" style={{ height: "100%" }} data-testid={`report-kind-${key}`}>
                    <Typography.Text strong style={{ fontSize: 15 }}>
                      {t(`reports.kinds.${key}.name`)}
                    </Typography.Text>
                    <Typography.Paragraph type="secondary" style={{ margin: "4px 0 8px", minHeight: 44 }}>
                      {t(`reports.kinds.${key}.desc`)}
                    </Typography.Paragraph>
                    {mayCreate ? button : <Tooltip title={t("reports.createDenied")}>{button}</Tooltip>}
                  </Card>
                </Col>
              );
            })}
          </Row>
        </section>
      ))}
    </div>
  );
}

/** 打开 / 重新生成 / 删除 of one of my reports. */
function ReportActions({ report, mayCreate }: { report: Report; mayCreate: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const create = useCreateReport();
  const remove = useDeleteReport();
  const rerun = () =>
    create
      .mutateAsync({ kind: report.kind, displayName: report.displayName, parameters: report.parameters })
      .then((created) => navigate(`/reports/${encodeURIComponent(resourceId(created.name))}`))
      .catch((error: unknown) => void message.error(t("reports.createFailed", { message: error instanceof Error ? error.message : String(error) })));
  return (
    <Space size={4} wrap>
      <Button size="small" type="link" onClick={() => navigate(reportLink(report))} data-testid="report-open">
        {t("reports.open")}
      </Button>
      {mayCreate && isKind(report.kind) ? (
        <>
          <Button size="small" type="link" icon={<ReloadOutlined />} loading={create.isPending} onClick={() => void rerun()} data-testid="report-rerun">
            {t("reports.rerun")}
          </Button>
          <Popconfirm
            title={t("reports.deleteConfirm", { name: reportTitle(report, t) })}
            okText={t("reports.delete")}
            okButtonProps={{ danger: true, "data-testid": "report-delete-confirm" } as ButtonProps}
            cancelText={t("common.cancel")}
            onConfirm={() =>
              remove
                .mutateAsync(report.name ?? "")
                .then(() => void message.success(t("reports.deleted")))
                .catch((error: unknown) => void message.error(error instanceof Error ? error.message : String(error)))
            }
          >
            <Button size="small" type="link" danger icon={<DeleteOutlined />} loading={remove.isPending} data-testid="report-delete">
              {t("reports.delete")}
            </Button>
          </Popconfirm>
        </>
      ) : null}
    </Space>
  );
}

function MyReports({ mayCreate }: { mayCreate: boolean }) {
  const { t, lang } = useI18n();
  const phone = useIsPhone();
  const [params, setParams] = useSearchParams();
  const kind = kindFromParam(params.get("kind"));
  const state = STATES.find((s) => s === params.get("state"));
  const pager = usePageTokens();
  const page = useReportList(listFilter(kind, state), pager.token);
  const reports = page.data?.reports ?? [];

  const pick = (next: { kind?: Kind; state?: ReportState }) => {
    pager.reset();
    const out = new URLSearchParams();
    if (next.kind) out.set("kind", kindParam(next.kind));
    if (next.state) out.set("state", next.state);
    setParams(out, { replace: true });
  };

  const columns: ColumnsType<Report> = [
    {
      key: "title",
      title: t("reports.colTitle"),
      render: (_, r) => (
        <Link to={reportLink(r)} data-testid="report-link">
          {reportTitle(r, t)}
        </Link>
      ),
    },
    { key: "kind", title: t("reports.colKind"), width: 140, render: (_, r) => kindName(r.kind, t) },
    { key: "period", title: t("reports.period"), width: 210, render: (_, r) => periodText(r.parameters) },
    { key: "state", title: t("reports.colState"), width: 90, render: (_, r) => <ReportStateTag state={r.state} /> },
    { key: "created", title: t("reports.colCreated"), width: 150, render: (_, r) => formatTime(r.createTime) },
    { key: "actions", title: "", width: 240, render: (_, r) => <ReportActions report={r} mayCreate={mayCreate} /> },
  ];

  return (
    <Card size="small" title={t("reports.mine")} data-testid="my-reports">
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          aria-label={t("reports.colKind")}
          placeholder={t("reports.anyKind")}
          allowClear
          style={{ width: 170 }}
          value={kind}
          onChange={(v?: Kind) => pick({ kind: v, state })}
          options={KINDS.map((k) => ({ value: k, label: kindName(k, t) }))}
          data-testid="report-kind-filter"
        />
        <Select
          aria-label={t("reports.colState")}
          placeholder={t("reports.anyState")}
          allowClear
          style={{ width: 120 }}
          value={state}
          onChange={(v?: ReportState) => pick({ kind, state: v })}
          options={STATES.map((s) => ({ value: s, label: t(`reports.state.${s.replace("STATE_", "")}`) }))}
          data-testid="report-state-filter"
        />
      </Space>
      {page.error ? (
        <PageError error={page.error} onRetry={() => void page.refetch()} />
      ) : phone ? (
        <div className="kam-card-list" data-testid="report-cards">
          {!page.isPending && !reports.length ? <NoData /> : null}
          {reports.map((r) => (
            <Card key={r.name} size="small" data-testid="report-card">
              <Space wrap size={4}>
                <ReportStateTag state={r.state} />
                <span className="kam-muted">{kindName(r.kind, t)}</span>
              </Space>
              <div style={{ marginTop: 4, fontWeight: 500, fontSize: 16, wordBreak: "break-word" }}>
                <Link to={reportLink(r)}>{reportTitle(r, t)}</Link>
              </div>
              <div className="kam-muted">{periodText(r.parameters)}</div>
              <div className="kam-muted">{formatTime(r.createTime)}</div>
              <ReportActions report={r} mayCreate={mayCreate} />
            </Card>
          ))}
        </div>
      ) : (
        <Table<Report>
          rowKey={(r) => r.name ?? ""}
          size="small"
          loading={page.isPending}
          columns={columns}
          dataSource={reports}
          pagination={false}
          scroll={{ x: 900 }}
          locale={{ emptyText: <NoData /> }}
          data-testid="report-table"
        />
      )}
      <Space style={{ marginTop: 8 }} wrap>
        <Typography.Text type="secondary" data-testid="reports-total">
          {t("common.total", { count: formatCount(page.data?.totalSize ?? reports.length, lang) })}
        </Typography.Text>
        <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
      </Space>
    </Card>
  );
}

export default function ReportsPage() {
  const { t } = useI18n();
  const { data: me } = useMe();
  const mayCreate = can(me, "reports.create");
  return (
    <div data-testid="reports-page">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t("reports.title")}
      </Typography.Title>
      <CenterTabs active={CENTER_PATH} />
      {mayCreate ? null : <Alert type="info" showIcon title={t("reports.createDenied")} style={{ marginBottom: 12 }} data-testid="reports-denied" />}
      <Catalogue mayCreate={mayCreate} />
      <MyReports mayCreate={mayCreate} />
    </div>
  );
}
