// 报表中心's logic, apart from React: the catalogue of report kinds (groups, the conditions each takes), the period
// and its presets, the form's values to and from a report's parameters, the API's field violations as form paths,
// the summary of a report's conditions, reading and formatting the generic table's cells, the drill-down (a row's
// `drillDown` as the next report, or the customer's 360 page), the breadcrumb of a drill path kept in the address,
// and the charts' options per kind (bars, ranking bars, stacked bars, trend lines, heat maps).
import type { CSSProperties } from "react";

import type { ChartOption } from "@/components/LazyChart";
import type { Schemas } from "@/lib/api/client";
import type { Problems } from "@/lib/problems";
import type { Lang } from "@/locales/i18n";

export type Report = Schemas["kam.report.v1.Report"];
export type ReportParameters = Schemas["kam.report.v1.ReportParameters"];
export type ReportColumn = Schemas["kam.report.v1.ReportColumn"];
export type ReportRow = Schemas["kam.report.v1.ReportRow"];
export type ReportKind = Report["kind"];
export type ReportState = NonNullable<Report["state"]>;
export type ColumnType = NonNullable<ReportColumn["type"]>;
export type CustomerType = NonNullable<ReportParameters["customerTypes"]>[number];
export type ExportFormat = "EXPORT_FORMAT_CSV" | "EXPORT_FORMAT_XLSX" | "EXPORT_FORMAT_PDF";
type Translate = (key: string, vars?: Record<string, string | number>) => string;

// --- the catalogue ------------------------------------------------------------------------------------------------

export type Group = "customers" | "hotspots" | "sales" | "management" | "mining";

/** The kinds this console knows (a kind added to the API later is listed by its title and drawn generically). */
export type Kind = Extract<
  ReportKind,
  | "REPORT_KIND_REGIONAL_SALES"
  | "REPORT_KIND_DEPOSIT_ANALYSIS"
  | "REPORT_KIND_TOP_CUSTOMERS"
  | "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS"
  | "REPORT_KIND_CUSTOMER_SALES"
  | "REPORT_KIND_CROSS_SELLING"
  | "REPORT_KIND_SALES_SUMMARY"
  | "REPORT_KIND_TIER_DISTRIBUTION"
  | "REPORT_KIND_WORK_EFFICIENCY"
  | "REPORT_KIND_ALERT_SUMMARY"
  | "REPORT_KIND_CAMPAIGN_RESULTS"
  | "REPORT_KIND_CUSTOMER_SEGMENTS"
  | "REPORT_KIND_CHURN_RISK"
  | "REPORT_KIND_NEXT_BEST_PRODUCT"
>;

/** The report kinds as the catalogue groups them: 客户分析, 热点分析, 销售分析, 经营管理, and 数据挖掘 (the service's
 * data-mining reports). */
export const GROUPS: { group: Group; kinds: Kind[] }[] = [
  { group: "customers", kinds: ["REPORT_KIND_REGIONAL_SALES", "REPORT_KIND_DEPOSIT_ANALYSIS"] },
  { group: "hotspots", kinds: ["REPORT_KIND_TOP_CUSTOMERS", "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS"] },
  { group: "sales", kinds: ["REPORT_KIND_CUSTOMER_SALES", "REPORT_KIND_CROSS_SELLING", "REPORT_KIND_SALES_SUMMARY"] },
  {
    group: "management",
    kinds: ["REPORT_KIND_TIER_DISTRIBUTION", "REPORT_KIND_WORK_EFFICIENCY", "REPORT_KIND_ALERT_SUMMARY", "REPORT_KIND_CAMPAIGN_RESULTS"],
  },
  { group: "mining", kinds: ["REPORT_KIND_CUSTOMER_SEGMENTS", "REPORT_KIND_CHURN_RISK", "REPORT_KIND_NEXT_BEST_PRODUCT"] },
];
export const KINDS: Kind[] = GROUPS.flatMap((g) => g.kinds);

export const STATES: ReportState[] = ["STATE_PENDING", "STATE_RUNNING", "STATE_SUCCEEDED", "STATE_FAILED"];

/** The conditions a kind offers besides the period. */
export type Filter = "orgUnits" | "tiers" | "customerTypes" | "products";

export interface KindSpec {
  /** The choices of `dimension`, the default first (none: the kind has no choice). */
  dimensions: string[];
  /** Whether it takes `topN`. */
  topN: boolean;
  filters: Filter[];
}

const SCOPE: Filter[] = ["orgUnits", "tiers", "customerTypes"];

