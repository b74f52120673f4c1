// 新建营销计划 / 修改 (`/campaigns/new`, `/campaigns/:id/edit`): name, description, the script (话术), the product,
// the measure with its target (an amount in CNY with thousands separators, or a count), the period, the executing
// units (the org tree), the segment (tiers, customer types, branches, assets from / below, products held / not
// held), the hold-out share and optional per-unit quotas (with every unit given one, they must sum to the target).
// A new plan may start from a list of customers handed over by another page (openCampaignBuilderWith, handoff.ts:
// a data-mining report's rows): shown in the segment as the removable tag 「指定客户 n 位（来自 …）」 and sent as
// `segment.customers` — the other conditions and the executing units still bound it.
// Beside it a LIVE target count: PreviewCampaignTargets, 400 ms after the last change of the units, segment or
// hold-out — how many customers, how many would be held out, how many per unit, and a sample (names as the server
// masks them). 保存草稿 creates (one request id per plan as composed) or updates (the etag read, every field); 启动
// saves, asks with the count, and launches with the saved etag. A launched campaign's page edits only what may still
// change (name, description, script, end date, target, quotas). The API's field violations show under their fields.
import { ArrowLeftOutlined, RocketOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Checkbox, Col, DatePicker, Form, Input, InputNumber, List, Radio, Row, Select, Space, Spin, Statistic, Tag, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useMemo, useRef, useState } from "react";
import { useLocation, useNavigate, useParams } from "react-router-dom";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError, PageLoading } from "@/components/PageState";
import { TierTag } from "@/components/TierTag";
import { OrgUnitPicker } from "@/features/control/OrgUnitPicker";
import { errorText } from "@/features/control/shared";
import { useTierNames } from "@/features/customers/api";
import { ApiError } from "@/lib/api/client";
import { formatCount, formatMoney, resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { campaignQuery, changeState, usePreview, useSaveCampaign, useCampaign } from "./api";
import { handoffOf, MAX_SEGMENT_CUSTOMERS } from "./handoff";
import {
  bankToday,
  type Campaign,
  campaignOf,
  checkQuotas,
  CUSTOMER_TYPES,
  type CustomerType,
  editable,
  MAX_HOLDOUT,
  type Measure,
  MEASURES,
  type PlanField,
  planKey,
  type PlanValues,
  type Preview,
  previewRequestOf,
  PRODUCT_TYPES,
  type ProductType,
  quotasOf,
  updateOf,
  valuesOf,
} from "./logic";
import { showPlanError, useMeasureText, useUnitNames } from "./parts";

interface FormValues {
  displayName: string;
  description?: string;
  script?: string;
  productType?: ProductType;
  measure: Measure;
  targetAmount?: number | null;
  targetCount?: number | null;
  period?: [Dayjs, Dayjs] | null;
  orgUnits: string[];
  tiers?: string[];
  customerTypes?: CustomerType[];
  branches?: string[];
  minAum?: number | null;
  maxAum?: number | null;
  holds?: ProductType[];
  lacks?: ProductType[];
  customers?: string[];
  holdoutPercent?: number | null;
  quotas?: Record<string, number | null | undefined>;
}

const DAY = "YYYY-MM-DD";
/** How long the plan must rest before the live count asks again. */
export const PREVIEW_DELAY_MS = 400;

function planOf(v: Partial<FormValues>, managers?: string[]): PlanValues {
  const [start, end] = v.period ?? [];
  return {
    ...v,
    displayName: v.displayName ?? "",
    measure: v.measure ?? "MEASURE_AMOUNT",
    orgUnits: v.orgUnits ?? [],
    startDate: start ? start.format(DAY) : undefined,
    endDate: end ? end.format(DAY) : undefined,
    relationshipManagers: managers,
  };
}

function formOf(p: PlanValues): FormValues {
  const { startDate, endDate, relationshipManagers: _, ...rest } = p;
  return { ...rest, period: startDate && endDate ? [dayjs(startDate), dayjs(endDate)] : null };
}

/** The value after it has not changed for `delay` ms (compared as a string). */
function useSettled<T>(value: T, delay: number): T {
  const key = JSON.stringify(value ?? null);
  const [settled, setSettled] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(key), delay);
    return () => clearTimeout(timer);
  }, [key, delay]);
  return useMemo(() => JSON.parse(settled) as T, [settled]);
}

