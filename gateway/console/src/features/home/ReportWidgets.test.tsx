// 工作台's decision-support row against the gateway's answers (stubbed here; the chart is a stand-in that tells its
// clicks): shown to a head-office leader and a branch manager, not to a relationship manager or compliance; asked
// only after the page's own figures, with the day's request id (the same on the next visit, another for another
// user); the three reports in Chinese with their links; a rate limit or a 500 shown in its card without breaking
// the page; a failed computation asked again under a new id; a bar drilled into the unit's report in 报表中心.
import { cleanup, configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { renderPage } from "@/testing/render";

import HomePage from "./HomePage";
import { bankToday } from "./logic";
import { drillRequestId, homeRequestId, type Widget } from "./reportLogic";

vi.mock("@/features/reports/ReportChart", () => ({
  ReportChart: ({ label, onPick }: { label: string; onPick?: (i: number) => void }) => (
    <div role="img" aria-label={label} data-testid="chart-stub">
      {onPick ? (
        <>
          <button type="button" onClick={() => onPick(0)} data-testid="chart-pick-0">
            bar 0
          </button>
          <button type="button" onClick={() => onPick(2)} data-testid="chart-pick-2">
            bar 2
          </button>
        </>
      ) : null}
    </div>
  ),
}));

const calls = vi.hoisted(() => {
  type Sent = { method: string; path: string; query: URLSearchParams; body: Record<string, unknown> | undefined };
  const sent: Sent[] = [];
  // per kind: an HTTP status to answer with, or "FAILED" for a stored failed computation (once each)
  const fail: Record<string, (number | "FAILED")[]> = {};
  const gates: { release?: () => void; held: Promise<void> } = { held: Promise.resolve() };
  const stored = new Map<string, Record<string, unknown>>();
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const period = { startDate: { year: 2026, month: 1, day: 1 }, endDate: { year: 2026, month: 5, day: 6 } };
  const answers: Record<string, Record<string, unknown>> = {
    REPORT_KIND_CHURN_RISK: {
      columns: [
        { key: "label", displayName: "客户", type: "TYPE_STRING" },
        { key: "tier", displayName: "等级", type: "TYPE_STRING" },
        { key: "score", displayName: "流失风险分", type: "TYPE_INTEGER" },
        { key: "level", displayName: "风险等级", type: "TYPE_STRING" },
        { key: "assets_under_management", displayName: "金融资产(元)", type: "TYPE_MONEY" },
        { key: "reasons", displayName: "主要原因", type: "TYPE_STRING" },
      ],
      rows: [
        { values: ["张*", "钻石", 82, "高", "5000000.00", "近90天金融资产下降 48%；近60天无交易"], drillDown: "customers/c1" },
        { values: ["某某科技有限公司", "金", 31, "中", "2000000.00", "产品持有减少"], drillDown: "customers/c2" },
      ],
    },
    REPORT_KIND_TOP_RELATIONSHIP_MANAGERS: {
      columns: [
        { key: "rank", displayName: "排名", type: "TYPE_INTEGER" },
        { key: "label", displayName: "客户经理", type: "TYPE_STRING" },
        { key: "org_unit", displayName: "所属机构", type: "TYPE_STRING" },
        { key: "customer_count", displayName: "客户数", type: "TYPE_INTEGER" },
        { key: "assets_under_management", displayName: "管户金融资产(元)", type: "TYPE_MONEY" },
        { key: "aum_growth", displayName: "金融资产增长(元)", type: "TYPE_MONEY" },
        { key: "new_accounts", displayName: "新开账户数", type: "TYPE_INTEGER" },
        { key: "campaign_conversions", displayName: "营销转化数", type: "TYPE_INTEGER" },
        { key: "tasks_on_time_rate", displayName: "任务按时完成率", type: "TYPE_PERCENT" },
      ],
      rows: [
        { values: [1, "张伟", "北京分行", 40, "80000000.00", "1234567.50", 6, 3, 92.5], drillDown: "staff/001" },
        { values: [2, "李娜", "上海分行", 30, "60000000.00", "-2500.00", 2, null, null], drillDown: "staff/002" },
      ],
    },
    REPORT_KIND_REGIONAL_SALES: {
      columns: [
        { key: "label", displayName: "机构", type: "TYPE_STRING" },
        { key: "customer_count", displayName: "客户数", type: "TYPE_INTEGER" },
        { key: "deposits", displayName: "存款余额(元)", type: "TYPE_MONEY" },
        { key: "assets_under_management", displayName: "金融资产(元)", type: "TYPE_MONEY" },
        { key: "loans", displayName: "贷款余额(元)", type: "TYPE_MONEY" },
        { key: "new_accounts", displayName: "新开账户数", type: "TYPE_INTEGER" },
        { key: "aum_growth", displayName: "金融资产增长(元)", type: "TYPE_MONEY" },
        { key: "aum_growth_rate", displayName: "增长率", type: "TYPE_PERCENT" },
      ],
      rows: [
        { values: ["北京分行", 120, "1000.00", "50000000.00", "0.00", 3, "5000000.00", 11.1], drillDown: "orgUnits/0100" },
        { values: ["上海分行", 80, "1000.00", "40000000.00", "0.00", 2, "-1000000.00", -2.4], drillDown: "orgUnits/0200" },
        { values: ["总行（本级）", 5, "1000.00", "1000000.00", "0.00", 0, "0.00", null], drillDown: "" },
      ],
    },
  };
  const ids: Record<string, string> = { REPORT_KIND_CHURN_RISK: "churn", REPORT_KIND_TOP_RELATIONSHIP_MANAGERS: "rms", REPORT_KIND_REGIONAL_SALES: "regional" };
  let made = 0;
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const body = request.method === "GET" || request.method === "DELETE" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    const path = url.pathname;
    if (path === "/v1/customerStats")
      return json(200, { customerCount: "1234", keyCustomerCount: "56", individualCount: "1000", corporateCount: "234", tierCounts: [], updateTime: "2026-05-06T01:00:00Z" });
    if (path === "/v1/customers" && url.searchParams.get("orderBy")) {
      await gates.held; // the page's own list, held while a test says so
      return json(200, { customers: [] });
    }
    if (path === "/v1/reports" && request.method === "POST") {
      const kind = String(body?.kind);
      const requestId = url.searchParams.get("requestId") ?? "";
      const outcome = fail[kind]?.shift();
      if (typeof outcome === "number")
        return json(outcome, {
          error: {
            code: outcome,
            status: outcome === 429 ? "RESOURCE_EXHAUSTED" : "INTERNAL",
            message: outcome === 429 ? "请求过于频繁 (rate limited)" : "内部错误 (internal error)",
          },
        });
      const parameters = (body?.parameters ?? {}) as Record<string, unknown>;
      const drilled = Array.isArray(parameters.orgUnits);
      const again = stored.get(requestId);
      if (again) return json(200, again);
      made += 1;
      const report = {
        ...answers[kind],
        ...(drilled ? { rows: [] } : {}),
        ...body,
        name: `reports/${drilled ? "drill" : ids[kind]}${made}`,
        parameters: { ...period, ...parameters },
        state: outcome === "FAILED" ? "STATE_FAILED" : "STATE_SUCCEEDED",
        errorMessage: outcome === "FAILED" ? "计算失败，请稍后重试 (computation failed; try again)" : "",
        dataTime: "2026-05-05T15:59:00Z",
        completeTime: "2026-05-06T01:00:02Z",
      };
      stored.set(requestId, report);
      return json(200, report);
    }
    return json(200, {});
  };
  return {
    sent,
    fail,
    stored,
    hold() {
      gates.held = new Promise((resolve) => (gates.release = resolve));
    },
    release() {
      gates.release?.();
      gates.held = Promise.resolve();
    },
  };
});

