// A report against the gateway's answers (stubbed here; the chart is a stand-in that tells its clicks): the form
// refuses an end before the start inline, sends the kind's conditions with a request id and shows the API's
// violations under their fields, then opens the report made; a stored report in Chinese — conditions, 数据截至,
// money with separators, the totals row, sortable columns —, a drill from a row and from a bar (the next report run
// and opened with the breadcrumb, back up by a click; a customer's bar to the 360 page), a report still running
// asked again until done, the export saved as the file the service named, and a reader without reports.create told
// why they cannot run one.
import { cleanup, configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { renderPage, testUser } from "@/testing/render";
import { stubViewport } from "@/testing/viewport";

import ReportPage from "./ReportPage";

vi.mock("./ReportChart", () => ({
  ReportChart: ({ label, onPick }: { label: string; onPick?: (i: number) => void }) => (
    <div role="img" aria-label={label} data-testid="chart-stub">
      {onPick ? (
        <button type="button" onClick={() => onPick(0)} data-testid="chart-pick-first">
          pick
        </button>
      ) : null}
    </div>
  ),
}));

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const state = { refuse: 0, runningPolls: 0, created: 0 };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const period = { startDate: { year: 2026, month: 1, day: 1 }, endDate: { year: 2026, month: 3, day: 31 } };
  const columns = [
    { key: "label", displayName: "机构", type: "TYPE_STRING" },
    { key: "customer_count", displayName: "客户数", type: "TYPE_INTEGER" },
    { key: "deposits", displayName: "存款余额(元)", type: "TYPE_MONEY" },
    { key: "assets_under_management", displayName: "金融资产(元)", type: "TYPE_MONEY" },
    { key: "loans", displayName: "贷款余额(元)", type: "TYPE_MONEY" },
    { key: "aum_growth_rate", displayName: "金融资产增长率", type: "TYPE_PERCENT" },
  ];
  const reports: Record<string, unknown> = {
    "reports/r1": {
      name: "reports/r1",
      kind: "REPORT_KIND_REGIONAL_SALES",
      displayName: "一季度地区销售额",
      state: "STATE_SUCCEEDED",
      parameters: { ...period, dimension: "org_unit", orgUnits: ["orgUnits/0001"] },
      columns,
      rows: [
        { values: ["北京分行", 120, "1234567.89", "50000000.00", "3000000.00", 12.5], drillDown: "orgUnits/0100" },
        { values: ["上海分行", 80, "99000.00", "40000000.00", "0.00", null], drillDown: "orgUnits/0200" },
      ],
      totals: { values: ["合计", 200, "1333567.89", "90000000.00", "3000000.00", 10] },
      createTime: "2026-04-01T01:00:00Z",
      completeTime: "2026-04-01T01:00:02Z",
      dataTime: "2026-03-31T15:59:00Z",
    },
    "reports/c1": {
      name: "reports/c1",
      kind: "REPORT_KIND_REGIONAL_SALES",
      displayName: "张伟的客户",
      state: "STATE_SUCCEEDED",
      parameters: { ...period, dimension: "customer", relationshipManagers: ["users/rm_zhang"] },
      columns,
      rows: [{ values: ["某某集团", 1, "100.00", "200.00", "0.00", 1], drillDown: "customers/42" }],
    },
  };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const body = request.method === "GET" || request.method === "DELETE" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    const path = url.pathname;
    if (path === "/v1/orgUnits")
      return json(200, { orgUnits: [{ name: "orgUnits/0001", displayName: "总行" }, { name: "orgUnits/0100", displayName: "北京分行", parent: "orgUnits/0001" }] });
    if (path === "/v1/tierRuleSets") return json(200, { tierRuleSets: [] });
    if (path === "/v1/reports" && request.method === "POST") {
      if (state.refuse > 0) {
        state.refuse -= 1;
        return json(400, {
          error: {
            code: 400,
            status: "INVALID_ARGUMENT",
            message: "请求无效 (invalid request)",
            details: [
              {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                fieldViolations: [
                  { field: "report.parameters.top_n", description: "最多 100 (at most 100)" },
                  { field: "report.parameters.frequency", description: "未知参数 (unknown)" },
                ],
              },
            ],
          },
        });
      }
      state.created += 1;
      const name = `reports/n${state.created}`;
      const made = { ...(reports["reports/r1"] as object), ...(body as object), name, state: "STATE_SUCCEEDED" };
      reports[name] = made;
      return json(200, made);
    }
    if (path === "/v1/reports/slow") {
      state.runningPolls += 1;
      if (state.runningPolls < 2) return json(200, { name: "reports/slow", kind: "REPORT_KIND_REGIONAL_SALES", state: "STATE_RUNNING", parameters: period });
      return json(200, { ...(reports["reports/r1"] as object), name: "reports/slow" });
    }
    if (path === "/v1/reports/r1:export")
      return json(200, { filename: "地区销售额统计表_2026Q1.xlsx", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", content: "UEsDBA==" });
    const match = /^\/v1\/reports\/([^/:]+)$/.exec(path);
    if (match && reports[`reports/${match[1]}`]) return json(200, reports[`reports/${match[1]}`]);
    if (match) return json(404, { error: { code: 404, status: "NOT_FOUND", message: "报表不存在 (not found)" } });
    return json(200, {});
  };
  return { sent, state };
});

