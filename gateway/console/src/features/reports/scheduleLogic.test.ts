import { describe, expect, it } from "vitest";

import { lookup } from "@/locales/i18n";
import { enUS } from "@/locales/en-US";
import { zhCN } from "@/locales/zh-CN";

import type { Report } from "./logic";
import {
  builderOf,
  type CronBuilder,
  cronOf,
  cronProblem,
  describeCron,
  formatName,
  guessPeriod,
  parseCron,
  pauseUpdate,
  periodDates,
  periodName,
  type ReportSchedule,
  SCHEDULE_PERIODS,
  scheduleFromValues,
  schedulePeriodText,
  scheduleProblems,
  scheduleUpdate,
  scheduleValues,
  scheduleValuesFromReport,
  withoutPeriod,
  scheduleViolationPath,
  shortMonthsSkip,
  suggestedCron,
} from "./scheduleLogic";

const t = (key: string, vars?: Record<string, string | number>) => lookup(zhCN, key, vars);
const en = (key: string, vars?: Record<string, string | number>) => lookup(enUS, key, vars);
const day = (s: string) => {
  const [year, month, d] = s.split("-").map(Number);
  return { year, month, day: d };
};
const builder = (b: Partial<CronBuilder>): CronBuilder => ({ frequency: "daily", weekday: 1, dayOfMonth: 1, time: "08:00", raw: "", ...b });

describe("the cron builder", () => {
  it("makes a 5-field cron of a frequency and a time", () => {
    expect(cronOf(builder({ frequency: "daily", time: "08:00" }))).toBe("0 8 * * *");
    expect(cronOf(builder({ frequency: "weekly", weekday: 1, time: "08:00" }))).toBe("0 8 * * 1");
    expect(cronOf(builder({ frequency: "weekly", weekday: 0, time: "18:30" }))).toBe("30 18 * * 0");
    expect(cronOf(builder({ frequency: "monthly", dayOfMonth: 15, time: "07:05" }))).toBe("5 7 15 * *");
    // 高级: the raw one, its spaces tidied
    expect(cronOf(builder({ frequency: "custom", raw: "  0  8 1 1,4,7,10   * " }))).toBe("0 8 1 1,4,7,10 *");
  });

  it("reads a cron back as the builder, the advanced cron when it is none of its forms", () => {
    expect(builderOf("0 8 * * *")).toMatchObject({ frequency: "daily", time: "08:00" });
    expect(builderOf("0 8 * * 1")).toMatchObject({ frequency: "weekly", weekday: 1, time: "08:00" });
    // 7 is Sunday too
    expect(builderOf("45 6 * * 7")).toMatchObject({ frequency: "weekly", weekday: 0, time: "06:45" });
    expect(builderOf("0 9 28 * *")).toMatchObject({ frequency: "monthly", dayOfMonth: 28, time: "09:00" });
    for (const raw of ["0 8 * * 1-5", "0 8 1 1,4,7,10 *", "*/30 8 * * *", "0 8,14 * * *", "nonsense"])
      expect(builderOf(raw)).toMatchObject({ frequency: "custom", raw });
    // and round trips
    for (const cron of ["0 8 * * *", "30 7 * * 5", "0 20 31 * *"]) expect(cronOf(builderOf(cron))).toBe(cron);
  });

  it("suggests a frequency that fits the period", () => {
    expect(suggestedCron("SCHEDULE_PERIOD_PREVIOUS_DAY")).toBe("0 8 * * *");
    expect(suggestedCron("SCHEDULE_PERIOD_LAST_7_DAYS")).toBe("0 8 * * 1");
    expect(suggestedCron("SCHEDULE_PERIOD_PREVIOUS_MONTH")).toBe("0 8 1 * *");
    expect(suggestedCron("SCHEDULE_PERIOD_PREVIOUS_QUARTER")).toBe("0 8 1 1,4,7,10 *");
    expect(suggestedCron("SCHEDULE_PERIOD_UNSPECIFIED")).toBe("0 8 * * 1");
  });

  it("checks a cron as the service does: five fields, its syntax, at most once an hour", () => {
    expect(cronProblem("0 8 * * 1")).toBeUndefined();
    expect(cronProblem("5 * * * *")).toBeUndefined();
    expect(cronProblem("0 8 * *")).toBe("fields");
    expect(cronProblem("")).toBe("fields");
    expect(cronProblem("0 24 * * *")).toBe("syntax");
    expect(cronProblem("0 8 0 * *")).toBe("syntax");
    expect(cronProblem("0 8 * * MON")).toBe("syntax");
    expect(cronProblem("0 8 * * 1/0")).toBe("syntax");
    expect(cronProblem("*/15 8 * * *")).toBe("hourly");
    expect(cronProblem("0,30 8 * * *")).toBe("hourly");
    expect(parseCron("0 8-10/2 1,15 */3 1-5")).toMatchObject({ hours: [8, 10], days: [1, 15], months: [1, 4, 7, 10], weekdays: [1, 2, 3, 4, 5] });
  });

  it("says a cron in words, in Chinese and in English", () => {
    expect(describeCron("0 8 * * 1", t)).toBe("每周一 08:00");
    expect(describeCron("0 8 * * *", t)).toBe("每天 08:00");
    expect(describeCron("30 18 * * 0", t)).toBe("每周日 18:30");
    expect(describeCron("30 18 * * 7", t)).toBe("每周日 18:30");
    expect(describeCron("0 8 * * 1,3,5", t)).toBe("每周一、周三、周五 08:00");
    expect(describeCron("0 8 * * 1-5", t)).toBe("每个工作日 08:00");
    expect(describeCron("0 8 1 * *", t)).toBe("每月 1 日 08:00");
    expect(describeCron("0 8,14 1,15 * *", t)).toBe("每月 1、15 日 08:00、14:00");
    expect(describeCron("0 8 1 1,4,7,10 *", t)).toBe("每年 1、4、7、10 月 1 日 08:00");
    expect(describeCron("5 * * * *", t)).toBe("每小时第 5 分钟");
    expect(describeCron("0 8 1 * 1", t)).toBe("自定义（0 8 1 * 1）");
    expect(describeCron("bad", t)).toBe("自定义（bad）");

    expect(describeCron("0 8 * * 1", en)).toBe("Every Monday at 08:00");
    expect(describeCron("0 8 * * *", en)).toBe("Daily at 08:00");
    expect(describeCron("0 8 1 * *", en)).toBe("Monthly on day 1 at 08:00");
    expect(describeCron("0 8 * * 1-5", en)).toBe("Every weekday (Mon–Fri) at 08:00");
  });

  it("warns of the months a day of the month skips", () => {
    expect(shortMonthsSkip({ frequency: "monthly", dayOfMonth: 28 })).toBe(false);
    expect(shortMonthsSkip({ frequency: "monthly", dayOfMonth: 31 })).toBe(true);
    expect(shortMonthsSkip({ frequency: "weekly", dayOfMonth: 31 })).toBe(false);
  });
});