// Ant Design's pages render slowly on a busy machine: wait up to 5 s for what they show
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.stored.clear();
  for (const kind of Object.keys(calls.fail)) delete calls.fail[kind];
  calls.release();
});

const STAFF = ["customers.read", "reports.read", "reports.create", "alerts.read", "tasks.work", "campaigns.read"];
const LEADER = { name: "users/leader", displayName: "李总", roles: ["roles/head_office_leader"], dataScope: "DATA_SCOPE_ALL", permissions: STAFF } as User;
const BRANCH_MANAGER = { name: "users/bm", displayName: "王行长", roles: ["roles/branch_manager"], dataScope: "DATA_SCOPE_ORG_UNIT_TREE", orgUnit: "orgUnits/0100", permissions: STAFF } as User;
const RM = { name: "users/rm", displayName: "张伟", roles: ["roles/relationship_manager"], dataScope: "DATA_SCOPE_OWN", permissions: STAFF } as User;
const COMPLIANCE = {
  name: "users/cc",
  displayName: "赵敏",
  roles: ["roles/compliance"],
  dataScope: "DATA_SCOPE_ALL",
  permissions: ["customers.read", "reports.read", "alerts.read", "campaigns.read"],
} as User;

const posts = () => calls.sent.filter((c) => c.method === "POST" && c.path === "/v1/reports");
const WIDGETS: [Widget, string][] = [
  ["churn", "REPORT_KIND_CHURN_RISK"],
  ["topManagers", "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS"],
  ["regional", "REPORT_KIND_REGIONAL_SALES"],
];

