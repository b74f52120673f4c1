import { describe, expect, it } from "vitest";

import {
  alertFilter,
  allowed,
  allowedForAll,
  asName,
  filtersFromParams,
  filtersToParams,
  nextDay,
  pickTransactions,
  silenceUntil,
  timeline,
  transactionLookups,
  transactionParts,
  type AlertItem,
} from "./logic";

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
  it("filters by a chosen recipient unless 'mine' is on", () => {
    expect(alertFilter({ recipient: "users/rm_li" }, "users/bm_wang")).toBe('recipients = "users/rm_li"');
    expect(alertFilter({ recipient: "users/rm_li", mine: true }, "users/bm_wang")).toBe('recipients = "users/bm_wang"');
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

describe("the filters in the address", () => {
  it("read back what they wrote", () => {
    const f = {
      state: "STATE_OPEN",
      severity: "SEVERITY_CRITICAL",
      rule: "alertRules/large-cash",
      customer: "customers/42",
      recipient: "users/rm_li",
      from: "2026-12-01",
      to: "2026-12-05",
      mine: false,
    };
    const params = filtersToParams(f);
    expect(params.get("customer")).toBe("42");
    expect(params.get("recipient")).toBe("rm_li");
    expect(filtersFromParams(params)).toEqual(f);
  });
  it("drop what the API would refuse", () => {
    const f = filtersFromParams(new URLSearchParams("state=OPEN&severity=SEVERITY_HIGH&from=1.12.2026&customer=a/b&mine=1"));
    expect(f).toEqual({ severity: "SEVERITY_HIGH", mine: true, state: undefined, rule: undefined, customer: undefined, recipient: undefined, from: undefined, to: undefined });
  });
  it("keep 'mine' rather than a recipient", () => {
    expect(filtersToParams({ mine: true, recipient: "users/rm_li" }).toString()).toBe("mine=1");
  });
});

describe("asName", () => {
  it("takes an id or a full name", () => {
    expect(asName("customers", " 42 ")).toBe("customers/42");
    expect(asName("customers", "customers/42")).toBe("customers/42");
    expect(asName("customers", "")).toBeUndefined();
    expect(asName("customers", "users/42")).toBeUndefined();
    expect(asName("customers", "customers/")).toBeUndefined();
  });
});

describe("the alert's transactions", () => {
  const names = ["customers/7/accounts/a1/transactions/t2", "customers/7/accounts/a2/transactions/t1", "customers/7/accounts/a1/transactions/t1"];
  it("are listed once per account, up to a day after the event", () => {
    expect(transactionLookups(names, "2026-12-04T04:00:00Z")).toEqual([
      { customer: "7", account: "a1", filter: 'post_time <= "2026-12-05T04:00:00.000Z"' },
      { customer: "7", account: "a2", filter: 'post_time <= "2026-12-05T04:00:00.000Z"' },
    ]);
    expect(transactionLookups(names.slice(0, 1))).toEqual([{ customer: "7", account: "a1", filter: undefined }]);
  });
  it("keep the alert's order, and the ones not found by name", () => {
    const found = [{ name: names[2], summary: "柜面取现" }, { name: names[0], summary: "转账" }];
    expect(pickTransactions(names, found)).toEqual([found[1], { name: names[1], missing: true }, found[0]]);
  });
});

describe("silenceUntil", () => {
  it("ends with the chosen bank day", () => {
    expect(silenceUntil("2026-12-31", new Date("2026-12-05T06:00:00Z"))).toBe("2026-12-31T15:59:59Z");
  });
  it("never goes beyond 180 days from now", () => {
    expect(silenceUntil("2027-06-03", new Date("2026-12-05T06:00:00Z"))).toBe("2027-06-03T05:59:00Z");
  });
});
