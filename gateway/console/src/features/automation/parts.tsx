// Pieces both tabs share: names for people, org units and tiers; a due span as days + hours; the API's errors on
// a form (field violations under their fields — a step's under that step —, a person or unit out of the saver's
// subtree under the people or unit picked, 只有创建人可以修改, and a stale etag as a reload notice); the enabled
// switch; delete with a confirmation; a list as a table (desktop) or cards (phone).
import { App, Button, Card, type FormInstance, InputNumber, Popconfirm, Space, Spin, Switch, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table/interface";
import type { ReactNode } from "react";

import { useIsPhone } from "@/app/Shell";
import { NoData, PageError } from "@/components/PageState";
import { useAllOrgUnits } from "@/features/control/api";
import { errorText } from "@/features/control/shared";
import { useTierNames } from "@/features/customers/api";
import { useUserOptions } from "@/features/tasks/parts";
import { ApiError } from "@/lib/api/client";
import { resourceId } from "@/lib/format";
import { can, useMe } from "@/lib/session";
import { useI18n } from "@/locales/i18n";

import { type FieldPath, MAX_SPAN_DAYS, type Names, type Span, spanProblem, violationsOnForm } from "./logic";

type MessageApi = ReturnType<typeof App.useApp>["message"];

/** People, org units and tiers by name, as far as the caller may read them (the id otherwise). */
export function useNames(): Names & { tierOptions: { value: string; label: string }[]; loadingUsers: boolean; userOptions: { value: string; label: string }[] } {
  const { data: me } = useMe();
  const users = useUserOptions(can(me, "users.read"));
  const units = useAllOrgUnits(can(me, "org_units.read"));
  const tiers = useTierNames();
  return {
    user: users.name,
    unit: (name) => (units.data ?? []).find((u) => u.name === name)?.displayName || resourceId(name),
    tier: (name) => tiers.name(name),
    tierOptions: tiers.tiers.map((tier) => ({ value: tier, label: tiers.name(tier) })),
    userOptions: users.options,
    loadingUsers: users.loading,
  };
}

/** A duration as days (0–366) and hours (0–23). */
export function SpanInput({ value, onChange, id, testId, disabled }: { value?: Span; onChange?: (v: Span) => void; id?: string; testId?: string; disabled?: boolean }) {
  const { t } = useI18n();
  return (
    <Space wrap size={4} data-testid={testId}>
      <InputNumber
        id={id}
        min={0}
        max={MAX_SPAN_DAYS}
        precision={0}
        value={value?.days ?? null}
        onChange={(days) => onChange?.({ ...value, days })}
        aria-label={t("automation.days")}
        style={{ width: 90 }}
        disabled={disabled}
      />
      <span>{t("automation.days")}</span>
      <InputNumber
        min={0}
        max={23}
        precision={0}
        value={value?.hours ?? null}
        onChange={(hours) => onChange?.({ ...value, hours })}
        aria-label={t("automation.hours")}
        style={{ width: 80 }}
        disabled={disabled}
      />
      <span>{t("automation.hours")}</span>
    </Space>
  );
}

/** The span rule of a form: more than zero, at most 366 days. */
export function useSpanRule() {
  const { t } = useI18n();
  return {
    validator: async (_: unknown, v?: Span) => {
      const problem = spanProblem(v);
      if (problem) throw new Error(t(`automation.span_${problem}`));
    },
  };
}

/** Whether the error is a stale etag (someone else changed or deleted it meanwhile). */
export const isStale = (error: unknown) => error instanceof ApiError && error.code === "ABORTED";

/**
 * Shows an API error of a save: a stale etag as a reload notice (true: the caller closes the form), the creator
 * rule as 只有创建人可以修改, a person or unit out of the saver's subtree under `subtree`'s fields, field
 * violations under their fields (`table`: the request's fields → the form's), anything else as a message.
 */
export function showSaveError(
  error: unknown,
  ctx: { message: MessageApi; t: (key: string) => string; form?: FormInstance; prefix: string; table: Record<string, string>; subtree?: () => string[] },
): boolean {
  const { message, t, form } = ctx;
  if (isStale(error)) {
    void message.warning(t("automation.stale"));
    return true;
  }
  if (error instanceof ApiError && error.reason === "AUTOMATION_NOT_CREATOR") {
    void message.error(t("automation.notCreator"));
    return false;
  }
  const shown = new Set((form?.getFieldsError() ?? []).map((f) => JSON.stringify(f.name)));
  const onForm = (name: FieldPath) => shown.has(JSON.stringify(name));
  if (form && error instanceof ApiError && error.reason === "TASK_ASSIGNEE_OUT_OF_SUBTREE") {
    const fields = (ctx.subtree?.() ?? []).filter((f) => onForm([f]));
    if (fields.length) {
      form.setFields(fields.map((name) => ({ name, errors: [error.message] })));
      return false;
    }
  }
  if (form && error instanceof ApiError && error.violations.length) {
    const { fields, rest } = violationsOnForm(error.violations, ctx.prefix, ctx.table);
    form.setFields(fields.filter((f) => onForm(f.name)).map((f) => ({ name: f.name, errors: f.errors })));
    const elsewhere = [...fields.filter((f) => !onForm(f.name)).flatMap((f) => f.errors), ...rest];
    if (elsewhere.length) void message.error(elsewhere.join("；"));
    return false;
  }
  void message.error(errorText(error, t));
  return false;
}

/** `onValuesChange` for a form with nested fields: what the user changed loses the server's error on it. */
export function clearChangedErrors(form: FormInstance) {
  return (changed: Record<string, unknown>) => {
    const paths: FieldPath[] = [];
    for (const [key, value] of Object.entries(changed)) {
      paths.push([key]);
      // a step's field: `{ steps: [undefined, { title: "…" }] }`
      if (Array.isArray(value))
        value.forEach((item, i) => {
          if (item && typeof item === "object") for (const field of Object.keys(item)) paths.push([key, i, field]);
        });
    }
    form.setFields(paths.map((name) => ({ name, errors: [] })));
  };
}

/** 启用 / 停用 (the creator, or a superior: tasks.assign; the API says who may). */
export function EnabledSwitch({ checked, disabled, loading, onChange, testId }: { checked: boolean; disabled: boolean; loading?: boolean; onChange: (v: boolean) => void; testId?: string }) {
  const { t } = useI18n();
  return (
    <Switch
      checked={checked}
      disabled={disabled}
      loading={loading}
      onChange={onChange}
      checkedChildren={t("automation.on")}
      unCheckedChildren={t("automation.off")}
      aria-label={t("automation.enabled")}
      data-testid={testId}
    />
  );
}

/** 修改 or 查看, and 删除 after a confirmation. */
export function RowActions({ edit, remove, onOpen, onDelete }: { edit: boolean; remove: boolean; onOpen: () => void; onDelete: () => Promise<unknown> }) {
  const { t } = useI18n();
  return (
    <Space size={0} wrap onClick={(e) => e.stopPropagation()}>
      <Button type="link" size="small" onClick={onOpen} data-testid="automation-open">
        {t(edit ? "automation.edit" : "automation.view")}
      </Button>
      {remove ? (
        <Popconfirm
          title={t("automation.deleteConfirm")}
          okText={t("automation.delete")}
          okButtonProps={{ danger: true }}
          cancelText={t("common.cancel")}
          onConfirm={() => onDelete().catch(() => undefined)}
        >
          <Button type="link" size="small" danger data-testid="automation-delete">
            {t("automation.delete")}
          </Button>
        </Popconfirm>
      ) : null}
    </Space>
  );
}

/** A list: a table on a desktop, on a phone a card per item (label: value lines; the title opens it). */
export function ItemList<T extends { name?: string }>({
  items,
  loading,
  error,
  onRetry,
  columns,
  card,
  testId,
}: {
  items: readonly T[];
  loading: boolean;
  error?: unknown;
  onRetry?: () => void;
  columns: ColumnsType<T>;
  card: (item: T) => { title: ReactNode; lines: [string, ReactNode][]; footer: ReactNode };
  testId: string;
}) {
  const phone = useIsPhone();
  if (error) return <PageError error={error} onRetry={onRetry} />;
  if (phone) {
    if (loading && !items.length) return <Spin style={{ display: "block", margin: "24px auto" }} />;
    if (!items.length) return <NoData />;
    return (
      <div data-testid={`${testId}-cards`}>
        {items.map((item) => {
          const c = card(item);
          return (
            <Card key={item.name} size="small" style={{ marginBottom: 8 }} data-testid={`${testId}-card`}>
              <div style={{ fontWeight: 500, wordBreak: "break-word", marginBottom: 4 }}>{c.title}</div>
              {c.lines.map(([label, value]) =>
                value ? (
                  <div key={label} style={{ wordBreak: "break-word" }}>
                    <Typography.Text type="secondary">{label}：</Typography.Text>
                    {value}
                  </div>
                ) : null,
              )}
              <div style={{ marginTop: 6, display: "flex", justifyContent: "space-between", alignItems: "center", flexWrap: "wrap", gap: 8 }}>{c.footer}</div>
            </Card>
          );
        })}
      </div>
    );
  }
  return (
    <Table<T>
      rowKey={(item) => item.name ?? ""}
      size="small"
      loading={loading}
      columns={columns}
      dataSource={[...items]}
      pagination={false}
      scroll={{ x: 1100 }}
      locale={{ emptyText: <NoData /> }}
      data-testid={`${testId}-table`}
    />
  );
}
