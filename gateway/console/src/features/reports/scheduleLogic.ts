// 定时报表's logic, apart from React: the period a schedule covers (and the one a report's own dates suggest), the
// frequency as a cron builder (每天 / 每周 + weekday / 每月 + day, at HH:mm, or an advanced raw cron) to and from a
// 5-field cron, a cron in words (每周一 08:00), the cron's checks (the service's syntax: `*`, ranges, lists and
// steps; at most once an hour), the form's values to and from a schedule (CreateReportSchedule's body, and
// UpdateReportSchedule's changed fields with their mask and the etag read), and the API's field violations as form
// paths.
import type { Schemas } from "@/lib/api/client";
import type { Problems } from "@/lib/problems";

import {
  bankToday,
  type ExportFormat,
  fromDate,
  isDay,
  periodText,
  presetPeriod,
  type Report,
  type ReportParameters,
  toDate,
} from "./logic";

export type ReportSchedule = Schemas["kam.report.v1.ReportSchedule"];
export type SchedulePeriod = NonNullable<ReportSchedule["period"]>;
/** A report's conditions without its dates (a relative period sets them at each run). */
export type Conditions = Omit<ReportParameters, "startDate" | "endDate">;
type Translate = (key: string, vars?: Record<string, string | number>) => string;

// --- the period ---------------------------------------------------------------------------------------------------

/** The periods a schedule offers, 固定期间（报表所选） first. */
export const SCHEDULE_PERIODS: SchedulePeriod[] = [
  "SCHEDULE_PERIOD_UNSPECIFIED",
  "SCHEDULE_PERIOD_PREVIOUS_DAY",
  "SCHEDULE_PERIOD_LAST_7_DAYS",
  "SCHEDULE_PERIOD_PREVIOUS_MONTH",
  "SCHEDULE_PERIOD_MONTH_TO_DATE",
  "SCHEDULE_PERIOD_PREVIOUS_QUARTER",
  "SCHEDULE_PERIOD_YEAR_TO_DATE",
];
export const FIXED: SchedulePeriod = "SCHEDULE_PERIOD_UNSPECIFIED";

/** The attachment's formats, Excel (the default) first. */
export const SCHEDULE_FORMATS: ExportFormat[] = ["EXPORT_FORMAT_XLSX", "EXPORT_FORMAT_CSV", "EXPORT_FORMAT_PDF"];
export const DEFAULT_FORMAT: ExportFormat = "EXPORT_FORMAT_XLSX";

export function isPeriod(value: unknown): value is SchedulePeriod {
  return SCHEDULE_PERIODS.includes(value as SchedulePeriod);
}

export function isFormat(value: unknown): value is ExportFormat {
  return SCHEDULE_FORMATS.includes(value as ExportFormat);
}

/** A period's name: 昨日, 上月, 固定期间（报表所选）. */
export function periodName(period: SchedulePeriod | undefined, t: Translate): string {
  return t(`reports.schedule.period.${(period ?? FIXED).replace("SCHEDULE_PERIOD_", "")}`);
}

/** A schedule's period as the list shows it: a relative one by name, a fixed one by its dates. */
export function schedulePeriodText(schedule: Pick<ReportSchedule, "period" | "parameters">, t: Translate): string {
  const period = schedule.period ?? FIXED;
  if (period !== FIXED) return periodName(period, t);
  const dates = periodText(schedule.parameters);
  return dates ? t("reports.schedule.fixedDates", { dates }) : periodName(period, t);
}

/** The attachment's format as read: Excel, CSV, PDF (unset: Excel, as the service makes it). */
export function formatName(format: ReportSchedule["format"], t: Translate): string {
  const f = isFormat(format) ? format : DEFAULT_FORMAT;
  return t(`reports.export${{ EXPORT_FORMAT_XLSX: "Xlsx", EXPORT_FORMAT_CSV: "Csv", EXPORT_FORMAT_PDF: "Pdf" }[f]}`);
}

const DAY_MS = 86_400_000;

