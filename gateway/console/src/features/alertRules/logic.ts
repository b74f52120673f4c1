// The alert-rule editor's model, without React: a rule as the form holds it (amounts as typed, spans as a number
// and a unit, quiet hours as HH:mm), to and from the API's JSON, the light checks made before sending, the API's
// field violations by form field, and a backtest's answer as a chart's series and a table's rows.
//
// A form field is named by its path in the request without `alert_rule.` (`large_transaction.threshold`,
// `escalation.after`): the API's violation lands on it without a lookup table.
import type { FieldViolation, Schemas } from "@/lib/api/client";
import { type Money, moneyValue } from "@/lib/format";
import { type Problems, problemsOf, unplaced } from "@/lib/problems";

export type AlertRule = Schemas["kam.alert.v1.AlertRule"];
export type Severity = AlertRule["severity"];
export type CustomerType = NonNullable<AlertRule["customerType"]>;
type ApiMoney = Schemas["google.type.Money"];
type Backtest = Schemas["kam.alert.v1.BacktestAlertRuleResponse"];
type Large = Schemas["kam.alert.v1.LargeTransactionCondition"];
type KeyDate = Schemas["kam.alert.v1.KeyDateCondition"];
type Festival = NonNullable<Schemas["kam.alert.v1.FestivalCondition"]["festivals"]>[number];
export type Direction = NonNullable<Large["direction"]>;
export type CashFilter = NonNullable<Large["cash"]>;
export type KeyDateKind = KeyDate["kind"];
export type { Festival };

/** The condition kinds, in the order the console offers them; the JSON field and the proto field of each. */
export const KINDS = [
  "largeTransaction",
  "frequentWithdrawals",
  "balanceDrop",
  "dormancy",
  "keyDate",
  "festival",
  "tierChange",
  "taskDue",
] as const;
export type Kind = (typeof KINDS)[number];
export const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** The kinds a backtest can replay (they watch transactions). */
export const BACKTESTABLE: ReadonlySet<Kind> = new Set<Kind>(["largeTransaction", "frequentWithdrawals"]);

export const SEVERITIES: Severity[] = ["SEVERITY_LOW", "SEVERITY_MEDIUM", "SEVERITY_HIGH", "SEVERITY_CRITICAL"];
export const DIRECTIONS: Direction[] = ["TRANSACTION_DIRECTION_UNSPECIFIED", "TRANSACTION_DIRECTION_DEBIT", "TRANSACTION_DIRECTION_CREDIT"];
export const CASH_FILTERS: CashFilter[] = ["CASH_FILTER_UNSPECIFIED", "CASH_FILTER_CASH", "CASH_FILTER_NON_CASH"];
export const CUSTOMER_TYPES: CustomerType[] = ["CUSTOMER_TYPE_UNSPECIFIED", "CUSTOMER_TYPE_INDIVIDUAL", "CUSTOMER_TYPE_CORPORATE"];
export const KEY_DATE_KINDS: KeyDateKind[] = [
  "KIND_BIRTHDAY",
  "KIND_ESTABLISHMENT_ANNIVERSARY",
  "KIND_RELATIONSHIP_ANNIVERSARY",
  "KIND_DEPOSIT_MATURITY",
  "KIND_WEALTH_MATURITY",
  "KIND_LOAN_MATURITY",
  "KIND_CONTACT_BIRTHDAY",
];
export const FESTIVALS: Festival[] = [
  "FESTIVAL_NEW_YEAR",
  "FESTIVAL_SPRING",
  "FESTIVAL_LANTERN",
  "FESTIVAL_DRAGON_BOAT",
  "FESTIVAL_MID_AUTUMN",
  "FESTIVAL_DOUBLE_NINTH",
  "FESTIVAL_NATIONAL_DAY",
];

export function kindOf(rule: AlertRule | undefined): Kind | undefined {
  return KINDS.find((k) => rule?.[k] !== undefined && rule[k] !== null);
}

// ------------------------------------------------------------------------------------------------- spans, money

export type Unit = "m" | "h" | "d";
const UNIT_SECONDS: Record<Unit, number> = { m: 60, h: 3600, d: 86_400 };
/** A duration as the form holds it: a number as typed and its unit. */
export interface Span {
  value: string;
  unit: Unit;
}

/** Seconds of a JSON duration (`"3600s"`, `"1.5s"`); 0 when absent or unreadable. */
export function seconds(duration: string | undefined | null): number {
  const n = Number.parseFloat((duration ?? "").replace(/s$/, ""));
  return Number.isFinite(n) ? n : 0;
}