function renderHome(me: User, lang: "zh-CN" | "en-US" = "zh-CN") {
  return renderPage("/", { "/": <HomePage /> }, me, lang);
}

/** The three cards shown with their content (or their error). */
async function loaded() {
  await screen.findByTestId("home-leader-reports");
  await waitFor(() => expect(screen.queryAllByTestId(/^home-report-loading-/)).toHaveLength(0));
}

describe("工作台 report widgets: who sees them", () => {
  it("shows a head-office leader the three reports, asked after the page's own figures with the day's request ids", async () => {
    calls.hold();
    renderHome(LEADER);
    await screen.findByTestId("home");
    expect(screen.getByTestId("stat-customers").textContent).toContain("1,234");
    // the page's own list is still on its way: the widgets wait (skeletons), nothing is computed yet
    expect(await screen.findByTestId("home-report-loading-churn")).toBeTruthy();
    await new Promise((r) => setTimeout(r, 50));
    expect(posts()).toHaveLength(0);
    calls.release();
    await loaded();

    const today = bankToday(new Date());
    expect(posts()).toHaveLength(3);
    const firstPost = calls.sent.findIndex((c) => c.method === "POST" && c.path === "/v1/reports");
    expect(calls.sent.findIndex((c) => c.path === "/v1/customerStats")).toBeLessThan(firstPost);
    for (const [widget, kind] of WIDGETS) {
      const post = posts().find((p) => p.body?.kind === kind);
      expect(post?.query.get("requestId")).toBe(homeRequestId("users/leader", widget, today));
      expect(String(post?.body?.displayName)).toMatch(/^工作台·/);
      expect(post?.body?.parameters).toMatchObject({ startDate: { year: Number(today.slice(0, 4)), month: 1, day: 1 } });
    }
    expect(posts().find((p) => p.body?.kind === "REPORT_KIND_CHURN_RISK")?.body?.parameters).toMatchObject({ topN: 5, dimension: "score" });
    expect(posts().find((p) => p.body?.kind === "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS")?.body?.parameters).toMatchObject({ topN: 5, dimension: "growth" });
    expect(posts().find((p) => p.body?.kind === "REPORT_KIND_REGIONAL_SALES")?.body?.parameters).toMatchObject({ dimension: "org_unit" });

    // 流失风险预警: masked name to the 360 page, score, level, first reason
    const churn = screen.getAllByTestId("home-churn-row");
    expect(churn).toHaveLength(2);
    expect(within(churn[0]).getByTestId("home-churn-link").getAttribute("href")).toBe("/customers/c1");
    expect(churn[0].textContent).toContain("张*");
    expect(within(churn[0]).getByTestId("home-churn-score").textContent).toBe("82");
    expect(within(churn[0]).getByTestId("home-churn-level").textContent).toBe("高风险");
    expect(churn[0].textContent).toContain("近90天金融资产下降 48%");
    expect(churn[0].textContent).not.toContain("近60天无交易");
    expect(within(churn[1]).getByTestId("home-churn-level").textContent).toBe("中风险");

    // 最重要的销售员: growth in CNY with separators, conversions and on-time rate when present
    const managers = screen.getAllByTestId("home-manager-row");
    expect(within(managers[0]).getByTestId("home-manager-growth").textContent).toBe("+¥1,234,567.50");
    expect(within(managers[0]).getByTestId("home-manager-figures").textContent).toBe("营销转化数 3 · 任务按时完成率 92.5%");
    expect(within(managers[1]).getByTestId("home-manager-growth").textContent).toBe("-¥2,500.00");
    expect(within(managers[1]).queryByTestId("home-manager-figures")).toBeNull();

    // 地区销售额: the chart; each card its full report and data time
    expect(within(screen.getByTestId("home-report-regional")).getByTestId("chart-stub")).toBeTruthy();
    for (const [widget] of WIDGETS) {
      const card = screen.getByTestId(`home-report-${widget}`);
      expect(within(card).getByTestId(`home-report-full-${widget}`).textContent).toBe("查看完整报表");
      expect(within(card).getByTestId(`home-report-time-${widget}`).textContent).toMatch(/^数据截至 2026-05-05 23:59/);
    }
    expect(screen.getByTestId("home-report-full-churn").getAttribute("href")).toMatch(/^\/reports\/churn\d+$/);
    expect(screen.getByTestId("home-report-full-regional").getAttribute("href")).toMatch(/^\/reports\/regional\d+$/);
    const text = screen.getByTestId("home-leader-reports").textContent ?? "";
    for (const raw of ["REPORT_KIND_", "STATE_", "homeReports.", "undefined", "NaN"]) expect(text).not.toContain(raw);
  });

  it("shows a branch manager the same row over their branch", async () => {
    renderHome(BRANCH_MANAGER);
    await loaded();
    expect(posts()).toHaveLength(3);
    expect(posts().map((p) => p.query.get("requestId"))).toEqual(
      expect.arrayContaining(WIDGETS.map(([w]) => homeRequestId("users/bm", w, bankToday(new Date())))),
    );
    expect(screen.getAllByTestId("home-churn-row")).toHaveLength(2);
  });

  it.each([
    ["a relationship manager", RM],
    ["compliance", COMPLIANCE],
  ])("shows %s no report widgets and computes nothing", async (_, me) => {
    renderHome(me);
    await screen.findByTestId("home");
    await screen.findByTestId("widget-key-dates");
    await new Promise((r) => setTimeout(r, 100));
    expect(screen.queryByTestId("home-leader-reports")).toBeNull();
    expect(posts()).toHaveLength(0);
  });
});

