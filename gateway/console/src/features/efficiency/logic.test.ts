import { describe, expect, it } from "vitest";

import {
  bankToday,
  barOption,
  bucketLabel,
  drillDown,
  efficiencyQuery,
  type EfficiencyFilters,
  figures,
  filtersFromParams,
  filtersToParams,
  formatHours,
  formatPercent,
  isDay,
  lastPicked,
  periodDays,
  periodProblem,
  presetPeriod,
  rowLabel,
  totalShown,
  trendOption,
  visibleRows,
  type WorkEfficiency,
} from "./logic";

const TODAY = "2026-12-07";
const WORDS = { own: (name: string) => `${name}（本级）`, noUnit: "（未归属机构）" };

const BEIJING: WorkEfficiency = {
  orgUnit: "orgUnits/0100",
  orgUnitDisplayName: "北京分行",
  rows: [
    { name: "orgUnits/0100", displayName: "北京分行", subtree: false, figures: { assignedCount: 1 } },
    { name: "orgUnits/0101", displayName: "东城支行", subtree: true, figures: { assignedCount: 4, completedCount: 3, onTimeCount: 2, onTimePercent: 66.666 } },
    { name: "", displayName: "", subtree: false, figures: {} },
  ],
};

const base: EfficiencyFilters = { start: "2026-12-01", end: "2026-12-31", groupBy: "user", granularity: "auto" };

describe("the period", () => {
  it("is the bank's day, whatever the browser's zone", () => {
    // 16:30 UTC on 30 November is already 1 December in Beijing
    expect(bankToday(new Date("2026-11-30T16:30:00Z"))).toBe("2026-12-01");
    expect(bankToday(new Date("2026-11-30T15:59:00Z"))).toBe("2026-11-30");
  });

  it("comes from presets around today", () => {
    expect(presetPeriod("thisMonth", TODAY)).toEqual({ start: "2026-12-01", end: "2026-12-31" });
    expect(presetPeriod("thisMonth", "2028-02-10")).toEqual({ start: "2028-02-01", end: "2028-02-29" });
    expect(presetPeriod("lastMonth", TODAY)).toEqual({ start: "2026-11-01", end: "2026-11-30" });
    expect(presetPeriod("lastMonth", "2027-01-15")).toEqual({ start: "2026-12-01", end: "2026-12-31" });
    expect(presetPeriod("thisQuarter", "2026-08-20")).toEqual({ start: "2026-07-01", end: "2026-09-30" });
    expect(presetPeriod("thisYear", TODAY)).toEqual({ start: "2026-01-01", end: "2026-12-31" });
  });

  it("is at most 366 days, and never backwards", () => {
    expect(periodDays("2026-12-01", "2026-12-31")).toBe(31);
    expect(periodProblem("2028-01-01", "2028-12-31")).toBeUndefined(); // 366 days
    expect(periodProblem("2025-01-01", "2026-01-02")).toBe("tooLong");
    expect(periodProblem("2026-12-31", "2026-12-01")).toBe("order");
    expect(isDay("2026-02-30")).toBe(false);
    expect(isDay("2026-2-3")).toBe(false);
    expect(isDay("2026-02-28")).toBe(true);
  });
});

describe("the address", () => {
  it("defaults to this month per person", () => {
    expect(filtersFromParams(new URLSearchParams(), TODAY)).toEqual({ ...base, orgUnit: undefined, own: false, priority: undefined });
    expect(filtersFromParams(new URLSearchParams("from=2026-02-30&to=2026-03-01"), TODAY).start).toBe("2026-12-01");
  });

  it("round-trips every filter and drops what is not one", () => {
    const f: EfficiencyFilters = {
      start: "2026-10-01",
      end: "2026-12-31",
      groupBy: "user",
      orgUnit: "orgUnits/0100",
      own: true,
      priority: "PRIORITY_HIGH",
      granularity: "week",
    };
    expect(filtersFromParams(filtersToParams(f), TODAY)).toEqual(f);
    const odd = filtersFromParams(new URLSearchParams("by=team&orgUnit=branches/1&priority=PRIORITY_ZERO&trend=hourly&own=1"), TODAY);
    expect(odd).toMatchObject({ groupBy: "user", orgUnit: undefined, own: false, priority: undefined, granularity: "auto" });
    // 本级 applies only to people in a unit
    expect(filtersToParams({ ...f, groupBy: "orgUnit" }).get("own")).toBeNull();
  });

  it("asks for the period's days and the grouping in the service's words", () => {
    expect(efficiencyQuery({ ...base, groupBy: "orgUnit", orgUnit: "orgUnits/0100", granularity: "month" })).toEqual({
      "startDate.year": 2026,
      "startDate.month": 12,
      "startDate.day": 1,
      "endDate.year": 2026,
      "endDate.month": 12,
      "endDate.day": 31,
      groupBy: "EFFICIENCY_GROUPING_ORG_UNIT",
      orgUnit: "orgUnits/0100",
      priority: undefined,
      trendGranularity: "TREND_GRANULARITY_MONTH",
    });
    expect(efficiencyQuery(base)).toMatchObject({ groupBy: "EFFICIENCY_GROUPING_USER", trendGranularity: undefined });
  });

  it("keeps the one org unit just picked on a multiple picker", () => {
    expect(lastPicked(["orgUnits/0100"], undefined)).toBe("orgUnits/0100");
    expect(lastPicked(["orgUnits/0100", "orgUnits/0101"], "orgUnits/0100")).toBe("orgUnits/0101");
    expect(lastPicked(["orgUnits/0100"], "orgUnits/0100")).toBe("orgUnits/0100");
    expect(lastPicked([], "orgUnits/0100")).toBeUndefined();
  });
});