function utc(day: string): number {
  const [y, m, d] = day.split("-").map(Number);
  return Date.UTC(y, m - 1, d);
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => iso(utc(day) + n * DAY_MS);

/** The dates a relative period covers when run on the bank's day `runDay` (YYYY-MM-DD), as the service counts
 * them; none for the fixed period. */
export function periodDates(period: SchedulePeriod, runDay: string): { start: string; end: string } | undefined {
  const [y, m, d] = runDay.split("-").map(Number);
  const yesterday = addDays(runDay, -1);
  const first = (year: number, month: number) => iso(Date.UTC(year, month - 1, 1));
  const last = (year: number, month: number) => iso(Date.UTC(year, month, 0));
  switch (period) {
    case "SCHEDULE_PERIOD_PREVIOUS_DAY":
      return { start: yesterday, end: yesterday };
    case "SCHEDULE_PERIOD_LAST_7_DAYS":
      return { start: addDays(runDay, -7), end: yesterday };
    case "SCHEDULE_PERIOD_PREVIOUS_MONTH":
      return { start: first(y, m - 1), end: last(y, m - 1) };
    case "SCHEDULE_PERIOD_MONTH_TO_DATE":
      return d === 1 ? { start: first(y, m - 1), end: last(y, m - 1) } : { start: first(y, m), end: yesterday };
    case "SCHEDULE_PERIOD_PREVIOUS_QUARTER": {
      const quarterStart = Math.floor((m - 1) / 3) * 3 + 1;
      return { start: first(y, quarterStart - 3), end: last(y, quarterStart - 1) };
    }
    case "SCHEDULE_PERIOD_YEAR_TO_DATE":
      return m === 1 && d === 1 ? { start: first(y - 1, 1), end: last(y - 1, 12) } : { start: first(y, 1), end: yesterday };
    default:
      return undefined;
  }
}

/** The relative period a report's own dates were, seen from the day it was made (`madeOn`): 本年至今 for a report
 * of 1 January to that day, 上月 for last month's; the fixed period when they are none of them. */
export function guessPeriod(parameters: ReportParameters | undefined, madeOn: string): SchedulePeriod {
  const start = fromDate(parameters?.startDate);
  const end = fromDate(parameters?.endDate);
  if (!isDay(start) || !isDay(end) || !isDay(madeOn)) return FIXED;
  const upTo = (period: SchedulePeriod) => {
    const dates = periodDates(period, madeOn);
    // "to date" reports the console makes end on the day itself; the service's end the day before
    return dates?.start === start && (dates.end === end || (period.endsWith("_TO_DATE") && end === madeOn));
  };
  const order: SchedulePeriod[] = [
    "SCHEDULE_PERIOD_PREVIOUS_DAY",
    "SCHEDULE_PERIOD_LAST_7_DAYS",
    "SCHEDULE_PERIOD_PREVIOUS_MONTH",
    "SCHEDULE_PERIOD_PREVIOUS_QUARTER",
    "SCHEDULE_PERIOD_MONTH_TO_DATE",
    "SCHEDULE_PERIOD_YEAR_TO_DATE",
  ];
  return order.find(upTo) ?? FIXED;
}

// --- cron ---------------------------------------------------------------------------------------------------------

export interface CronFields {
  minutes: number[];
  hours: number[];
  days: number[];
  months: number[];
  /** 0 = Sunday (7 is read as 0). */
  weekdays: number[];
  /** Whether each field is other than `*`. */
  restricted: { hours: boolean; days: boolean; months: boolean; weekdays: boolean };
}

const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function parseField(text: string, low: number, high: number): number[] | undefined {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    let part = item;
    let step = 1;
    if (part.includes("/")) {
      const [base, stepText] = part.split("/", 2);
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) return undefined;
      part = base;
      step = Number(stepText);
    }
    let start: number;
    let end: number;
    if (part === "*") [start, end] = [low, high];
    else if (/^\d+-\d+$/.test(part)) [start, end] = part.split("-").map(Number) as [number, number];
    else if (/^\d+$/.test(part)) {
      start = Number(part);
      end = step !== 1 ? high : start;
    } else return undefined;
    if (!(low <= start && start <= end && end <= high)) return undefined;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/** A 5-field cron (minute hour day-of-month month day-of-week) taken apart, or none when the service would refuse
 * its syntax. */
export function parseCron(cron: string): CronFields | undefined {
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5) return undefined;
  const sets = parts.map((p, i) => parseField(p, ...RANGES[i]));
  if (sets.some((s) => !s)) return undefined;
  const [minutes, hours, days, months, weekdays] = sets as number[][];
  return {
    minutes,
    hours,
    days,
    months,
    weekdays: [...new Set(weekdays.map((d) => (d === 7 ? 0 : d)))].sort((a, b) => a - b),
    restricted: { hours: parts[1] !== "*", days: parts[2] !== "*", months: parts[3] !== "*", weekdays: parts[4] !== "*" },
  };
}