describe("工作台 report widgets: at most one report a day", () => {
  it("asks with the same request ids on the next visit that day (the stored reports come back), other ids for another user", async () => {
    const first = renderHome(LEADER);
    await loaded();
    const ids = posts().map((p) => p.query.get("requestId"));
    const names = [...calls.stored.values()].map((r) => r.name);
    first.unmount();
    calls.sent.length = 0;

    renderHome(LEADER);
    await loaded();
    expect(posts().map((p) => p.query.get("requestId"))).toEqual(ids);
    expect(calls.stored.size).toBe(3); // nothing new stored
    expect(screen.getByTestId("home-report-full-churn").getAttribute("href")).toBe(`/${names.find((n) => String(n).includes("churn"))}`);
    cleanup();
    calls.sent.length = 0;

    renderHome(BRANCH_MANAGER);
    await loaded();
    for (const id of posts().map((p) => p.query.get("requestId"))) expect(ids).not.toContain(id);
  });
});

describe("工作台 report widgets: errors", () => {
  it("shows a rate limit and a 500 in their cards, the page and the other card working, and asks again on 重试", async () => {
    calls.fail.REPORT_KIND_CHURN_RISK = [429];
    calls.fail.REPORT_KIND_REGIONAL_SALES = [500];
    renderHome(LEADER);
    await loaded();
    const churn = screen.getByTestId("home-report-error-churn");
    expect(churn.textContent).toContain("请求过于频繁，请稍后重试");
    expect(screen.getByTestId("home-report-error-regional").textContent).toContain("内部错误");
    expect(screen.queryByTestId("home-report-full-churn")).toBeNull();
    // the rest of the page as ever
    expect(screen.getByTestId("stat-customers").textContent).toContain("1,234");
    expect(screen.getAllByTestId("home-manager-row")).toHaveLength(2);
    expect(screen.getByTestId("widget-key-dates")).toBeTruthy();

    const before = posts().filter((p) => p.body?.kind === "REPORT_KIND_CHURN_RISK");
    fireEvent.click(within(churn).getByRole("button", { name: /重\s*试/ }));
    expect(await screen.findAllByTestId("home-churn-row")).toHaveLength(2);
    const after = posts().filter((p) => p.body?.kind === "REPORT_KIND_CHURN_RISK");
    expect(after).toHaveLength(2);
    // nothing was stored the first time: the same request id
    expect(after[1].query.get("requestId")).toBe(before[0].query.get("requestId"));
  });

  it("shows a failed computation and asks for a new one (another request id) on 重试", async () => {
    calls.fail.REPORT_KIND_TOP_RELATIONSHIP_MANAGERS = ["FAILED"];
    renderHome(LEADER);
    await loaded();
    const card = screen.getByTestId("home-report-error-topManagers");
    expect(card.textContent).toContain("报表生成失败");
    fireEvent.click(within(card).getByRole("button", { name: /重\s*试/ }));
    expect(await screen.findAllByTestId("home-manager-row")).toHaveLength(2);
    const ids = posts()
      .filter((p) => p.body?.kind === "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS")
      .map((p) => p.query.get("requestId"));
    expect(ids).toHaveLength(2);
    expect(ids[1]).not.toBe(ids[0]);
    expect(ids[1]).toBe(homeRequestId("users/leader", "topManagers", bankToday(new Date()), 1));
  });

  it("says so when a report has no rows", async () => {
    renderHome(LEADER);
    await loaded();
    cleanup();
    // the same day, a store with nothing to show
    for (const report of calls.stored.values()) report.rows = [];
    renderHome(LEADER);
    await loaded();
    for (const [widget] of WIDGETS) expect(screen.getByTestId(`home-report-empty-${widget}`)).toBeTruthy();
  });
});

