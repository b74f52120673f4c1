// 工作台's decision-support widgets from 报表中心, apart from React: who sees them, the three reports they ask for
// (流失风险预警, 最重要的销售员, 地区销售额 — this year to the bank's today, over the caller's scope), the request id
// that makes each at most one stored report a day per user (a UUID v5 of user, widget and bank-local day: the report
// service answers a repeated id with the report it stored for it, computing nothing), and reading the reports' rows.
import type { Schemas, User } from "@/lib/api/client";
import { type Audience, audienceOf, can } from "@/lib/session";

import { cellNumber, columnIndex, fromDate, labelIndex, presetPeriod, rowLabel, toDate } from "@/features/reports/logic";

type Report = Schemas["kam.report.v1.Report"];
type ReportColumn = Schemas["kam.report.v1.ReportColumn"];

// --- who -----------------------------------------------------------------------------------------------------------

/** Head-office leaders (the bank's figures) and branch managers (their branch's) who may run reports: not a
 * relationship manager (their own customers: the home page's lists say it), not whoever cannot run a report
 * (compliance reads, it does not run). The API stays the authority (CreateReport needs `reports.create`). */
export function showsLeaderReports(user: User | null | undefined): boolean {
  const audience: Audience = audienceOf(user);
  return can(user, "reports.create") && (audience === "bank" || audience === "branch");
}

// --- the request id ------------------------------------------------------------------------------------------------

/** SHA-1 of a byte string (for UUID v5; not for secrets). Plain code: `crypto.subtle` is async and missing outside
 * secure contexts. */
export function sha1(bytes: Uint8Array): Uint8Array {
  const length = bytes.length;
  const words = ((length + 8) >> 6) + 1;
  const blocks = new Uint32Array(words * 16);
  for (let i = 0; i < length; i++) blocks[i >> 2] |= bytes[i] << (24 - (i % 4) * 8);
  blocks[length >> 2] |= 0x80 << (24 - (length % 4) * 8);
  blocks[words * 16 - 1] = length * 8; // messages here are far below 2^29 bytes
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));
  for (let block = 0; block < words; block++) {
    for (let i = 0; i < 16; i++) w[i] = blocks[block * 16 + i];
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    let [a, b, c, d, e] = [h0, h1, h2, h3, h4];
    for (let i = 0; i < 80; i++) {
      const [f, k] =
        i < 20 ? [(b & c) | (~b & d), 0x5a827999] : i < 40 ? [b ^ c ^ d, 0x6ed9eba1] : i < 60 ? [(b & c) | (b & d) | (c & d), 0x8f1bbcdc] : [b ^ c ^ d, 0xca62c1d6];
      const next = (rotl(a, 5) + f + e + k + w[i]) >>> 0;
      e = d;
      d = c;
      c = rotl(b, 30) >>> 0;
      b = a;
      a = next;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + b) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  const out = new Uint8Array(20);
  [h0, h1, h2, h3, h4].forEach((h, i) => {
    out[i * 4] = h >>> 24;
    out[i * 4 + 1] = (h >>> 16) & 0xff;
    out[i * 4 + 2] = (h >>> 8) & 0xff;
    out[i * 4 + 3] = h & 0xff;
  });
  return out;
}

/** RFC 4122's URL namespace. */
export const NAMESPACE_URL = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

