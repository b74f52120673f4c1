// 新建 / 修改 / 查看 a recurring task (周期任务) in a drawer: what each task says (title, purpose, description,
// priority), when (frequency; the weekday for weekly, the day of the month for monthly and quarterly; the time of
// day; from a start date to an optional end date), how long each occurrence's tasks have (days + hours), and whom:
// named people and/or every relationship manager of an org unit, or one task per key customer of some tiers and
// branches to that customer's manager. The schedule reads back in words as it is set. A new one carries one
// request_id per request as composed; an edit sends only what changed with the etag read.
import { Alert, App, Button, DatePicker, Drawer, Form, Input, InputNumber, Radio, Select, Space, Switch, TimePicker } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useRef } from "react";

import { useIsPhone } from "@/app/Shell";
import { OneOrgUnitPicker } from "@/features/tasks/parts";
import { PRIORITIES } from "@/features/tasks/logic";
import { useI18n } from "@/locales/i18n";

import { useChangeRecurring } from "./api";
import {
  dateOf,
  DEFAULT_TIME,
  FREQUENCIES,
  newRecurringValues,
  outOfSubtreeFields,
  RECURRING_FIELDS,
  type RecurringTask,
  recurringOf,
  recurringUpdate,
  type RecurringValues,
  recurringValues,
  rangeText,
  requestKey,
  type Schedule,
  scheduleText,
  shortMonthsApply,
  timeOf,
  WEEKDAYS,
} from "./logic";
import { clearChangedErrors, showSaveError, SpanInput, useNames, useSpanRule } from "./parts";

type FormValues = Omit<RecurringValues, "timeOfDay" | "startDate" | "endDate"> & {
  timeOfDay?: Dayjs | null;
  startDate?: Dayjs | null;
  endDate?: Dayjs | null;
};

function toForm(v: RecurringValues): FormValues {
  return {
    ...v,
    timeOfDay: dayjs(`2000-01-01 ${v.timeOfDay || DEFAULT_TIME}`),
    startDate: v.startDate ? dayjs(v.startDate) : null,
    endDate: v.endDate ? dayjs(v.endDate) : null,
  };
}

function fromForm(v: FormValues): RecurringValues {
  return {
    ...v,
    timeOfDay: v.timeOfDay ? v.timeOfDay.format("HH:mm") : DEFAULT_TIME,
    startDate: v.startDate ? v.startDate.format("YYYY-MM-DD") : "",
    endDate: v.endDate ? v.endDate.format("YYYY-MM-DD") : undefined,
  };
}

