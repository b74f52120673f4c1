// 工作效率's logic, apart from React: the period (this month by default, presets, at most 366 days), the filters
// kept in the address, the request's query, how rows are named and drilled into, the figures' formats and the two
// charts' options.
import type { ChartOption } from "@/components/LazyChart";
import type { Schemas } from "@/lib/api/client";
import type { operations } from "@/lib/api/schema";
import type { Lang } from "@/locales/i18n";

export type WorkEfficiency = Schemas["kam.task.v1.WorkEfficiency"];
export type EfficiencyRow = Schemas["kam.task.v1.EfficiencyRow"];
export type EfficiencyFigures = Schemas["kam.task.v1.EfficiencyFigures"];
export type TrendPoint = Schemas["kam.task.v1.EfficiencyTrendPoint"];
type Query = NonNullable<operations["TaskService_GetWorkEfficiency"]["parameters"]["query"]>;

export type Grouping = "user" | "orgUnit";
export type Granularity = "auto" | "day" | "week" | "month";
export const GRANULARITIES: Granularity[] = ["auto", "day", "week", "month"];
/** Most urgent first (the priority picker). */
export const PRIORITIES = ["PRIORITY_URGENT", "PRIORITY_HIGH", "PRIORITY_NORMAL", "PRIORITY_LOW"] as const;
export const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

export interface EfficiencyFilters {
  /** First and last day, YYYY-MM-DD (bank days). */
  start: string;
  end: string;
  groupBy: Grouping;
  /** `orgUnits/…`: that unit and the units below it. */
  orgUnit?: string;
  /** With `orgUnit` and per person: only the people of the unit itself (a 本级 row drilled into). */
  own?: boolean;
  priority?: string;
  granularity: Granularity;
}

// --- the period ---------------------------------------------------------------------------------------------------

