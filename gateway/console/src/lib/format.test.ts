import { describe, expect, it } from "vitest";

import { formatCompactCny, formatDate, formatMoney, formatTime, resourceId } from "./format";

describe("format", () => {
  it("writes CNY with thousands separators and two decimals", () => {
    expect(formatMoney({ currencyCode: "CNY", units: "1234567", nanos: 890000000 }, "zh-CN")).toBe("¥1,234,567.89");
    expect(formatMoney({ currencyCode: "CNY", units: "-50000" }, "zh-CN")).toBe("-¥50,000.00");
    expect(formatMoney(undefined, "zh-CN")).toBe("");
  });

  it("writes leaders' totals in 万元 and 亿元", () => {
    expect(formatCompactCny(123_456_789, "zh-CN")).toBe("1.23亿元");
    expect(formatCompactCny(45_678_000, "zh-CN")).toBe("4,567.8万元");
    expect(formatCompactCny(9_999, "zh-CN")).toBe("9,999元");
  });

  it("writes dates as YYYY-MM-DD and times in China Standard Time", () => {
    expect(formatDate({ year: 2026, month: 3, day: 7 })).toBe("2026-03-07");
    expect(formatDate({})).toBe("");
    expect(formatTime("2026-12-04T16:30:00Z")).toBe("2026-12-05 00:30");
  });

  it("takes a resource name's id", () => {
    expect(resourceId("customers/c-42")).toBe("c-42");
    expect(resourceId("users/rm/sessions/s1")).toBe("s1");
  });
});
