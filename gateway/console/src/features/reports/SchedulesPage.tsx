// 定时报表 (`/reports/schedules`, a tab of 报表中心): the caller's own scheduled reports (ListReportSchedules, by
// title) — title, kind, period, frequency in words (每周一 08:00), format, next and last run (YYYY-MM-DD HH:mm,
// China Standard Time), a link to the last report and the last run's error in red; 暂停 / 恢复 (`paused` with its
// mask and the etag read), 立即发送 (the report made, with a link to it), 编辑 (the same form as 定时发送) and 删除
// (after a confirmation, with the etag read); someone else's change meanwhile says 已被修改，请刷新 and the list is
// asked again. With none yet, what scheduled reports are and where to make one. A table on a desktop, cards on a
// phone. Changing them needs `reports.create` (the API's own rule); without it the page says why.
import { DeleteOutlined, EditOutlined, PauseCircleOutlined, PlayCircleOutlined, SendOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Empty, Popconfirm, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { ButtonProps } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { PageError } from "@/components/PageState";
import { Pager, usePageTokens } from "@/features/control/shared";
import { ApiError } from "@/lib/api/client";
import { formatCount, formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useChangeSchedule, useRunSchedule, useScheduleList } from "./api";
import { kindName, reportPath, reportTitle } from "./logic";
import { CENTER_PATH, CenterTabs, SCHEDULES_PATH, withLink } from "./parts";
import { ScheduleDrawer } from "./ScheduleDrawer";
import { describeCron, formatName, pauseUpdate, type ReportSchedule, schedulePeriodText } from "./scheduleLogic";

type Translate = (key: string, vars?: Record<string, string | number>) => string;

const scheduleTitle = (s: ReportSchedule, t: Translate) => s.displayName || kindName(s.kind, t);

/** An API error of a list action: someone else's change meanwhile (a stale etag) as 已被修改，请刷新. */
function errorText(error: unknown, t: Translate): string {
  if (error instanceof ApiError && (error.code === "ABORTED" || error.status === 409)) return t("reports.schedule.stale");
  return error instanceof Error ? error.message : String(error);
}

function NextRun({ schedule }: { schedule: ReportSchedule }) {
  const { t } = useI18n();
  if (schedule.paused)
    return (
      <Tag color="default" data-testid="schedule-paused">
        {t("reports.schedule.paused")}
      </Tag>
    );
  return schedule.nextRunTime ? (
    <span className="kam-num" data-testid="schedule-next">
      {formatTime(schedule.nextRunTime)}
    </span>
  ) : (
    <Typography.Text type="secondary">—</Typography.Text>
  );
}

function LastRun({ schedule }: { schedule: ReportSchedule }) {
  const { t } = useI18n();
  return (
    <div data-testid="schedule-last">
      {schedule.lastRunTime ? (
        <span className="kam-num">{formatTime(schedule.lastRunTime)}</span>
      ) : (
        <Typography.Text type="secondary">{t("reports.schedule.notYet")}</Typography.Text>
      )}
      {schedule.lastReport ? (
        <>
          {" "}
          <Link to={reportPath(resourceId(schedule.lastReport))} data-testid="schedule-last-report">
            {t("reports.schedule.lastReport")}
          </Link>
        </>
      ) : null}
      {schedule.lastError ? (
        <Typography.Text type="danger" style={{ display: "block", wordBreak: "break-word" }} data-testid="schedule-last-error">
          {t("reports.schedule.lastError", { message: schedule.lastError })}
        </Typography.Text>
      ) : null}
    </div>
  );
}

/** 暂停 / 恢复, 立即发送, 编辑, 删除 of one schedule. */
function ScheduleActions({ schedule, onEdit }: { schedule: ReportSchedule; onEdit: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const change = useChangeSchedule();
  const run = useRunSchedule();
  const failed = (error: unknown) => {
    const text = errorText(error, t);
    void (text === t("reports.schedule.stale") ? message.warning(text) : message.error(text));
  };
  const pause = () =>
    change.mutate(
      { action: "update", ...pauseUpdate(schedule, !schedule.paused) },
      { onSuccess: () => void message.success(t(schedule.paused ? "reports.schedule.resumed" : "reports.schedule.pausedDone")), onError: failed },
    );
  const runNow = () =>
    run.mutate(schedule, {
      onSuccess: (report) =>
        void message.success({
          content: withLink(t("reports.schedule.runDone", { name: reportTitle(report, t) || scheduleTitle(schedule, t) }), {
            label: t("reports.schedule.openReport"),
            to: reportPath(resourceId(report.name)),
            navigate,
            testId: "schedule-run-link",
          }),
        }),
      onError: failed,
    });
  const remove = () =>
    change
      .mutateAsync({ action: "delete", reportSchedule: schedule })
      .then(() => void message.success(t("reports.schedule.deleted")))
      .catch(failed);
  const pausing = change.isPending && change.variables?.action === "update";
  return (
    <Space size={0} wrap>
      <Button
        size="small"
        type="link"
        icon={schedule.paused ? <PlayCircleOutlined /> : <PauseCircleOutlined />}
        loading={pausing}
        onClick={pause}
        data-testid="schedule-pause"
      >
        {t(schedule.paused ? "reports.schedule.resume" : "reports.schedule.pause")}
      </Button>
      <Button size="small" type="link" icon={<SendOutlined />} loading={run.isPending} onClick={runNow} data-testid="schedule-run">
        {t("reports.schedule.run")}
      </Button>
      <Button size="small" type="link" icon={<EditOutlined />} onClick={onEdit} data-testid="schedule-edit">
        {t("reports.schedule.edit")}
      </Button>
      <Popconfirm
        title={t("reports.schedule.deleteConfirm", { name: scheduleTitle(schedule, t) })}
        okText={t("reports.schedule.delete")}
        okButtonProps={{ danger: true, "data-testid": "schedule-delete-confirm" } as ButtonProps}
        cancelText={t("common.cancel")}
        onConfirm={remove}
      >
        <Button
          size="small"
          type="link"
          danger
          icon={<DeleteOutlined />}
          loading={change.isPending && change.variables?.action === "delete"}
          data-testid="schedule-delete"
        >
          {t("reports.schedule.delete")}
        </Button>
      </Popconfirm>
    </Space>
  );
}

function Intro() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        <div style={{ maxWidth: 520, margin: "0 auto" }}>
          <Typography.Text strong>{t("reports.schedule.empty")}</Typography.Text>
          <Typography.Paragraph type="secondary" style={{ marginTop: 4 }}>
            {t("reports.schedule.emptyHint")}
          </Typography.Paragraph>
        </div>
      }
      data-testid="schedules-empty"
    >
      <Button type="primary" onClick={() => navigate(CENTER_PATH)} data-testid="schedules-to-center">
        {t("reports.schedule.toCenter")}
      </Button>
    </Empty>
  );
}

