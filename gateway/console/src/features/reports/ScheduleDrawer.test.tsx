// 定时发送 from a report's page against the gateway's answers (stubbed here; the chart is a stand-in): the form
// filled from the report (kind, title, conditions, the period its dates were, a frequency fitting it, Excel) and
// saying it is computed over the caller's own scope and e-mailed to them; 每周 + weekday + time read back in words
// and sent as a 5-field cron with the format picked; the API's field violations under their fields (the cron's
// under 频率) and the rest above the button; the same body again with the same request id; the fixed period with
// the report's dates; the advanced cron refused inline when it would run more than once an hour; a reader without
// reports.create kept out.
import { cleanup, configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { renderPage, testUser } from "@/testing/render";
import { stubViewport, Where } from "@/testing/viewport";

import ReportPage from "./ReportPage";

vi.mock("./ReportChart", () => ({
  ReportChart: ({ label }: { label: string }) => <div role="img" aria-label={label} data-testid="chart-stub" />,
}));

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const state = { refuse: 0 };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const report = {
    name: "reports/r1",
    kind: "REPORT_KIND_TOP_CUSTOMERS",
    displayName: "本年前20客户",
    state: "STATE_SUCCEEDED",
    parameters: {
      startDate: { year: 2026, month: 1, day: 1 },
      endDate: { year: 2026, month: 5, day: 10 },
      dimension: "growth",
      topN: 20,
      orgUnits: ["orgUnits/0100"],
    },
    columns: [
      { key: "label", displayName: "客户", type: "TYPE_STRING" },
      { key: "assets_under_management", displayName: "金融资产(元)", type: "TYPE_MONEY" },
    ],
    rows: [{ values: ["某某集团", "100.00"] }],
    createTime: "2026-05-10T02:00:00Z",
  };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const body = request.method === "GET" || request.method === "DELETE" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    const path = url.pathname;
    if (path === "/v1/orgUnits") return json(200, { orgUnits: [{ name: "orgUnits/0100", displayName: "北京分行" }] });
    if (path === "/v1/tierRuleSets") return json(200, { tierRuleSets: [] });
    if (path === "/v1/reports/r1") return json(200, report);
    if (path === "/v1/reportSchedules" && request.method === "POST") {
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
                  { field: "report_schedule.cron", description: "该时间已有定时报表 (another schedule at that time)" },
                  { field: "report_schedule.parameters.top_n", description: "最多 100 (at most 100)" },
                ],
              },
            ],
          },
        });
      }
      return json(200, { ...(body as object), name: "reportSchedules/s9", etag: "e1", owner: "users/bm" });
    }
    return json(200, {});
  };
  return { sent, state };
});

const posts = () => calls.sent.filter((c) => c.method === "POST" && c.path === "/v1/reportSchedules");

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
});

function renderAt(address: string, permissions = ["reports.read", "reports.create"]) {
  return renderPage(address, { "/reports/schedules": <Where />, "/reports/:id": <ReportPage /> }, testUser(permissions));
}

async function openForm() {
  renderAt("/reports/r1");
  fireEvent.click(await screen.findByTestId("report-schedule"));
  return screen.findByTestId("schedule-form");
}

function pickOption(form: HTMLElement, label: string, option: string) {
  fireEvent.mouseDown(within(form).getByLabelText(label));
  const items = screen.getAllByTitle(option);
  fireEvent.click(items.at(-1)!);
}

function typeTime(form: HTMLElement, value: string) {
  const input = within(form).getByLabelText("时间") as HTMLInputElement;
  fireEvent.mouseDown(input);
  fireEvent.change(input, { target: { value } });
  fireEvent.keyDown(input, { key: "Enter", code: "Enter" });
}

const RAW = ["REPORT_KIND_", "SCHEDULE_PERIOD_", "EXPORT_FORMAT_", "reports.", "undefined", "NaN"];

