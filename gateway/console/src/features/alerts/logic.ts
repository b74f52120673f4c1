// The alert centre's pure logic: the list's AIP-160 filter, which actions an alert's state allows, the
// severities in order, and the detail page's timeline built from the alert's own fields and its comments.
import type { Schemas } from "@/lib/api/client";

export type AlertItem = Schemas["kam.alert.v1.Alert"];
export type AlertComment = Schemas["kam.alert.v1.AlertComment"];

/** Highest first (the list's severity counts and the filter's options). */
export const SEVERITIES = ["SEVERITY_CRITICAL", "SEVERITY_HIGH", "SEVERITY_MEDIUM", "SEVERITY_LOW"] as const;
export const SEVERITY_COLORS: Record<string, string> = {
  SEVERITY_CRITICAL: "magenta",
  SEVERITY_HIGH: "red",
  SEVERITY_MEDIUM: "orange",
  SEVERITY_LOW: "blue",
};
export const STATES = ["STATE_OPEN", "STATE_ACKNOWLEDGED", "STATE_SNOOZED", "STATE_STOPPED", "STATE_RESOLVED"] as const;

export interface AlertFilters {
  state?: string;
  severity?: string;
  /** Only alerts the signed-in user received. */
  mine?: boolean;
  /** Only alerts this user received, `users/…` (a manager looking at one relationship manager's). */
  recipient?: string;
  /** `customers/…`. */
  customer?: string;
  rule?: string;
  /** Raised on or after / on or before these days (YYYY-MM-DD, the bank's day). */
  from?: string;
  to?: string;
}

const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** The start of a bank day (China Standard Time) as RFC 3339. */
export function dayStart(day: string): string {
  return `${day}T00:00:00+08:00`;
}

