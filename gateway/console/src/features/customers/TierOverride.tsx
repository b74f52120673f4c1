// 人工调整等级 on the 360's overview: the manual tier in force (tier, reason, who, until) with 撤销, and for users
// holding `tier_overrides.manage` (the permission CreateTierOverride and DeleteTierOverride require) the 调整等级
// dialog: a tier of the active rule set of the customer's type, a reason, an end date (default 90 days ahead,
// after today). Both refetch the customer, its tier and its history, so the header and the explanation follow.
import { EditOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, DatePicker, Descriptions, Form, Input, Popconfirm, Select, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";

import { FormModal } from "@/components/FormModal";
import { TierTag } from "@/components/TierTag";
import { ApiError, api, must, type Schemas } from "@/lib/api/client";
import { formatDay, formatTime, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { useCustomerTier, useTierNames } from "./api";
import { addDays, checkOverride, DEFAULT_DAYS, expireTime, overrideField, type OverrideField } from "./override";

type CustomerType = Schemas["kam.customer.v1.Customer"]["type"];
interface FormValues {
  tier?: string;
  reason?: string;
  expireDate?: Dayjs | null;
}

const PERMISSION = "tier_overrides.manage";
const today = () => formatDay(new Date().toISOString());

function useRefresh(id: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ["customers", `customers/${id}`] });
}

export function TierOverrideDialog({ id, customerType, open, onClose }: { id: string; customerType: CustomerType; open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const tiers = useTierNames();
  const refresh = useRefresh(id);
  const [form] = Form.useForm<FormValues>();
  const words: Record<string, (field: string) => string> = {
    required: (field) => t("auth.required", { field }),
    future: () => t("tiers.expireFuture"),
  };
  const labels: Record<OverrideField, string> = { tier: t("tiers.overrideTier"), reason: t("tiers.reason"), expireDate: t("tiers.expireTime") };
  const options = tiers.rules
    .filter((r) => r.tier && (!customerType || !r.customerType || r.customerType === customerType))
    .map((r) => ({ value: r.tier as string, label: tiers.name(r.tier) }));
  const create = useMutation({
    mutationFn: (v: { tier: string; reason: string; expireDate: string }) =>
      must(
        api.POST("/v1/customers/{customer}/tierOverrides", {
          params: { path: { customer: id } },
          body: { tier: v.tier, reason: v.reason.trim(), expireTime: expireTime(v.expireDate) },
        }),
      ),
    onSuccess: async () => {
      void message.success(t("tiers.overrideDone"));
      form.resetFields();
      onClose();
      await refresh();
    },
    onError: (error) => {
      const placed = error instanceof ApiError ? error.violations.filter((v) => overrideField(v)) : [];
      if (placed.length) form.setFields(placed.map((v) => ({ name: overrideField(v) as OverrideField, errors: [v.description] })));
      else void message.error(error instanceof Error ? error.message : String(error));
    },
  });
  const submit = (values: FormValues) => {
    const plain = { tier: values.tier, reason: values.reason, expireDate: values.expireDate?.format("YYYY-MM-DD") };
    const problems = checkOverride(plain, today());
    const fields = Object.entries(problems) as [OverrideField, string][];
    if (fields.length) {
      form.setFields(fields.map(([name, key]) => ({ name, errors: [words[key](labels[name])] })));
      return;
    }
    create.mutate(plain as { tier: string; reason: string; expireDate: string });
  };
  return (
    <FormModal open={open} title={t("tiers.overrideTitle")} form={form} busy={create.isPending} onClose={onClose}>
      <Form<FormValues>
        form={form}
        layout="vertical"
        name="tierOverride"
        initialValues={{ expireDate: dayjs(addDays(today(), DEFAULT_DAYS)) }}
        onFinish={submit}
        onValuesChange={(changed) => form.setFields(Object.keys(changed).map((name) => ({ name: name as OverrideField, errors: [] })))}
      >
        <Form.Item name="tier" label={labels.tier} required>
          <Select options={options} />
        </Form.Item>
        <Form.Item name="reason" label={labels.reason} required>
          <Input.TextArea rows={3} maxLength={500} placeholder={t("tiers.reasonPlaceholder")} />
        </Form.Item>
        <Form.Item name="expireDate" label={labels.expireDate} required>
          <DatePicker format="YYYY-MM-DD" style={{ width: "100%" }} disabledDate={(d) => d.format("YYYY-MM-DD") <= today()} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

/** The manual tier in force (if any) and, for those allowed, 调整等级 and 撤销. */
export function TierOverride({ id, customerType }: { id: string; customerType: CustomerType }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { data: me } = useMe();
  const tiers = useTierNames();
  const tier = useCustomerTier(id);
  const refresh = useRefresh(id);
  const [open, setOpen] = useState(false);
  const allowed = can(me, PERMISSION);
  const override = tier.data?.override;
  const remove = useMutation({
    mutationFn: (name: string) =>
      must(api.DELETE("/v1/customers/{customer}/tierOverrides/{tierOverride}", { params: { path: { customer: id, tierOverride: resourceId(name) } } })),
    onSuccess: async () => {
      void message.success(t("tiers.removed"));
      await refresh();
    },
    onError: (error) => void message.error(error instanceof Error ? error.message : String(error)),
  });
  if (!override?.name && !allowed) return null;
  return (
    <div data-testid="tier-override" style={{ marginBottom: 12 }}>
      {override?.name ? (
        <Alert
          type="warning"
          showIcon
          title={
            <Space wrap>
              {t("tiers.overrides")}
              <TierTag graded>{tiers.name(override.tier)}</TierTag>
            </Space>
          }
          description={
            <>
              <Descriptions size="small" column={{ xs: 1, md: 3 }}>
                <Descriptions.Item label={t("tiers.reason")}>{override.reason}</Descriptions.Item>
                <Descriptions.Item label={t("tiers.overrideBy")}>{resourceId(override.creator)}</Descriptions.Item>
                <Descriptions.Item label={t("tiers.expireTime")}>
                  <span className="kam-num">{formatDay(override.expireTime)}</span>
                </Descriptions.Item>
              </Descriptions>
              <span className="kam-muted">
                {t("tiers.overrideGraded", { tier: tiers.name(tier.data?.gradedTier) })} · {formatTime(override.createTime)}
              </span>
            </>
          }
          action={
            allowed && (
              <Popconfirm title={t("tiers.removeConfirm")} okText={t("common.confirm")} cancelText={t("common.cancel")} onConfirm={() => remove.mutateAsync(override.name ?? "").catch(() => undefined)}>
                <Button size="small" danger loading={remove.isPending}>
                  {t("tiers.removeOverride")}
                </Button>
              </Popconfirm>
            )
          }
        />
      ) : null}
      {allowed && (
        <>
          <Button icon={<EditOutlined />} onClick={() => setOpen(true)} style={{ marginTop: override?.name ? 8 : 0 }}>
            {t("tiers.override")}
          </Button>
          <TierOverrideDialog id={id} customerType={customerType} open={open} onClose={() => setOpen(false)} />
        </>
      )}
    </div>
  );
}
