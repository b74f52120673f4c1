// 定时发送 / 编辑定时报表 in a drawer (the whole screen on a phone): what it is (computed over the caller's own data
// scope, e-mailed to them as an attachment and shown in their messages), the report's kind and conditions (kept as
// the report had them), 标题, 统计期间 (固定期间 — the report's dates, editable — or one counted from each run's
// day: 昨日, 近7天, 上月, 本月至今, 上季度, 本年至今), 频率 (每天 / 每周 + weekday / 每月 + day, at HH:mm, or 高级: a raw
// 5-field cron), read back in words as it is set, and 格式 (Excel, CSV, PDF). The API's field violations show under
// their fields (`report_schedule.cron` under 频率), the others above the button. A new one carries one request id
// per body composed; an edit sends only what changed, with its mask and the etag read.
import { Alert, App, Button, Col, DatePicker, Descriptions, Drawer, Form, Input, InputNumber, Radio, Row, Segmented, Select, Space, TimePicker, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useRef, useState } from "react";
import { useNavigate } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { Field } from "@/components/ProblemField";
import { useTierNames } from "@/features/customers/api";
import { ApiError } from "@/lib/api/client";
import { problemsOf, type Problems, unplaced } from "@/lib/problems";
import { useI18n } from "@/locales/i18n";

import { useChangeSchedule } from "./api";
import { bankToday, type ExportFormat, kindName, parameterSummary, type Report, type ReportParameters } from "./logic";
import { SCHEDULES_PATH, useOrgUnitNames, withLink } from "./parts";
import {
  builderOf,
  type CronBuilder,
  cronOf,
  DEFAULT_TIME,
  describeCron,
  FIXED,
  FREQUENCIES,
  type Frequency,
  periodDates,
  periodName,
  type ReportSchedule,
  SCHEDULE_FORMATS,
  SCHEDULE_PERIODS,
  type SchedulePeriod,
  scheduleFromValues,
  scheduleProblems,
  scheduleUpdate,
  type ScheduleValues,
  scheduleValues,
  scheduleValuesFromReport,
  scheduleViolationPath,
  shortMonthsSkip,
  suggestedCron,
  WEEKDAYS,
  formatName,
} from "./scheduleLogic";

/** Every path the form shows a field for (the API's other violations go in the summary above the button). */
const FORM_PATHS = new Set(["displayName", "period", "parameters.startDate", "parameters.endDate", "cron", "format"]);

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

function merge(a: Problems, b: Problems): Problems {
  const out: Problems = { ...a };
  for (const [path, texts] of Object.entries(b)) out[path] = [...(out[path] ?? []), ...texts];
  return out;
}

/** 频率: the friendly builder, or the raw cron under 高级; the schedule in words under it. */
function CronInput({ value, onChange }: { value: CronBuilder; onChange: (next: CronBuilder) => void }) {
  const { t } = useI18n();
  const cron = cronOf(value);
  const pickFrequency = (frequency: Frequency) => {
    if (frequency === "custom") return onChange({ ...value, frequency, raw: cron });
    // back from 高级: the raw cron read as that frequency when it is one, the builder's fields otherwise
    const read = value.frequency === "custom" ? builderOf(value.raw) : undefined;
    onChange(read && read.frequency === frequency ? read : { ...value, ...(read && read.frequency !== "custom" ? { time: read.time } : {}), frequency });
  };
  return (
    <div data-testid="schedule-cron">
      <Segmented<Frequency>
        value={value.frequency}
        onChange={pickFrequency}
        options={FREQUENCIES.map((f) => ({ value: f, label: t(`reports.schedule.freq.${f}`) }))}
        data-testid="schedule-frequency"
      />
      {value.frequency === "custom" ? (
        <div style={{ marginTop: 8 }}>
          <Input
            aria-label={t("reports.schedule.raw")}
            placeholder="0 8 * * 1"
            value={value.raw}
            onChange={(e) => onChange({ ...value, raw: e.target.value })}
            style={{ fontFamily: "monospace" }}
            data-testid="schedule-raw-cron"
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("reports.schedule.rawHint")}
          </Typography.Text>
        </div>
      ) : (
        <Space wrap align="center" style={{ marginTop: 8 }}>
          {value.frequency === "weekly" ? (
            <Select<number>
              aria-label={t("reports.schedule.weekdayLabel")}
              style={{ width: 110 }}
              value={value.weekday}
              onChange={(weekday) => onChange({ ...value, weekday })}
              options={WEEKDAYS.map((d) => ({ value: d, label: t(`reports.schedule.weekday.${d}`) }))}
              data-testid="schedule-weekday"
            />
          ) : null}
          {value.frequency === "monthly" ? (
            <InputNumber
              aria-label={t("reports.schedule.dayOfMonth")}
              min={1}
              max={31}
              precision={0}
              style={{ width: 110 }}
              suffix={t("reports.schedule.daySuffix") || undefined}
              value={value.dayOfMonth}
              onChange={(n) => onChange({ ...value, dayOfMonth: typeof n === "number" ? n : 1 })}
              data-testid="schedule-month-day"
            />
          ) : null}
          <TimePicker
            aria-label={t("reports.schedule.time")}
            format="HH:mm"
            minuteStep={5}
            allowClear={false}
            needConfirm={false}
            value={dayjs(`2000-01-01 ${value.time || DEFAULT_TIME}`)}
            onChange={(d: Dayjs | null) => onChange({ ...value, time: d ? d.format("HH:mm") : DEFAULT_TIME })}
            style={{ width: 110 }}
            data-testid="schedule-time"
          />
        </Space>
      )}
      <div style={{ marginTop: 6 }} data-testid="schedule-cron-preview">
        <Typography.Text>{t("reports.schedule.preview", { schedule: describeCron(cron, t) })}</Typography.Text>{" "}
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="schedule-cron-code">
          {t("reports.schedule.cronCode", { cron })}
        </Typography.Text>
        {shortMonthsSkip(value) ? (
          <div>
            <Typography.Text type="warning" style={{ fontSize: 12 }}>
              {t("reports.schedule.shortMonths", { day: value.dayOfMonth })}
            </Typography.Text>
          </div>
        ) : null}
      </div>
    </div>
  );
}