/** The fields a change touched (a unit's quota by its path; the quotas' sum with any quota or the target), so the
 * server's error on them goes. */
function changedFields(changed: Partial<FormValues>): (string | string[])[] {
  const out: (string | string[])[] = [];
  for (const [name, value] of Object.entries(changed)) {
    if (name === "quotas" && value && typeof value === "object") out.push(...Object.keys(value).map((unit) => ["quotas", unit]), "quotaSum");
    else out.push(name);
    if (name === "targetAmount" || name === "targetCount") out.push("quotaSum");
  }
  return out;
}

/** CNY in an input: thousands separators shown, digits kept. */
const yuan = {
  formatter: (v: number | string | undefined) => (v === undefined || v === null || `${v}` === "" ? "" : Number(v).toLocaleString("en-US", { maximumFractionDigits: 2 })),
  parser: (v: string | undefined) => Number((v ?? "").replace(/[^\d.]/g, "")),
};

function PreviewPanel({ preview, units, pending }: { preview: ReturnType<typeof usePreview>; units: string[]; pending: boolean }) {
  const { t, lang } = useI18n();
  const tiers = useTierNames();
  const unitNames = useUnitNames();
  const data: Preview | undefined = preview.data;
  if (!units.length) return <Typography.Text type="secondary">{t("campaigns.previewPickUnits")}</Typography.Text>;
  if (preview.error) {
    const words = preview.error instanceof ApiError && preview.error.violations.length ? preview.error.violations.map((v) => v.description).join("；") : errorText(preview.error, t);
    return <Alert type="warning" showIcon title={t("campaigns.previewFailed")} description={words} data-testid="preview-error" />;
  }
  if (!data) return <Spin />;
  const count = Number(data.targetCustomerCount ?? 0);
  const held = Number(data.holdoutCustomerCount ?? 0);
  return (
    <div data-testid="preview" aria-busy={pending || preview.isFetching}>
      <Row gutter={12}>
        <Col span={12}>
          <Statistic title={t("campaigns.previewCount")} value={formatCount(count, lang)} suffix={t("campaigns.households")} data-testid="preview-count" />
        </Col>
        <Col span={12}>
          <Statistic title={t("campaigns.previewHoldout")} value={formatCount(held, lang)} suffix={t("campaigns.households")} data-testid="preview-holdout" />
        </Col>
      </Row>
      <Typography.Text type="secondary" style={{ display: "block", margin: "4px 0 8px" }}>
        {pending || preview.isFetching ? t("campaigns.previewUpdating") : t("campaigns.previewWorked", { count: formatCount(count - held, lang) })}
      </Typography.Text>
      <Typography.Text strong>{t("campaigns.previewUnits")}</Typography.Text>
      <List
        size="small"
        dataSource={data.units ?? []}
        renderItem={(u) => (
          <List.Item key={u.assignee} data-testid="preview-unit" extra={<span className="kam-num">{formatCount(u.targetCustomerCount ?? 0, lang)}</span>}>
            {u.displayName || unitNames(u.assignee)}
          </List.Item>
        )}
      />
      <Typography.Text strong style={{ display: "block", marginTop: 8 }}>
        {t("campaigns.previewSample")}
      </Typography.Text>
      <List
        size="small"
        dataSource={data.sample ?? []}
        locale={{ emptyText: <NoData /> }}
        renderItem={(s) => (
          <List.Item key={s.customer} data-testid="preview-sample" extra={<span className="kam-num">{formatMoney(s.aum, lang)}</span>}>
            <Space size={4} wrap>
              <span>{s.customerDisplayName || resourceId(s.customer)}</span>
              {s.tier ? <TierTag graded>{tiers.name(s.tier)}</TierTag> : null}
              <span className="kam-muted">{unitNames(s.branch)}</span>
            </Space>
          </List.Item>
        )}
      />
    </div>
  );
}