describe("工作台 report widgets: links", () => {
  it("opens a churn customer's 360 page", async () => {
    renderHome(LEADER);
    await loaded();
    fireEvent.click(screen.getAllByTestId("home-churn-link")[0]);
    expect((await screen.findByTestId("where")).textContent).toBe("/customers/c1");
  });

  it("opens the stored report from 查看完整报表", async () => {
    renderHome(LEADER);
    await loaded();
    const href = screen.getByTestId("home-report-full-topManagers").getAttribute("href");
    fireEvent.click(screen.getByTestId("home-report-full-topManagers"));
    expect((await screen.findByTestId("where")).textContent).toBe(href);
    expect(href).toMatch(/^\/reports\/rms\d+$/);
  });

  it("drills a bar into that unit's report in 报表中心, the way back up in the address", async () => {
    renderHome(LEADER);
    await loaded();
    const regional = [...calls.stored.values()].find((r) => r.kind === "REPORT_KIND_REGIONAL_SALES")!;
    fireEvent.click(screen.getByTestId("chart-pick-0"));
    const where = await screen.findByTestId("where");
    const drill = posts().at(-1)!;
    expect(drill.body?.kind).toBe("REPORT_KIND_REGIONAL_SALES");
    expect(drill.body?.parameters).toMatchObject({ orgUnits: ["orgUnits/0100"], dimension: "org_unit" });
    expect(String(drill.body?.displayName)).toBe("工作台·地区销售额 · 北京分行");
    expect(drill.query.get("requestId")).toBe(drillRequestId("users/leader", String(regional.name), "orgUnits/0100"));
    const url = new URL(where.textContent ?? "", "http://localhost");
    expect(url.pathname).toMatch(/^\/reports\/drill\d+$/);
    const trail = JSON.parse(url.searchParams.get("trail") ?? "[]") as { id: string; label: string }[];
    expect(trail).toEqual([
      { id: String(regional.name).replace("reports/", ""), label: String(regional.displayName) },
      { id: url.pathname.replace("/reports/", ""), label: "北京分行" },
    ]);
  });

  it("opens the widget's report for a bar with no level below (the unit's own customers)", async () => {
    renderHome(LEADER);
    await loaded();
    const href = screen.getByTestId("home-report-full-regional").getAttribute("href");
    const before = posts().length;
    fireEvent.click(screen.getByTestId("chart-pick-2"));
    expect((await screen.findByTestId("where")).textContent).toBe(href);
    expect(posts()).toHaveLength(before);
  });

  it("speaks English when asked", async () => {
    renderHome(LEADER, "en-US");
    await loaded();
    expect(screen.getByTestId("home-report-full-churn").textContent).toBe("View full report");
    expect(screen.getAllByTestId("home-churn-level")[0].textContent).toBe("High");
    expect(screen.getByTestId("home-report-time-churn").textContent).toMatch(/^Data as of 2026-05-05 23:59/);
  });
});
