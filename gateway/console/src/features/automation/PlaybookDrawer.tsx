// 新建 / 修改 / 查看 a playbook (触发模板) in a drawer: its name and description, what sets it off (a new key
// customer, a move into one of some tiers — 升入等级, required there —, or a deposit, loan or wealth-management
// maturity, of the kinds chosen), which customers (tiers, branches), and its steps (1 to 20, in order: each a task
// to the customer's relationship manager, due within days + hours of the trigger; added, removed and moved up or
// down). The steps read back as text as they are set. Errors of one step show under that step's fields.
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Checkbox, Drawer, Form, Input, Radio, Select, Space, Switch, Tooltip } from "antd";
import { useEffect, useRef } from "react";

import { useIsPhone } from "@/app/Shell";
import { PRIORITIES } from "@/features/tasks/logic";
import { OneOrgUnitPicker } from "@/features/tasks/parts";
import { useI18n } from "@/locales/i18n";

import { useChangePlaybook } from "./api";
import {
  durationOf,
  MATURITY_KINDS,
  MAX_STEPS,
  newPlaybookValues,
  newStep,
  type Playbook,
  PLAYBOOK_FIELDS,
  playbookOf,
  playbookUpdate,
  type PlaybookValues,
  playbookValues,
  requestKey,
  stepsText,
  type StepValues,
  TRIGGERS,
} from "./logic";
import { clearChangedErrors, showSaveError, SpanInput, useNames, useSpanRule } from "./parts";

