import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import type { User } from "@/lib/api/client";

import { bankToday } from "./logic";
import {
  churnRows,
  drillRequestId,
  firstReason,
  homeReportRequest,
  homeRequestId,
  managerRows,
  regionalBars,
  riskLevel,
  sha1,
  showsLeaderReports,
  uuidV5,
  WIDGETS,
} from "./reportLogic";

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const STAFF = ["customers.read", "reports.read", "reports.create"];

describe("home report widgets: who sees them", () => {
  it("show for head-office leaders and branch managers who may run reports, not for relationship managers or compliance", () => {
    const user = (roles: string[], dataScope: User["dataScope"], permissions: string[]) => ({ name: "users/x", roles, dataScope, permissions }) as User;
    expect(showsLeaderReports(user(["roles/head_office_leader"], "DATA_SCOPE_ALL", STAFF))).toBe(true);
    expect(showsLeaderReports(user(["roles/branch_manager"], "DATA_SCOPE_ORG_UNIT_TREE", STAFF))).toBe(true);
    expect(showsLeaderReports(user(["roles/relationship_manager"], "DATA_SCOPE_OWN", STAFF))).toBe(false);
    expect(showsLeaderReports(user(["roles/compliance"], "DATA_SCOPE_ALL", ["customers.read", "reports.read"]))).toBe(false);
    expect(showsLeaderReports(null)).toBe(false);
  });
});