export const SPECS: Record<Kind, KindSpec> = {
  REPORT_KIND_REGIONAL_SALES: { dimensions: ["org_unit", "relationship_manager", "customer"], topN: false, filters: [...SCOPE, "products"] },
  REPORT_KIND_DEPOSIT_ANALYSIS: { dimensions: ["org_unit", "relationship_manager", "customer"], topN: false, filters: SCOPE },
  REPORT_KIND_TOP_CUSTOMERS: { dimensions: ["assets", "growth", "contribution"], topN: true, filters: [...SCOPE, "products"] },
  REPORT_KIND_TOP_RELATIONSHIP_MANAGERS: { dimensions: ["growth", "assets", "new_accounts"], topN: true, filters: ["orgUnits"] },
  REPORT_KIND_CUSTOMER_SALES: { dimensions: [], topN: false, filters: [...SCOPE, "products"] },
  REPORT_KIND_CROSS_SELLING: { dimensions: ["matrix", "holdings"], topN: false, filters: SCOPE },
  REPORT_KIND_SALES_SUMMARY: { dimensions: ["product", "month"], topN: false, filters: [...SCOPE, "products"] },
  REPORT_KIND_TIER_DISTRIBUTION: { dimensions: ["tier", "org_unit"], topN: false, filters: ["orgUnits", "customerTypes"] },
  REPORT_KIND_WORK_EFFICIENCY: { dimensions: [], topN: false, filters: ["orgUnits"] },
  REPORT_KIND_ALERT_SUMMARY: { dimensions: [], topN: false, filters: ["orgUnits", "tiers"] },
  REPORT_KIND_CAMPAIGN_RESULTS: { dimensions: [], topN: false, filters: ["orgUnits", "products"] },
  REPORT_KIND_CUSTOMER_SEGMENTS: { dimensions: [], topN: false, filters: SCOPE },
  REPORT_KIND_CHURN_RISK: { dimensions: ["score", "backtest"], topN: true, filters: SCOPE },
  REPORT_KIND_NEXT_BEST_PRODUCT: { dimensions: [], topN: true, filters: [...SCOPE, "products"] },
};

/** The product categories (codes for `products`, and the cross-selling matrix's column keys). */
export const PRODUCTS = ["DEMAND_DEPOSIT", "TIME_DEPOSIT", "LOAN", "WEALTH", "CREDIT_CARD", "FUND"] as const;
export const CUSTOMER_TYPES: CustomerType[] = ["TYPE_INDIVIDUAL", "TYPE_CORPORATE"];
export const DEFAULT_TOP_N = 20;
export const MAX_TOP_N = 500;

export function isKind(value: unknown): value is Kind {
  return KINDS.includes(value as Kind);
}

/** A kind as the address writes it (`REGIONAL_SALES`). */
export function kindParam(kind: Kind): string {
  return kind.replace("REPORT_KIND_", "");
}

/** The kind an address names (`REGIONAL_SALES` or `REPORT_KIND_REGIONAL_SALES`), if it is one. */
export function kindFromParam(value: string | null | undefined): Kind | undefined {
  if (!value) return undefined;
  const full = value.startsWith("REPORT_KIND_") ? value : `REPORT_KIND_${value}`;
  return isKind(full) ? full : undefined;
}

/** 我的报表's filter (AIP-160) for a kind and a state, each optional. */
export function listFilter(kind?: Kind, state?: ReportState): string {
  return [kind ? `kind = ${kind}` : "", state ? `state = ${state}` : ""].filter(Boolean).join(" AND ");
}

export function isDone(report: Report | undefined): boolean {
  return report?.state === "STATE_SUCCEEDED" || report?.state === "STATE_FAILED";
}

export function isWorking(report: Report | undefined): boolean {
  return report?.state === "STATE_PENDING" || report?.state === "STATE_RUNNING";
}

// --- the period ---------------------------------------------------------------------------------------------------