/** The day after a YYYY-MM-DD day. */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The ListAlerts filter for the filter bar (`me` is the signed-in user's `users/…` name). */
export function alertFilter(f: AlertFilters, me?: string): string {
  const terms: string[] = [];
  if (f.state) terms.push(`state = ${f.state}`);
  if (f.severity) terms.push(`severity = ${f.severity}`);
  if (f.mine && me) terms.push(`recipients = ${quote(me)}`);
  else if (f.recipient) terms.push(`recipients = ${quote(f.recipient)}`);
  if (f.customer) terms.push(`customer = ${quote(f.customer)}`);
  if (f.rule) terms.push(`rule = ${quote(f.rule)}`);
  if (f.from) terms.push(`create_time >= ${quote(dayStart(f.from))}`);
  if (f.to) terms.push(`create_time < ${quote(dayStart(nextDay(f.to)))}`);
  return terms.join(" AND ");
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const STATE_SET: ReadonlySet<string> = new Set(STATES);
const SEVERITY_SET: ReadonlySet<string> = new Set(SEVERITIES);

/** A typed id (`42`) or a full name (`customers/42`) as the resource name, empty when neither. */
export function asName(collection: "customers" | "users" | "alertRules", value: string | null | undefined): string | undefined {
  const v = (value ?? "").trim();
  if (!v) return undefined;
  if (v.startsWith(`${collection}/`)) return v.split("/").length === 2 && v.length > collection.length + 1 ? v : undefined;
  return v.includes("/") ? undefined : `${collection}/${v}`;
}

/** The filter bar as kept in the address (`?state=STATE_OPEN&severity=…&customer=42&mine=1`); unknown values are
 * dropped rather than sent to the API. */
export function filtersFromParams(params: URLSearchParams): AlertFilters {
  const day = (key: string) => {
    const v = params.get(key) ?? "";
    return DAY.test(v) ? v : undefined;
  };
  const state = params.get("state") ?? "";
  const severity = params.get("severity") ?? "";
  return {
    state: STATE_SET.has(state) ? state : undefined,
    severity: SEVERITY_SET.has(severity) ? severity : undefined,
    rule: asName("alertRules", params.get("rule")),
    customer: asName("customers", params.get("customer")),
    recipient: asName("users", params.get("recipient")),
    mine: params.get("mine") === "1",
    from: day("from"),
    to: day("to"),
  };
}

/** The inverse of filtersFromParams: short ids for customers and users, names for rules. */
export function filtersToParams(f: AlertFilters): URLSearchParams {
  const out = new URLSearchParams();
  if (f.state) out.set("state", f.state);
  if (f.severity) out.set("severity", f.severity);
  if (f.rule) out.set("rule", f.rule);
  if (f.customer) out.set("customer", f.customer.replace(/^customers\//, ""));
  if (f.mine) out.set("mine", "1");
  else if (f.recipient) out.set("recipient", f.recipient.replace(/^users\//, ""));
  if (f.from) out.set("from", f.from);
  if (f.to) out.set("to", f.to);
  return out;
}

export type AlertAction = "acknowledge" | "snooze" | "stop" | "resolve";

/** The actions the service accepts from a state (the same table as its state machine). */
const FROM: Record<AlertAction, readonly string[]> = {
  acknowledge: ["STATE_OPEN", "STATE_SNOOZED"],
  snooze: ["STATE_OPEN", "STATE_ACKNOWLEDGED"],
  stop: ["STATE_OPEN", "STATE_ACKNOWLEDGED", "STATE_SNOOZED"],
  resolve: ["STATE_OPEN", "STATE_ACKNOWLEDGED", "STATE_SNOOZED", "STATE_STOPPED"],
};

export function allowed(state: string | undefined, action: AlertAction): boolean {
  return FROM[action].includes(state ?? "");
}

/** The actions allowed for every selected alert (bulk actions). */
export function allowedForAll(alerts: AlertItem[], action: AlertAction): boolean {
  return alerts.length > 0 && alerts.every((a) => allowed(a.state, action));
}

export interface TimelineEntry {
  time: string;
  /** A locale key under `alerts.timeline.*`. */
  kind: "raised" | "notified" | "escalated" | "acknowledged" | "snoozed" | "resolved" | "stopped" | "comment";
  who?: string;
  text?: string;
}

/** What happened to an alert, oldest first: raised, last notified (with the count), acknowledged, snoozed until,
 * escalated, stopped or resolved (with the note), and the comments. */
export function timeline(alert: AlertItem, comments: AlertComment[] = []): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  if (alert.createTime) out.push({ time: alert.createTime, kind: "raised" });
  if (alert.lastNotifyTime && (alert.notifyCount ?? 0) > 1)
    out.push({ time: alert.lastNotifyTime, kind: "notified", text: String(alert.notifyCount) });
  if (alert.acknowledgeTime) out.push({ time: alert.acknowledgeTime, kind: "acknowledged", who: alert.acknowledger });
  if (alert.state === "STATE_SNOOZED" && alert.snoozeExpireTime && alert.updateTime)
    out.push({ time: alert.updateTime, kind: "snoozed", text: alert.snoozeExpireTime });
  if ((alert.escalationLevel ?? 0) > 0 && alert.updateTime)
    out.push({ time: alert.updateTime, kind: "escalated", text: String(alert.escalationLevel) });
  if (alert.resolveTime)
    out.push({
      time: alert.resolveTime,
      kind: alert.state === "STATE_STOPPED" ? "stopped" : "resolved",
      who: alert.resolver,
      text: alert.resolutionNote,
    });
  for (const c of comments) if (c.createTime) out.push({ time: c.createTime, kind: "comment", who: c.author, text: c.text });
  return out.sort((a, b) => a.time.localeCompare(b.time));
}

/** `customers/7/accounts/a1/transactions/t9` → its parts (the detail page's transaction table). */
export function transactionParts(name: string): { customer: string; account: string; transaction: string } {
  const p = name.split("/");
  return { customer: p[1] ?? "", account: p[3] ?? "", transaction: p[5] ?? "" };
}

/** The listings that find an alert's transactions: one per account, newest first, up to a day after the event
 * (the service names the transactions but serves no single transaction; the customer service lists them). */
export function transactionLookups(names: readonly string[], eventTime?: string): { customer: string; account: string; filter?: string }[] {
  const seen = new Map<string, { customer: string; account: string; filter?: string }>();
  const until = eventTime ? new Date(Date.parse(eventTime) + 86_400_000) : undefined;
  const filter = until && !Number.isNaN(until.getTime()) ? `post_time <= "${until.toISOString()}"` : undefined;
  for (const name of names) {
    const { customer, account } = transactionParts(name);
    if (customer && account && !seen.has(`${customer}/${account}`)) seen.set(`${customer}/${account}`, { customer, account, filter });
  }
  return [...seen.values()];
}

/** The alert's transactions in its order, each with what the listing found (or only its name when not found). */
export function pickTransactions<T extends { name?: string }>(names: readonly string[], found: readonly T[]): (T | { name: string; missing: true })[] {
  const byName = new Map(found.map((x) => [x.name ?? "", x]));
  return names.map((name) => byName.get(name) ?? { name, missing: true as const });
}

/** The latest allowed "silence until" day for a rule and customer: 180 days from today. */
export const MAX_SILENCE_DAYS = 180;

/** StopAlert's `silence_rule_until` for a chosen day: the end of that bank day (China Standard Time), but never
 * beyond 180 days from now (the service refuses more), a minute to spare. */
export function silenceUntil(day: string, now: Date = new Date()): string {
  const end = Date.parse(dayStart(nextDay(day))) - 1000;
  const latest = now.getTime() + MAX_SILENCE_DAYS * 86_400_000 - 60_000;
  return new Date(Math.min(end, latest)).toISOString().replace(/\.\d{3}Z$/, "Z");
}
