// 报表中心 against the gateway's answers (stubbed here): the catalogue in its groups, each kind leading to its
// form; 我的报表 in Chinese (title, kind, period, state, requested), filtered by kind in the request, 重新生成 with the
// same kind and conditions opening the new report, 删除 after a confirmation; a reader without reports.create told
// why the buttons are off. On a desktop and on a phone.
import { cleanup, configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { renderPage, testUser } from "@/testing/render";
import { stubViewport } from "@/testing/viewport";

import { routeFor, ROUTES } from "@/app/routes";

import ReportsPage from "./ReportsPage";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const state = { deleted: false };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const period = { startDate: { year: 2026, month: 1, day: 1 }, endDate: { year: 2026, month: 3, day: 31 } };
  const mine = [
    {
      name: "reports/r1",
      kind: "REPORT_KIND_REGIONAL_SALES",
      displayName: "一季度地区销售额",
      state: "STATE_SUCCEEDED",
      parameters: { ...period, dimension: "org_unit", orgUnits: ["orgUnits/0100"] },
      createTime: "2026-04-01T01:00:00Z",
      etag: "e1",
    },
    {
      name: "reports/r2",
      kind: "REPORT_KIND_CROSS_SELLING",
      state: "STATE_FAILED",
      parameters: { ...period, dimension: "matrix" },
      createTime: "2026-04-02T02:30:00Z",
      errorMessage: "超时",
    },
  ];
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const body = request.method === "POST" ? await request.clone().json() : undefined;
    sent.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    if (url.pathname === "/v1/reports" && request.method === "GET") {
      const reports = mine.filter((r) => !(state.deleted && r.name === "reports/r1"));
      const filter = url.searchParams.get("filter") ?? "";
      const shown = filter ? reports.filter((r) => filter.includes(r.kind)) : reports;
      return json(200, { reports: shown, totalSize: shown.length });
    }
    if (url.pathname === "/v1/reports" && request.method === "POST") return json(200, { ...(body as object), name: "reports/r9", state: "STATE_SUCCEEDED" });
    if (url.pathname === "/v1/reports/r1" && request.method === "DELETE") {
      state.deleted = true;
      return json(200, {});
    }
    return json(200, {});
  };
  return { sent, state };
});

// Ant Design's pages render slowly on a busy machine: wait up to 5 s for what they show
configure({ asyncUtilTimeout: 5000 });

let desktop = true;
beforeEach(() => {
  desktop = true;
  stubViewport(() => desktop);
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.state.deleted = false;
});

function renderAt(address: string, permissions = ["reports.read", "reports.create"]) {
  return renderPage(address, { "/reports": <ReportsPage /> }, testUser(permissions, { name: "users/hq", username: "hq", displayName: "总行领导" }));
}

const RAW = ["REPORT_KIND_", "STATE_", "reports.", "undefined"];

describe("the report center's routes", () => {
  it("puts 报表中心 in the menu for reports.read, and /reports/new before /reports/:id", () => {
    const center = ROUTES.find((r) => r.path === "/reports")!;
    expect(center).toMatchObject({ label: "nav.reports", permission: "reports.read", menu: true });
    expect(routeFor("/reports/new")?.path).toBe("/reports/new");
    expect(routeFor("/reports/r42")?.path).toBe("/reports/:id");
  });
});