const posts = () => calls.sent.filter((c) => c.method === "POST" && c.path === "/v1/reports");

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
  calls.state.refuse = 0;
  calls.state.runningPolls = 0;
});

function renderAt(address: string, permissions = ["reports.read", "reports.create", "customers.read"]) {
  return renderPage(address, { "/reports/new": <ReportPage />, "/reports/:id": <ReportPage /> }, testUser(permissions));
}

function pickDay(label: string, day: string) {
  const input = screen.getByLabelText(label) as HTMLInputElement;
  fireEvent.mouseDown(input);
  fireEvent.change(input, { target: { value: day } });
  fireEvent.keyDown(input, { key: "Enter", code: "Enter" });
}

const RAW = ["REPORT_KIND_", "STATE_", "TYPE_", "reports.", "orgUnits/", "undefined", "NaN"];

describe("ReportPage: the form", () => {
  it("refuses an end before the start inline, sends the kind's conditions, shows the API's violations and opens the report made", async () => {
    const { container } = renderAt("/reports/new?kind=TOP_CUSTOMERS");
    await screen.findByTestId("report-form");
    expect(screen.getByTestId("report-kind").textContent).toContain("最重要的客户");
    expect(screen.getByTestId("report-dimension").textContent).toContain("按金融资产");
    expect((screen.getByLabelText("排名数量") as HTMLInputElement).value).toBe("20");

    pickDay("开始日期", "2026-03-31");
    pickDay("结束日期", "2026-01-01");
    expect(await within(screen.getByTestId("field:parameters.endDate")).findByText("结束日期不能早于开始日期")).toBeTruthy();
    fireEvent.click(screen.getByTestId("report-submit"));
    expect(posts()).toHaveLength(0);

    pickDay("结束日期", "2026-03-31");
    await waitFor(() => expect(screen.getByTestId("field:parameters.endDate").textContent).not.toContain("结束日期不能早于开始日期"));
    fireEvent.click(within(screen.getByTestId("report-dimension")).getByText("按资产增长"));
    fireEvent.change(screen.getByLabelText("排名数量"), { target: { value: "200" } });
    fireEvent.blur(screen.getByLabelText("排名数量"));

    calls.state.refuse = 1;
    fireEvent.click(screen.getByTestId("report-submit"));
    expect(await within(screen.getByTestId("field:parameters.topN")).findByText("最多 100")).toBeTruthy();
    // a violation no field shows goes in the summary
    expect(screen.getByTestId("report-form-problems").textContent).toContain("未知参数");
    const [first] = posts();
    expect(first.query.get("requestId")).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.body).toEqual({
      kind: "REPORT_KIND_TOP_CUSTOMERS",
      parameters: {
        startDate: { year: 2026, month: 3, day: 31 },
        endDate: { year: 2026, month: 3, day: 31 },
        dimension: "growth",
        topN: 200,
      },
    });
    for (const word of RAW) expect(container.textContent).not.toContain(word);

    fireEvent.change(screen.getByLabelText("排名数量"), { target: { value: "50" } });
    fireEvent.blur(screen.getByLabelText("排名数量"));
    fireEvent.click(screen.getByTestId("report-submit"));
    await waitFor(() => expect(posts()).toHaveLength(2));
    expect(posts()[1].body).toMatchObject({ parameters: { topN: 50 } });
    // the report made is shown at once (the answer put in the cache: not asked again)
    expect(await screen.findByTestId("report-page", undefined, { timeout: 5000 })).toBeTruthy();
    expect(calls.sent.some((c) => c.method === "GET" && c.path.startsWith("/v1/reports/n"))).toBe(false);
  }, 30_000);

  it("fills the form from a stored report (修改条件), and tells a reader why they cannot run one", async () => {
    renderAt("/reports/new?kind=REGIONAL_SALES&from=r1", ["reports.read"]);
    await screen.findByTestId("report-form");
    expect((screen.getByLabelText("开始日期") as HTMLInputElement).value).toBe("2026-01-01");
    expect((screen.getByLabelText("结束日期") as HTMLInputElement).value).toBe("2026-03-31");
    expect((screen.getByLabelText("报表名称") as HTMLInputElement).value).toBe("一季度地区销售额");
    expect(screen.getByTestId("report-denied").textContent).toContain("您没有生成报表的权限");
    expect((screen.getByTestId("report-submit") as HTMLButtonElement).disabled).toBe(true);
  }, 30_000);
});

