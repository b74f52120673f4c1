// Numbers, money and dates the way the bank's staff read them: CNY with thousands separators, 万元/亿元 for
// leaders' totals, dates YYYY-MM-DD and times in China Standard Time.
import type { Lang } from "@/locales/i18n";

export interface Money {
  currencyCode?: string;
  units?: string | number;
  nanos?: number;
}

export interface DateParts {
  year?: number;
  month?: number;
  day?: number;
}

export function moneyValue(money: Money | undefined | null): number {
  if (!money) return 0;
  return Number(money.units ?? 0) + (money.nanos ?? 0) / 1e9;
}

/** `¥1,234,567.89` (zh-CN) or `CN¥1,234,567.89` (en-US); empty when there is no amount. */
export function formatMoney(money: Money | undefined | null, lang: Lang): string {
  if (!money || (money.units === undefined && money.nanos === undefined)) return "";
  return new Intl.NumberFormat(lang, {
    style: "currency",
    currency: money.currencyCode || "CNY",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(moneyValue(money));
}

/** Totals for leaders: 1.23亿元 / 4,567.8万元 (zh-CN); ¥123.4M / ¥45.7K style in en-US. */
export function formatCompactCny(value: number, lang: Lang): string {
  if (lang === "zh-CN") {
    const abs = Math.abs(value);
    const fmt = (n: number) => n.toLocaleString("zh-CN", { maximumFractionDigits: 2 });
    if (abs >= 1e8) return `${fmt(value / 1e8)}亿元`;
    if (abs >= 1e4) return `${fmt(value / 1e4)}万元`;
    return `${fmt(value)}元`;
  }
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: "CNY",
    notation: "compact",
    maximumFractionDigits: 2,
  }).format(value);
}

export function formatCount(value: number | string | undefined, lang: Lang): string {
  return Number(value ?? 0).toLocaleString(lang);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A google.type.Date as YYYY-MM-DD (empty when unset). */
export function formatDate(date: DateParts | undefined | null): string {
  if (!date || !date.year) return "";
  return `${date.year}-${pad(date.month ?? 1)}-${pad(date.day ?? 1)}`;
}

const SHANGHAI = "Asia/Shanghai";

function parts(iso: string): Record<string, string> {
  const out: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: SHANGHAI,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  for (const p of format.formatToParts(new Date(iso))) out[p.type] = p.value;
  return out;
}

/** An RFC 3339 time as `YYYY-MM-DD HH:mm` in China Standard Time. */
export function formatTime(iso: string | undefined | null): string {
  if (!iso) return "";
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** An RFC 3339 time's day, YYYY-MM-DD in China Standard Time. */
export function formatDay(iso: string | undefined | null): string {
  return iso ? formatTime(iso).slice(0, 10) : "";
}

/** The id segment of a resource name: `customers/123` → `123`. */
export function resourceId(name: string | undefined): string {
  return name ? name.slice(name.lastIndexOf("/") + 1) : "";
}