/** `now`'s date at the bank (China Standard Time), YYYY-MM-DD, whatever the browser's zone. */
export function bankToday(now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

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

/** Days from `start` to `end`, both counted. */
export function periodDays(start: string, end: string): number {
  return Math.round((utc(end) - utc(start)) / DAY_MS) + 1;
}

/** What is wrong with a period, if anything (the service says the same; asked only when it is right). */
export function periodProblem(start: string, end: string): "order" | "tooLong" | undefined {
  if (utc(end) < utc(start)) return "order";
  return periodDays(start, end) > MAX_DAYS ? "tooLong" : undefined;
}

export type Preset = "thisMonth" | "lastMonth" | "thisQuarter" | "thisYear";
export const PRESETS: Preset[] = ["thisMonth", "lastMonth", "thisQuarter", "thisYear"];

/** A preset period around the bank's `today` (YYYY-MM-DD). */
export function presetPeriod(preset: Preset, today: string): { start: string; end: string } {
  const [y, m] = today.split("-").map(Number);
  const month = (year: number, first: number, months: number) => ({
    start: iso(Date.UTC(year, first - 1, 1)),
    end: iso(Date.UTC(year, first - 1 + months, 1) - DAY_MS),
  });
  switch (preset) {
    case "thisMonth":
      return month(y, m, 1);
    case "lastMonth":
      return m === 1 ? month(y - 1, 12, 1) : month(y, m - 1, 1);
    case "thisQuarter":
      return month(y, Math.floor((m - 1) / 3) * 3 + 1, 3);
    case "thisYear":
      return month(y, 1, 12);
  }
}

// --- the address ----------------------------------------------------------------------------------------------------

/** The filters from the address (`?from=2026-12-01&to=2026-12-31&by=orgUnit&orgUnit=orgUnits/0100`); this month
 * when the period is missing or malformed. */
export function filtersFromParams(params: URLSearchParams, today: string): EfficiencyFilters {
  const from = params.get("from");
  const to = params.get("to");
  const period = isDay(from) && isDay(to) ? { start: from, end: to } : presetPeriod("thisMonth", today);
  const orgUnit = params.get("orgUnit")?.startsWith("orgUnits/") ? params.get("orgUnit")! : undefined;
  const priority = PRIORITIES.find((p) => p === params.get("priority"));
  const trend = params.get("trend");
  return {
    ...period,
    groupBy: params.get("by") === "orgUnit" ? "orgUnit" : "user",
    orgUnit,
    own: Boolean(orgUnit) && params.get("by") !== "orgUnit" && params.get("own") === "1",
    priority,
    granularity: GRANULARITIES.includes(trend as Granularity) ? (trend as Granularity) : "auto",
  };
}

export function filtersToParams(f: EfficiencyFilters): URLSearchParams {
  const out = new URLSearchParams({ from: f.start, to: f.end });
  if (f.groupBy === "orgUnit") out.set("by", "orgUnit");
  if (f.orgUnit) out.set("orgUnit", f.orgUnit);
  if (f.own && f.orgUnit && f.groupBy === "user") out.set("own", "1");
  if (f.priority) out.set("priority", f.priority);
  if (f.granularity !== "auto") out.set("trend", f.granularity);
  return out;
}

const GRANULARITY_VALUES = {
  day: "TREND_GRANULARITY_DAY",
  week: "TREND_GRANULARITY_WEEK",
  month: "TREND_GRANULARITY_MONTH",
} as const;

/** GET /v1/workEfficiency's query for the filters. */
export function efficiencyQuery(f: EfficiencyFilters): Query {
  const [sy, sm, sd] = f.start.split("-").map(Number);
  const [ey, em, ed] = f.end.split("-").map(Number);
  return {
    "startDate.year": sy,
    "startDate.month": sm,
    "startDate.day": sd,
    "endDate.year": ey,
    "endDate.month": em,
    "endDate.day": ed,
    groupBy: f.groupBy === "orgUnit" ? "EFFICIENCY_GROUPING_ORG_UNIT" : "EFFICIENCY_GROUPING_USER",
    orgUnit: f.orgUnit,
    priority: f.priority as Query["priority"],
    trendGranularity: f.granularity === "auto" ? undefined : GRANULARITY_VALUES[f.granularity],
  };
}

/** The one org unit a multiple tree picker leaves chosen: the one just picked, or none when it was cleared. */
export function lastPicked(units: string[], current: string | undefined): string | undefined {
  return units.filter((u) => u !== current).at(-1) ?? (current && units.includes(current) ? current : undefined);
}

// --- rows -------------------------------------------------------------------------------------------------------

/** The rows shown: per person within a 本级 drill-down only the unit's own people. */
export function visibleRows(efficiency: WorkEfficiency | undefined, f: EfficiencyFilters): EfficiencyRow[] {
  const rows = efficiency?.rows ?? [];
  return f.own && f.orgUnit && f.groupBy === "user" ? rows.filter((r) => r.orgUnit === f.orgUnit) : rows;
}

/** Whether the total the service answered is the total of the rows shown (not in a 本级 drill-down). */
export function totalShown(f: EfficiencyFilters): boolean {
  return !(f.own && f.orgUnit && f.groupBy === "user");
}

/** Whether a row is the anchor's own tasks (本级) rather than a unit with those below it. */
export function isOwnUnitRow(row: EfficiencyRow, efficiency: WorkEfficiency | undefined): boolean {
  return Boolean(row.name) && !row.subtree && row.name === efficiency?.orgUnit;
}

/** A row's name as shown: the person's or unit's name, 本级 marked, tasks kept under no unit named so. */
export function rowLabel(
  row: EfficiencyRow,
  efficiency: WorkEfficiency | undefined,
  words: { own: (name: string) => string; noUnit: string },
): string {
  if (!row.name) return words.noUnit;
  const name = row.displayName || row.name.slice(row.name.lastIndexOf("/") + 1);
  return isOwnUnitRow(row, efficiency) ? words.own(name) : name;
}

/** Where clicking an org unit's row leads: its people (per person, that unit and those below it; for 本级 the
 * unit's own people). None for a person's row or the tasks kept under no unit. */
export function drillDown(row: EfficiencyRow, f: EfficiencyFilters): EfficiencyFilters | undefined {
  if (f.groupBy !== "orgUnit" || !row.name?.startsWith("orgUnits/")) return undefined;
  return { ...f, groupBy: "user", orgUnit: row.name, own: !row.subtree };
}

// --- figures ------------------------------------------------------------------------------------------------------

export interface Figures {
  assigned: number;
  completed: number;
  onTime: number;
  overdue: number;
  returned: number;
  /** null when nothing was completed */
  onTimePercent: number | null;
  averageHours: number | null;
  p90Hours: number | null;
}

/** The figures with the absent (zero) counts as 0 and the rates and hours as null when nothing was completed. */
export function figures(f: EfficiencyFigures | undefined): Figures {
  const completed = f?.completedCount ?? 0;
  const done = (value: number) => (completed ? value : null);
  return {
    assigned: f?.assignedCount ?? 0,
    completed,
    onTime: f?.onTimeCount ?? 0,
    overdue: f?.overdueCount ?? 0,
    returned: f?.returnedCount ?? 0,
    onTimePercent: done(f?.onTimePercent ?? 0),
    averageHours: done(f?.averageCompletionHours ?? 0),
    p90Hours: done(f?.p90CompletionHours ?? 0),
  };
}

/** `92.5%`; `—` when there is nothing to rate. */
export function formatPercent(value: number | null, lang: Lang): string {
  if (value === null) return "—";
  return `${value.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

/** Hours with one decimal (`146.8`); `—` when there are none. */
export function formatHours(value: number | null, lang: Lang): string {
  if (value === null) return "—";
  return value.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

// --- charts -------------------------------------------------------------------------------------------------------

const BLUE = "#1f4e8c";
const RED = "#cf1322";
const GREEN = "#389e0d";
const GOLD = "#d48806";

/** Completed against overdue per row (the rows as labelled). */
export function barOption(rows: { label: string; figures: Figures }[], names: { completed: string; overdue: string }): ChartOption {
  return {
    tooltip: { trigger: "axis" },
    legend: { data: [names.completed, names.overdue], bottom: 0 },
    grid: { left: 48, right: 16, top: 16, bottom: rows.length > 6 ? 72 : 48 },
    xAxis: { type: "category", data: rows.map((r) => r.label), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: names.completed, type: "bar", data: rows.map((r) => r.figures.completed), itemStyle: { color: BLUE } },
      { name: names.overdue, type: "bar", data: rows.map((r) => r.figures.overdue), itemStyle: { color: RED } },
    ],
  };
}

const pad = (n: number | undefined) => String(n ?? 0).padStart(2, "0");

/** A trend bucket's label: `12-07` a day, `12-07~12-13` a week, `2026-12` a month. */
export function bucketLabel(point: TrendPoint, granularity: string | undefined): string {
  const s = point.startDate;
  const e = point.endDate;
  if (granularity === "TREND_GRANULARITY_MONTH") return `${s?.year}-${pad(s?.month)}`;
  const first = `${pad(s?.month)}-${pad(s?.day)}`;
  if (granularity === "TREND_GRANULARITY_WEEK") return `${first}~${pad(e?.month)}-${pad(e?.day)}`;
  return first;
}

/** Assigned and completed per bucket (bars) with the on-time rate (a line on its own % axis; gaps where nothing
 * was completed). */
export function trendOption(
  efficiency: WorkEfficiency | undefined,
  names: { assigned: string; completed: string; onTimeRate: string },
): ChartOption {
  const trend = efficiency?.trend ?? [];
  return {
    tooltip: { trigger: "axis" },
    legend: { data: [names.assigned, names.completed, names.onTimeRate], bottom: 0 },
    grid: { left: 48, right: 48, top: 16, bottom: 48 },
    xAxis: { type: "category", data: trend.map((p) => bucketLabel(p, efficiency?.trendGranularity)) },
    yAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    ],
    series: [
      { name: names.assigned, type: "line", data: trend.map((p) => p.assignedCount ?? 0), itemStyle: { color: GOLD } },
      { name: names.completed, type: "line", data: trend.map((p) => p.completedCount ?? 0), itemStyle: { color: BLUE } },
      {
        name: names.onTimeRate,
        type: "line",
        yAxisIndex: 1,
        connectNulls: false,
        data: trend.map((p) => (p.completedCount ? Math.round((p.onTimePercent ?? 0) * 10) / 10 : null)),
        itemStyle: { color: GREEN },
      },
    ],
  };
}