describe("ReportPage: a stored report", () => {
  it("shows the conditions, 数据截至, money with separators and the totals in Chinese, and sorts a column", async () => {
    const { container } = renderAt("/reports/r1");
    const table = await screen.findByTestId("report-data");
    expect(screen.getByTestId("report-title").textContent).toBe("一季度地区销售额");
    const conditions = screen.getByTestId("report-conditions").textContent ?? "";
    expect(conditions).toContain("2026-01-01 ~ 2026-03-31");
    expect(conditions).toContain("按机构");
    await waitFor(() => expect(screen.getByTestId("report-conditions").textContent).toContain("总行"));
    expect(screen.getByTestId("report-data-time").textContent).toBe("数据截至 2026-03-31 23:59");
    expect(table.textContent).toContain("¥1,234,567.89");
    expect(table.textContent).toContain("¥50,000,000.00");
    expect(table.textContent).toContain("12.5%");
    expect(table.textContent).toContain("—"); // 上海's growth rate unknown
    const totals = screen.getByTestId("report-totals");
    expect(totals.textContent).toContain("合计");
    expect(totals.textContent).toContain("¥90,000,000.00");
    expect(screen.getByTestId("report-state").textContent).toBe("已完成");
    expect(screen.getAllByTestId("chart-stub")[0].getAttribute("aria-label")).toBe("金融资产(元)、存款余额(元)、贷款余额(元)");
    for (const word of RAW) expect(container.textContent).not.toContain(word);

    const firstLabel = () => table.querySelector("tbody tr.ant-table-row td")?.textContent;
    expect(firstLabel()).toBe("北京分行");
    // money sorts by value: 存款 descending first
    fireEvent.click(within(table).getAllByText("存款余额(元)")[0]);
    await waitFor(() => expect(firstLabel()).toBe("北京分行"));
    fireEvent.click(within(table).getAllByText("存款余额(元)")[0]);
    await waitFor(() => expect(firstLabel()).toBe("上海分行"));
  }, 30_000);

  it("drills from a row into the next report, keeps the breadcrumb, and goes back up", async () => {
    renderAt("/reports/r1");
    const table = await screen.findByTestId("report-data");
    fireEvent.click(within(table).getAllByTestId("report-drill")[0]);
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0].body).toEqual({
      kind: "REPORT_KIND_REGIONAL_SALES",
      displayName: "地区销售额统计 · 北京分行",
      parameters: {
        startDate: { year: 2026, month: 1, day: 1 },
        endDate: { year: 2026, month: 3, day: 31 },
        dimension: "org_unit",
        orgUnits: ["orgUnits/0100"],
      },
    });
    await waitFor(() => expect(screen.getByTestId("report-title").textContent).toBe("地区销售额统计 · 北京分行"));
    const crumbs = screen.getByTestId("report-breadcrumb");
    expect(crumbs.textContent).toContain("一季度地区销售额");
    expect(crumbs.textContent).toContain("北京分行");

    // from the chart too: its first bar drills the first row, one more level down
    fireEvent.click(screen.getAllByTestId("chart-pick-first")[0]);
    await waitFor(() => expect(posts()).toHaveLength(2));
    await waitFor(() => expect(screen.getAllByTestId("report-crumb")).toHaveLength(2));

    fireEvent.click(screen.getAllByTestId("report-crumb")[0]);
    await waitFor(() => expect(screen.getByTestId("report-title").textContent).toBe("一季度地区销售额"));
    expect(screen.queryAllByTestId("report-crumb")).toHaveLength(0);
  }, 30_000);

  it("opens a customer's 360 page from a bar, even for a reader", async () => {
    renderAt("/reports/c1", ["reports.read", "customers.read"]);
    await screen.findByTestId("report-data");
    fireEvent.click(screen.getAllByTestId("chart-pick-first")[0]);
    expect((await screen.findByTestId("where")).textContent).toBe("/customers/42");
    expect(posts()).toHaveLength(0);
  }, 30_000);

  it("hands the customers a report lists to the campaign builder, for who may make campaigns", async () => {
    renderAt("/reports/c1", ["reports.read", "customers.read"]);
    await screen.findByTestId("report-data");
    expect(screen.queryByTestId("report-to-campaign")).toBeNull();
    cleanup();
    renderAt("/reports/c1", ["reports.read", "customers.read", "campaigns.manage"]);
    fireEvent.click(await screen.findByTestId("report-to-campaign"));
    expect((await screen.findByTestId("where")).textContent).toBe("/campaigns/new");
    expect(posts()).toHaveLength(0);
  }, 30_000);

  it("asks a running report again until it is done", async () => {
    renderAt("/reports/slow");
    expect((await screen.findByTestId("report-working")).textContent).toContain("报表生成中");
    expect(await screen.findByTestId("report-data", undefined, { timeout: 5000 })).toBeTruthy();
    expect(calls.state.runningPolls).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it("saves the export as the file the service named", async () => {
    const created: Blob[] = [];
    const saved: string[] = [];
    URL.createObjectURL = ((blob: Blob) => {
      created.push(blob);
      return "blob:report";
    }) as typeof URL.createObjectURL;
    URL.revokeObjectURL = () => undefined;
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    renderAt("/reports/r1");
    fireEvent.click(await screen.findByTestId("report-export-xlsx"));
    await waitFor(() => expect(saved).toEqual(["地区销售额统计表_2026Q1.xlsx"]));
    const asked = calls.sent.find((c) => c.path === "/v1/reports/r1:export")!;
    expect(asked.query.get("format")).toBe("EXPORT_FORMAT_XLSX");
    expect(created[0].type).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(created[0].size).toBe(4); // PK\x03\x04
    click.mockRestore();
  }, 30_000);

  it("tells a reader without reports.create why they cannot run it again or drill into it", async () => {
    renderAt("/reports/r1", ["reports.read"]);
    const table = await screen.findByTestId("report-data");
    expect((screen.getByTestId("report-rerun") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("report-drill-hint").textContent).toBe("下钻会生成新的报表，需要生成报表的权限。");
    expect(within(table).queryAllByTestId("report-drill")).toHaveLength(0);
    fireEvent.click(within(table).getByText("北京分行"));
    expect(posts()).toHaveLength(0);
  }, 30_000);
});