describe("定时发送 from a report", () => {
  it("fills the form from the report, builds the cron, posts it and shows the API's violations under their fields", async () => {
    const form = await openForm();
    expect(within(form).getByTestId("schedule-scope-hint").textContent).toBe(
      "报表按您本人的数据权限范围计算，生成后以附件形式发送到您的电子邮箱，同时出现在「消息」中。",
    );
    expect(within(form).getByTestId("schedule-kind").textContent).toBe("最重要的客户");
    await waitFor(() => expect(within(form).getByTestId("schedule-conditions").textContent).toContain("北京分行"));
    expect(within(form).getByTestId("schedule-conditions").textContent).toContain("按资产增长");
    expect((within(form).getByLabelText("标题") as HTMLInputElement).value).toBe("本年前20客户");
    // 1 January to the day it was made: 本年至今, sent on the 1st of each month
    expect(within(form).getByTestId("schedule-period").textContent).toContain("本年至今");
    expect(within(form).getByTestId("schedule-period-hint").textContent).toContain("报表所选的日期不再使用");
    expect(within(form).getByTestId("schedule-cron-preview").textContent).toContain("每月 1 日 08:00发送（北京时间）");
    expect(within(form).getByTestId("schedule-format").querySelector(".ant-radio-button-wrapper-checked")?.textContent).toBe("Excel");

    fireEvent.click(within(within(form).getByTestId("schedule-frequency")).getByText("每周"));
    pickOption(form, "星期", "周五");
    typeTime(form, "07:30");
    await waitFor(() => expect(within(form).getByTestId("schedule-cron-preview").textContent).toContain("每周五 07:30发送（北京时间）"));
    expect(within(form).getByTestId("schedule-cron-code").textContent).toBe("Cron：30 7 * * 5");
    fireEvent.click(within(form).getByRole("radio", { name: "PDF" }));
    fireEvent.change(within(form).getByLabelText("标题"), { target: { value: "前20客户周报" } });
    for (const word of RAW) expect(form.textContent).not.toContain(word);

    calls.state.refuse = 1;
    fireEvent.click(within(form).getByTestId("schedule-save"));
    expect(await within(screen.getByTestId("field:cron")).findByText("该时间已有定时报表")).toBeTruthy();
    // a violation no field shows goes in the summary
    expect(screen.getByTestId("schedule-form-problems").textContent).toContain("最多 100");
    const [first] = posts();
    expect(first.query.get("requestId")).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.body).toEqual({
      kind: "REPORT_KIND_TOP_CUSTOMERS",
      displayName: "前20客户周报",
      parameters: { dimension: "growth", topN: 20, orgUnits: ["orgUnits/0100"] },
      period: "SCHEDULE_PERIOD_YEAR_TO_DATE",
      cron: "30 7 * * 5",
      format: "EXPORT_FORMAT_PDF",
    });

    // the same body again: the same request id (a repeat makes one schedule)
    fireEvent.click(within(form).getByTestId("schedule-save"));
    await waitFor(() => expect(posts()).toHaveLength(2));
    expect(posts()[1].query.get("requestId")).toBe(first.query.get("requestId"));
    fireEvent.click(await screen.findByTestId("schedule-created-link"));
    expect((await screen.findByTestId("where")).textContent).toBe("/reports/schedules");
  }, 30_000);

  it("sends the report's dates with the fixed period, and refuses an advanced cron that runs more than hourly", async () => {
    const form = await openForm();
    pickOption(form, "统计期间", "固定期间（报表所选）");
    expect((await within(form).findByLabelText("开始日期") as HTMLInputElement).value).toBe("2026-01-01");
    expect((within(form).getByLabelText("结束日期") as HTMLInputElement).value).toBe("2026-05-10");

    fireEvent.click(within(within(form).getByTestId("schedule-frequency")).getByText("高级"));
    const raw = within(form).getByLabelText("Cron 表达式") as HTMLInputElement;
    // the builder's cron to start from (the fixed period's suggestion: Mondays at 08:00)
    expect(raw.value).toBe("0 8 * * 1");
    fireEvent.change(raw, { target: { value: "*/10 8 * * 1-5" } });
    expect(await within(screen.getByTestId("field:cron")).findByText("每小时最多发送一次：分钟只能是一个数字")).toBeTruthy();
    fireEvent.click(within(form).getByTestId("schedule-save"));
    expect(posts()).toHaveLength(0);

    fireEvent.change(raw, { target: { value: "0 18 * * 1-5" } });
    await waitFor(() => expect(within(form).getByTestId("schedule-cron-preview").textContent).toContain("每个工作日 18:00"));
    fireEvent.click(within(form).getByTestId("schedule-save"));
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0].body).toEqual({
      kind: "REPORT_KIND_TOP_CUSTOMERS",
      displayName: "本年前20客户",
      parameters: {
        startDate: { year: 2026, month: 1, day: 1 },
        endDate: { year: 2026, month: 5, day: 10 },
        dimension: "growth",
        topN: 20,
        orgUnits: ["orgUnits/0100"],
      },
      cron: "0 18 * * 1-5",
      format: "EXPORT_FORMAT_XLSX",
    });
  }, 30_000);

  it("is off for a reader without reports.create", async () => {
    renderAt("/reports/r1", ["reports.read"]);
    expect(((await screen.findByTestId("report-schedule")) as HTMLButtonElement).disabled).toBe(true);
  }, 30_000);
});