function ScheduleForm({ source, schedule, onClose }: { source?: Report; schedule?: ReportSchedule; onClose: () => void }) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const phone = useIsPhone();
  const today = bankToday(new Date());
  const [values, setValues] = useState<ScheduleValues>(() =>
    schedule ? scheduleValues(schedule, today) : scheduleValuesFromReport(source ?? ({} as Report), today),
  );
  // a new schedule's frequency follows the period until the user sets one
  const [cronTouched, setCronTouched] = useState(Boolean(schedule));
  const [server, setServer] = useState<Problems>({});
  const save = useChangeSchedule();
  const requestIds = useRef(new Map<string, string>());
  const tiers = useTierNames();
  const orgUnitName = useOrgUnitNames(Boolean(values.parameters.orgUnits?.length));
  const local = scheduleProblems(values, t);
  const problems = merge(local, server);
  const hidden = unplaced(server, FORM_PATHS);

  const change = (next: Partial<ScheduleValues>) => {
    setValues((v) => ({ ...v, ...next }));
    setServer({});
  };
  const changePeriod = (period: SchedulePeriod) => change(cronTouched ? { period } : { period, cron: builderOf(suggestedCron(period)) });
  const changeCron = (cron: CronBuilder) => {
    setCronTouched(true);
    change({ cron });
  };

  // the report's conditions other than its period, as the report page lists them
  const conditions = parameterSummary({ kind: values.kind, parameters: values.parameters as ReportParameters }, {
    t,
    orgUnit: orgUnitName,
    tier: (name) => tiers.name(name),
    customerType: (type) => enumText("customerType", type),
  }).slice(1);

  const failed = (error: unknown) => {
    if (error instanceof ApiError && error.code === "ABORTED") {
      void message.warning(t("reports.schedule.stale"));
      onClose();
    } else if (error instanceof ApiError && error.violations.length) setServer(problemsOf(error.violations, scheduleViolationPath));
    else void message.error(t("reports.schedule.saveFailed", { message: errorMessage(error) }));
  };

  const submit = () => {
    if (Object.keys(local).length) return;
    if (schedule) {
      const update = scheduleUpdate(schedule, values);
      if (!update.mask.length) return onClose();
      save.mutate(
        { action: "update", ...update },
        {
          onSuccess: () => {
            void message.success(t("reports.schedule.saved"));
            onClose();
          },
          onError: failed,
        },
      );
      return;
    }
    const reportSchedule = scheduleFromValues(values);
    const key = JSON.stringify(reportSchedule);
    const requestId = requestIds.current.get(key) ?? crypto.randomUUID();
    requestIds.current.set(key, requestId);
    save.mutate(
      { action: "create", reportSchedule, requestId },
      {
        onSuccess: () => {
          void message.success({
            content: withLink(t("reports.schedule.created"), { label: t("reports.schedule.viewList"), to: SCHEDULES_PATH, navigate, testId: "schedule-created-link" }),
          });
          onClose();
        },
        onError: failed,
      },
    );
  };

  const relative = values.period !== FIXED ? periodDates(values.period, today) : undefined;
  const day = (value: string) => (value ? dayjs(value) : null);

  return (
    <Form layout="vertical" component="div" data-testid="schedule-form">
      <Alert type="info" showIcon title={t("reports.schedule.scopeHint")} style={{ marginBottom: 12 }} data-testid="schedule-scope-hint" />
      <Descriptions
        size="small"
        column={1}
        style={{ marginBottom: 12 }}
        items={[
          { key: "kind", label: t("reports.schedule.kind"), children: <span data-testid="schedule-kind">{kindName(values.kind, t)}</span> },
          ...conditions.map((c) => ({ key: c.label, label: c.label, children: c.text })),
        ]}
        data-testid="schedule-conditions"
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: -8, fontSize: 12 }}>
        {t("reports.schedule.conditionsHint")}
      </Typography.Paragraph>
      <Field path="displayName" problems={problems} label={t("reports.schedule.displayName")}>
        <Input
          aria-label={t("reports.schedule.displayName")}
          placeholder={kindName(values.kind, t)}
          maxLength={100}
          value={values.displayName}
          onChange={(e) => change({ displayName: e.target.value })}
          data-testid="schedule-title-input"
        />
      </Field>
      <Typography.Text type="secondary" style={{ display: "block", marginTop: -4, marginBottom: 8, fontSize: 12 }}>
        {t("reports.schedule.displayNameHint")}
      </Typography.Text>
      <Field path="period" problems={problems} label={t("reports.schedule.periodLabel")}>
        <Select<SchedulePeriod>
          aria-label={t("reports.schedule.periodLabel")}
          value={values.period}
          onChange={changePeriod}
          options={SCHEDULE_PERIODS.map((p) => ({ value: p, label: periodName(p, t) }))}
          data-testid="schedule-period"
        />
      </Field>
      <Typography.Text type="secondary" style={{ display: "block", marginTop: -4, marginBottom: 8, fontSize: 12 }} data-testid="schedule-period-hint">
        {relative ? t("reports.schedule.periodRelative", { dates: `${relative.start} ~ ${relative.end}` }) : t("reports.schedule.periodFixed")}
      </Typography.Text>
      {values.period === FIXED ? (
        <Row gutter={12}>
          <Col span={12}>
            <Field path="parameters.startDate" problems={problems} label={t("reports.schedule.start")}>
              <DatePicker
                aria-label={t("reports.schedule.start")}
                allowClear={false}
                style={{ width: "100%" }}
                value={day(values.start)}
                onChange={(d: Dayjs | null) => change({ start: d ? d.format("YYYY-MM-DD") : "" })}
                data-testid="schedule-start"
              />
            </Field>
          </Col>
          <Col span={12}>
            <Field path="parameters.endDate" problems={problems} label={t("reports.schedule.end")}>
              <DatePicker
                aria-label={t("reports.schedule.end")}
                allowClear={false}
                style={{ width: "100%" }}
                value={day(values.end)}
                onChange={(d: Dayjs | null) => change({ end: d ? d.format("YYYY-MM-DD") : "" })}
                data-testid="schedule-end"
              />
            </Field>
          </Col>
        </Row>
      ) : null}
      <Field path="cron" problems={problems} label={t("reports.schedule.frequency")}>
        <CronInput value={values.cron} onChange={changeCron} />
      </Field>
      <Field path="format" problems={problems} label={t("reports.schedule.format")}>
        <Radio.Group
          optionType="button"
          value={values.format}
          onChange={(e) => change({ format: e.target.value as ExportFormat })}
          options={SCHEDULE_FORMATS.map((f) => ({ value: f, label: formatName(f, t) }))}
          data-testid="schedule-format"
        />
      </Field>
      {hidden.length ? (
        <Alert
          type="error"
          showIcon
          style={{ margin: "8px 0 12px" }}
          title={t("reports.schedule.problem.summary")}
          description={hidden.join("；")}
          data-testid="schedule-form-problems"
        />
      ) : null}
      <Space wrap style={{ marginTop: 12, width: phone ? "100%" : undefined }} orientation={phone ? "vertical" : "horizontal"}>
        <Button type="primary" block={phone} size={phone ? "large" : "middle"} loading={save.isPending} onClick={submit} data-testid="schedule-save">
          {t(schedule ? "common.save" : "reports.schedule.create")}
        </Button>
        <Button block={phone} size={phone ? "large" : "middle"} onClick={onClose} data-testid="schedule-cancel">
          {t("common.cancel")}
        </Button>
      </Space>
    </Form>
  );
}

/** The drawer: a new schedule of `source` (a report), or `schedule` to edit. Its form starts afresh each time it
 * opens. */
export function ScheduleDrawer({ open, source, schedule, onClose }: { open: boolean; source?: Report; schedule?: ReportSchedule; onClose: () => void }) {
  const { t } = useI18n();
  const phone = useIsPhone();
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t(schedule ? "reports.schedule.editTitle" : "reports.schedule.newTitle")}
      size={phone ? "100%" : 560}
      destroyOnHidden
      data-testid="schedule-drawer"
    >
      {open ? <ScheduleForm key={schedule?.name ?? source?.name ?? "new"} source={source} schedule={schedule} onClose={onClose} /> : null}
    </Drawer>
  );
}