/** A duration in the largest unit that holds it whole (`86400s` → 1 天); `fallback` when there is none. */
export function spanOf(duration: string | undefined | null, fallback: Unit = "h"): Span {
  const total = seconds(duration);
  if (!total) return { value: "", unit: fallback };
  for (const unit of ["d", "h", "m"] as Unit[]) {
    if (total % UNIT_SECONDS[unit] === 0) return { value: String(total / UNIT_SECONDS[unit]), unit };
  }
  return { value: String(total / 60), unit: "m" };
}

/** A span as a JSON duration; undefined when empty. A span not a number is sent as typed: the API names it. */
export function durationOf(span: Span): string | undefined {
  const text = span.value.trim();
  if (!text) return undefined;
  const n = Number(text.replace(/,/g, ""));
  return `${Number.isFinite(n) ? Math.round(n * UNIT_SECONDS[span.unit]) : text}s`;
}

/** An amount for the form: `50000` → `50,000`, cents kept; empty when absent. */
export function amountText(money: Money | undefined | null): string {
  if (!money || (money.units === undefined && money.nanos === undefined)) return "";
  return moneyValue(money).toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** An amount as typed (separators allowed) as CNY; undefined when empty. */
export function moneyOf(text: string): ApiMoney | undefined {
  const clean = text.replace(/[,，\s]/g, "");
  if (!clean) return undefined;
  const n = Number(clean);
  if (!Number.isFinite(n)) return { currencyCode: "CNY", units: clean };
  const units = Math.trunc(n);
  return { currencyCode: "CNY", units: String(units), nanos: Math.round((n - units) * 1e9) };
}

/** `HH:mm` of minutes since midnight. */
export function clockOf(minute: number | undefined): string {
  const m = minute ?? 0;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** Minutes since midnight of `HH:mm` (NaN when not a time). */
export function minuteOf(text: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
}

// ------------------------------------------------------------------------------------------------------- draft

export interface RecipientsDraft {
  relationshipManager: boolean;
  branchManager: boolean;
  roles: string[];
  users: string[];
}

export interface Draft {
  kind: Kind;
  displayName: string;
  severity?: Severity;
  enabled: boolean;
  // large transaction
  threshold: string;
  direction: Direction;
  cash: CashFilter;
  channel: string;
  sameDayCumulative: boolean;
  // structuring
  maxAmount: string;
  minCount: string;
  minTotal: string;
  perAccount: boolean;
  // sudden drop
  minDropPercent: string;
  minDropAmount: string;
  /** structuring's and sudden drop's window, dormancy's quiet period */
  window: Span;
  // key dates, festivals, tasks
  keyDateKind?: KeyDateKind;
  festivals: Festival[];
  leadTime: Span;
  alertWhenOverdue: boolean;
  // tier change
  upgrades: boolean;
  downgrades: boolean;
  // scope
  customerType: CustomerType;
  tiers: string[];
  orgUnits: string[];
  // who and how often
  recipients: RecipientsDraft;
  repeat: Span;
  maxNotifyCount: string;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  escalate: boolean;
  escalateAfter: Span;
  escalateUp: boolean;
  escalateTo: RecipientsDraft;
  template: string;
}

const noOne = (): RecipientsDraft => ({ relationshipManager: false, branchManager: false, roles: [], users: [] });

/** A new rule of a kind, with the shipped rules' usual values. */
export function emptyDraft(kind: Kind): Draft {
  return {
    kind,
    displayName: "",
    severity: kind === "largeTransaction" || kind === "frequentWithdrawals" ? "SEVERITY_HIGH" : "SEVERITY_MEDIUM",
    enabled: true,
    threshold: "",
    direction: "TRANSACTION_DIRECTION_UNSPECIFIED",
    cash: "CASH_FILTER_UNSPECIFIED",
    channel: "",
    sameDayCumulative: true,
    maxAmount: "",
    minCount: "",
    minTotal: "",
    perAccount: false,
    minDropPercent: "",
    minDropAmount: "",
    window: { value: kind === "dormancy" ? "90" : kind === "balanceDrop" ? "7" : "1", unit: "d" },
    keyDateKind: undefined,
    festivals: [],
    leadTime: { value: "3", unit: "d" },
    alertWhenOverdue: true,
    upgrades: true,
    downgrades: true,
    customerType: "CUSTOMER_TYPE_UNSPECIFIED",
    tiers: [],
    orgUnits: [],
    recipients: { ...noOne(), relationshipManager: kind !== "taskDue" },
    repeat: { value: "", unit: "h" },
    maxNotifyCount: "",
    quiet: false,
    quietStart: "22:00",
    quietEnd: "08:00",
    escalate: false,
    escalateAfter: { value: "4", unit: "h" },
    escalateUp: true,
    escalateTo: noOne(),
    template: "",
  };
}

function recipientsDraft(r: Schemas["kam.alert.v1.Recipients"] | undefined): RecipientsDraft {
  return {
    relationshipManager: Boolean(r?.relationshipManager),
    branchManager: Boolean(r?.branchManager),
    roles: [...(r?.roles ?? [])],
    users: [...(r?.users ?? [])],
  };
}

/** The form's draft of a stored rule. */
export function fromRule(rule: AlertRule): Draft {
  const kind = kindOf(rule) ?? "largeTransaction";
  const d = emptyDraft(kind);
  const large = rule.largeTransaction;
  const many = rule.frequentWithdrawals;
  const drop = rule.balanceDrop;
  const window = many?.window ?? drop?.window ?? rule.dormancy?.quietPeriod;
  const lead = rule.keyDate?.leadTime ?? rule.festival?.leadTime ?? rule.taskDue?.leadTime;
  return {
    ...d,
    displayName: rule.displayName ?? "",
    severity: rule.severity,
    enabled: Boolean(rule.enabled),
    threshold: amountText(large?.threshold),
    direction: large?.direction ?? d.direction,
    cash: large?.cash ?? d.cash,
    channel: large?.channel ?? "",
    sameDayCumulative: Boolean(large?.sameDayCumulative),
    maxAmount: amountText(many?.maxAmount),
    minCount: many?.minCount ? String(many.minCount) : "",
    minTotal: amountText(many?.minTotal),
    perAccount: Boolean(many?.perAccount),
    minDropPercent: drop?.minDropPercent !== undefined ? String(drop.minDropPercent) : "",
    minDropAmount: amountText(drop?.minDropAmount),
    window: window !== undefined ? spanOf(window, "d") : d.window,
    keyDateKind: rule.keyDate?.kind,
    festivals: [...(rule.festival?.festivals ?? [])],
    leadTime: lead !== undefined ? spanOf(lead, "d") : { value: "0", unit: "d" },
    alertWhenOverdue: Boolean(rule.taskDue?.alertWhenOverdue),
    upgrades: Boolean(rule.tierChange?.upgrades),
    downgrades: Boolean(rule.tierChange?.downgrades),
    customerType: rule.customerType ?? "CUSTOMER_TYPE_UNSPECIFIED",
    tiers: [...(rule.tiers ?? [])],
    orgUnits: [...(rule.orgUnits ?? [])],
    recipients: recipientsDraft(rule.recipients),
    repeat: spanOf(rule.repeatInterval, "h"),
    maxNotifyCount: rule.maxNotifyCount ? String(rule.maxNotifyCount) : "",
    quiet: rule.quietHours !== undefined && rule.quietHours !== null,
    quietStart: rule.quietHours ? clockOf(rule.quietHours.startMinute) : d.quietStart,
    quietEnd: rule.quietHours ? clockOf(rule.quietHours.endMinute) : d.quietEnd,
    escalate: rule.escalation !== undefined && rule.escalation !== null,
    escalateAfter: rule.escalation ? spanOf(rule.escalation.after, "h") : d.escalateAfter,
    escalateUp: rule.escalation ? Boolean(rule.escalation.upTheOrgTree) : d.escalateUp,
    escalateTo: recipientsDraft(rule.escalation?.recipients),
    template: rule.customerMessageTemplate ?? "",
  };
}

const count = (text: string): number => {
  const n = Number(text.replace(/[,，\s]/g, ""));
  return text.trim() === "" ? 0 : Number.isFinite(n) ? n : Number.NaN;
};

function condition(d: Draft): Partial<AlertRule> {
  switch (d.kind) {
    case "largeTransaction":
      return {
        largeTransaction: {
          threshold: moneyOf(d.threshold) ?? { currencyCode: "CNY" },
          direction: d.direction,
          cash: d.cash,
          channel: d.channel.trim(),
          sameDayCumulative: d.sameDayCumulative,
        },
      };
    case "frequentWithdrawals":
      return {
        frequentWithdrawals: {
          maxAmount: moneyOf(d.maxAmount) ?? { currencyCode: "CNY" },
          minCount: count(d.minCount),
          minTotal: moneyOf(d.minTotal),
          window: durationOf(d.window) ?? "0s",
          perAccount: d.perAccount,
        },
      };
    case "balanceDrop":
      return {
        balanceDrop: {
          minDropPercent: count(d.minDropPercent),
          minDropAmount: moneyOf(d.minDropAmount),
          window: durationOf(d.window) ?? "0s",
        },
      };
    case "dormancy":
      return { dormancy: { quietPeriod: durationOf(d.window) ?? "0s" } };
    case "keyDate":
      return { keyDate: { kind: d.keyDateKind ?? "KIND_UNSPECIFIED", leadTime: durationOf(d.leadTime) ?? "0s" } };
    case "festival":
      return { festival: { festivals: d.festivals, leadTime: durationOf(d.leadTime) ?? "0s" } };
    case "tierChange":
      return { tierChange: { upgrades: d.upgrades, downgrades: d.downgrades } };
    case "taskDue":
      return { taskDue: { leadTime: durationOf(d.leadTime) ?? "0s", alertWhenOverdue: d.alertWhenOverdue } };
  }
}

const recipients = (r: RecipientsDraft) => ({
  relationshipManager: r.relationshipManager,
  branchManager: r.branchManager,
  roles: r.roles,
  users: r.users,
});

const someone = (r: RecipientsDraft) => r.relationshipManager || r.branchManager || r.roles.length > 0 || r.users.length > 0;

/** The rule the API is sent (`name` and `etag` added by the caller for an update). */
export function toRule(d: Draft): AlertRule {
  return {
    displayName: d.displayName.trim(),
    severity: d.severity ?? "SEVERITY_UNSPECIFIED",
    enabled: d.enabled,
    ...condition(d),
    customerType: d.customerType,
    tiers: d.tiers,
    orgUnits: d.orgUnits,
    recipients: recipients(d.recipients),
    repeatInterval: durationOf(d.repeat) ?? "0s",
    maxNotifyCount: count(d.maxNotifyCount),
    quietHours: d.quiet ? { startMinute: minuteOf(d.quietStart), endMinute: minuteOf(d.quietEnd) } : undefined,
    escalation: d.escalate
      ? {
          after: durationOf(d.escalateAfter) ?? "0s",
          upTheOrgTree: d.escalateUp,
          ...(someone(d.escalateTo) ? { recipients: recipients(d.escalateTo) } : {}),
        }
      : undefined,
    customerMessageTemplate: d.template.trim(),
  };
}

/** An update replaces everything the form edits (an emptied field is cleared, not kept). */
export function updateMask(kind: Kind): string {
  return [
    "display_name",
    snake(kind),
    "severity",
    "tiers",
    "org_units",
    "customer_type",
    "recipients",
    "repeat_interval",
    "max_notify_count",
    "quiet_hours",
    "escalation",
    "customer_message_template",
    "enabled",
  ].join(",");
}

// ----------------------------------------------------------------------------------------------------- problems

export type { Problems };

export interface CheckWords {
  required: string;
  number: string;
  time: string;
}

/** The light checks before sending: what is missing and what is not a number. The API checks the rest (ranges,
 * negative thresholds, zero windows, lead times beyond a year) and its answer lands on the same fields. */
export function check(d: Draft, words: CheckWords): Problems {
  const out: Problems = {};
  const add = (path: string, text: string) => (out[path] = [...(out[path] ?? []), text]);
  const c = snake(d.kind);
  const required = (path: string, text: string) => !text.trim() && add(path, words.required);
  const numeric = (path: string, text: string) =>
    text.trim() && !Number.isFinite(Number(text.replace(/[,，\s]/g, ""))) && add(path, words.number);
  required("display_name", d.displayName);
  if (!d.severity) add("severity", words.required);
  if (d.kind === "largeTransaction") required(`${c}.threshold`, d.threshold);
  if (d.kind === "frequentWithdrawals") {
    required(`${c}.max_amount`, d.maxAmount);
    required(`${c}.min_count`, d.minCount);
  }
  if (d.kind === "balanceDrop") required(`${c}.min_drop_percent`, d.minDropPercent);
  if (d.kind === "keyDate" && !d.keyDateKind) add(`${c}.kind`, words.required);
  for (const [path, text] of [
    [`${c}.threshold`, d.threshold],
    [`${c}.max_amount`, d.maxAmount],
    [`${c}.min_count`, d.minCount],
    [`${c}.min_total`, d.minTotal],
    [`${c}.min_drop_percent`, d.minDropPercent],
    [`${c}.min_drop_amount`, d.minDropAmount],
    [windowPath(d.kind), d.window.value],
    [`${c}.lead_time`, d.leadTime.value],
    ["repeat_interval", d.repeat.value],
    ["max_notify_count", d.maxNotifyCount],
    ["escalation.after", d.escalateAfter.value],
  ] as const) {
    numeric(path, text);
  }
  if (d.quiet) {
    if (Number.isNaN(minuteOf(d.quietStart))) add("quiet_hours.start_minute", words.time);
    if (Number.isNaN(minuteOf(d.quietEnd))) add("quiet_hours.end_minute", words.time);
  }
  return out;
}

/** Where a kind's window is (dormancy calls it the quiet period). */
export function windowPath(kind: Kind): string {
  return kind === "dormancy" ? "dormancy.quiet_period" : `${snake(kind)}.window`;
}

/** A violation's field as the form names it: `alert_rule.` dropped, camelCase as snake_case, an amount's parts
 * (`threshold.units`) on the amount, a list's items (`tiers[2]`, `recipients.users[0]`) on the list. */
export function violationPath(field: string): string {
  return snake(field.trim().replace(/^(alert_rule|alertRule)\./, ""))
    .replace(/\.(units|nanos|currency_code)$/, "")
    .replace(/\[\d+\]$/, "");
}

export function violationProblems(violations: readonly FieldViolation[]): Problems {
  return problemsOf(violations, violationPath);
}

/** Every field path the form shows for a kind (a problem elsewhere goes in the form's summary). */
export function fieldPaths(d: Draft): Set<string> {
  const c = snake(d.kind);
  const byKind: Record<Kind, string[]> = {
    largeTransaction: ["threshold", "direction", "cash", "channel"],
    frequentWithdrawals: ["max_amount", "min_count", "min_total", "window"],
    balanceDrop: ["min_drop_percent", "min_drop_amount", "window"],
    dormancy: ["quiet_period"],
    keyDate: ["kind", "lead_time"],
    festival: ["festivals", "lead_time"],
    tierChange: [],
    taskDue: ["lead_time"],
  };
  return new Set([
    "display_name",
    "severity",
    "customer_type",
    "tiers",
    "org_units",
    "recipients",
    "recipients.roles",
    "recipients.users",
    "repeat_interval",
    "max_notify_count",
    "quiet_hours.start_minute",
    "quiet_hours.end_minute",
    "escalation",
    "escalation.after",
    "escalation.recipients.roles",
    "escalation.recipients.users",
    "customer_message_template",
    c,
    ...byKind[d.kind].map((f) => `${c}.${f}`),
  ]);
}

export { unplaced };

// ----------------------------------------------------------------------------------------------------- backtest

export interface BacktestRow {
  customer: string;
  displayName: string;
  candidate: number;
  current: number;
}

/** The customers of a backtest, the candidate's and the current rule's side by side, most alerts first. */
export function backtestRows(result: Backtest): BacktestRow[] {
  const rows = new Map<string, BacktestRow>();
  const row = (customer: string, name: string | undefined) => {
    const found = rows.get(customer) ?? { customer, displayName: name || customer, candidate: 0, current: 0 };
    rows.set(customer, found);
    return found;
  };
  for (const c of result.candidate?.customers ?? []) row(c.customer ?? "", c.displayName).candidate = c.alertCount ?? 0;
  for (const c of result.current?.customers ?? []) row(c.customer ?? "", c.displayName).current = c.alertCount ?? 0;
  return [...rows.values()].sort(
    (a, b) => b.candidate - a.candidate || b.current - a.current || a.customer.localeCompare(b.customer),
  );
}

/** Every day of the period (the bank's dates, oldest first) with the alerts of each side (0 on a quiet day). */
export function backtestDays(result: Backtest): { dates: string[]; candidate: number[]; current: number[] } {
  const per = (days: Schemas["kam.alert.v1.BacktestDay"][] | undefined) =>
    new Map((days ?? []).map((d) => [d.date ?? "", d.alertCount ?? 0]));
  const candidate = per(result.candidate?.days);
  const current = per(result.current?.days);
  const dates: string[] = [];
  const day = (iso: string | undefined) => bankDate(iso ? new Date(iso) : new Date());
  const first = day(result.startTime);
  const last = day(result.endTime);
  for (let at = first; at <= last && dates.length < 400; at = nextDate(at)) dates.push(at);
  for (const d of [...candidate.keys(), ...current.keys()]) if (!dates.includes(d)) dates.push(d);
  dates.sort();
  return { dates, candidate: dates.map((d) => candidate.get(d) ?? 0), current: dates.map((d) => current.get(d) ?? 0) };
}

/** `YYYY-MM-DD` in China Standard Time (the bank's time zone, no daylight saving). */
export function bankDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
