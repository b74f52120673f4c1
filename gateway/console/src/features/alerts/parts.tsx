// Pieces the alert list and detail share: severity and state tags, and the dialog that asks what a state change
// needs (a time for snooze, a note for stop and resolve, an optional "silence the rule until" for stop).
import { DatePicker, Form, Input, Modal, Tag } from "antd";
import dayjs, { type Dayjs } from "dayjs";

import { useI18n } from "@/locales/i18n";

import type { AlertAction } from "./logic";
import { MAX_SILENCE_DAYS, SEVERITY_COLORS, silenceUntil } from "./logic";

export function SeverityTag({ severity }: { severity?: string }) {
  const { enumText } = useI18n();
  return (
    <Tag color={SEVERITY_COLORS[severity ?? ""]} data-testid="alert-severity">
      {enumText("alertSeverity", severity)}
    </Tag>
  );
}

const STATE_COLORS: Record<string, string> = {
  STATE_OPEN: "red",
  STATE_ACKNOWLEDGED: "blue",
  STATE_SNOOZED: "gold",
  STATE_STOPPED: "default",
  STATE_RESOLVED: "green",
};

export function StateTag({ state }: { state?: string }) {
  const { enumText } = useI18n();
  return (
    <Tag color={STATE_COLORS[state ?? ""]} data-testid="alert-state">
      {enumText("alertState", state)}
    </Tag>
  );
}

export interface ActionInput {
  note?: string;
  until?: string;
  silenceRuleUntil?: string;
}

/** Asks for what `action` needs and hands it over (acknowledge needs nothing and never opens this). */
export function ActionDialog({
  action,
  busy,
  onCancel,
  onDone,
}: {
  action: AlertAction | null;
  busy: boolean;
  onCancel: () => void;
  onDone: (input: ActionInput) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ note?: string; until?: Dayjs; silence?: Dayjs }>();
  const today = dayjs().startOf("day");
  return (
    <Modal
      open={action !== null}
      title={action ? t(`alerts.${action}`) : ""}
      okText={action ? t(`alerts.${action}`) : ""}
      confirmLoading={busy}
      destroyOnHidden
      onCancel={onCancel}
      onOk={() =>
        void form.validateFields().then((v) =>
          onDone({
            note: v.note?.trim(),
            until: v.until?.toISOString(),
            silenceRuleUntil: v.silence ? silenceUntil(v.silence.format("YYYY-MM-DD")) : undefined,
          }),
        )
      }
    >
      <Form form={form} layout="vertical" preserve={false}>
        {action === "snooze" ? (
          <Form.Item name="until" label={t("alerts.snoozeUntil")} rules={[
              { required: true, message: t("alerts.snoozeUntil") },
              {
                validator: (_, v?: Dayjs) =>
                  !v || (v.isAfter(dayjs()) && !v.isAfter(dayjs().add(30, "day")))
                    ? Promise.resolve()
                    : Promise.reject(new Error(t("alerts.snoozeFuture"))),
              },
            ]} initialValue={dayjs().add(1, "day").hour(9).minute(0).second(0)}>
            <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isBefore(today) || d.isAfter(today.add(30, "day"))} style={{ width: "100%" }} />
          </Form.Item>
        ) : null}
        {action === "stop" || action === "resolve" ? (
          <Form.Item name="note" label={t("alerts.note")} rules={[{ required: action === "resolve", whitespace: true, message: t("alerts.noteRequired") }]}>
            <Input.TextArea rows={3} maxLength={500} showCount data-testid="alert-note" />
          </Form.Item>
        ) : null}
        {action === "stop" ? (
          <Form.Item name="silence" label={t("alerts.silenceRule")}>
            <DatePicker format="YYYY-MM-DD" disabledDate={(d) => d.isBefore(today) || d.isAfter(today.add(MAX_SILENCE_DAYS, "day"))} style={{ width: "100%" }} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
