// What every control center tab shares: errors as messages or under the form's fields, the control center's own
// enum texts (`control.<domain>.<VALUE>`), and a back/next pager over page tokens.
import { Button, type FormInstance, Space, Tag, Tooltip, Typography } from "antd";
import type { App } from "antd";
import { useState } from "react";

import { ApiError } from "@/lib/api/client";
import { useI18n } from "@/locales/i18n";

import { violationsByField } from "./logic";

type MessageApi = ReturnType<typeof App.useApp>["message"];

/** The error's text for a message; a stale etag says so in the reader's language. */
export function errorText(error: unknown, t: (key: string) => string): string {
  if (error instanceof ApiError && error.status === 409 && error.code === "ABORTED") return t("control.stale");
  return error instanceof Error ? error.message : String(error);
}

/**
 * Shows an API error: field violations under the form's fields (when a form is given and they name its fields),
 * anything else as a message.
 */
export function showError(
  error: unknown,
  message: MessageApi,
  t: (key: string) => string,
  form?: FormInstance,
  options: { prefix?: string; rename?: Record<string, string> } = {},
): void {
  if (form && error instanceof ApiError && error.violations.length) {
    const fields = violationsByField(error.violations, options.prefix, options.rename);
    // the form's registered fields take their errors; any other (e.g. `update_mask`) goes to a message
    const known = new Set(form.getFieldsError().map((f) => String(f.name[0])));
    const onForm = fields.filter((f) => known.has(f.name));
    form.setFields(onForm.map((f) => ({ name: f.name, errors: f.errors })));
    const rest = fields.filter((f) => !known.has(f.name));
    if (rest.length) void message.error(rest.map((f) => f.errors.join("；")).join("；"));
    return;
  }
  void message.error(errorText(error, t));
}

/** `control.<domain>.<value>`, or the value itself when there is no translation (never a key). */
export function useControlEnum() {
  const { t } = useI18n();
  return (domain: string, value: string | undefined): string => {
    const key = `control.${domain}.${value || "UNSPECIFIED"}`;
    const text = t(key);
    return text === key ? (value ?? "") : text;
  };
}

/** A tag coloured by whether the state is good, bad or in between. */
export function StateTag({ tone, children }: { tone: "good" | "bad" | "warn" | "none"; children: string }) {
  const color = { good: "green", bad: "red", warn: "orange", none: undefined }[tone];
  return <Tag color={color}>{children}</Tag>;
}

/** Page tokens as a stack: back pops, next pushes; a filter change starts over. */
export function usePageTokens() {
  const [tokens, setTokens] = useState<string[]>([""]);
  return {
    token: tokens.at(-1) ?? "",
    page: tokens.length,
    reset: () => setTokens([""]),
    back: () => setTokens((all) => (all.length > 1 ? all.slice(0, -1) : all)),
    next: (token: string) => setTokens((all) => [...all, token]),
  };
}

export function Pager({
  pager,
  nextToken,
  loading,
}: {
  pager: ReturnType<typeof usePageTokens>;
  nextToken?: string;
  loading?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Space>
      <Button size="small" disabled={pager.page <= 1 || loading} onClick={pager.back} aria-label={t("control.prevPage")}>
        ‹ {t("control.prevPage")}
      </Button>
      <span className="kam-muted">{t("control.pageNo", { page: pager.page })}</span>
      <Button size="small" disabled={!nextToken || loading} onClick={() => nextToken && pager.next(nextToken)} aria-label={t("control.nextPage")}>
        {t("control.nextPage")} ›
      </Button>
    </Space>
  );
}

/** Saves a file the API sent (e.g. an audit export) under its name. */
export function saveBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** `onValuesChange` for a form: a field the user changes loses the server's error on it (fields without rules keep
 * errors set by `setFields` otherwise). */
export function clearServerErrors(form: FormInstance) {
  return (changed: object) => form.setFields(Object.keys(changed).map((name) => ({ name, errors: [] })));
}

/** A service's transport error (gRPC's own English, e.g. `UNAVAILABLE: failed to connect …`) in words, the raw
 * text kept in a tooltip for whoever operates the system. */
export function ServiceError({ error }: { error: string }) {
  const { t } = useI18n();
  const code = /^([A-Z_]+):/.exec(error)?.[1] ?? "";
  const words = code === "UNAVAILABLE" ? t("control.serviceUnavailable") : code === "DEADLINE_EXCEEDED" ? t("control.serviceTimeout") : t("control.serviceFailed");
  return (
    <Tooltip title={error}>
      <Typography.Text type="danger">{words}</Typography.Text>
    </Tooltip>
  );
}