/** The customers the segment names, as one removable tag: 「指定客户 n 位（来自 流失风险预警）」 (closing it takes any
 * customer again). */
function CustomerListTag({ value, onChange, source, disabled }: { value?: string[]; onChange?: (v: string[]) => void; source?: string; disabled?: boolean }) {
  const { t, lang } = useI18n();
  if (!value?.length) return null;
  const count = formatCount(value.length, lang);
  return (
    <Tag
      color="geekblue"
      closable={!disabled}
      onClose={(e) => {
        e.preventDefault();
        onChange?.([]);
      }}
      data-testid="campaign-customer-list"
    >
      {source ? t("campaigns.customerListTagFrom", { count, source }) : t("campaigns.customerListTag", { count })}
    </Tag>
  );
}

/** The units' quotas against the target, under the quotas (the API's `campaign.quotas` violation shows here). */
function QuotaSum({ values }: { values: PlanValues }) {
  const { t } = useI18n();
  const text = useMeasureText();
  const check = checkQuotas(values);
  const measure = values.measure ?? "MEASURE_AMOUNT";
  if (!check.units) return null;
  return (
    <Typography.Text type={check.problem ? "danger" : "secondary"} data-testid="quota-sum">
      {t("campaigns.quotaSum", { sum: text(measure, check.sum), target: text(measure, check.target), given: check.given, units: check.units })}
      {check.given < check.units ? ` ${t("campaigns.quotaRestShared")}` : ""}
    </Typography.Text>
  );
}

