// Pieces the 客户消息 pages and the 360 share: a delivery's state as a coloured tag, the template's variables as
// chips, a template rendered as a customer would read it, the template picker, and one delivery in a drawer.
import { App, Button, Card, Descriptions, Drawer, Form, Select, Space, Tag, Tooltip, Typography } from "antd";
import { Link } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { errorText } from "@/features/control/shared";
import { formatTime } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useRetryDelivery, useTemplates } from "./api";
import { canRetry, type Delivery, linkOf, renderParts, stateTone, VARIABLES } from "./logic";

/** The form's `template` field: the templates by name, purpose and channel. */
export function TemplateField({ enabled = true, testId }: { enabled?: boolean; testId: string }) {
  const { t, enumText } = useI18n();
  const templates = useTemplates(enabled);
  return (
    <Form.Item name="template" label={t("customerMessages.template")} rules={[{ required: true, message: t("customerMessages.required") }]}>
      <Select
        showSearch={{ optionFilterProp: "label" }}
        placeholder={t("customerMessages.pickTemplate")}
        loading={templates.isPending}
        options={(templates.data ?? []).map((x) => ({
          value: x.name,
          label: `${x.displayName} · ${enumText("templateCategory", x.category)} · ${enumText("noticeChannel", x.channel)}`,
        }))}
        data-testid={testId}
      />
    </Form.Item>
  );
}

export function DeliveryStateTag({ state }: { state?: string }) {
  const { enumText } = useI18n();
  return (
    <Tag color={stateTone(state)} data-testid="delivery-state">
      {enumText("deliveryState", state)}
    </Tag>
  );
}

/** The variables a template may use, as chips; a click hands the variable to `onPick`. */
export function VariableChips({ onPick, disabled }: { onPick: (variable: string) => void; disabled?: boolean }) {
  const { t } = useI18n();
  return (
    <div data-testid="variable-chips">
      <Typography.Text type="secondary">{t("customerMessages.variablesHint")}</Typography.Text>
      <div style={{ display: "flex", flexWrap: "wrap", gap: 6, marginTop: 6 }}>
        {VARIABLES.map((v) => (
          <Button key={v} size="small" disabled={disabled} onClick={() => onPick(v)} aria-label={`{{${v}}}`}>
            {`{{${v}}}`}
          </Button>
        ))}
      </div>
    </div>
  );
}

/** `text` with its variables filled from `values` (a filled one underlined, a missing one in red). */
export function Rendered({ text, values, testId }: { text?: string; values: Record<string, string | undefined>; testId?: string }) {
  const { t } = useI18n();
  return (
    <div style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }} data-testid={testId}>
      {renderParts(text, values).map((part, i) =>
        part.variable ? (
          <Tooltip key={i} title={part.missing ? `${part.variable}: ${t("customerMessages.missingValue")}` : part.variable}>
            <Typography.Text type={part.missing ? "danger" : undefined} underline={!part.missing}>
              {part.text}
            </Typography.Text>
          </Tooltip>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </div>
  );
}

/** A template's subject and text as a customer would read them. */
export function TemplatePreview({
  title,
  subject,
  body,
  values,
  testId,
}: {
  title: string;
  subject?: string;
  body?: string;
  values: Record<string, string | undefined>;
  testId?: string;
}) {
  return (
    <Card size="small" title={title} data-testid={testId}>
      {subject ? (
        <Typography.Paragraph strong style={{ marginBottom: 8 }}>
          <Rendered text={subject} values={values} />
        </Typography.Paragraph>
      ) : null}
      <Rendered text={body} values={values} testId={testId ? `${testId}-body` : undefined} />
    </Card>
  );
}

/** Where a recipient or trigger name leads (a customer's 360, an alert), or the name itself. */
export function NameLink({ name, label }: { name?: string; label?: string }) {
  const to = linkOf(name);
  const text = label || name || "";
  return to ? <Link to={to}>{text}</Link> : <span>{text}</span>;
}

export function RetryButton({ delivery, size }: { delivery: Delivery; size?: "small" | "middle" }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const retry = useRetryDelivery();
  if (!can(me, "deliveries.retry") || !canRetry(delivery)) return null;
  return (
    <Button
      size={size ?? "small"}
      loading={retry.isPending}
      onClick={(e) => {
        e.stopPropagation();
        retry.mutate(delivery.name!, {
          onSuccess: () => void message.success(t("customerMessages.retried")),
          onError: (error) => void message.error(errorText(error, t)),
        });
      }}
      data-testid="delivery-retry"
    >
      {t("customerMessages.retry")}
    </Button>
  );
}

export function DeliveryDrawer({ delivery, onClose }: { delivery: Delivery | null; onClose: () => void }) {
  const { t, enumText } = useI18n();
  const phone = useIsPhone();
  const d = delivery;
  return (
    <Drawer
      open={Boolean(d)}
      onClose={onClose}
      title={t("customerMessages.detail")}
      size={phone ? "100%" : 560}
      destroyOnHidden
      extra={d ? <RetryButton delivery={d} size="middle" /> : null}
    >
      {d ? (
        <Space orientation="vertical" style={{ width: "100%" }} data-testid="delivery-detail">
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t("customerMessages.state")}>
              <DeliveryStateTag state={d.state} />
            </Descriptions.Item>
            <Descriptions.Item label={t("customerMessages.recipient")}>
              <NameLink name={d.recipient} label={d.recipientDisplayName} />
            </Descriptions.Item>
            <Descriptions.Item label={t("customerMessages.channel")}>{enumText("noticeChannel", d.channel)}</Descriptions.Item>
            <Descriptions.Item label={t("customerMessages.address")}>{d.address}</Descriptions.Item>
            <Descriptions.Item label={t("customerMessages.attempts")}>{d.attemptCount ?? 0}</Descriptions.Item>
            {d.lastError || d.suppressReason ? (
              <Descriptions.Item label={t("customerMessages.error")}>
                <Typography.Text type={d.state === "STATE_FAILED" ? "danger" : "warning"}>{d.suppressReason || d.lastError}</Typography.Text>
              </Descriptions.Item>
            ) : null}
            {d.nextAttemptTime && d.state === "STATE_PENDING" ? (
              <Descriptions.Item label={t("customerMessages.nextAttempt")}>{formatTime(d.nextAttemptTime)}</Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t("customerMessages.createTime")}>{formatTime(d.createTime)}</Descriptions.Item>
            <Descriptions.Item label={t("customerMessages.updateTime")}>{formatTime(d.updateTime)}</Descriptions.Item>
            {d.trigger ? (
              <Descriptions.Item label={t("customerMessages.trigger")}>
                <NameLink name={d.trigger} />
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t("customerMessages.contentSource")}>{d.contentSource}</Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t("customerMessages.renderedBody")}>
            <div style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }} data-testid="delivery-body">
              {d.renderedBody}
            </div>
          </Card>
        </Space>
      ) : null}
    </Drawer>
  );
}