describe("the period", () => {
  it("names every period in both languages", () => {
    expect(SCHEDULE_PERIODS.map((p) => periodName(p, t))).toEqual(["固定期间（报表所选）", "昨日", "近7天", "上月", "本月至今", "上季度", "本年至今"]);
    for (const p of SCHEDULE_PERIODS) expect(periodName(p, en)).not.toContain("reports.");
    expect(periodName(undefined, t)).toBe("固定期间（报表所选）");
  });

  it("counts a relative period from the run day as the service does", () => {
    expect(periodDates("SCHEDULE_PERIOD_PREVIOUS_DAY", "2026-03-01")).toEqual({ start: "2026-02-28", end: "2026-02-28" });
    expect(periodDates("SCHEDULE_PERIOD_LAST_7_DAYS", "2026-03-02")).toEqual({ start: "2026-02-23", end: "2026-03-01" });
    expect(periodDates("SCHEDULE_PERIOD_PREVIOUS_MONTH", "2026-01-15")).toEqual({ start: "2025-12-01", end: "2025-12-31" });
    expect(periodDates("SCHEDULE_PERIOD_MONTH_TO_DATE", "2026-04-10")).toEqual({ start: "2026-04-01", end: "2026-04-09" });
    expect(periodDates("SCHEDULE_PERIOD_MONTH_TO_DATE", "2026-04-01")).toEqual({ start: "2026-03-01", end: "2026-03-31" });
    expect(periodDates("SCHEDULE_PERIOD_PREVIOUS_QUARTER", "2026-02-10")).toEqual({ start: "2025-10-01", end: "2025-12-31" });
    expect(periodDates("SCHEDULE_PERIOD_PREVIOUS_QUARTER", "2026-05-10")).toEqual({ start: "2026-01-01", end: "2026-03-31" });
    expect(periodDates("SCHEDULE_PERIOD_YEAR_TO_DATE", "2026-05-10")).toEqual({ start: "2026-01-01", end: "2026-05-09" });
    expect(periodDates("SCHEDULE_PERIOD_YEAR_TO_DATE", "2026-01-01")).toEqual({ start: "2025-01-01", end: "2025-12-31" });
    expect(periodDates("SCHEDULE_PERIOD_UNSPECIFIED", "2026-05-10")).toBeUndefined();
  });

  it("guesses the relative period a report's dates were, from the day it was made", () => {
    const p = (start: string, end: string) => ({ startDate: day(start), endDate: day(end) });
    expect(guessPeriod(p("2026-01-01", "2026-05-10"), "2026-05-10")).toBe("SCHEDULE_PERIOD_YEAR_TO_DATE");
    expect(guessPeriod(p("2026-05-01", "2026-05-10"), "2026-05-10")).toBe("SCHEDULE_PERIOD_MONTH_TO_DATE");
    expect(guessPeriod(p("2026-04-01", "2026-04-30"), "2026-05-10")).toBe("SCHEDULE_PERIOD_PREVIOUS_MONTH");
    expect(guessPeriod(p("2026-05-09", "2026-05-09"), "2026-05-10")).toBe("SCHEDULE_PERIOD_PREVIOUS_DAY");
    expect(guessPeriod(p("2026-05-03", "2026-05-09"), "2026-05-10")).toBe("SCHEDULE_PERIOD_LAST_7_DAYS");
    expect(guessPeriod(p("2026-01-01", "2026-03-31"), "2026-05-10")).toBe("SCHEDULE_PERIOD_PREVIOUS_QUARTER");
    expect(guessPeriod(p("2025-06-01", "2025-08-31"), "2026-05-10")).toBe("SCHEDULE_PERIOD_UNSPECIFIED");
    expect(guessPeriod(undefined, "2026-05-10")).toBe("SCHEDULE_PERIOD_UNSPECIFIED");
  });

  it("shows a schedule's period by name, a fixed one by its dates", () => {
    expect(schedulePeriodText({ period: "SCHEDULE_PERIOD_PREVIOUS_MONTH", parameters: {} as ReportSchedule["parameters"] }, t)).toBe("上月");
    expect(schedulePeriodText({ parameters: { startDate: day("2026-01-01"), endDate: day("2026-03-31") } }, t)).toBe("固定：2026-01-01 ~ 2026-03-31");
    expect(formatName(undefined, t)).toBe("Excel");
    expect(formatName("EXPORT_FORMAT_PDF", t)).toBe("PDF");
  });
});