export default function SchedulesPage() {
  const { t, lang } = useI18n();
  const phone = useIsPhone();
  const { data: me } = useMe();
  const mayChange = can(me, "reports.create");
  const pager = usePageTokens();
  const page = useScheduleList(pager.token);
  const schedules = page.data?.reportSchedules ?? [];
  const [editing, setEditing] = useState<ReportSchedule | null>(null);
  const navigate = useNavigate();

  const actions = (s: ReportSchedule) => (mayChange ? <ScheduleActions schedule={s} onEdit={() => setEditing(s)} /> : null);
  const title = (s: ReportSchedule) => (
    <span style={{ fontWeight: 500, wordBreak: "break-word" }} data-testid="schedule-title">
      {scheduleTitle(s, t)}
    </span>
  );
  const frequency = (s: ReportSchedule) => <span data-testid="schedule-frequency-text">{describeCron(s.cron ?? "", t)}</span>;

  const columns: ColumnsType<ReportSchedule> = [
    { key: "title", title: t("reports.schedule.colTitle"), render: (_, s) => title(s) },
    { key: "kind", title: t("reports.schedule.colKind"), width: 120, render: (_, s) => kindName(s.kind, t) },
    { key: "period", title: t("reports.schedule.colPeriod"), width: 130, render: (_, s) => schedulePeriodText(s, t) },
    { key: "frequency", title: t("reports.schedule.colFrequency"), width: 120, render: (_, s) => frequency(s) },
    { key: "format", title: t("reports.schedule.colFormat"), width: 60, render: (_, s) => formatName(s.format, t) },
    { key: "next", title: t("reports.schedule.colNext"), width: 130, render: (_, s) => <NextRun schedule={s} /> },
    { key: "last", title: t("reports.schedule.colLast"), width: 190, render: (_, s) => <LastRun schedule={s} /> },
    ...(mayChange ? [{ key: "actions", title: t("reports.schedule.actions"), width: 180, render: (_: unknown, s: ReportSchedule) => actions(s) }] : []),
  ];

  const empty = !page.isPending && !page.error && !schedules.length;
  let list;
  if (page.error) list = <PageError error={page.error} onRetry={() => void page.refetch()} />;
  else if (empty) list = <Intro />;
  else if (phone)
    list = (
      <div className="kam-card-list" data-testid="schedule-cards">
        {schedules.map((s) => (
          <Card key={s.name} size="small" data-testid="schedule-card">
            <Space wrap size={4}>
              <span className="kam-muted">{kindName(s.kind, t)}</span>
              <Tag>{formatName(s.format, t)}</Tag>
            </Space>
            <div style={{ marginTop: 4, fontSize: 16 }}>{title(s)}</div>
            <div className="kam-muted">
              {frequency(s)} · {schedulePeriodText(s, t)}
            </div>
            <div style={{ marginTop: 4 }}>
              <span className="kam-muted">{t("reports.schedule.colNext")}：</span>
              <NextRun schedule={s} />
            </div>
            <div style={{ display: "flex", gap: 4 }}>
              <span className="kam-muted" style={{ whiteSpace: "nowrap" }}>
                {t("reports.schedule.colLast")}：
              </span>
              <LastRun schedule={s} />
            </div>
            {actions(s)}
          </Card>
        ))}
      </div>
    );
  else
    list = (
      <Table<ReportSchedule>
        rowKey={(s) => s.name ?? ""}
        size="small"
        loading={page.isPending}
        columns={columns}
        dataSource={schedules}
        pagination={false}
        scroll={{ x: 1100 }}
        data-testid="schedule-table"
      />
    );

  return (
    <div data-testid="schedules-page">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t("reports.title")}
      </Typography.Title>
      <CenterTabs active={SCHEDULES_PATH} />
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        {t("reports.schedule.intro")}
      </Typography.Paragraph>
      {mayChange ? null : <Alert type="info" showIcon title={t("reports.schedule.denied")} style={{ marginBottom: 12 }} data-testid="schedules-denied" />}
      <Card
        size="small"
        title={t("reports.schedule.title")}
        extra={
          mayChange && !empty ? (
            <Tooltip title={t("reports.schedule.newOneHint")}>
              <Button size="small" onClick={() => navigate(CENTER_PATH)} data-testid="schedules-new">
                {t("reports.schedule.newOne")}
              </Button>
            </Tooltip>
          ) : null
        }
        data-testid="schedules"
      >
        {list}
        {empty ? null : (
          <Space style={{ marginTop: 8 }} wrap>
            <Typography.Text type="secondary" data-testid="schedules-total">
              {t("common.total", { count: formatCount(page.data?.totalSize ?? schedules.length, lang) })}
            </Typography.Text>
            <Pager pager={pager} nextToken={page.data?.nextPageToken} loading={page.isFetching} />
          </Space>
        )}
      </Card>
      <ScheduleDrawer open={Boolean(editing)} schedule={editing ?? undefined} onClose={() => setEditing(null)} />
    </div>
  );
}