export function RecurringDrawer({
  open,
  item,
  readOnly,
  onClose,
}: {
  open: boolean;
  /** The one shown (none: a new one). */
  item?: RecurringTask;
  readOnly?: boolean;
  onClose: () => void;
}) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const [form] = Form.useForm<FormValues>();
  const save = useChangeRecurring();
  const names = useNames();
  const spanRule = useSpanRule();
  const requestIds = useRef(new Map<string, string>());
  const frequency = Form.useWatch("frequency", form);
  const whom = Form.useWatch("whom", form);
  const watched = Form.useWatch([], form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(toForm(item ? recurringValues(item) : newRecurringValues(dayjs().format("YYYY-MM-DD"))));
  }, [open, item, form]);

  const done = (text: string) => {
    void message.success(t(text));
    onClose();
  };
  const failed = (values: RecurringValues) => (error: unknown) => {
    const stale = showSaveError(error, {
      message,
      t,
      form,
      prefix: "recurring_task",
      table: RECURRING_FIELDS,
      subtree: () => outOfSubtreeFields(values, error instanceof Error ? error.message : "", names),
    });
    if (stale) onClose();
  };

  const submit = (raw: FormValues) => {
    const values = fromForm(raw);
    if (item) {
      const update = recurringUpdate(item, values);
      if (!update.mask.length) return onClose();
      save.mutate({ action: "update", ...update }, { onSuccess: () => done("automation.saved"), onError: failed(values) });
      return;
    }
    const recurringTask = recurringOf(values);
    const key = requestKey(recurringTask);
    const requestId = requestIds.current.get(key) ?? crypto.randomUUID();
    requestIds.current.set(key, requestId);
    save.mutate({ action: "create", recurringTask, requestId }, { onSuccess: () => done("automation.created"), onError: failed(values) });
  };

  // the schedule in words as it is being set
  const monthDay = frequency === "FREQUENCY_MONTHLY" || frequency === "FREQUENCY_QUARTERLY";
  const shown: Schedule | undefined =
    watched?.frequency && (!monthDay || watched.dayOfMonth)
      ? {
          frequency: watched.frequency,
          dayOfWeek: watched.dayOfWeek,
          dayOfMonth: Number(watched.dayOfMonth) || 0,
          timeOfDay: timeOf(watched.timeOfDay?.format("HH:mm")),
          startDate: dateOf(watched.startDate?.format("YYYY-MM-DD")) ?? {},
          endDate: dateOf(watched.endDate?.format("YYYY-MM-DD")),
        }
      : undefined;
  const preview = shown ? [scheduleText(shown, t), rangeText(shown, t)].filter(Boolean).join(t("automation.partSep")) : "";
  const title = readOnly ? "automation.viewRecurring" : item ? "automation.editRecurring" : "automation.newRecurring";

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t(title)}
      size={phone ? "100%" : 600}
      forceRender
      extra={
        <Space>
          <Button onClick={onClose}>{t(readOnly ? "common.back" : "common.cancel")}</Button>
          {readOnly ? null : (
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="recurring-save">
              {t("common.save")}
            </Button>
          )}
        </Space>
      }
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        disabled={readOnly}
        onFinish={submit}
        onValuesChange={clearChangedErrors(form)}
        data-testid="recurring-form"
      >
        <Form.Item name="title" label={t("automation.taskTitle")} rules={[{ required: true, whitespace: true, message: t("automation.required") }]}>
          <Input maxLength={200} placeholder={t("automation.titlePlaceholder")} />
        </Form.Item>
        <Form.Item name="purpose" label={t("automation.purpose")}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item name="description" label={t("automation.description")}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
        <Form.Item name="priority" label={t("automation.priority")}>
          <Radio.Group optionType="button" options={PRIORITIES.map((p) => ({ value: p, label: enumText("taskPriority", p) }))} />
        </Form.Item>

        <Form.Item name="frequency" label={t("automation.frequency")} rules={[{ required: true, message: t("automation.required") }]}>
          <Radio.Group
            optionType="button"
            options={FREQUENCIES.map((f) => ({ value: f, label: enumText("frequency", f) }))}
            data-testid="recurring-frequency"
          />
        </Form.Item>
        <Space wrap align="start">
          {frequency === "FREQUENCY_WEEKLY" ? (
            <Form.Item name="dayOfWeek" label={t("automation.dayOfWeek")} rules={[{ required: true, message: t("automation.required") }]}>
              <Select
                style={{ width: 120 }}
                aria-label={t("automation.dayOfWeek")}
                options={WEEKDAYS.map((d) => ({ value: d, label: enumText("dayOfWeek", d) }))}
                data-testid="recurring-weekday"
              />
            </Form.Item>
          ) : null}
          {monthDay ? (
            <Form.Item
              name="dayOfMonth"
              label={t(frequency === "FREQUENCY_QUARTERLY" ? "automation.dayOfQuarter" : "automation.dayOfMonth")}
              rules={[{ required: true, message: t("automation.required") }]}
            >
              <InputNumber min={1} max={31} precision={0} style={{ width: 120 }} suffix={t("automation.daySuffix")} data-testid="recurring-month-day" />
            </Form.Item>
          ) : null}
          <Form.Item name="timeOfDay" label={t("automation.timeOfDay")}>
            <TimePicker format="HH:mm" minuteStep={5} allowClear={false} needConfirm={false} data-testid="recurring-time" />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          <Form.Item name="startDate" label={t("automation.startDate")} rules={[{ required: true, message: t("automation.required") }]}>
            <DatePicker allowClear={false} data-testid="recurring-start" />
          </Form.Item>
          <Form.Item
            name="endDate"
            label={t("automation.endDate")}
            dependencies={["startDate"]}
            rules={[
              ({ getFieldValue }) => ({
                validator: async (_, v?: Dayjs | null) => {
                  const start = getFieldValue("startDate") as Dayjs | null;
                  if (v && start && v.isBefore(start, "day")) throw new Error(t("automation.endBeforeStart"));
                },
              }),
            ]}
          >
            <DatePicker data-testid="recurring-end" />
          </Form.Item>
        </Space>
        {preview ? (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={t("automation.previewSchedule", { schedule: preview })}
            description={shortMonthsApply(shown) ? t("automation.shortMonthsHint") : undefined}
            data-testid="recurring-preview"
          />
        ) : null}
        <Form.Item name="dueAfter" label={t("automation.dueAfter")} extra={t("automation.dueAfterHint")} rules={[spanRule]}>
          <SpanInput testId="recurring-due-after" disabled={readOnly} />
        </Form.Item>

        <Form.Item name="whom" label={t("automation.whom")}>
          <Radio.Group
            optionType="button"
            options={(["named", "customers"] as const).map((w) => ({ value: w, label: t(`automation.whom_${w}`) }))}
            data-testid="recurring-whom"
          />
        </Form.Item>
        {whom === "customers" ? (
          <>
            <Form.Item name="tiers" label={t("automation.tiers")} extra={t("automation.segmentHint")}>
              <Select
                mode="multiple"
                allowClear
                aria-label={t("automation.tiers")}
                placeholder={t("automation.anyTier")}
                options={names.tierOptions}
                data-testid="recurring-tiers"
              />
            </Form.Item>
            <Form.Item name="segmentOrgUnit" label={t("automation.segmentOrgUnit")} extra={t("automation.segmentOrgUnitHint")}>
              <OneOrgUnitPicker label={t("automation.segmentOrgUnit")} placeholder={t("automation.ownUnit")} testId="recurring-segment-unit" />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item
              name="assignees"
              label={t("automation.people")}
              extra={t("automation.peopleHint")}
              dependencies={["assigneeOrgUnit"]}
              rules={[
                ({ getFieldValue }) => ({
                  validator: async (_, v?: string[]) => {
                    if (!v?.length && !getFieldValue("assigneeOrgUnit")) throw new Error(t("automation.pickWhom"));
                  },
                }),
              ]}
            >
              <Select
                mode="multiple"
                aria-label={t("automation.people")}
                options={names.userOptions}
                showSearch={{ optionFilterProp: "label" }}
                placeholder={t("automation.pickPeople")}
                loading={names.loadingUsers}
                data-testid="recurring-assignees"
              />
            </Form.Item>
            <Form.Item name="assigneeOrgUnit" label={t("automation.unitManagers")} extra={t("automation.unitManagersHint")}>
              <OneOrgUnitPicker label={t("automation.unitManagers")} placeholder={t("automation.pickOrgUnit")} testId="recurring-org-unit" />
            </Form.Item>
          </>
        )}
        <Form.Item name="enabled" label={t("automation.enabled")} valuePropName="checked" extra={item ? undefined : t("automation.enabledHint")}>
          <Switch data-testid="recurring-enabled" />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