export interface Period {
  start: string;
  end: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `now`'s date at the bank (China Standard Time), YYYY-MM-DD, whatever the browser's zone. */
export function bankToday(now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

function utc(day: string): number {
  const [y, m, d] = day.split("-").map(Number);
  return Date.UTC(y, m - 1, d);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whether `day` is a real calendar day written YYYY-MM-DD. */
export function isDay(day: string | null | undefined): day is string {
  return Boolean(day && DAY.test(day) && iso(utc(day)) === day);
}

export type Preset = "thisMonth" | "thisQuarter" | "thisYear" | "last12Months";
export const PRESETS: Preset[] = ["thisMonth", "thisQuarter", "thisYear", "last12Months"];

/** A preset period up to the bank's `today` (YYYY-MM-DD): 本月, 本季度, 本年 to date, and 近12个月 — the current
 * month and the eleven before it, whole months from their first day (twelve buckets for a monthly trend). */
export function presetPeriod(preset: Preset, today: string): Period {
  const [y, m] = today.split("-").map(Number);
  const from = (year: number, month: number) => iso(Date.UTC(year, month - 1, 1));
  switch (preset) {
    case "thisMonth":
      return { start: from(y, m), end: today };
    case "thisQuarter":
      return { start: from(y, Math.floor((m - 1) / 3) * 3 + 1), end: today };
    case "thisYear":
      return { start: from(y, 1), end: today };
    case "last12Months":
      return { start: from(y, m - 11), end: today };
  }
}

/** The preset a period is, if any (to light up its button). */
export function presetOf(period: Period, today: string): Preset | undefined {
  return PRESETS.find((p) => {
    const preset = presetPeriod(p, today);
    return preset.start === period.start && preset.end === period.end;
  });
}

export function toDate(day: string): { year: number; month: number; day: number } {
  const [year, month, d] = day.split("-").map(Number);
  return { year, month, day: d };
}

const pad = (n: number | undefined) => String(n ?? 0).padStart(2, "0");

/** A google.type.Date as YYYY-MM-DD (empty when unset). */
export function fromDate(date: { year?: number; month?: number; day?: number } | undefined): string {
  return date?.year ? `${date.year}-${pad(date.month ?? 1)}-${pad(date.day ?? 1)}` : "";
}

export function periodText(parameters: ReportParameters | undefined): string {
  const start = fromDate(parameters?.startDate);
  const end = fromDate(parameters?.endDate);
  return start || end ? `${start} ~ ${end}` : "";
}

// --- the form -----------------------------------------------------------------------------------------------------

export interface FormValues {
  kind: Kind;
  displayName: string;
  start: string;
  end: string;
  orgUnits: string[];
  tiers: string[];
  customerTypes: CustomerType[];
  products: string[];
  relationshipManagers: string[];
  dimension: string;
  topN: number;
}

/** A new report's conditions: this year to date, the caller's scope, the kind's default grouping, top 20. */
export function defaultValues(kind: Kind, today: string): FormValues {
  return {
    kind,
    displayName: "",
    ...presetPeriod("thisYear", today),
    orgUnits: [],
    tiers: [],
    customerTypes: [],
    products: [],
    relationshipManagers: [],
    dimension: SPECS[kind].dimensions[0] ?? "",
    topN: DEFAULT_TOP_N,
  };
}

/** The form filled with a stored report's conditions (修改条件), for `kind` (the report's own unless another). */
export function valuesFromReport(report: Report, today: string, kind?: Kind): FormValues {
  const own = isKind(report.kind) ? report.kind : undefined;
  const target = kind ?? own ?? "REPORT_KIND_REGIONAL_SALES";
  const base = defaultValues(target, today);
  const p = report.parameters;
  const start = fromDate(p?.startDate);
  const end = fromDate(p?.endDate);
  const dimensions = SPECS[target].dimensions;
  return {
    ...base,
    displayName: target === own ? (report.displayName ?? "") : "",
    start: isDay(start) ? start : base.start,
    end: isDay(end) ? end : base.end,
    orgUnits: [...(p?.orgUnits ?? [])],
    tiers: [...(p?.tiers ?? [])],
    customerTypes: (p?.customerTypes ?? []).filter((c) => c !== "TYPE_UNSPECIFIED"),
    products: [...(p?.products ?? [])],
    relationshipManagers: [...(p?.relationshipManagers ?? [])],
    dimension: p?.dimension && dimensions.includes(p.dimension) ? p.dimension : base.dimension,
    topN: p?.topN && p.topN > 0 ? p.topN : base.topN,
  };
}

/** CreateReport's body for the form: only the conditions the kind takes (an empty title: the service names it). */
export function reportFromValues(v: FormValues): Report {
  const spec = SPECS[v.kind];
  const parameters: ReportParameters = { startDate: toDate(v.start), endDate: toDate(v.end) };
  if (spec.filters.includes("orgUnits") && v.orgUnits.length) parameters.orgUnits = v.orgUnits;
  if (spec.filters.includes("tiers") && v.tiers.length) parameters.tiers = v.tiers;
  if (spec.filters.includes("customerTypes") && v.customerTypes.length) parameters.customerTypes = v.customerTypes;
  if (spec.filters.includes("products") && v.products.length) parameters.products = v.products;
  if (v.relationshipManagers.length) parameters.relationshipManagers = v.relationshipManagers;
  if (spec.dimensions.length) parameters.dimension = spec.dimensions.includes(v.dimension) ? v.dimension : spec.dimensions[0];
  if (spec.topN) parameters.topN = v.topN;
  const title = v.displayName.trim();
  return { kind: v.kind, ...(title ? { displayName: title } : {}), parameters };
}

/** What the console itself refuses before sending, by field path (the API says the same). */
export function formProblems(v: FormValues, t: Translate): Problems {
  const out: Problems = {};
  if (!isDay(v.start)) out["parameters.startDate"] = [t("reports.problem.startMissing")];
  if (!isDay(v.end)) out["parameters.endDate"] = [t("reports.problem.endMissing")];
  else if (isDay(v.start) && utc(v.end) < utc(v.start)) out["parameters.endDate"] = [t("reports.problem.order")];
  if (SPECS[v.kind].topN && !(Number.isInteger(v.topN) && v.topN >= 1 && v.topN <= MAX_TOP_N))
    out["parameters.topN"] = [t("reports.problem.topN", { max: MAX_TOP_N })];
  return out;
}

/** A violation's field as the form's path: `report.parameters.end_date` → `parameters.endDate`,
 * `parameters.org_units[1]` → `parameters.orgUnits`. */
export function violationPath(field: string): string {
  let path = field.replace(/\[\d+\]/g, "");
  if (path.startsWith("report.")) path = path.slice("report.".length);
  return path
    .split(".")
    .map((part) => part.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()))
    .join(".");
}

// --- the conditions' summary --------------------------------------------------------------------------------------

export interface SummaryWords {
  t: Translate;
  orgUnit: (name: string) => string;
  tier: (name: string) => string;
  customerType: (type: string) => string;
}

/** A report's conditions as label/text pairs (期间, 机构, 等级, …), in the form's order; absent ones left out
 * except the scope, which says 全部（本人权限范围） when no unit is chosen. */
export function parameterSummary(report: Report, w: SummaryWords): { label: string; text: string }[] {
  const p = report.parameters;
  const out: { label: string; text: string }[] = [{ label: w.t("reports.period"), text: periodText(p) }];
  out.push({ label: w.t("reports.orgUnits"), text: p?.orgUnits?.length ? p.orgUnits.map(w.orgUnit).join("、") : w.t("reports.allScope") });
  if (p?.relationshipManagers?.length) out.push({ label: w.t("reports.relationshipManagers"), text: p.relationshipManagers.map(shortName).join("、") });
  if (p?.tiers?.length) out.push({ label: w.t("reports.tiers"), text: p.tiers.map(w.tier).join("、") });
  if (p?.customerTypes?.length) out.push({ label: w.t("reports.customerTypes"), text: p.customerTypes.map(w.customerType).join("、") });
  if (p?.products?.length) out.push({ label: w.t("reports.products"), text: p.products.map((code) => productName(code, w.t)).join("、") });
  if (isKind(report.kind) && SPECS[report.kind].dimensions.length) {
    const dimension = p?.dimension || SPECS[report.kind].dimensions[0];
    out.push({ label: w.t("reports.dimension"), text: dimensionName(dimension, w.t) });
  }
  if (isKind(report.kind) && SPECS[report.kind].topN) out.push({ label: w.t("reports.topN"), text: String(p?.topN || DEFAULT_TOP_N) });
  return out;
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

export function productName(code: string, t: Translate): string {
  const key = `reports.product.${code}`;
  const text = t(key);
  return text === key ? code : text;
}

export function dimensionName(dimension: string, t: Translate): string {
  const key = `reports.dim.${dimension}`;
  const text = t(key);
  return text === key ? dimension : text;
}

/** The kind's name (地区销售额统计), or the report's title when the kind is unknown to this console. */
export function kindName(kind: ReportKind | undefined, t: Translate): string {
  return isKind(kind) ? t(`reports.kinds.${kindParam(kind)}.name`) : t("reports.unknownKind");
}

/** A report's title: its own, else its kind's name. */
export function reportTitle(report: Report | undefined, t: Translate): string {
  return report?.displayName || kindName(report?.kind, t);
}

/** The bytes of base64 (standard or URL-safe, padded or not). */
export function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const standard = text.replace(/-/g, "+").replace(/_/g, "/").replace(/\s/g, "");
  const binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, "="));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// --- the table ----------------------------------------------------------------------------------------------------

const NUMERIC: ColumnType[] = ["TYPE_INTEGER", "TYPE_DECIMAL", "TYPE_MONEY", "TYPE_PERCENT"];

export function isNumeric(type: ColumnType | undefined): boolean {
  return NUMERIC.includes(type as ColumnType);
}

/** The column that names a row (the chart's category): `label`, else the first text column. */
export function labelIndex(columns: readonly ReportColumn[]): number {
  const label = columns.findIndex((c) => c.key === "label");
  if (label >= 0) return label;
  return columns.findIndex((c) => !c.type || c.type === "TYPE_STRING");
}

export function columnIndex(columns: readonly ReportColumn[], key: string): number {
  return columns.findIndex((c) => c.key === key);
}

/** A cell as a number (MONEY comes as a decimal string, int64 may too), or null. */
export function cellNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A row's name: its label cell, else its position. */
export function rowLabel(row: ReportRow, label: number, index: number): string {
  const value = label >= 0 ? row.values?.[label] : undefined;
  return value === null || value === undefined || value === "" ? String(index + 1) : String(value);
}

/** The order of two cells of a column: numbers by value, text as Chinese sorts it; empty cells last. */
export function compareCells(a: unknown, b: unknown, type: ColumnType | undefined): number {
  if (isNumeric(type)) {
    const x = cellNumber(a);
    const y = cellNumber(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return x - y;
  }
  const x = a === null || a === undefined ? "" : String(a);
  const y = b === null || b === undefined ? "" : String(b);
  if (!x || !y) return x === y ? 0 : !x ? 1 : -1;
  return x.localeCompare(y, "zh-CN");
}

/** An amount in CNY with thousands separators: `¥1,234,567.89`. */
export function formatAmount(value: number, lang: Lang): string {
  return new Intl.NumberFormat(lang, { style: "currency", currency: "CNY", minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

/** A number for a chart's axis: 1.2亿 / 3,456万 (zh-CN), 120M / 34.6K (en-US). */
export function compactNumber(value: number, lang: Lang): string {
  if (lang === "zh-CN") {
    const abs = Math.abs(value);
    const fmt = (n: number) => n.toLocaleString("zh-CN", { maximumFractionDigits: 1 });
    if (abs >= 1e8) return `${fmt(value / 1e8)}亿`;
    if (abs >= 1e4) return `${fmt(value / 1e4)}万`;
    return fmt(value);
  }
  return new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

export interface CellWords {
  t: Translate;
  lang: Lang;
}

/** A cell as shown: money `¥1,234,567.89`, percentages `12.5%`, counts `1,234`, ranks moved `↑2` / `↓1` / 新,
 * empty cells `—`; text as it came (customer types named). */
export function formatCell(value: unknown, column: ReportColumn | undefined, w: CellWords): string {
  const type = column?.type;
  if (column?.key === "rank_change") {
    const n = cellNumber(value);
    if (n === null) return w.t("reports.new");
    return n > 0 ? `↑${n}` : n < 0 ? `↓${-n}` : "–";
  }
  if (value === null || value === undefined || value === "") return "—";
  if (isNumeric(type)) {
    const n = cellNumber(value);
    if (n === null) return String(value);
    switch (type) {
      case "TYPE_MONEY":
        return formatAmount(n, w.lang);
      case "TYPE_PERCENT":
        return `${n.toLocaleString(w.lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
      case "TYPE_INTEGER":
        return n.toLocaleString(w.lang, { maximumFractionDigits: 0 });
      default:
        return n.toLocaleString(w.lang, { maximumFractionDigits: 2 });
    }
  }
  const text = String(value);
  if (column?.key === "customer_type") {
    const key = `reports.customerType.${text.replace(/^TYPE_/, "")}`;
    const named = w.t(key);
    if (named !== key) return named;
  }
  return text;
}

/** A column's header: the service's (zh-CN) one, or in English the console's translation of its key if it has one. */
export function columnTitle(column: ReportColumn, w: CellWords): string {
  if (w.lang !== "zh-CN" && column.key) {
    const key = `reports.col.${column.key}`;
    const text = w.t(key);
    if (text !== key) return text;
  }
  return column.displayName || column.key || "";
}

// --- drill-down ---------------------------------------------------------------------------------------------------

export type DrillTarget =
  | { to: "customer"; id: string }
  | { to: "report"; kind: Kind; parameters: ReportParameters };

/** Reports grouped by org unit / relationship manager / customer, where a drill sets the grouping. */
const LEVELLED: Kind[] = ["REPORT_KIND_REGIONAL_SALES", "REPORT_KIND_DEPOSIT_ANALYSIS"];

/** Where a row's `drillDown` leads: a customer opens the 360 page; an org unit asks the same report for that
 * unit (its units one level below — the service answers per relationship manager below a leaf unit); a
 * relationship manager asks for their customers (最重要的销售员: their 地区销售额 per customer). None when the
 * row has no next level. */
export function drillTarget(report: Report, drillDown: string | undefined): DrillTarget | undefined {
  if (!drillDown || !isKind(report.kind)) return undefined;
  const kind = report.kind;
  const base: ReportParameters = { ...report.parameters };
  if (drillDown.startsWith("customers/")) {
    const id = drillDown.slice("customers/".length);
    return id ? { to: "customer", id } : undefined;
  }
  if (drillDown.startsWith("orgUnits/")) {
    const parameters: ReportParameters = { ...base, orgUnits: [drillDown] };
    delete parameters.relationshipManagers;
    if (LEVELLED.includes(kind)) parameters.dimension = "org_unit";
    return { to: "report", kind, parameters };
  }
  if (drillDown.startsWith("users/") || drillDown.startsWith("staff/")) {
    if (kind === "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS") {
      const parameters: ReportParameters = { ...base, relationshipManagers: [drillDown], dimension: "customer" };
      delete parameters.topN;
      return { to: "report", kind: "REPORT_KIND_REGIONAL_SALES", parameters };
    }
    const parameters: ReportParameters = { ...base, relationshipManagers: [drillDown] };
    if (LEVELLED.includes(kind)) parameters.dimension = "customer";
    return { to: "report", kind, parameters };
  }
  return undefined;
}

/** CreateReport's body for a drill into the row labelled `label`: the target kind's name and the row's. */
export function drillReport(target: Extract<DrillTarget, { to: "report" }>, label: string, t: Translate): Report {
  return { kind: target.kind, displayName: `${kindName(target.kind, t)} · ${label}`, parameters: target.parameters };
}

// --- the drill path (breadcrumb), kept in the address -------------------------------------------------------------

export interface Crumb {
  /** The report's id (`reports/{id}`'s last segment). */
  id: string;
  label: string;
}

export const TRAIL_PARAM = "trail";

/** The drill path from the address, when it ends at the report shown (otherwise none: opened some other way). */
export function trailFromParam(raw: string | null, currentId: string): Crumb[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    const trail = parsed.filter(
      (c): c is Crumb => typeof c === "object" && c !== null && typeof (c as Crumb).id === "string" && typeof (c as Crumb).label === "string",
    );
    return trail.length === parsed.length && trail.at(-1)?.id === currentId ? trail : [];
  } catch {
    return [];
  }
}

/** The address of a report with its drill path (none for a path of one). */
export function reportPath(id: string, trail: Crumb[] = []): string {
  const base = `/reports/${encodeURIComponent(id)}`;
  return trail.length > 1 ? `${base}?${new URLSearchParams({ [TRAIL_PARAM]: JSON.stringify(trail) })}` : base;
}

/** The path after drilling from the report shown (`current`, the path's start when there is none yet) into `next`. */
export function trailAfterDrill(trail: Crumb[], current: Crumb, next: Crumb): Crumb[] {
  return [...(trail.length ? trail : [current]), next];
}

/** The path after 重新生成: the same place, the new report in the last step. */
export function trailAfterRerun(trail: Crumb[], id: string): Crumb[] {
  return trail.length ? [...trail.slice(0, -1), { ...trail.at(-1)!, id }] : [];
}

// --- charts -------------------------------------------------------------------------------------------------------

const BLUE = "#1f4e8c";
const GOLD = "#d48806";
const GREEN = "#389e0d";
const RED = "#cf1322";
const TEAL = "#08979c";
const PURPLE = "#722ed1";
const PALETTE = [BLUE, GOLD, GREEN, TEAL, PURPLE, RED, "#595959"];
/** Bars drawn at most (the table has every row). */
export const CHART_ROWS = 30;

export interface ChartSpec {
  key: string;
  title: string;
  option: ChartOption;
  height: number;
  /** The table row of each category (a bar's dataIndex), for a click to drill; none when the chart does not drill. */
  rows?: number[];
}

interface Series {
  column: ReportColumn;
  index: number;
}

function seriesOf(columns: readonly ReportColumn[], keys: string[]): Series[] {
  return keys.map((key) => ({ index: columnIndex(columns, key), column: columns[columnIndex(columns, key)] })).filter((s) => s.index >= 0);
}

function axisFormatter(type: ColumnType | undefined, lang: Lang) {
  return (value: number) => (type === "TYPE_PERCENT" ? `${value}%` : compactNumber(value, lang));
}

interface BarsSpec {
  key: string;
  title: string;
  series: Series[];
  stack?: boolean;
  horizontal?: boolean;
  line?: boolean;
  /** Negative values red (net inflow). */
  signed?: boolean;
}

function barsChart(report: Report, spec: BarsSpec, w: CellWords): ChartSpec {
  const columns = report.columns ?? [];
  const all = report.rows ?? [];
  const rows = all.slice(0, CHART_ROWS);
  const label = labelIndex(columns);
  const labels = rows.map((r, i) => rowLabel(r, label, i));
  const order = rows.map((_, i) => i);
  // ranking bars: the first at the top
  if (spec.horizontal) order.reverse();
  const type = spec.series[0]?.column.type;
  const names = spec.series.map((s) => columnTitle(s.column, w));
  const categoryAxis = {
    type: "category",
    data: order.map((i) => labels[i]),
    axisLabel: spec.horizontal ? { width: 110, overflow: "truncate" } : { interval: 0, rotate: rows.length > 6 ? 30 : 0, width: 90, overflow: "truncate" },
  };
  const valueAxis = { type: "value", axisLabel: { formatter: axisFormatter(type, w.lang) } };
  const option: ChartOption = {
    color: PALETTE,
    tooltip: {
      trigger: "axis",
      axisPointer: { type: spec.line ? "line" : "shadow" },
      valueFormatter: (value: unknown) => formatCell(value, spec.series[0]?.column, w),
    },
    legend: spec.series.length > 1 ? { data: names, top: 0 } : undefined,
    grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 12, bottom: 8 },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? categoryAxis : valueAxis,
    series: spec.series.map((s, k) => {
      const data = order.map((i) => cellNumber(rows[i].values?.[s.index]));
      return {
        name: names[k],
        type: spec.line ? "line" : "bar",
        stack: spec.stack ? "total" : undefined,
        barMaxWidth: 32,
        data: spec.signed ? data.map((v) => ({ value: v, itemStyle: { color: v !== null && v < 0 ? RED : BLUE } })) : data,
      };
    }),
  };
  const height = spec.horizontal ? Math.max(260, rows.length * 24 + 40) : 300;
  return { key: spec.key, title: spec.title, option, height, rows: spec.line ? undefined : order };
}

function heatChart(
  report: Report,
  spec: { key: string; title: string; series: Series[]; xLabel: (s: Series) => string; max?: number },
  w: CellWords,
): ChartSpec {
  const columns = report.columns ?? [];
  const rows = (report.rows ?? []).slice(0, CHART_ROWS);
  const label = labelIndex(columns);
  const ys = rows.map((r, i) => rowLabel(r, label, i));
  const xs = spec.series.map(spec.xLabel);
  const data: [number, number, number | null][] = [];
  rows.forEach((r, y) => spec.series.forEach((s, x) => data.push([x, y, cellNumber(r.values?.[s.index])])));
  const max = spec.max ?? Math.max(1, ...data.map((d) => d[2] ?? 0));
  const column = spec.series[0]?.column;
  const option: ChartOption = {
    tooltip: {
      position: "top",
      formatter: (p: { value: [number, number, number | null] }) => `${ys[p.value[1]]} → ${xs[p.value[0]]}：${formatCell(p.value[2], column, w)}`,
    },
    // room under the axis labels for the colour scale
    grid: { left: 8, right: 8, top: 8, bottom: 84 },
    xAxis: { type: "category", data: xs, splitArea: { show: true }, axisLabel: { interval: 0, rotate: xs.length > 4 ? 30 : 0 } },
    yAxis: { type: "category", data: ys, splitArea: { show: true }, inverse: true },
    visualMap: { min: 0, max, calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#f0f5ff", BLUE] } },
    series: [
      {
        type: "heatmap",
        data,
        label: { show: true, formatter: (p: { value: [number, number, number | null] }) => formatCell(p.value[2], column, w) },
      },
    ],
  };
  return { key: spec.key, title: spec.title, option, height: Math.max(300, ys.length * 40 + 130) };
}

/** The first numeric column and those after it of the same type (up to three), for a kind without a chart of its own. */
function genericSeries(columns: readonly ReportColumn[]): Series[] {
  const label = labelIndex(columns);
  const numeric = columns.map((column, index) => ({ column, index })).filter((s) => s.index !== label && isNumeric(s.column.type) && s.column.key !== "rank");
  const preferred = numeric.filter((s) => s.column.type !== "TYPE_PERCENT");
  const pool = preferred.length ? preferred : numeric;
  const type = pool[0]?.column.type;
  return pool.filter((s) => s.column.type === type).slice(0, 3);
}

function genericChart(report: Report, w: CellWords): ChartSpec[] {
  const series = genericSeries(report.columns ?? []);
  return series.length ? [barsChart(report, { key: "bars", title: series.map((s) => columnTitle(s.column, w)).join("、"), series }, w)] : [];
}

function titled(series: Series[], w: CellWords): string {
  return series.map((s) => columnTitle(s.column, w)).join("、");
}

/** The charts of a computed report, per kind; a kind's columns missing (an answer of another shape): the generic
 * bars of its first numeric columns. */
export function reportCharts(report: Report | undefined, w: CellWords): ChartSpec[] {
  if (!report || !report.rows?.length || !report.columns?.length) return [];
  const columns = report.columns;
  const dimension = report.parameters?.dimension ?? "";
  const pick = (...keys: string[]) => seriesOf(columns, keys);
  switch (report.kind) {
    case "REPORT_KIND_REGIONAL_SALES": {
      const series = pick("assets_under_management", "deposits", "loans");
      if (series.length) return [barsChart(report, { key: "bars", title: titled(series, w), series }, w)];
      break;
    }
    case "REPORT_KIND_DEPOSIT_ANALYSIS": {
      const series = pick("demand_deposits", "time_deposits");
      if (series.length) return [barsChart(report, { key: "bars", title: titled(series, w), series, stack: true }, w)];
      break;
    }
    case "REPORT_KIND_TOP_CUSTOMERS": {
      const key = dimension === "growth" ? "aum_growth" : dimension === "contribution" ? "contribution" : "assets_under_management";
      const series = pick(key);
      if (series.length) return [barsChart(report, { key: "ranking", title: titled(series, w), series, horizontal: true }, w)];
      break;
    }
    case "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS": {
      const key = dimension === "assets" ? "assets_under_management" : dimension === "new_accounts" ? "new_accounts" : "aum_growth";
      const series = pick(key);
      if (series.length) return [barsChart(report, { key: "ranking", title: titled(series, w), series, horizontal: true }, w)];
      break;
    }
    case "REPORT_KIND_CUSTOMER_SALES": {
      const series = pick("net_inflow");
      if (series.length) return [barsChart(report, { key: "bars", title: titled(series, w), series, signed: true }, w)];
      break;
    }
    case "REPORT_KIND_CROSS_SELLING": {
      const products = columns
        .map((column, index) => ({ column, index }))
        .filter((s) => s.column.type === "TYPE_PERCENT" && (PRODUCTS as readonly string[]).includes(s.column.key ?? ""));
      if (dimension !== "holdings" && products.length)
        return [heatChart(report, { key: "matrix", title: w.t("reports.chart.crossSelling"), series: products, xLabel: (s) => columnTitle(s.column, w), max: 100 }, w)];
      const series = pick("customer_count");
      if (series.length) return [barsChart(report, { key: "bars", title: titled(series, w), series }, w)];
      break;
    }
    case "REPORT_KIND_SALES_SUMMARY": {
      const series = pick("new_accounts", "new_accounts_last_year");
      if (series.length)
        return [barsChart(report, { key: dimension === "month" ? "trend" : "bars", title: titled(series, w), series, line: dimension === "month" }, w)];
      break;
    }
    case "REPORT_KIND_TIER_DISTRIBUTION": {
      if (dimension === "org_unit") {
        const label = labelIndex(columns);
        const series = columns.map((column, index) => ({ column, index })).filter((s) => s.index !== label && s.column.type === "TYPE_INTEGER");
        if (series.length) return [barsChart(report, { key: "bars", title: w.t("reports.chart.tiersByUnit"), series, stack: true }, w)];
        break;
      }
      const out: ChartSpec[] = [];
      const counts = pick("start_count", "end_count");
      if (counts.length) out.push(barsChart(report, { key: "bars", title: titled(counts, w), series: counts }, w));
      const moves = columns.map((column, index) => ({ column, index })).filter((s) => s.column.key?.startsWith("to_"));
      if (moves.length)
        out.push(
          heatChart(
            report,
            { key: "migration", title: w.t("reports.chart.migration"), series: moves, xLabel: (s) => columnTitle(s.column, w).replace(/^→\s*/, "") },
            w,
          ),
        );
      if (out.length) return out;
      break;
    }
    default:
      break;
  }
  return genericChart(report, w);
}

/** The customers a report lists (rows whose drill-down is a customer), each once, in the report's order — what
 * 「以此建立营销活动」 hands to the campaign builder as its target list. */
export function reportCustomers(report: Report): string[] {
  const seen = new Set<string>();
  for (const row of report.rows ?? []) {
    const name = row.drillDown ?? "";
    if (name.startsWith("customers/") && name.length > "customers/".length) seen.add(name);
  }
  return [...seen];
}

/** The tag for a churn level: 高 red, 中 orange, 低 green. antd's orange tag text (#d46b08 on #fff7e6, 3.3:1) is
 * below WCAG AA, so 中 takes the next darker orange (#ad4e00, 5.1:1); red passes as it is and green is darkened
 * for every tag in styles.css. */
export function churnLevelTag(level: string | undefined): { color?: string; style?: CSSProperties } {
  switch (level as NonNullable<Schemas["kam.report.v1.ChurnRisk"]["level"]> | undefined) {
    case "LEVEL_HIGH":
      return { color: "red" };
    case "LEVEL_MEDIUM":
      return { color: "orange", style: { color: "#ad4e00" } };
    case "LEVEL_LOW":
      return { color: "green" };
    default:
      return {};
  }
}