export function PlaybookDrawer({ open, item, readOnly, onClose }: { open: boolean; item?: Playbook; readOnly?: boolean; onClose: () => void }) {
  const { t, enumText } = useI18n();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const [form] = Form.useForm<PlaybookValues>();
  const save = useChangePlaybook();
  const names = useNames();
  const spanRule = useSpanRule();
  const requestIds = useRef(new Map<string, string>());
  const trigger = Form.useWatch("trigger", form);
  const steps = Form.useWatch("steps", form) as StepValues[] | undefined;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(item ? playbookValues(item) : newPlaybookValues());
  }, [open, item, form]);

  const done = (text: string) => {
    void message.success(t(text));
    onClose();
  };
  const failed = (error: unknown) => {
    const stale = showSaveError(error, { message, t, form, prefix: "playbook", table: PLAYBOOK_FIELDS, subtree: () => ["orgUnit"] });
    if (stale) onClose();
  };

  const submit = (values: PlaybookValues) => {
    const full = { ...values, steps: values.steps ?? [] };
    if (item) {
      const update = playbookUpdate(item, full);
      if (!update.mask.length) return onClose();
      save.mutate({ action: "update", ...update }, { onSuccess: () => done("automation.saved"), onError: failed });
      return;
    }
    const playbook = playbookOf(full);
    const key = requestKey(playbook);
    const requestId = requestIds.current.get(key) ?? crypto.randomUUID();
    requestIds.current.set(key, requestId);
    save.mutate({ action: "create", playbook, requestId }, { onSuccess: () => done("automation.created"), onError: failed });
  };

  const preview = stepsText(
    (steps ?? []).filter((s) => s?.title?.trim()).map((s) => ({ task: { title: s.title.trim() }, dueOffset: durationOf(s.dueOffset ?? {}) })),
    t,
  );
  const tierChange = trigger === "TRIGGER_TIER_CHANGED";
  const title = readOnly ? "automation.viewPlaybook" : item ? "automation.editPlaybook" : "automation.newPlaybook";

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t(title)}
      size={phone ? "100%" : 640}
      forceRender
      extra={
        <Space>
          <Button onClick={onClose}>{t(readOnly ? "common.back" : "common.cancel")}</Button>
          {readOnly ? null : (
            <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="playbook-save">
              {t("common.save")}
            </Button>
          )}
        </Space>
      }
    >
      <Form<PlaybookValues>
        form={form}
        layout="vertical"
        disabled={readOnly}
        onFinish={submit}
        onValuesChange={clearChangedErrors(form)}
        data-testid="playbook-form"
      >
        <Form.Item name="displayName" label={t("automation.name")} rules={[{ required: true, whitespace: true, message: t("automation.required") }]}>
          <Input maxLength={200} placeholder={t("automation.namePlaceholder")} />
        </Form.Item>
        <Form.Item name="description" label={t("automation.playbookDescription")}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="trigger" label={t("automation.triggerLabel")} rules={[{ required: true, message: t("automation.required") }]}>
          <Radio.Group
            optionType="button"
            options={TRIGGERS.map((v) => ({ value: v, label: enumText("playbookTrigger", v) }))}
            data-testid="playbook-trigger"
          />
        </Form.Item>
        <Form.Item
          name="tiers"
          label={t(tierChange ? "automation.tiersMovedInto" : "automation.conditionTiers")}
          extra={tierChange ? t("automation.tiersMovedIntoHint") : t("automation.anyTierHint")}
          rules={tierChange ? [{ required: true, type: "array", min: 1, message: t("automation.pickTiers") }] : []}
        >
          <Select
            mode="multiple"
            allowClear
            aria-label={t(tierChange ? "automation.tiersMovedInto" : "automation.conditionTiers")}
            placeholder={tierChange ? t("automation.pickTiers") : t("automation.anyTier")}
            options={names.tierOptions}
            data-testid="playbook-tiers"
          />
        </Form.Item>
        <Form.Item name="orgUnit" label={t("automation.conditionOrgUnit")} extra={t("automation.segmentOrgUnitHint")}>
          <OneOrgUnitPicker label={t("automation.conditionOrgUnit")} placeholder={t("automation.ownUnit")} testId="playbook-org-unit" />
        </Form.Item>
        {trigger === "TRIGGER_MATURITY" ? (
          <Form.Item name="maturityKinds" label={t("automation.maturityKinds")} extra={t("automation.maturityKindsHint")}>
            <Checkbox.Group options={MATURITY_KINDS.map((k) => ({ value: k, label: enumText("keyDateKind", k) }))} data-testid="playbook-maturity-kinds" />
          </Form.Item>
        ) : null}

        <Form.List
          name="steps"
          rules={[
            {
              validator: async (_, value?: unknown[]) => {
                if (!value?.length) throw new Error(t("automation.stepsRequired"));
                if (value.length > MAX_STEPS) throw new Error(t("automation.stepsTooMany", { max: MAX_STEPS }));
              },
            },
          ]}
        >
          {(fields, { add, remove, move }, { errors }) => (
            <div data-testid="playbook-steps">
              <div style={{ marginBottom: 8, fontWeight: 500 }}>{t("automation.steps")}</div>
              {fields.map((field, index) => (
                <Card
                  key={field.key}
                  size="small"
                  style={{ marginBottom: 8 }}
                  title={t("automation.step", { n: index + 1 })}
                  data-testid="playbook-step"
                  extra={
                    readOnly ? null : (
                      <Space size={0}>
                        <Tooltip title={t("automation.moveUp")}>
                          <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={index === 0} onClick={() => move(index, index - 1)} aria-label={t("automation.moveUp")} />
                        </Tooltip>
                        <Tooltip title={t("automation.moveDown")}>
                          <Button
                            type="text"
                            size="small"
                            icon={<ArrowDownOutlined />}
                            disabled={index === fields.length - 1}
                            onClick={() => move(index, index + 1)}
                            aria-label={t("automation.moveDown")}
                          />
                        </Tooltip>
                        <Tooltip title={t("automation.removeStep")}>
                          <Button
                            type="text"
                            size="small"
                            danger
                            icon={<DeleteOutlined />}
                            disabled={fields.length <= 1}
                            onClick={() => remove(index)}
                            aria-label={t("automation.removeStep")}
                            data-testid="playbook-step-remove"
                          />
                        </Tooltip>
                      </Space>
                    )
                  }
                >
                  <Form.Item
                    name={[field.name, "title"]}
                    label={t("automation.taskTitle")}
                    rules={[{ required: true, whitespace: true, message: t("automation.required") }]}
                  >
                    <Input maxLength={200} placeholder={t("automation.stepTitlePlaceholder")} data-testid="playbook-step-title" />
                  </Form.Item>
                  <Form.Item name={[field.name, "dueOffset"]} label={t("automation.dueOffset")} rules={[spanRule]}>
                    <SpanInput testId="playbook-step-due" disabled={readOnly} />
                  </Form.Item>
                  <Form.Item name={[field.name, "purpose"]} label={t("automation.purpose")}>
                    <Input.TextArea rows={1} maxLength={500} />
                  </Form.Item>
                  <Form.Item name={[field.name, "description"]} label={t("automation.description")}>
                    <Input.TextArea rows={2} maxLength={5000} />
                  </Form.Item>
                  <Form.Item name={[field.name, "priority"]} label={t("automation.priority")} style={{ marginBottom: 0 }}>
                    <Radio.Group optionType="button" options={PRIORITIES.map((p) => ({ value: p, label: enumText("taskPriority", p) }))} />
                  </Form.Item>
                </Card>
              ))}
              {readOnly ? null : (
                <Button
                  type="dashed"
                  block
                  icon={<PlusOutlined />}
                  disabled={fields.length >= MAX_STEPS}
                  onClick={() => add(newStep())}
                  data-testid="playbook-step-add"
                >
                  {t("automation.addStep")}
                </Button>
              )}
              <Form.ErrorList errors={errors} />
            </div>
          )}
        </Form.List>
        {preview ? <Alert type="info" showIcon style={{ margin: "12px 0" }} title={preview} data-testid="playbook-preview" /> : null}
        <Form.Item name="enabled" label={t("automation.enabled")} valuePropName="checked" extra={item ? undefined : t("automation.enabledHint")} style={{ marginTop: 12 }}>
          <Switch data-testid="playbook-enabled" />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
