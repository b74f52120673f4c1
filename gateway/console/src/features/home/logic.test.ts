import { describe, expect, it } from "vitest";

import { lookup } from "@/locales/i18n";
import { enUS } from "@/locales/en-US";
import { zhCN } from "@/locales/zh-CN";

import { addDays, bankToday, chartGroups, customerId, daysLeftText, daysUntil, keyDateFilter, largeTransactionFilter } from "./logic";

const words = (days: number, messages = zhCN) => {
  const [key, vars] = daysLeftText(days);
  return lookup(messages, key, vars);
};

describe("home widgets", () => {
  it("count days in the bank's time zone, whatever the browser's", () => {
    expect(bankToday(new Date("2026-03-01T15:59:00Z"))).toBe("2026-03-01");
    expect(bankToday(new Date("2026-03-01T16:00:00Z"))).toBe("2026-03-02"); // midnight in Shanghai
    expect(addDays("2026-02-27", 2)).toBe("2026-03-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(daysUntil({ year: 2026, month: 3, day: 31 }, "2026-03-29")).toBe(2);
    expect(daysUntil({ year: 2027, month: 1, day: 1 }, "2026-12-31")).toBe(1);
  });

  it("say today, tomorrow, in N days (and N days ago) in both languages", () => {
    expect([0, 1, 5, -2].map((d) => words(d))).toEqual(["今天", "明天", "5 天后", "2 天前"]);
    expect([0, 1, 5].map((d) => words(d, enUS))).toEqual(["Today", "Tomorrow", "In 5 days"]);
  });

  it("ask for the window's key dates and large transactions", () => {
    expect(keyDateFilter("2026-12-25", 14)).toBe("date >= 2026-12-25 AND date <= 2027-01-08");
    expect(largeTransactionFilter(new Date("2026-03-31T10:00:00.123Z"), 500000, 30)).toBe(
      'amount >= 500000 AND post_time >= "2026-03-01T10:00:00Z"',
    );
  });

  it("take the customer out of a child resource's name", () => {
    expect(customerId("customers/c-7/accounts/x1/transactions/t9")).toBe("c-7");
    expect(customerId("users/u1")).toBe("");
  });

  it("chart the largest groups by AUM and sum the rest as one bar", () => {
    const groups = [
      { group: "orgUnits/a", displayName: "上海分行", customerCount: "3", assetsUnderManagement: { units: "100" } },
      { group: "orgUnits/b", displayName: "北京分行", customerCount: "2", assetsUnderManagement: { units: "300", nanos: 500_000_000 } },
      { group: "orgUnits/c", displayName: "", customerCount: 1, assetsUnderManagement: { units: "50" } },
      { group: "", customerCount: 4, assetsUnderManagement: null },
    ];
    expect(chartGroups(groups, 2, "其他", "未分配")).toEqual([
      { name: "北京分行", aum: 300.5, customers: 2 },
      { name: "上海分行", aum: 100, customers: 3 },
      { name: "其他", aum: 50, customers: 5 },
    ]);
    expect(chartGroups(groups, 4, "其他", "未分配").map((b) => b.name)).toEqual(["北京分行", "上海分行", "orgUnits/c", "未分配"]);
  });
});