export default function CampaignBuilderPage() {
  const { id = "" } = useParams();
  const { t, enumText, lang } = useI18n();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const handoff = useMemo(() => handoffOf(location.state), [location.state]);
  const client = useQueryClient();
  const phone = useIsPhone();
  const { data: me } = useMe();
  const [form] = Form.useForm<FormValues>();
  const loaded = useRef<string | null>(null);
  const stored = useCampaign(id);
  const campaign = id ? stored.data : undefined;
  const save = useSaveCampaign();
  const [launching, setLaunching] = useState(false);
  const tiers = useTierNames();
  const unitName = useUnitNames();
  const measureText = useMeasureText();
  const requestIds = useRef(new Map<string, string>());
  const watched = Form.useWatch([], form) as Partial<FormValues> | undefined;
  const managers = campaign?.segment?.relationshipManagers;
  const plan = planOf(watched ?? {}, managers);
  const request = previewRequestOf(plan, campaign?.name);
  const settled = useSettled(request, PREVIEW_DELAY_MS);
  const preview = usePreview(campaign && campaign.state !== "STATE_DRAFT" ? null : settled);
  const pending = JSON.stringify(request) !== JSON.stringify(settled);
  const state = campaign?.state;
  const may = (field: PlanField) => editable(state, field);
  const measure = plan.measure;
  const units = [...new Set(plan.orgUnits)];

  useEffect(() => {
    if (id || loaded.current !== null) return;
    loaded.current = "new";
    const today = dayjs(bankToday(new Date()));
    form.setFieldsValue({ measure: "MEASURE_AMOUNT", productType: "TYPE_WEALTH", holdoutPercent: 10, orgUnits: [], period: [today, today.add(30, "day")] });
    // a list handed over from another page (a data-mining report): the segment's customers, maybe a name
    if (handoff?.segment.customers.length) form.setFieldsValue({ customers: handoff.segment.customers, ...(handoff.segment.lacks ? { lacks: handoff.segment.lacks } : {}) });
    if (handoff?.name) form.setFieldsValue({ displayName: handoff.name });
  }, [id, form, handoff]);
  useEffect(() => {
    if (!campaign || loaded.current !== null) return;
    loaded.current = campaign.etag ?? "";
    form.resetFields();
    form.setFieldsValue(formOf(valuesOf(campaign)));
  }, [campaign, form]);

  if (id && stored.isPending) return <PageLoading />;
  if (id && stored.error) return <PageError error={stored.error} onRetry={() => void stored.refetch()} />;
  if (!can(me, "campaigns.manage") || (campaign && state !== "STATE_DRAFT" && state !== "STATE_ACTIVE")) return <NoData />;

  const values = (): PlanValues => planOf(form.getFieldsValue(true) as FormValues, managers);

  /** A stale etag: the campaign as it is now, in the form, and why nothing was saved. */
  const reload = () => {
    void message.warning(t("campaigns.stale"));
    loaded.current = null;
    void client.invalidateQueries({ queryKey: campaignQuery(id).queryKey });
  };

  /** Saves the plan (CreateCampaign or UpdateCampaign); the campaign as stored, or undefined after an error shown. */
  const store = async (): Promise<Campaign | undefined> => {
    const v = values();
    let quotaUnits = quotasOf(v).units;
    try {
      if (!campaign) {
        const body = campaignOf(v);
        const key = planKey(body);
        const requestId = requestIds.current.get(key) ?? crypto.randomUUID();
        requestIds.current.set(key, requestId);
        return await save.mutateAsync({ kind: "create", campaign: body, requestId });
      }
      const update = updateOf(campaign, v);
      quotaUnits = update.quotaUnits;
      if (!update.mask.length) return campaign;
      return await save.mutateAsync({ kind: "update", campaign: update.campaign, mask: update.mask });
    } catch (error) {
      if (error instanceof ApiError && error.code === "ABORTED") reload();
      else showPlanError(error, message, t, form, quotaUnits);
      return undefined;
    }
  };

  const saveDraft = async () => {
    await form.validateFields();
    const saved = await store();
    if (!saved) return;
    void message.success(t(state === "STATE_ACTIVE" ? "campaigns.savedActive" : "campaigns.savedDraft"));
    loaded.current = saved.etag ?? "";
    if (!campaign || state === "STATE_ACTIVE")
      navigate(state === "STATE_ACTIVE" ? `/campaigns/${resourceId(saved.name)}` : `/campaigns/${resourceId(saved.name)}/edit`, {
        replace: true,
        // the list's source stays on its tag
        state: handoff?.source ? { source: handoff.source } : undefined,
      });
  };

  const launch = async () => {
    await form.validateFields();
    const count = preview.data ? Number(preview.data.targetCustomerCount ?? 0) : undefined;
    const held = preview.data ? Number(preview.data.holdoutCustomerCount ?? 0) : 0;
    modal.confirm({
      title: t("campaigns.launchTitle", { name: form.getFieldValue("displayName") }),
      content: (
        <span data-testid="launch-confirm">
          {count === undefined
            ? t("campaigns.launchUnknown")
            : t("campaigns.launchConfirm", { count: formatCount(count, lang), holdout: formatCount(held, lang), worked: formatCount(count - held, lang) })}
        </span>
      ),
      okText: t("campaigns.action_launch"),
      cancelText: t("common.cancel"),
      onOk: async () => {
        setLaunching(true);
        try {
          const saved = await store();
          if (!saved) return;
          try {
            const launched = await changeState(saved, "launch");
            client.setQueryData(campaignQuery(resourceId(launched.name)).queryKey, launched);
            void client.invalidateQueries({ queryKey: ["campaigns"] });
            void client.invalidateQueries({ queryKey: ["tasks"] });
            void message.success(t("campaigns.done_launch"));
            navigate(`/campaigns/${resourceId(launched.name)}`, { replace: true });
          } catch (error) {
            // (the launch's quota violations index the quotas as distributed — units and managers — not as sent:
            // they show under the quotas' sum)
            if (error instanceof ApiError && error.code === "ABORTED") reload();
            else showPlanError(error, message, t, form, []);
            // the draft is saved: stay on it
            if (!campaign) navigate(`/campaigns/${resourceId(saved.name)}/edit`, { replace: true, state: handoff?.source ? { source: handoff.source } : undefined });
          }
        } finally {
          setLaunching(false);
        }
      },
    });
  };

  const productOptions = PRODUCT_TYPES.map((p) => ({ value: p, label: enumText("campaignProduct", p) }));
  const unitOf = (m: Measure) => (m === "MEASURE_AMOUNT" ? t("campaigns.yuan") : t(`campaigns.unitShort_${m}`));
  const count = preview.data ? Number(preview.data.targetCustomerCount ?? 0) : undefined;
  const quotaDeps = ["measure", "targetAmount", "targetCount", "orgUnits", ...units.map((u) => ["quotas", u])];

  return (
    <div data-testid="campaign-builder">
      <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(campaign ? `/campaigns/${id}` : "/campaigns")} style={{ marginBottom: 8 }}>
        {t("common.back")}
      </Button>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {campaign ? t("campaigns.editTitle", { name: campaign.displayName }) : t("campaigns.new")}
      </Typography.Title>
      {state === "STATE_ACTIVE" ? <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t("campaigns.activeEditHint")} /> : null}
      <Form<FormValues>
        form={form}
        layout="vertical"
        onValuesChange={(changed: Partial<FormValues>) => form.setFields(changedFields(changed).map((name) => ({ name, errors: [] })) as never)}
        data-testid="campaign-form"
      >
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={15}>
            <Card size="small" title={t("campaigns.sectionBasics")}>
              <Form.Item name="displayName" label={t("campaigns.name")} rules={[{ required: true, whitespace: true, message: t("campaigns.required") }]}>
                <Input maxLength={200} placeholder={t("campaigns.namePlaceholder")} disabled={!may("displayName")} />
              </Form.Item>
              <Form.Item name="description" label={t("campaigns.description")}>
                <Input.TextArea rows={2} maxLength={5000} disabled={!may("description")} />
              </Form.Item>
              <Form.Item name="script" label={t("campaigns.script")} extra={t("campaigns.scriptHint")}>
                <Input.TextArea rows={4} maxLength={5000} showCount disabled={!may("script")} />
              </Form.Item>
            </Card>
            <Card size="small" title={t("campaigns.sectionTarget")} style={{ marginTop: 12 }}>
              <Form.Item name="productType" label={t("campaigns.product")} rules={[{ required: true, message: t("campaigns.required") }]}>
                <Radio.Group optionType="button" options={productOptions} disabled={!may("productType")} data-testid="campaign-product" />
              </Form.Item>
              <Form.Item name="measure" label={t("campaigns.measure")}>
                <Radio.Group
                  optionType="button"
                  options={MEASURES.map((m) => ({ value: m, label: enumText("campaignMeasure", m) }))}
                  disabled={!may("measure")}
                  data-testid="campaign-measure"
                />
              </Form.Item>
              {measure === "MEASURE_AMOUNT" ? (
                <Form.Item
                  name="targetAmount"
                  label={t("campaigns.targetAmount")}
                  rules={[{ required: true, message: t("campaigns.required") }, { type: "number", min: 0.01, message: t("campaigns.positive") }]}
                >
                  <InputNumber<number> {...yuan} min={0} precision={2} style={{ width: "100%", maxWidth: 320 }} suffix={t("campaigns.yuan")} disabled={!may("targetAmount")} />
                </Form.Item>
              ) : (
                <Form.Item
                  name="targetCount"
                  label={t(`campaigns.targetCount_${measure}`)}
                  rules={[{ required: true, message: t("campaigns.required") }, { type: "number", min: 1, message: t("campaigns.positive") }]}
                >
                  <InputNumber<number> {...yuan} min={0} precision={0} style={{ width: "100%", maxWidth: 320 }} suffix={unitOf(measure)} disabled={!may("targetCount")} />
                </Form.Item>
              )}
              <Form.Item name="period" label={t("campaigns.period")} rules={[{ required: true, message: t("campaigns.required") }]}>
                <DatePicker.RangePicker
                  format={DAY}
                  allowClear={false}
                  disabled={[!may("startDate"), !may("endDate")]}
                  style={{ width: "100%", maxWidth: 320 }}
                  data-testid="campaign-period"
                />
              </Form.Item>
            </Card>
            <Card
              size="small"
              title={t("campaigns.sectionSegment")}
              style={{ marginTop: 12 }}
              extra={
                count !== undefined && !preview.error ? (
                  <Tag color="blue" data-testid="preview-count-inline">
                    {t("campaigns.previewInline", { count: formatCount(count, lang) })}
                  </Tag>
                ) : null
              }
            >
              <Form.Item name="orgUnits" label={t("campaigns.orgUnits")} rules={[{ required: true, type: "array", min: 1, message: t("campaigns.pickUnits") }]} extra={t("campaigns.orgUnitsHint")}>
                <OrgUnitPicker label={t("campaigns.orgUnits")} placeholder={t("campaigns.pickUnits")} testId="campaign-org-units" disabled={!may("orgUnits")} />
              </Form.Item>
              <Form.Item
                name="customers"
                label={t("campaigns.customerList")}
                extra={t("campaigns.customerListHint")}
                hidden={!plan.customers?.length}
                rules={[
                  {
                    validator: async (_, v?: string[]) => {
                      if ((v?.length ?? 0) > MAX_SEGMENT_CUSTOMERS) throw new Error(t("campaigns.customerListTooMany", { max: formatCount(MAX_SEGMENT_CUSTOMERS, lang) }));
                    },
                  },
                ]}
              >
                <CustomerListTag source={handoff?.source} disabled={!may("segment")} />
              </Form.Item>
              <Form.Item name="tiers" label={t("campaigns.tiers")}>
                <Select
                  mode="multiple"
                  allowClear
                  aria-label={t("campaigns.tiers")}
                  placeholder={t("campaigns.anyTier")}
                  options={tiers.tiers.map((tier) => ({ value: tier, label: tiers.name(tier) }))}
                  disabled={!may("segment")}
                  data-testid="campaign-tiers"
                />
              </Form.Item>
              <Form.Item name="customerTypes" label={t("campaigns.customerTypes")}>
                <Checkbox.Group options={CUSTOMER_TYPES.map((c) => ({ value: c, label: enumText("customerType", c) }))} disabled={!may("segment")} />
              </Form.Item>
              <Form.Item name="branches" label={t("campaigns.branches")} extra={t("campaigns.branchesHint")}>
                <OrgUnitPicker label={t("campaigns.branches")} placeholder={t("campaigns.anyBranch")} testId="campaign-branches" disabled={!may("segment")} />
              </Form.Item>
              <Space wrap align="start">
                <Form.Item name="minAum" label={t("campaigns.minAum")}>
                  <InputNumber<number> {...yuan} min={0} precision={2} style={{ width: 200 }} suffix={t("campaigns.yuan")} disabled={!may("segment")} />
                </Form.Item>
                <Form.Item
                  name="maxAum"
                  label={t("campaigns.maxAum")}
                  dependencies={["minAum"]}
                  rules={[
                    ({ getFieldValue }) => ({
                      validator: async (_, v?: number | null) => {
                        const min = getFieldValue("minAum") as number | null | undefined;
                        if (typeof v === "number" && typeof min === "number" && v <= min) throw new Error(t("campaigns.maxAboveMin"));
                      },
                    }),
                  ]}
                >
                  <InputNumber<number> {...yuan} min={0} precision={2} style={{ width: 200 }} suffix={t("campaigns.yuan")} disabled={!may("segment")} />
                </Form.Item>
              </Space>
              <Form.Item name="holds" label={t("campaigns.holds")}>
                <Select mode="multiple" allowClear aria-label={t("campaigns.holds")} placeholder={t("campaigns.anyProduct")} options={productOptions} disabled={!may("segment")} />
              </Form.Item>
              <Form.Item name="lacks" label={t("campaigns.lacks")} extra={t("campaigns.lacksHint")}>
                <Select mode="multiple" allowClear aria-label={t("campaigns.lacks")} placeholder={t("campaigns.anyProduct")} options={productOptions} disabled={!may("segment")} data-testid="campaign-lacks" />
              </Form.Item>
            </Card>
            <Card size="small" title={t("campaigns.sectionHoldoutQuotas")} style={{ marginTop: 12 }}>
              <Form.Item
                name="holdoutPercent"
                label={t("campaigns.holdoutPercent")}
                extra={t("campaigns.holdoutHint")}
                rules={[{ type: "number", min: 0, max: MAX_HOLDOUT, message: t("campaigns.holdoutRange") }]}
              >
                <InputNumber<number> min={0} max={MAX_HOLDOUT} precision={0} suffix="%" style={{ width: 120 }} disabled={!may("holdoutPercent")} />
              </Form.Item>
              <Typography.Text strong>{t("campaigns.quotas")}</Typography.Text>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {t("campaigns.quotasHint")}
              </Typography.Paragraph>
              {units.map((unit) => {
                const found = preview.data?.units?.find((u) => u.assignee === unit);
                const label = found?.displayName || unitName(unit);
                return (
                  <Form.Item
                    key={unit}
                    name={["quotas", unit]}
                    label={
                      <span>
                        {label}
                        {found ? <span className="kam-muted">（{t("campaigns.unitTargets", { count: formatCount(found.targetCustomerCount ?? 0, lang) })}）</span> : null}
                      </span>
                    }
                    style={{ marginBottom: 8 }}
                  >
                    <InputNumber<number>
                      {...yuan}
                      min={0}
                      precision={measure === "MEASURE_AMOUNT" ? 2 : 0}
                      style={{ width: "100%", maxWidth: 260 }}
                      placeholder={t("campaigns.quotaAuto")}
                      suffix={unitOf(measure)}
                      disabled={!may("quotas")}
                      aria-label={t("campaigns.quotaOf", { unit: label })}
                      data-testid="campaign-quota"
                    />
                  </Form.Item>
                );
              })}
              <Form.Item
                name="quotaSum"
                dependencies={quotaDeps}
                rules={[
                  {
                    validator: async () => {
                      const check = checkQuotas(values());
                      if (check.problem === "exceeds") throw new Error(t("campaigns.quotaExceeds", { target: measureText(measure, check.target) }));
                      if (check.problem === "mismatch") throw new Error(t("campaigns.quotaMismatch", { target: measureText(measure, check.target) }));
                    },
                  },
                ]}
              >
                <QuotaSum values={plan} />
              </Form.Item>
            </Card>
          </Col>
          <Col xs={24} lg={9}>
            <Card size="small" title={t("campaigns.previewTitle")} style={phone ? undefined : { position: "sticky", top: 16 }}>
              {campaign && state !== "STATE_DRAFT" ? (
                <Typography.Text type="secondary">
                  {t("campaigns.launchedTargets", { count: formatCount(campaign.targetCustomerCount ?? 0, lang), holdout: formatCount(campaign.holdoutCustomerCount ?? 0, lang) })}
                </Typography.Text>
              ) : (
                <PreviewPanel preview={preview} units={units} pending={pending} />
              )}
            </Card>
          </Col>
        </Row>
        <Space wrap style={{ marginTop: 16 }}>
          <Button size="large" onClick={() => void saveDraft().catch(() => undefined)} loading={save.isPending && !launching} data-testid="campaign-save">
            {t(state === "STATE_ACTIVE" ? "campaigns.saveChanges" : "campaigns.saveDraft")}
          </Button>
          {!campaign || state === "STATE_DRAFT" ? (
            <Button type="primary" size="large" icon={<RocketOutlined />} loading={launching} onClick={() => void launch().catch(() => undefined)} data-testid="campaign-launch">
              {t("campaigns.action_launch")}
            </Button>
          ) : null}
        </Space>
      </Form>
    </div>
  );
}