export type CronProblem = "fields" | "syntax" | "hourly";

/** What is wrong with a cron: not five fields, a field the service cannot read, or more than once an hour. */
export function cronProblem(cron: string): CronProblem | undefined {
  if (cron.trim().split(/\s+/).filter(Boolean).length !== 5) return "fields";
  const fields = parseCron(cron);
  if (!fields) return "syntax";
  if (fields.minutes.length !== 1) return "hourly";
  return undefined;
}

export type Frequency = "daily" | "weekly" | "monthly" | "custom";
export const FREQUENCIES: Frequency[] = ["daily", "weekly", "monthly", "custom"];
/** The weekdays as the builder lists them, Monday first (cron's numbers: 0 = Sunday). */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 0];
export const DEFAULT_TIME = "08:00";

/** The friendly frequency: 每天, 每周 + a weekday, 每月 + a day of the month, at a time (HH:mm); or a raw cron. */
export interface CronBuilder {
  frequency: Frequency;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** 1–31. */
  dayOfMonth: number;
  /** HH:mm. */
  time: string;
  /** The advanced cron (for `custom`). */
  raw: string;
}

function timeParts(time: string): [number, number] {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time);
  const h = match ? Number(match[1]) : 8;
  const m = match ? Number(match[2]) : 0;
  return [Math.min(Math.max(h, 0), 23), Math.min(Math.max(m, 0), 59)];
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The builder's cron: `0 8 * * *`, `30 7 * * 1`, `0 8 1 * *`, or the raw one (its spaces tidied). */
export function cronOf(b: CronBuilder): string {
  if (b.frequency === "custom") return b.raw.trim().split(/\s+/).filter(Boolean).join(" ");
  const [h, m] = timeParts(b.time);
  switch (b.frequency) {
    case "daily":
      return `${m} ${h} * * *`;
    case "weekly":
      return `${m} ${h} * * ${b.weekday}`;
    case "monthly":
      return `${m} ${h} ${b.dayOfMonth} * *`;
  }
}

/** The builder for a cron: 每天 / 每周 / 每月 when it is one of theirs, the advanced cron otherwise. */
export function builderOf(cron: string): CronBuilder {
  const tidy = cron.trim().split(/\s+/).filter(Boolean).join(" ");
  const parts = tidy.split(" ");
  const custom: CronBuilder = { frequency: "custom", weekday: 1, dayOfMonth: 1, time: DEFAULT_TIME, raw: tidy };
  if (parts.length !== 5 || !parseCron(tidy)) return custom;
  const [minute, hour, day, month, weekday] = parts;
  if (!/^\d+$/.test(minute) || !/^\d+$/.test(hour) || month !== "*") return custom;
  const base = { ...custom, time: `${pad(Number(hour))}:${pad(Number(minute))}`, raw: tidy };
  if (day === "*" && weekday === "*") return { ...base, frequency: "daily" };
  if (day === "*" && /^[0-7]$/.test(weekday)) return { ...base, frequency: "weekly", weekday: Number(weekday) % 7 };
  if (/^\d+$/.test(day) && weekday === "*") return { ...base, frequency: "monthly", dayOfMonth: Number(day) };
  return custom;
}

/** A new schedule's frequency, fitting the period: daily for 昨日, Monday for 近7天 (and by default), the 1st for
 * 上月 and 本年至今, the first day of each quarter for 上季度 — at 08:00. */
export function suggestedCron(period: SchedulePeriod): string {
  switch (period) {
    case "SCHEDULE_PERIOD_PREVIOUS_DAY":
      return "0 8 * * *";
    case "SCHEDULE_PERIOD_PREVIOUS_MONTH":
    case "SCHEDULE_PERIOD_YEAR_TO_DATE":
      return "0 8 1 * *";
    case "SCHEDULE_PERIOD_PREVIOUS_QUARTER":
      return "0 8 1 1,4,7,10 *";
    default:
      return "0 8 * * 1";
  }
}

const WORKDAYS = [1, 2, 3, 4, 5];
const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** A cron in words: 每天 08:00, 每周一 08:00, 每周一、周三 08:00, 每个工作日 08:00, 每月 1 日 08:00, 每年 1、4、7、10 月
 * 1 日 08:00, 每小时第 5 分钟; one it cannot put in words as 自定义（cron）. */