describe("rows", () => {
  it("name the anchor's own row 本级, and tasks under no unit so", () => {
    const [own, sub, none] = BEIJING.rows!;
    expect(rowLabel(own, BEIJING, WORDS)).toBe("北京分行（本级）");
    expect(rowLabel(sub, BEIJING, WORDS)).toBe("东城支行");
    expect(rowLabel(none, BEIJING, WORDS)).toBe("（未归属机构）");
    expect(rowLabel({ name: "users/rm_li" }, BEIJING, WORDS)).toBe("rm_li");
  });

  it("drill from a unit to its people (本级: the unit's own people only)", () => {
    const perUnit = { ...base, groupBy: "orgUnit" as const, priority: "PRIORITY_HIGH" };
    const [own, sub, none] = BEIJING.rows!;
    expect(drillDown(sub, perUnit)).toEqual({ ...perUnit, groupBy: "user", orgUnit: "orgUnits/0101", own: false });
    expect(drillDown(own, perUnit)).toEqual({ ...perUnit, groupBy: "user", orgUnit: "orgUnits/0100", own: true });
    expect(drillDown(none, perUnit)).toBeUndefined();
    expect(drillDown({ name: "users/rm_li" }, base)).toBeUndefined();
  });

  it("within 本级 show only the unit's own people, without the subtree's total", () => {
    const people: WorkEfficiency = {
      rows: [
        { name: "users/bm", orgUnit: "orgUnits/0100" },
        { name: "users/rm", orgUnit: "orgUnits/0101" },
      ],
    };
    const own = { ...base, orgUnit: "orgUnits/0100", own: true };
    expect(visibleRows(people, own).map((r) => r.name)).toEqual(["users/bm"]);
    expect(totalShown(own)).toBe(false);
    expect(visibleRows(people, { ...own, own: false })).toHaveLength(2);
    expect(totalShown(base)).toBe(true);
  });
});

describe("figures", () => {
  it("read absent counts as 0 and rates and hours as none when nothing was completed", () => {
    expect(figures({ assignedCount: 2, overdueCount: 1 })).toEqual({
      assigned: 2,
      completed: 0,
      onTime: 0,
      overdue: 1,
      returned: 0,
      onTimePercent: null,
      averageHours: null,
      p90Hours: null,
    });
    expect(figures({ completedCount: 4, onTimeCount: 3, onTimePercent: 75, averageCompletionHours: 146.8333, p90CompletionHours: 169 })).toMatchObject({
      onTimePercent: 75,
      averageHours: 146.8333,
      p90Hours: 169,
    });
  });

  it("show percentages and hours with one decimal", () => {
    expect(formatPercent(66.666, "zh-CN")).toBe("66.7%");
    expect(formatPercent(100, "en-US")).toBe("100.0%");
    expect(formatPercent(null, "zh-CN")).toBe("—");
    expect(formatHours(146.8333, "zh-CN")).toBe("146.8");
    expect(formatHours(1234.56, "en-US")).toBe("1,234.6");
    expect(formatHours(null, "en-US")).toBe("—");
  });
});

describe("charts", () => {
  it("set completed against overdue per row", () => {
    const option = barOption(
      [
        { label: "东城支行", figures: figures({ completedCount: 3, overdueCount: 1 }) },
        { label: "西城支行", figures: figures({ overdueCount: 3 }) },
      ],
      { completed: "完成", overdue: "逾期" },
    ) as { xAxis: { data: string[] }; series: { name: string; data: number[] }[] };
    expect(option.xAxis.data).toEqual(["东城支行", "西城支行"]);
    expect(option.series.map((s) => [s.name, s.data])).toEqual([
      ["完成", [3, 0]],
      ["逾期", [1, 3]],
    ]);
  });

  it("label buckets by day, week or month", () => {
    const point = { startDate: { year: 2026, month: 12, day: 7 }, endDate: { year: 2026, month: 12, day: 13 } };
    expect(bucketLabel(point, "TREND_GRANULARITY_DAY")).toBe("12-07");
    expect(bucketLabel(point, "TREND_GRANULARITY_WEEK")).toBe("12-07~12-13");
    expect(bucketLabel(point, "TREND_GRANULARITY_MONTH")).toBe("2026-12");
  });

  it("draw the on-time rate on its own axis, with gaps where nothing was completed", () => {
    const option = trendOption(
      {
        trendGranularity: "TREND_GRANULARITY_DAY",
        trend: [
          { startDate: { year: 2026, month: 12, day: 1 }, assignedCount: 3, completedCount: 3, onTimeCount: 2, onTimePercent: 66.666 },
          { startDate: { year: 2026, month: 12, day: 2 }, assignedCount: 1 },
        ],
      },
      { assigned: "派发", completed: "完成", onTimeRate: "按时完成率" },
    ) as { xAxis: { data: string[] }; series: { data: (number | null)[]; yAxisIndex?: number }[] };
    expect(option.xAxis.data).toEqual(["12-01", "12-02"]);
    expect(option.series.map((s) => s.data)).toEqual([
      [3, 1],
      [3, 0],
      [66.7, null],
    ]);
    expect(option.series[2].yAxisIndex).toBe(1);
  });
});