/** The name-based UUID (version 5) of `name` in `namespace`: the same name, the same UUID, on every device. */
export function uuidV5(name: string, namespace: string = NAMESPACE_URL): string {
  const ns = namespace.replace(/-/g, "");
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(16 + nameBytes.length);
  for (let i = 0; i < 16; i++) input[i] = parseInt(ns.slice(i * 2, i * 2 + 2), 16);
  input.set(nameBytes, 16);
  const hash = sha1(input).slice(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type Widget = "churn" | "topManagers" | "regional";
export const WIDGETS: Widget[] = ["churn", "topManagers", "regional"];

/** CreateReport's request id for a widget: one per user, widget and bank-local day (`day`, YYYY-MM-DD), so that
 * every visit that day gets the report stored by the first. `attempt` > 0 after the user asks again for a report
 * whose computation failed (a failed report is stored too, and would otherwise answer all day). */
export function homeRequestId(user: string, widget: Widget, day: string, attempt = 0): string {
  return uuidV5(`urn:kam:console:home-report:${widget}:${user}:${day}${attempt ? `:${attempt}` : ""}`);
}

/** The request id of a drill from a widget's report into one of its rows: the same bar clicked again (that day's
 * report is the same report) opens the report made the first time. */
export function drillRequestId(user: string, report: string, drillDown: string): string {
  return uuidV5(`urn:kam:console:home-drill:${user}:${report}:${drillDown}`);
}

// --- the reports asked for -----------------------------------------------------------------------------------------

/** Rows the two lists show. */
export const TOP = 5;
/** Bars the regional chart draws at most (the full report has every unit). */
export const REGIONAL_BARS = 12;

const KINDS: Record<Widget, Report["kind"]> = {
  churn: "REPORT_KIND_CHURN_RISK",
  topManagers: "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS",
  regional: "REPORT_KIND_REGIONAL_SALES",
};

/** The stored reports' titles: what 我的报表 lists them by (stored data, like the service's own titles, in
 * Chinese), with the day they were made for. */
export const TITLES: Record<Widget, string> = {
  churn: "工作台·流失风险预警",
  topManagers: "工作台·最重要的销售员",
  regional: "工作台·地区销售额",
};

export interface HomeReportRequest {
  widget: Widget;
  requestId: string;
  report: Report;
}

/** CreateReport's request for a widget on the bank's `today`: this year to date over the caller's whole scope — the
 * top 5 customers by churn score, the top 5 relationship managers by AUM growth, the units one level below the
 * caller's (the service's default grouping when no unit is named). */
export function homeReportRequest(widget: Widget, user: string, today: string, attempt = 0): HomeReportRequest {
  const period = presetPeriod("thisYear", today);
  const parameters: Report["parameters"] = { startDate: toDate(period.start), endDate: toDate(period.end) };
  if (widget === "churn") Object.assign(parameters, { dimension: "score", topN: TOP });
  if (widget === "topManagers") Object.assign(parameters, { dimension: "growth", topN: TOP });
  if (widget === "regional") parameters.dimension = "org_unit";
  return {
    widget,
    requestId: homeRequestId(user, widget, today, attempt),
    report: { kind: KINDS[widget], displayName: `${TITLES[widget]} ${today}`, parameters },
  };
}

/** The period a widget's report covers, as the card says it (`2026-01-01 ~ 2026-05-06`). */
export function reportPeriod(report: Report | undefined): string {
  const start = fromDate(report?.parameters?.startDate);
  const end = fromDate(report?.parameters?.endDate);
  return start && end ? `${start} ~ ${end}` : "";
}

// --- reading the rows ----------------------------------------------------------------------------------------------

function cell(report: Report, row: { values?: unknown[] }, key: string): unknown {
  const index = columnIndex(report.columns ?? [], key);
  return index >= 0 ? row.values?.[index] : undefined;
}

function column(report: Report, key: string): ReportColumn | undefined {
  return (report.columns ?? []).find((c) => c.key === key);
}

export type RiskLevel = "high" | "medium" | "low";

/** A churn level from the report's cell (高 / 中 / 低, or the English word), else from the score as the service
 * grades it (高 at 50 or more, 中 at 25 or more). */
export function riskLevel(level: unknown, score: number | null): RiskLevel {
  const text = typeof level === "string" ? level.trim().toLowerCase() : "";
  if (text === "高" || text === "high") return "high";
  if (text === "中" || text === "medium") return "medium";
  if (text === "低" || text === "low") return "low";
  if (score === null) return "low";
  return score >= 50 ? "high" : score >= 25 ? "medium" : "low";
}

/** The first of a row's reasons (the service joins up to three with 「；」). */
export function firstReason(reasons: unknown): string {
  if (typeof reasons !== "string") return "";
  return reasons.split(/[；;]/)[0]?.trim() ?? "";
}

export interface ChurnRow {
  key: string;
  name: string;
  /** The customer's id for the 360 page (`customers/{id}` → `{id}`); empty when the row has none. */
  customer: string;
  score: number | null;
  level: RiskLevel;
  reason: string;
}

export function churnRows(report: Report | undefined): ChurnRow[] {
  if (!report) return [];
  const label = labelIndex(report.columns ?? []);
  return (report.rows ?? []).slice(0, TOP).map((row, i) => {
    const score = cellNumber(cell(report, row, "score"));
    const drill = row.drillDown ?? "";
    return {
      key: drill || String(i),
      name: rowLabel(row, label, i),
      customer: drill.startsWith("customers/") ? drill.slice("customers/".length) : "",
      score,
      level: riskLevel(cell(report, row, "level"), score),
      reason: firstReason(cell(report, row, "reasons")),
    };
  });
}

export interface ManagerRow {
  key: string;
  rank: number;
  name: string;
  orgUnit: string;
  growth: number | null;
  growthColumn?: ReportColumn;
  conversions: number | null;
  onTimeRate: number | null;
  onTimeColumn?: ReportColumn;
}

export function managerRows(report: Report | undefined): ManagerRow[] {
  if (!report) return [];
  const label = labelIndex(report.columns ?? []);
  return (report.rows ?? []).slice(0, TOP).map((row, i) => {
    const orgUnit = cell(report, row, "org_unit");
    return {
      key: row.drillDown || String(i),
      rank: cellNumber(cell(report, row, "rank")) ?? i + 1,
      name: rowLabel(row, label, i),
      orgUnit: typeof orgUnit === "string" ? orgUnit : "",
      growth: cellNumber(cell(report, row, "aum_growth")),
      growthColumn: column(report, "aum_growth"),
      conversions: cellNumber(cell(report, row, "campaign_conversions")),
      onTimeRate: cellNumber(cell(report, row, "tasks_on_time_rate")),
      onTimeColumn: column(report, "tasks_on_time_rate"),
    };
  });
}

export interface RegionalBar {
  /** The report's row (for the drill). */
  row: number;
  name: string;
  aum: number;
  growth: number;
  growthRate: number | null;
}

/** The regional chart's bars: the units in the report's order (largest AUM first), at most REGIONAL_BARS. */
export function regionalBars(report: Report | undefined): RegionalBar[] {
  if (!report) return [];
  const label = labelIndex(report.columns ?? []);
  return (report.rows ?? []).slice(0, REGIONAL_BARS).map((row, i) => ({
    row: i,
    name: rowLabel(row, label, i),
    aum: cellNumber(cell(report, row, "assets_under_management")) ?? 0,
    growth: cellNumber(cell(report, row, "aum_growth")) ?? 0,
    growthRate: cellNumber(cell(report, row, "aum_growth_rate")),
  }));
}
