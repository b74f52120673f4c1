import { describe, expect, it } from "vitest";

import { alertFilter, allowed, allowedForAll, nextDay, timeline, transactionParts, type AlertItem } from "./logic";

describe("alertFilter", () => {
  it("joins the chosen terms, quoting names and bounding days in the bank's time zone", () => {
    expect(alertFilter({})).toBe("");
    expect(
      alertFilter({ state: "STATE_OPEN", severity: "SEVERITY_HIGH", mine: true, from: "2026-12-01", to: "2026-12-31" }, "users/rm_zhang"),
    ).toBe(
      'state = STATE_OPEN AND severity = SEVERITY_HIGH AND recipients = "users/rm_zhang" AND ' +
        'create_time >= "2026-12-01T00:00:00+08:00" AND create_time < "2027-01-01T00:00:00+08:00"',
    );
  });
  it("leaves out 'mine' without a user and escapes quotes", () => {
    expect(alertFilter({ mine: true })).toBe("");
    expect(alertFilter({ customer: 'customers/"x' })).toBe('customer = "customers/\\"x"');
  });
  it("counts days across month ends", () => {
    expect(nextDay("2026-02-28")).toBe("2026-03-01");
  });
});

describe("actions", () => {
  it("follow the service's state machine", () => {
    expect(allowed("STATE_OPEN", "acknowledge")).toBe(true);
    expect(allowed("STATE_ACKNOWLEDGED", "acknowledge")).toBe(false);
    expect(allowed("STATE_STOPPED", "resolve")).toBe(true);
    expect(allowed("STATE_RESOLVED", "resolve")).toBe(false);
    expect(allowed(undefined, "stop")).toBe(false);
  });
  it("for a selection, only when every alert allows it", () => {
    const open = { state: "STATE_OPEN" } as AlertItem;
    const done = { state: "STATE_RESOLVED" } as AlertItem;
    expect(allowedForAll([open, open], "acknowledge")).toBe(true);
    expect(allowedForAll([open, done], "acknowledge")).toBe(false);
    expect(allowedForAll([], "resolve")).toBe(false);
  });
});

describe("timeline", () => {
  it("orders what happened with who and why, comments included", () => {
    const alert = {
      state: "STATE_RESOLVED",
      createTime: "2026-12-04T04:00:00Z",
      lastNotifyTime: "2026-12-04T05:00:00Z",
      notifyCount: 2,
      acknowledgeTime: "2026-12-04T06:00:00Z",
      acknowledger: "users/rm_zhang",
      resolveTime: "2026-12-04T08:00:00Z",
      resolver: "users/rm_zhang",
      resolutionNote: "已电话核实",
    } as AlertItem;
    const entries = timeline(alert, [{ createTime: "2026-12-04T07:00:00Z", author: "users/branch_manager", text: "请跟进" }]);
    expect(entries.map((e) => e.kind)).toEqual(["raised", "notified", "acknowledged", "comment", "resolved"]);
    expect(entries[4]).toMatchObject({ who: "users/rm_zhang", text: "已电话核实" });
  });
  it("marks a stop as stopped, not resolved", () => {
    const alert = { state: "STATE_STOPPED", createTime: "2026-12-04T04:00:00Z", resolveTime: "2026-12-04T05:00:00Z" } as AlertItem;
    expect(timeline(alert).map((e) => e.kind)).toEqual(["raised", "stopped"]);
  });
});

describe("transactionParts", () => {
  it("splits a transaction name", () => {
    expect(transactionParts("customers/7/accounts/a1/transactions/t9")).toEqual({ customer: "7", account: "a1", transaction: "t9" });
  });
});