describe("ReportsPage", () => {
  it("shows the catalogue in its groups, each kind leading to its form", async () => {
    const { container } = renderAt("/reports");
    const catalogue = await screen.findByTestId("report-catalogue");
    for (const group of ["客户分析", "热点分析", "销售分析", "经营管理", "数据挖掘"]) expect(catalogue.textContent).toContain(group);
    for (const name of ["地区销售额统计", "客户存款状况", "最重要的客户", "最重要的销售员", "客户销售额统计", "产品交叉销售", "销售额统计表", "等级分布与迁移", "工作效率", "预警统计", "营销活动效果"])
      expect(catalogue.textContent).toContain(name);
    expect(screen.getByTestId("report-kind-CROSS_SELLING").textContent).toContain("同时持有其他产品的比例");
    await waitFor(() => expect(screen.getByTestId("my-reports").textContent).toContain("一季度地区销售额"));
    for (const word of RAW) expect(container.textContent).not.toContain(word);

    fireEvent.click(screen.getByTestId("report-new-TOP_CUSTOMERS"));
    expect((await screen.findByTestId("where")).textContent).toBe("/reports/new?kind=TOP_CUSTOMERS");
  }, 30_000);

  it("lists my reports in Chinese, runs one again and deletes one after a confirmation", async () => {
    renderAt("/reports");
    const table = await screen.findByTestId("report-table");
    await waitFor(() => expect(table.textContent).toContain("一季度地区销售额"));
    const text = table.textContent ?? "";
    expect(text).toContain("地区销售额统计");
    expect(text).toContain("2026-01-01 ~ 2026-03-31");
    expect(text).toContain("已完成");
    expect(text).toContain("失败");
    expect(text).toContain("2026-04-01 09:00");
    // a report without a title is called by its kind
    expect(text).toContain("产品交叉销售");

    const first = within(table).getAllByRole("row").find((r) => r.textContent?.includes("一季度地区销售额"))!;
    fireEvent.click(within(first).getByTestId("report-delete"));
    fireEvent.click(await screen.findByTestId("report-delete-confirm"));
    await waitFor(() => expect(calls.sent.some((c) => c.method === "DELETE" && c.path === "/v1/reports/r1")).toBe(true));
    await waitFor(() => expect(screen.getByTestId("report-table").textContent).not.toContain("一季度地区销售额"));

    const failed = within(screen.getByTestId("report-table")).getAllByRole("row").find((r) => r.textContent?.includes("产品交叉销售"))!;
    fireEvent.click(within(failed).getByTestId("report-rerun"));
    await waitFor(() => expect(calls.sent.some((c) => c.method === "POST")).toBe(true));
    const post = calls.sent.find((c) => c.method === "POST")!;
    expect(post.query.get("requestId")).toMatch(/^[0-9a-f-]{36}$/);
    expect(post.body).toEqual({
      kind: "REPORT_KIND_CROSS_SELLING",
      parameters: { startDate: { year: 2026, month: 1, day: 1 }, endDate: { year: 2026, month: 3, day: 31 }, dimension: "matrix" },
    });
    expect((await screen.findByTestId("where")).textContent).toBe("/reports/r9");
  }, 30_000);

  it("asks for one kind when filtered (in the address)", async () => {
    renderAt("/reports?kind=CROSS_SELLING");
    await waitFor(() => expect(calls.sent.some((c) => c.query.get("filter") === "kind = REPORT_KIND_CROSS_SELLING")).toBe(true));
    await waitFor(() => expect(screen.getByTestId("report-table").textContent).toContain("产品交叉销售"));
    expect(screen.getByTestId("report-table").textContent).not.toContain("一季度地区销售额");
  }, 30_000);

  it("tells a reader without reports.create why they cannot run reports, and shows cards on a phone", async () => {
    desktop = false;
    renderAt("/reports", ["reports.read"]);
    expect((await screen.findByTestId("reports-denied")).textContent).toContain("您没有生成报表的权限");
    expect((screen.getByTestId("report-new-REGIONAL_SALES") as HTMLButtonElement).disabled).toBe(true);
    await waitFor(() => expect(screen.getAllByTestId("report-card")).toHaveLength(2));
    expect(screen.queryByTestId("report-table")).toBeNull();
    expect(screen.queryAllByTestId("report-rerun")).toHaveLength(0);
    expect(screen.queryAllByTestId("report-delete")).toHaveLength(0);
    expect(screen.getAllByTestId("report-open")).toHaveLength(2);
  }, 30_000);
});
