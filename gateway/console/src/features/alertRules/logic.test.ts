import { describe, expect, it } from "vitest";

import {
  type AlertRule,
  backtestDays,
  backtestRows,
  check,
  durationOf,
  emptyDraft,
  fieldPaths,
  fromRule,
  kindOf,
  moneyOf,
  spanOf,
  toRule,
  unplaced,
  updateMask,
  violationPath,
  violationProblems,
} from "./logic";

const WORDS = { required: "必填", number: "数字", time: "时间" };

const CASH: AlertRule = {
  name: "alertRules/7",
  displayName: "大额现金交易（单笔或当日累计 5 万元以上）",
  severity: "SEVERITY_HIGH",
  enabled: true,
  largeTransaction: { threshold: { currencyCode: "CNY", units: "50000" }, cash: "CASH_FILTER_CASH", sameDayCumulative: true },
  recipients: { relationshipManager: true, branchManager: true },
  repeatInterval: "3600s",
  maxNotifyCount: 3,
  escalation: { after: "14400s", upTheOrgTree: true },
  etag: "W/3",
  version: 3,
};

describe("spans and amounts", () => {
  it("shows a duration in the largest unit that holds it whole, and sends it back in seconds", () => {
    expect(spanOf("86400s")).toEqual({ value: "1", unit: "d" });
    expect(spanOf("14400s")).toEqual({ value: "4", unit: "h" });
    expect(spanOf("300s")).toEqual({ value: "5", unit: "m" });
    expect(spanOf(undefined, "h")).toEqual({ value: "", unit: "h" });
    expect(durationOf({ value: "7", unit: "d" })).toBe("604800s");
    expect(durationOf({ value: "1.5", unit: "h" })).toBe("5400s");
    expect(durationOf({ value: " ", unit: "h" })).toBeUndefined();
  });

  it("reads an amount typed with separators and cents as CNY units and nanos", () => {
    expect(moneyOf("1,234,567.89")).toEqual({ currencyCode: "CNY", units: "1234567", nanos: 890_000_000 });
    expect(moneyOf("50000")).toEqual({ currencyCode: "CNY", units: "50000", nanos: 0 });
    expect(moneyOf("")).toBeUndefined();
    // a negative amount is sent as typed: the API names the field
    expect(moneyOf("-5")).toEqual({ currencyCode: "CNY", units: "-5", nanos: 0 });
  });
});

describe("draft", () => {
  it("round-trips a stored rule through the form unchanged", () => {
    const d = fromRule(CASH);
    expect(d.kind).toBe("largeTransaction");
    expect(d.threshold).toBe("50,000");
    expect(d.repeat).toEqual({ value: "1", unit: "h" });
    expect(d.escalate).toBe(true);
    const back = toRule(d);
    expect(back.largeTransaction?.threshold).toEqual({ currencyCode: "CNY", units: "50000", nanos: 0 });
    expect(back.largeTransaction?.cash).toBe("CASH_FILTER_CASH");
    expect(back.repeatInterval).toBe("3600s");
    expect(back.maxNotifyCount).toBe(3);
    expect(back.escalation).toEqual({ after: "14400s", upTheOrgTree: true });
    expect(back.quietHours).toBeUndefined();
    expect(kindOf(back)).toBe("largeTransaction");
  });

  it("sends only the edited kind's condition, and quiet hours as minutes", () => {
    const d = { ...emptyDraft("frequentWithdrawals"), maxAmount: "10,000", minCount: "5", window: { value: "24", unit: "h" as const }, quiet: true, quietStart: "22:30", quietEnd: "07:00" };
    const rule = toRule(d);
    expect(rule.largeTransaction).toBeUndefined();
    expect(rule.frequentWithdrawals).toMatchObject({ minCount: 5, window: "86400s", maxAmount: { units: "10000" } });
    expect(rule.quietHours).toEqual({ startMinute: 22 * 60 + 30, endMinute: 7 * 60 });
  });

  it("replaces every field the form edits, the rule's own kind included", () => {
    expect(updateMask("balanceDrop").split(",")).toEqual(expect.arrayContaining(["balance_drop", "escalation", "quiet_hours", "enabled"]));
    expect(updateMask("balanceDrop")).not.toContain("large_transaction");
  });
});

describe("problems", () => {
  it("finds what is missing or not a number before sending", () => {
    const d = { ...emptyDraft("largeTransaction"), displayName: " ", threshold: "", repeat: { value: "abc", unit: "h" as const } };
    const found = check(d, WORDS);
    expect(found).toEqual({ display_name: ["必填"], "large_transaction.threshold": ["必填"], repeat_interval: ["数字"] });
    expect(check({ ...d, displayName: "x", threshold: "1", repeat: { value: "", unit: "h" } }, WORDS)).toEqual({});
    expect(check({ ...emptyDraft("dormancy"), displayName: "x", window: { value: "x", unit: "d" } }, WORDS)).toEqual({ "dormancy.quiet_period": ["数字"] });
  });

  it("places the API's violations on the form's fields, and the rest in the summary", () => {
    expect(violationPath("alert_rule.large_transaction.threshold")).toBe("large_transaction.threshold");
    expect(violationPath("alertRule.frequentWithdrawals.window")).toBe("frequent_withdrawals.window");
    expect(violationPath("alert_rule.large_transaction.threshold.units")).toBe("large_transaction.threshold");
    expect(violationPath("alert_rule.tiers[1]")).toBe("tiers");
    const problems = violationProblems([
      { field: "alert_rule.large_transaction.threshold", description: "须大于 0" },
      { field: "alert_rule.condition", description: "只能有一个条件" },
    ]);
    const d = emptyDraft("largeTransaction");
    expect(fieldPaths(d).has("large_transaction.threshold")).toBe(true);
    expect(unplaced(problems, fieldPaths(d))).toEqual(["condition: 只能有一个条件"]);
  });
});

describe("backtest", () => {
  const result = {
    startTime: "2026-12-01T16:00:00Z",
    endTime: "2026-12-04T10:00:00Z",
    transactionCount: 12,
    candidate: {
      alertCount: 3,
      customerCount: 2,
      customers: [
        { customer: "customers/1", displayName: "张三", alertCount: 2 },
        { customer: "customers/2", displayName: "李四", alertCount: 1 },
      ],
      days: [
        { date: "2026-12-02", alertCount: 2 },
        { date: "2026-12-04", alertCount: 1 },
      ],
    },
    current: { alertCount: 1, customerCount: 1, customers: [{ customer: "customers/3", displayName: "王五", alertCount: 1 }], days: [{ date: "2026-12-03", alertCount: 1 }] },
  };

  it("lays every day of the period side by side, quiet days as 0, in the bank's dates", () => {
    expect(backtestDays(result)).toEqual({
      dates: ["2026-12-02", "2026-12-03", "2026-12-04"],
      candidate: [2, 0, 1],
      current: [0, 1, 0],
    });
  });

  it("lists each customer once with both sides' counts, most alerts first", () => {
    expect(backtestRows(result)).toEqual([
      { customer: "customers/1", displayName: "张三", candidate: 2, current: 0 },
      { customer: "customers/2", displayName: "李四", candidate: 1, current: 0 },
      { customer: "customers/3", displayName: "王五", candidate: 0, current: 1 },
    ]);
  });
});
