// The 工作台 widgets' logic, apart from React: bank-local days, days-left wording, the filters the widgets ask with.
import type { DateParts } from "@/lib/format";

const SHANGHAI = "Asia/Shanghai";
const DAY_MS = 86_400_000;

/** `now`'s date in China Standard Time as YYYY-MM-DD (the bank's day, whatever the browser's zone). */
export function bankToday(now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: SHANGHAI, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** YYYY-MM-DD plus `days`. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `today` (YYYY-MM-DD) to `date`. */
export function daysUntil(date: DateParts | undefined | null, today: string): number {
  if (!date?.year) return NaN;
  const [y, m, d] = today.split("-").map(Number);
  return Math.round((Date.UTC(date.year, (date.month ?? 1) - 1, date.day ?? 1) - Date.UTC(y, m - 1, d)) / DAY_MS);
}

/** The locale key and values for "today", "tomorrow", "in N days" (or "N days ago" for a day already past). */
export function daysLeftText(days: number): [string, Record<string, number>?] {
  if (days === 0) return ["homeWidgets.today"];
  if (days === 1) return ["homeWidgets.tomorrow"];
  if (days < 0) return ["homeWidgets.daysAgo", { days: -days }];
  return ["homeWidgets.daysLeft", { days }];
}

/** ListKeyDates' filter: today's and the coming `horizon` days' key dates. */
export function keyDateFilter(today: string, horizon: number): string {
  return `date >= ${today} AND date <= ${addDays(today, horizon)}`;
}

/** ListTransactions' filter: transactions of at least `minimum` yuan posted within the last `days` days. */
export function largeTransactionFilter(now: Date, minimum: number, days: number): string {
  return `amount >= ${minimum} AND post_time >= "${new Date(now.getTime() - days * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z")}"`;
}

/** The customer a child resource belongs to: `customers/c1/accounts/a/transactions/t` → `c1`. */
export function customerId(name: string | undefined): string {
  const parts = (name ?? "").split("/");
  return parts[0] === "customers" ? (parts[1] ?? "") : "";
}

export interface GroupFigures {
  group?: string;
  displayName?: string;
  customerCount?: string | number;
  keyCustomerCount?: string | number;
  assetsUnderManagement?: { units?: string | number; nanos?: number } | null;
}

/** A summary's AUM in yuan (for sorting and charts). */
export function aumOf(s: GroupFigures): number {
  const m = s.assetsUnderManagement;
  return Number(m?.units ?? 0) + (m?.nanos ?? 0) / 1e9;
}

/** The branch chart's series: the `limit` largest groups by AUM, the rest summed as one "other" bar (label given). */
export function chartGroups(summaries: GroupFigures[], limit: number, other: string, unnamed: string): { name: string; aum: number; customers: number }[] {
  const sorted = [...summaries].sort((a, b) => aumOf(b) - aumOf(a));
  const bars = sorted.slice(0, limit).map((s) => ({ name: s.displayName || s.group || unnamed, aum: aumOf(s), customers: Number(s.customerCount ?? 0) }));
  const rest = sorted.slice(limit);
  if (rest.length) {
    bars.push({ name: other, aum: rest.reduce((sum, s) => sum + aumOf(s), 0), customers: rest.reduce((sum, s) => sum + Number(s.customerCount ?? 0), 0) });
  }
  return bars;
}