const REPORT: Report = {
  name: "reports/r1",
  kind: "REPORT_KIND_TOP_CUSTOMERS",
  displayName: "前20客户",
  parameters: { startDate: day("2026-01-01"), endDate: day("2026-05-10"), dimension: "growth", topN: 20, orgUnits: ["orgUnits/0100"] },
  createTime: "2026-05-10T02:00:00Z",
};

describe("the form", () => {
  it("fills from a report: its kind, title and conditions, the period its dates were, a fitting frequency, Excel", () => {
    const v = scheduleValuesFromReport(REPORT, "2026-06-01");
    expect(v).toMatchObject({
      kind: "REPORT_KIND_TOP_CUSTOMERS",
      displayName: "前20客户",
      parameters: { dimension: "growth", topN: 20, orgUnits: ["orgUnits/0100"] },
      period: "SCHEDULE_PERIOD_YEAR_TO_DATE",
      format: "EXPORT_FORMAT_XLSX",
    });
    expect(v.parameters).not.toHaveProperty("startDate");
    expect(cronOf(v.cron)).toBe("0 8 1 * *");
    // a relative period sends no dates
    expect(scheduleFromValues(v)).toEqual({
      kind: "REPORT_KIND_TOP_CUSTOMERS",
      displayName: "前20客户",
      parameters: { dimension: "growth", topN: 20, orgUnits: ["orgUnits/0100"] },
      period: "SCHEDULE_PERIOD_YEAR_TO_DATE",
      cron: "0 8 1 * *",
      format: "EXPORT_FORMAT_XLSX",
    });
    // the fixed period sends the dates, and no period; an empty title none
    expect(scheduleFromValues({ ...v, displayName: "  ", period: "SCHEDULE_PERIOD_UNSPECIFIED", start: "2026-01-01", end: "2026-03-31" })).toEqual({
      kind: "REPORT_KIND_TOP_CUSTOMERS",
      parameters: { startDate: day("2026-01-01"), endDate: day("2026-03-31"), dimension: "growth", topN: 20, orgUnits: ["orgUnits/0100"] },
      cron: "0 8 1 * *",
      format: "EXPORT_FORMAT_XLSX",
    });
  });

  it("drops a report's own period from the title when each run counts its own, keeping the units", () => {
    expect(withoutPeriod("地区销售额统计表（2026-01-01 至 2026-12-06）")).toBe("地区销售额统计表");
    expect(withoutPeriod("地区销售额统计表（北京分行，2026-01-01 至 2026-12-06）")).toBe("地区销售额统计表（北京分行）");
    expect(withoutPeriod("前20客户")).toBe("前20客户");
    const titled = { ...REPORT, displayName: "最重要的客户（2026-01-01 至 2026-05-10）" };
    expect(scheduleValuesFromReport(titled, "2026-06-01").displayName).toBe("最重要的客户");
    const fixed = { ...titled, parameters: { ...REPORT.parameters, startDate: day("2025-01-01"), endDate: day("2025-03-31") } };
    expect(scheduleValuesFromReport(fixed, "2026-06-01")).toMatchObject({
      period: "SCHEDULE_PERIOD_UNSPECIFIED",
      displayName: "最重要的客户（2026-01-01 至 2026-05-10）",
    });
  });

  it("refuses a fixed period's missing or reversed dates and a bad cron, by field", () => {
    const v = scheduleValuesFromReport(REPORT, "2026-06-01");
    expect(scheduleProblems(v, t)).toEqual({});
    expect(scheduleProblems({ ...v, period: "SCHEDULE_PERIOD_UNSPECIFIED", start: "2026-03-31", end: "2026-01-01" }, t)).toEqual({
      "parameters.endDate": ["结束日期不能早于开始日期"],
    });
    expect(scheduleProblems({ ...v, cron: builder({ frequency: "custom", raw: "*/5 * * * *" }) }, t)).toEqual({ cron: ["每小时最多发送一次：分钟只能是一个数字"] });
  });

  it("sends only what an edit changed, with its mask and the etag read", () => {
    const stored: ReportSchedule = {
      name: "reportSchedules/s1",
      etag: "e1",
      kind: "REPORT_KIND_TOP_CUSTOMERS",
      displayName: "周报",
      parameters: { topN: 20, dimension: "growth" } as ReportSchedule["parameters"],
      period: "SCHEDULE_PERIOD_LAST_7_DAYS",
      cron: "0 8 * * 1",
      format: "EXPORT_FORMAT_XLSX",
    };
    const v = scheduleValues(stored, "2026-06-01");
    expect(v).toMatchObject({ period: "SCHEDULE_PERIOD_LAST_7_DAYS", cron: { frequency: "weekly", weekday: 1, time: "08:00" } });
    expect(scheduleUpdate(stored, v).mask).toEqual([]);
    const changed = scheduleUpdate(stored, { ...v, cron: { ...v.cron, weekday: 5, time: "17:30" }, format: "EXPORT_FORMAT_PDF" });
    expect(changed).toEqual({
      reportSchedule: { name: "reportSchedules/s1", etag: "e1", cron: "30 17 * * 5", format: "EXPORT_FORMAT_PDF" },
      mask: ["cron", "format"],
    });
    // to a fixed period: the dates come with the parameters
    const fixed = scheduleUpdate(stored, { ...v, period: "SCHEDULE_PERIOD_UNSPECIFIED", start: "2026-01-01", end: "2026-03-31", displayName: "" });
    expect(fixed.mask).toEqual(["display_name", "parameters", "period"]);
    expect(fixed.reportSchedule).toMatchObject({
      displayName: "",
      period: "SCHEDULE_PERIOD_UNSPECIFIED",
      parameters: { startDate: day("2026-01-01"), endDate: day("2026-03-31"), topN: 20 },
    });
    expect(pauseUpdate(stored, true)).toEqual({ reportSchedule: { name: "reportSchedules/s1", etag: "e1", paused: true }, mask: ["paused"] });
  });

  it("reads the API's violations as the form's paths", () => {
    expect(scheduleViolationPath("report_schedule.cron")).toBe("cron");
    expect(scheduleViolationPath("report_schedule.display_name")).toBe("displayName");
    expect(scheduleViolationPath("report_schedule.parameters.start_date")).toBe("parameters.startDate");
    expect(scheduleViolationPath("reportSchedule.parameters.org_units[0]")).toBe("parameters.orgUnits");
    expect(scheduleViolationPath("period")).toBe("period");
  });
});