export function describeCron(cron: string, t: Translate): string {
  const text = cronWords(cron, t);
  // English words start a sentence (a column's cell, the preview)
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function cronWords(cron: string, t: Translate): string {
  const c = parseCron(cron);
  const tidy = cron.trim().split(/\s+/).join(" ");
  const custom = t("reports.schedule.cron.custom", { cron: tidy });
  if (!c || c.minutes.length !== 1) return custom;
  const sep = t("reports.schedule.listSep");
  const minute = c.minutes[0];
  const { restricted } = c;
  if (!restricted.hours) {
    return restricted.days || restricted.months || restricted.weekdays ? custom : t("reports.schedule.cron.hourly", { minute });
  }
  if (c.hours.length > 6) return custom;
  const time = c.hours.map((h) => `${pad(h)}:${pad(minute)}`).join(sep);
  const months = c.months.join(sep);
  if (restricted.days && restricted.weekdays) return custom;
  if (restricted.weekdays) {
    if (restricted.months) return custom;
    if (same(c.weekdays, WORKDAYS)) return t("reports.schedule.cron.workdays", { time });
    if (c.weekdays.length === 7) return t("reports.schedule.cron.daily", { time });
    const names = WEEKDAYS.filter((d) => c.weekdays.includes(d)).map((d) => t(`reports.schedule.weekday.${d}`));
    return t("reports.schedule.cron.weekly", { weekdays: names.join(sep), time });
  }
  if (restricted.days) {
    const days = c.days.join(sep);
    return restricted.months ? t("reports.schedule.cron.yearly", { months, days, time }) : t("reports.schedule.cron.monthly", { days, time });
  }
  return restricted.months ? t("reports.schedule.cron.dailyInMonths", { months, time }) : t("reports.schedule.cron.daily", { time });
}

/** Whether some month lacks the builder's day of the month (the 29th–31st): those months it does not run. */
export function shortMonthsSkip(b: Pick<CronBuilder, "frequency" | "dayOfMonth">): boolean {
  return b.frequency === "monthly" && b.dayOfMonth > 28;
}

// --- the form -----------------------------------------------------------------------------------------------------

export interface ScheduleValues {
  kind: ReportSchedule["kind"];
  displayName: string;
  /** The report's conditions other than its dates. */
  parameters: Conditions;
  period: SchedulePeriod;
  /** The fixed period's dates (YYYY-MM-DD), sent only with the fixed period. */
  start: string;
  end: string;
  cron: CronBuilder;
  format: ExportFormat;
}

function withoutDates(parameters: Partial<ReportParameters> | undefined): Conditions {
  const { startDate: _start, endDate: _end, ...conditions } = parameters ?? {};
  return conditions;
}

function datesOr(parameters: ReportParameters | undefined, today: string): { start: string; end: string } {
  const start = fromDate(parameters?.startDate);
  const end = fromDate(parameters?.endDate);
  const fallback = presetPeriod("thisYear", today);
  return { start: isDay(start) ? start : fallback.start, end: isDay(end) ? end : fallback.end };
}

/** A report's title without its trailing period (`地区销售额统计表（2026-01-01 至 2026-12-06）` → `地区销售额统计表`):
 * each run of a schedule with a relative period adds its own. Units named before the period stay. */
export function withoutPeriod(title: string): string {
  const match = /^(.*?)（(?:(.*)，)?\d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}）$/.exec(title.trim());
  if (!match) return title;
  return match[2] ? `${match[1]}（${match[2]}）` : match[1];
}

/** 定时发送 from a report: its kind, title and conditions; the period its dates were (from the day it was made),
 * a frequency that fits it, Excel. */
export function scheduleValuesFromReport(report: Report, today: string): ScheduleValues {
  const madeOn = report.createTime ? bankToday(new Date(report.createTime)) : today;
  const period = guessPeriod(report.parameters, madeOn);
  return {
    kind: report.kind ?? "REPORT_KIND_UNSPECIFIED",
    displayName: period === FIXED ? (report.displayName ?? "") : withoutPeriod(report.displayName ?? ""),
    parameters: withoutDates(report.parameters),
    period,
    ...datesOr(report.parameters, today),
    cron: builderOf(suggestedCron(period)),
    format: DEFAULT_FORMAT,
  };
}

