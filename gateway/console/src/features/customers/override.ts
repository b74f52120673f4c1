// A manual tier's form, without React: the checks before sending, the expiry day as the API's timestamp, and the
// API's violations on the form's fields.
import type { FieldViolation } from "@/lib/api/client";

export interface OverrideValues {
  tier?: string;
  reason?: string;
  /** YYYY-MM-DD (China Standard Time). */
  expireDate?: string;
}

export type OverrideField = keyof OverrideValues;

/** `YYYY-MM-DD` plus `days` (calendar arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The default end of a manual tier: 90 days from today. */
export const DEFAULT_DAYS = 90;

/** Problems by field, as locale keys; `today` is YYYY-MM-DD in China Standard Time (given, so tests fix it). */
export function checkOverride(values: OverrideValues, today: string): Partial<Record<OverrideField, string>> {
  const out: Partial<Record<OverrideField, string>> = {};
  if (!values.tier) out.tier = "required";
  if (!values.reason?.trim()) out.reason = "required";
  if (!values.expireDate) out.expireDate = "required";
  else if (!/^\d{4}-\d{2}-\d{2}$/.test(values.expireDate) || values.expireDate <= today) out.expireDate = "future";
  return out;
}

/** The end of the chosen day in China Standard Time, as the API's RFC 3339 UTC timestamp. */
export function expireTime(day: string): string {
  return new Date(`${day}T23:59:59+08:00`).toISOString();
}

/** `tier_override.expire_time` → `expireDate`, `tier_override.reason` → `reason`; others undefined. */
export function overrideField(violation: FieldViolation): OverrideField | undefined {
  const last = violation.field.split(".").at(-1) ?? "";
  return ({ tier: "tier", reason: "reason", expire_time: "expireDate", expireTime: "expireDate" } as const)[last as "tier"];
}
