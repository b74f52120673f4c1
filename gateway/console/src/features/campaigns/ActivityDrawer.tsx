// 记录 (营销明细) in a drawer — the whole screen on a phone, with big buttons for one thumb: how the customer was
// contacted (电话, 拜访, 短信/微信, 网点面谈), the outcome (已联系, 有意向, 拒绝, 成交), the product, the amount (成交
// only), notes and when (now by default; never in the future, nor before the campaign's first day). One request id
// per activity as composed, so sending it again after a lost answer records it once. The API's field violations
// show under their fields.
import { App, Button, DatePicker, Drawer, Form, Input, InputNumber, Radio, Space, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useRef } from "react";

import { useIsPhone } from "@/app/Shell";
import { clearServerErrors, showError } from "@/features/control/shared";
import { resourceId } from "@/lib/format";
import { useI18n } from "@/locales/i18n";

import { useRecordActivity } from "./api";
import { activityOf, type Campaign, type CampaignActivity, type CampaignTarget, CHANNELS, type Channel, dayOf, occurTimeProblem, type Outcome, OUTCOMES } from "./logic";

interface Values {
  channel: Channel;
  outcome: Outcome;
  product?: string;
  amount?: number | null;
  notes?: string;
  occurTime: Dayjs;
}

const big = { minHeight: 44, lineHeight: "42px", paddingInline: 14 } as const;

export function ActivityDrawer({
  campaign,
  target,
  onClose,
  onRecorded,
}: {
  campaign: Campaign;
  target: CampaignTarget | null;
  onClose: () => void;
  onRecorded: (target: CampaignTarget, activity: CampaignActivity) => void;
}) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const [form] = Form.useForm<Values>();
  const id = resourceId(campaign.name);
  const record = useRecordActivity(id);
  const openedAt = useRef(new Date());
  const requestIds = useRef(new Map<string, string>());
  const outcome = Form.useWatch("outcome", form);
  const open = target !== null;
  const start = dayOf(campaign.startDate);

  useEffect(() => {
    if (!open) return;
    openedAt.current = new Date();
    form.resetFields();
    form.setFieldsValue({ channel: "CHANNEL_CALL", outcome: "OUTCOME_CONTACTED", product: enumText("campaignProduct", campaign.productType), occurTime: dayjs(openedAt.current) });
  }, [open, target, form, campaign.productType, enumText]);

  const submit = (v: Values) => {
    if (!target?.customer) return;
    const activity = activityOf(target.customer, { ...v, occurTime: v.occurTime.toDate() }, openedAt.current);
    const key = JSON.stringify(activity);
    const requestId = requestIds.current.get(key) ?? crypto.randomUUID();
    requestIds.current.set(key, requestId);
    record.mutate(
      { activity, requestId },
      {
        onSuccess: (saved) => {
          void message.success(t("campaigns.recorded"));
          onRecorded(target, saved);
          onClose();
        },
        onError: (e) => showError(e, message, t, form, { prefix: "campaign_activity" }),
      },
    );
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t("campaigns.recordTitle", { name: target?.customerDisplayName || resourceId(target?.customer) })}
      size={phone ? "100%" : 520}
      forceRender
      extra={
        phone ? null : (
          <Space>
            <Button onClick={onClose}>{t("common.cancel")}</Button>
            <Button type="primary" loading={record.isPending} onClick={() => form.submit()} data-testid="activity-save">
              {t("common.save")}
            </Button>
          </Space>
        )
      }
      footer={
        phone ? (
          <Space style={{ width: "100%" }} orientation="vertical">
            <Button type="primary" size="large" block loading={record.isPending} onClick={() => form.submit()} data-testid="activity-save">
              {t("common.save")}
            </Button>
            <Button size="large" block onClick={onClose}>
              {t("common.cancel")}
            </Button>
          </Space>
        ) : null
      }
    >
      {campaign.script ? (
        <Typography.Paragraph type="secondary" ellipsis={{ rows: 3, expandable: true, symbol: t("campaigns.more") }} style={{ whiteSpace: "pre-wrap" }}>
          {t("campaigns.script")}：{campaign.script}
        </Typography.Paragraph>
      ) : null}
      <Form<Values> form={form} layout="vertical" onFinish={submit} onValuesChange={clearServerErrors(form)} data-testid="activity-form">
        <Form.Item name="channel" label={t("campaigns.channel")} rules={[{ required: true, message: t("campaigns.required") }]}>
          <Radio.Group optionType="button" buttonStyle="solid" data-testid="activity-channel">
            {CHANNELS.map((c) => (
              <Radio.Button key={c} value={c} style={big}>
                {enumText("campaignChannel", c)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="outcome" label={t("campaigns.outcome")} rules={[{ required: true, message: t("campaigns.required") }]}>
          <Radio.Group optionType="button" buttonStyle="solid" data-testid="activity-outcome-picker">
            {OUTCOMES.map((o) => (
              <Radio.Button key={o} value={o} style={big}>
                {enumText("campaignOutcome", o)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="product" label={t("campaigns.activityProduct")}>
          <Input maxLength={64} size="large" />
        </Form.Item>
        {outcome === "OUTCOME_CONVERTED" ? (
          <Form.Item name="amount" label={t("campaigns.amountYuan")} rules={[{ type: "number", min: 0, message: t("campaigns.positive") }]}>
            <InputNumber<number>
              min={0}
              precision={2}
              size="large"
              inputMode="decimal"
              style={{ width: "100%" }}
              formatter={(v) => (v === undefined || v === null || `${v}` === "" ? "" : Number(v).toLocaleString("en-US", { maximumFractionDigits: 2 }))}
              parser={(v) => Number((v ?? "").replace(/[^\d.]/g, ""))}
              suffix={t("campaigns.yuan")}
              data-testid="activity-amount"
            />
          </Form.Item>
        ) : null}
        <Form.Item name="notes" label={t("campaigns.notes")}>
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="activity-notes" />
        </Form.Item>
        <Form.Item
          name="occurTime"
          label={t("campaigns.occurTime")}
          rules={[
            {
              validator: async (_, v?: Dayjs | null) => {
                const problem = occurTimeProblem(v?.toDate(), new Date(Date.now() + 60_000), start);
                if (problem) throw new Error(t(`campaigns.occur_${problem}`));
              },
            },
          ]}
        >
          <DatePicker
            showTime={{ format: "HH:mm" }}
            format="YYYY-MM-DD HH:mm"
            allowClear={false}
            size="large"
            inputReadOnly={phone}
            style={{ width: "100%" }}
            disabledDate={(d) => d.isAfter(dayjs().endOf("day")) || (start ? d.isBefore(dayjs(start).startOf("day")) : false)}
          />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