describe("home report widgets: the request id", () => {
  it("hash with SHA-1 and name UUIDs as RFC 4122 version 5 does", () => {
    for (const text of ["", "abc", "工作台·流失风险预警", "x".repeat(55), "y".repeat(56), "z".repeat(64), "w".repeat(1000)]) {
      const bytes = new TextEncoder().encode(text);
      expect(Buffer.from(sha1(bytes)).toString("hex")).toBe(createHash("sha1").update(bytes).digest("hex"));
    }
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
    expect(uuidV5("python.org", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("886313e1-3b8a-5372-9b90-0c9aee199e5d");
    // Python: uuid.uuid5(uuid.NAMESPACE_URL, "urn:kam:home-report:churn:users/u1:2026-05-06")
    expect(uuidV5("urn:kam:home-report:churn:users/u1:2026-05-06")).toBe("a4fa6fe9-eed9-5f42-8631-05d5b81922d3");
  });

  it("are stable within a bank day and differ across days, users and widgets", () => {
    const morning = bankToday(new Date("2026-05-06T00:30:00Z")); // 08:30 in Shanghai
    const evening = bankToday(new Date("2026-05-06T15:59:00Z")); // 23:59 in Shanghai
    const nextDay = bankToday(new Date("2026-05-06T16:00:00Z")); // 00:00 the day after
    expect(morning).toBe(evening);
    const id = homeRequestId("users/leader", "churn", morning);
    expect(id).toMatch(UUID_V5);
    expect(homeRequestId("users/leader", "churn", evening)).toBe(id);
    expect(homeReportRequest("churn", "users/leader", evening).requestId).toBe(id);
    expect(homeRequestId("users/leader", "churn", nextDay)).not.toBe(id);
    expect(homeRequestId("users/bm", "churn", morning)).not.toBe(id);
    const widgets = new Set(WIDGETS.map((w) => homeRequestId("users/leader", w, morning)));
    expect(widgets.size).toBe(3);
    // asked again after a failed computation: another id, the same again on a repeat
    expect(homeRequestId("users/leader", "churn", morning, 1)).not.toBe(id);
    expect(homeRequestId("users/leader", "churn", morning, 1)).toBe(homeRequestId("users/leader", "churn", morning, 1));
    expect(drillRequestId("users/leader", "reports/r1", "orgUnits/0100")).toBe(drillRequestId("users/leader", "reports/r1", "orgUnits/0100"));
    expect(drillRequestId("users/leader", "reports/r1", "orgUnits/0200")).not.toBe(drillRequestId("users/leader", "reports/r1", "orgUnits/0100"));
  });

  it("ask for this year to date over the caller's scope, titled 工作台·…", () => {
    const churn = homeReportRequest("churn", "users/leader", "2026-05-06");
    expect(churn.report).toEqual({
      kind: "REPORT_KIND_CHURN_RISK",
      displayName: "工作台·流失风险预警 2026-05-06",
      parameters: { startDate: { year: 2026, month: 1, day: 1 }, endDate: { year: 2026, month: 5, day: 6 }, dimension: "score", topN: 5 },
    });
    const managers = homeReportRequest("topManagers", "users/leader", "2026-05-06").report;
    expect(managers.kind).toBe("REPORT_KIND_TOP_RELATIONSHIP_MANAGERS");
    expect(managers.parameters).toMatchObject({ dimension: "growth", topN: 5 });
    const regional = homeReportRequest("regional", "users/leader", "2026-05-06").report;
    expect(regional.kind).toBe("REPORT_KIND_REGIONAL_SALES");
    expect(regional.parameters).toEqual({ startDate: { year: 2026, month: 1, day: 1 }, endDate: { year: 2026, month: 5, day: 6 }, dimension: "org_unit" });
    expect(regional.parameters.orgUnits).toBeUndefined();
    for (const w of WIDGETS) expect(homeReportRequest(w, "users/x", "2026-05-06").report.displayName).toMatch(/^工作台·/);
  });
});

describe("home report widgets: reading the reports", () => {
  it("grade churn by the report's level, else by the score, and take the first reason", () => {
    expect(riskLevel("高", 10)).toBe("high");
    expect(riskLevel("中", null)).toBe("medium");
    expect(riskLevel("", 60)).toBe("high");
    expect(riskLevel(undefined, 30)).toBe("medium");
    expect(riskLevel(null, 5)).toBe("low");
    expect(firstReason("近90天资产下降 45%；近60天无交易；产品减少")).toBe("近90天资产下降 45%");
    expect(firstReason(null)).toBe("");
  });

  it("read the rows of each report by column key, not by position", () => {
    const churn = churnRows({
      kind: "REPORT_KIND_CHURN_RISK",
      parameters: {},
      columns: [
        { key: "label", type: "TYPE_STRING" },
        { key: "score", type: "TYPE_INTEGER" },
        { key: "level", type: "TYPE_STRING" },
        { key: "reasons", type: "TYPE_STRING" },
      ],
      rows: [{ values: ["张*", 82, "高", "资产下降；无交易"], drillDown: "customers/c1" }, { values: [null, "12", "低", ""] }],
    });
    expect(churn).toEqual([
      { key: "customers/c1", name: "张*", customer: "c1", score: 82, level: "high", reason: "资产下降" },
      { key: "1", name: "2", customer: "", score: 12, level: "low", reason: "" },
    ]);
    const managers = managerRows({
      kind: "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS",
      parameters: {},
      columns: [
        { key: "rank", type: "TYPE_INTEGER" },
        { key: "label", type: "TYPE_STRING" },
        { key: "org_unit", type: "TYPE_STRING" },
        { key: "aum_growth", type: "TYPE_MONEY" },
        { key: "campaign_conversions", type: "TYPE_INTEGER" },
        { key: "tasks_on_time_rate", type: "TYPE_PERCENT" },
      ],
      rows: [{ values: [1, "张伟", "北京分行", "1234567.50", null, 92.5], drillDown: "staff/001" }],
    });
    expect(managers[0]).toMatchObject({ rank: 1, name: "张伟", orgUnit: "北京分行", growth: 1234567.5, conversions: null, onTimeRate: 92.5 });
    const bars = regionalBars({
      kind: "REPORT_KIND_REGIONAL_SALES",
      parameters: {},
      columns: [
        { key: "label", type: "TYPE_STRING" },
        { key: "assets_under_management", type: "TYPE_MONEY" },
        { key: "aum_growth", type: "TYPE_MONEY" },
        { key: "aum_growth_rate", type: "TYPE_PERCENT" },
      ],
      rows: Array.from({ length: 15 }, (_, i) => ({ values: [`机构${i}`, String(1000 - i), "10", null], drillDown: `orgUnits/${i}` })),
    });
    expect(bars).toHaveLength(12);
    expect(bars[0]).toEqual({ row: 0, name: "机构0", aum: 1000, growth: 10, growthRate: null });
    expect(churnRows(undefined)).toEqual([]);
  });
});