/** The form filled with a stored schedule (编辑). */
export function scheduleValues(schedule: ReportSchedule, today: string): ScheduleValues {
  return {
    kind: schedule.kind,
    displayName: schedule.displayName ?? "",
    parameters: withoutDates(schedule.parameters),
    period: isPeriod(schedule.period) ? schedule.period : FIXED,
    ...datesOr(schedule.parameters, today),
    cron: builderOf(schedule.cron ?? ""),
    format: isFormat(schedule.format) ? schedule.format : DEFAULT_FORMAT,
  };
}

/** The parameters sent: the conditions, with the dates only for the fixed period (a relative one sets them: the
 * schema calls them required, the service takes them out with a period). */
function parametersOf(v: ScheduleValues): ReportParameters {
  const conditions = withoutDates(v.parameters);
  if (v.period === FIXED) return { startDate: toDate(v.start), endDate: toDate(v.end), ...conditions };
  return conditions as ReportParameters;
}

/** CreateReportSchedule's body (an empty title: the service uses the kind's name). */
export function scheduleFromValues(v: ScheduleValues): ReportSchedule {
  const title = v.displayName.trim();
  return {
    kind: v.kind,
    ...(title ? { displayName: title } : {}),
    parameters: parametersOf(v),
    ...(v.period !== FIXED ? { period: v.period } : {}),
    cron: cronOf(v.cron),
    format: v.format,
  };
}

/** A change to send: the schedule's name and the etag read, the fields changed, and their mask (snake_case). */
export interface ScheduleUpdate {
  reportSchedule: ReportSchedule;
  mask: string[];
}

/** JSON with its keys sorted, to compare two messages whatever order their fields came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** UpdateReportSchedule for the form's values: only what changed (none: nothing to send). */
export function scheduleUpdate(original: ReportSchedule, v: ScheduleValues): ScheduleUpdate {
  const next = scheduleFromValues(v);
  const changed: Partial<ReportSchedule> = {};
  const mask: string[] = [];
  const title = next.displayName ?? "";
  if ((original.displayName ?? "") !== title) {
    changed.displayName = title;
    mask.push("display_name");
  }
  if (canonical(original.parameters ?? {}) !== canonical(next.parameters)) {
    changed.parameters = next.parameters;
    mask.push("parameters");
  }
  if ((isPeriod(original.period) ? original.period : FIXED) !== v.period) {
    changed.period = v.period;
    mask.push("period");
  }
  if ((original.cron ?? "").trim() !== next.cron) {
    changed.cron = next.cron;
    mask.push("cron");
  }
  if ((isFormat(original.format) ? original.format : DEFAULT_FORMAT) !== v.format) {
    changed.format = v.format;
    mask.push("format");
  }
  return { reportSchedule: { name: original.name, etag: original.etag, ...changed } as ReportSchedule, mask };
}

/** 暂停 / 恢复: `paused` alone, with the etag read. */
export function pauseUpdate(schedule: ReportSchedule, paused: boolean): ScheduleUpdate {
  return { reportSchedule: { name: schedule.name, etag: schedule.etag, paused } as ReportSchedule, mask: ["paused"] };
}

/** What the console refuses before sending, by field path: a fixed period's dates, and the cron. */
export function scheduleProblems(v: ScheduleValues, t: Translate): Problems {
  const out: Problems = {};
  if (v.period === FIXED) {
    if (!isDay(v.start)) out["parameters.startDate"] = [t("reports.problem.startMissing")];
    if (!isDay(v.end)) out["parameters.endDate"] = [t("reports.problem.endMissing")];
    else if (isDay(v.start) && utc(v.end) < utc(v.start)) out["parameters.endDate"] = [t("reports.problem.order")];
  }
  const problem = cronProblem(cronOf(v.cron));
  if (problem) out.cron = [t(`reports.schedule.problem.${problem}`)];
  return out;
}

/** A violation's field as the form's path: `report_schedule.cron` → `cron`, `report_schedule.parameters.start_date`
 * → `parameters.startDate`, `report_schedule.display_name` → `displayName`. */
export function scheduleViolationPath(field: string): string {
  let path = field.replace(/\[\d+\]/g, "");
  for (const prefix of ["report_schedule.", "reportSchedule."]) if (path.startsWith(prefix)) path = path.slice(prefix.length);
  return path
    .split(".")
    .map((part) => part.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()))
    .join(".");
}
