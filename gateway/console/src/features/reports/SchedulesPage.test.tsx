// 定时报表 against the gateway's answers (stubbed here): the list in Chinese (title, kind, period, frequency in
// words, format, next and last run in China Standard Time, the last report linked, the last error in red); 暂停 /
// 恢复 as `paused` with its mask and the etag read; 立即发送 and a link to the report made; 编辑 sending only what
// changed; 删除 after a confirmation with the etag, and someone else's change meanwhile as 已被修改，请刷新; with none,
// what scheduled reports are; cards on a phone; a reader without reports.create sees no actions.
import { cleanup, configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { routeFor } from "@/app/routes";
import { renderPage, testUser } from "@/testing/render";
import { stubViewport } from "@/testing/viewport";

import SchedulesPage from "./SchedulesPage";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const initial = () => [
    {
      name: "reportSchedules/s1",
      displayName: "前20客户周报",
      kind: "REPORT_KIND_TOP_CUSTOMERS",
      parameters: { dimension: "growth", topN: 20 },
      period: "SCHEDULE_PERIOD_LAST_7_DAYS",
      cron: "0 8 * * 1",
      format: "EXPORT_FORMAT_XLSX",
      paused: false,
      owner: "users/bm",
      nextRunTime: "2026-05-11T00:00:00Z",
      lastRunTime: "2026-05-04T00:00:05Z",
      lastReport: "reports/r7",
      etag: "e1",
    },
    {
      name: "reportSchedules/s2",
      kind: "REPORT_KIND_REGIONAL_SALES",
      parameters: { startDate: { year: 2026, month: 1, day: 1 }, endDate: { year: 2026, month: 3, day: 31 }, dimension: "org_unit" },
      cron: "30 17 1 * *",
      format: "EXPORT_FORMAT_PDF",
      paused: true,
      owner: "users/bm",
      lastRunTime: "2026-05-01T09:30:02Z",
      lastError: "数据库超时",
      etag: "e2",
    },
  ];
  const state = { schedules: initial() as Record<string, unknown>[], stale: false, initial };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const body = request.method === "GET" || request.method === "DELETE" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    const path = url.pathname;
    if (path === "/v1/orgUnits") return json(200, { orgUnits: [] });
    if (path === "/v1/tierRuleSets") return json(200, { tierRuleSets: [] });
    if (path === "/v1/reportSchedules" && request.method === "GET") return json(200, { reportSchedules: state.schedules, totalSize: state.schedules.length });
    const stale = () => json(409, { error: { code: 409, status: "ABORTED", message: "etag 不匹配 (etag mismatch)" } });
    const run = /^\/v1\/reportSchedules\/([^/:]+):run$/.exec(path);
    if (run && request.method === "POST")
      return json(200, { name: "reports/run1", kind: "REPORT_KIND_TOP_CUSTOMERS", displayName: "前20客户周报", state: "STATE_SUCCEEDED" });
    const one = /^\/v1\/reportSchedules\/([^/:]+)$/.exec(path);
    if (one) {
      const name = `reportSchedules/${one[1]}`;
      const index = state.schedules.findIndex((s) => s.name === name);
      if (state.stale) return stale();
      if (request.method === "PATCH") {
        const changed = { ...state.schedules[index], ...(body as object), etag: "e9" };
        state.schedules[index] = changed;
        return json(200, changed);
      }
      if (request.method === "DELETE") {
        state.schedules.splice(index, 1);
        return json(200, {});
      }
    }
    return json(200, {});
  };
  return { sent, state };
});

configure({ asyncUtilTimeout: 5000 });

let desktop = true;
beforeEach(() => {
  desktop = true;
  stubViewport(() => desktop);
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.state.schedules = calls.state.initial();
  calls.state.stale = false;
});

function renderAt(permissions = ["reports.read", "reports.create"]) {
  return renderPage("/reports/schedules", { "/reports/schedules": <SchedulesPage /> }, testUser(permissions));
}

const RAW = ["REPORT_KIND_", "SCHEDULE_PERIOD_", "EXPORT_FORMAT_", "reports.", "reportSchedules/", "undefined", "NaN"];
const row = (text: string) => within(screen.getByTestId("schedule-table")).getAllByRole("row").find((r) => r.textContent?.includes(text))!;
const changes = (method: string) => calls.sent.filter((c) => c.method === method && c.path.startsWith("/v1/reportSchedules/"));

describe("the 定时报表 route", () => {
  it("is its own page before /reports/:id", () => {
    expect(routeFor("/reports/schedules")?.path).toBe("/reports/schedules");
    expect(routeFor("/reports/r1")?.path).toBe("/reports/:id");
  });
});

describe("SchedulesPage", () => {
  it("lists the schedules in Chinese with their frequency in words, runs, last report and last error", async () => {
    const { container } = renderAt();
    await waitFor(() => expect(screen.getByTestId("schedule-table").textContent).toContain("前20客户周报"));
    const first = row("前20客户周报").textContent ?? "";
    expect(first).toContain("最重要的客户");
    expect(first).toContain("近7天");
    expect(first).toContain("每周一 08:00");
    expect(first).toContain("Excel");
    expect(first).toContain("2026-05-11 08:00");
    expect(first).toContain("2026-05-04 08:00");
    expect(within(row("前20客户周报")).getByTestId("schedule-last-report").getAttribute("href")).toBe("/reports/r7");
    expect(within(row("前20客户周报")).getByTestId("schedule-pause").textContent).toContain("暂停");

    // without a title: the kind's name; a fixed period by its dates; paused
    const second = row("地区销售额统计");
    expect(second.textContent).toContain("固定：2026-01-01 ~ 2026-03-31");
    expect(second.textContent).toContain("每月 1 日 17:30");
    expect(second.textContent).toContain("PDF");
    expect(within(second).getByTestId("schedule-paused").textContent).toBe("已暂停");
    expect(within(second).getByTestId("schedule-pause").textContent).toContain("恢复");
    const error = within(second).getByTestId("schedule-last-error");
    expect(error.textContent).toBe("上次失败：数据库超时");
    expect(error.className).toContain("danger");
    expect(screen.getByTestId("reports-tabs").textContent).toContain("定时报表");
    for (const word of RAW) expect(container.textContent).not.toContain(word);
  }, 30_000);

  it("pauses and resumes with the etag read and the paused mask", async () => {
    renderAt();
    await waitFor(() => expect(screen.getByTestId("schedule-table").textContent).toContain("前20客户周报"));
    fireEvent.click(within(row("前20客户周报")).getByTestId("schedule-pause"));
    await waitFor(() => expect(changes("PATCH")).toHaveLength(1));
    const [pause] = changes("PATCH");
    expect(pause.path).toBe("/v1/reportSchedules/s1");
    expect(pause.query.get("updateMask")).toBe("paused");
    expect(pause.body).toEqual({ name: "reportSchedules/s1", etag: "e1", paused: true });
    // the list asked again shows it paused
    await waitFor(() => expect(within(row("前20客户周报")).getByTestId("schedule-pause").textContent).toContain("恢复"));

    fireEvent.click(within(row("地区销售额统计")).getByTestId("schedule-pause"));
    await waitFor(() => expect(changes("PATCH")).toHaveLength(2));
    expect(changes("PATCH")[1].body).toEqual({ name: "reportSchedules/s2", etag: "e2", paused: false });
  }, 30_000);

  it("sends one now and links to the report made", async () => {
    renderAt();
    await waitFor(() => expect(screen.getByTestId("schedule-table").textContent).toContain("前20客户周报"));
    fireEvent.click(within(row("前20客户周报")).getByTestId("schedule-run"));
    const link = await screen.findByTestId("schedule-run-link");
    const run = calls.sent.find((c) => c.method === "POST")!;
    expect(run.path).toBe("/v1/reportSchedules/s1:run");
    expect(run.body).toEqual({ name: "reportSchedules/s1" });
    expect(link.parentElement?.textContent).toContain("已生成并发送「前20客户周报」");
    expect(link.textContent).toBe("查看报表");
    fireEvent.click(link);
    expect((await screen.findByTestId("where")).textContent).toBe("/reports/run1");
  }, 30_000);

  it("edits one in the same form, sending only what changed", async () => {
    renderAt();
    await waitFor(() => expect(screen.getByTestId("schedule-table").textContent).toContain("前20客户周报"));
    fireEvent.click(within(row("前20客户周报")).getByTestId("schedule-edit"));
    const form = await screen.findByTestId("schedule-form");
    expect((within(form).getByLabelText("标题") as HTMLInputElement).value).toBe("前20客户周报");
    expect(within(form).getByTestId("schedule-period").textContent).toContain("近7天");
    expect(within(form).getByTestId("schedule-cron-preview").textContent).toContain("每周一 08:00");
    fireEvent.click(within(within(form).getByTestId("schedule-frequency")).getByText("每天"));
    fireEvent.click(within(form).getByRole("radio", { name: "CSV" }));
    fireEvent.click(within(form).getByTestId("schedule-save"));
    await waitFor(() => expect(changes("PATCH")).toHaveLength(1));
    const [patch] = changes("PATCH");
    expect(patch.query.get("updateMask")).toBe("cron,format");
    expect(patch.body).toEqual({ name: "reportSchedules/s1", etag: "e1", cron: "0 8 * * *", format: "EXPORT_FORMAT_CSV" });
    await waitFor(() => expect(screen.queryByTestId("schedule-form")).toBeNull());
  }, 30_000);

  it("deletes one after a confirmation with the etag, and says when it was changed meanwhile", async () => {
    renderAt();
    await waitFor(() => expect(screen.getByTestId("schedule-table").textContent).toContain("前20客户周报"));

    calls.state.stale = true;
    fireEvent.click(within(row("地区销售额统计")).getByTestId("schedule-delete"));
    fireEvent.click(await screen.findByTestId("schedule-delete-confirm"));
    expect(await screen.findByText("已被修改，请刷新")).toBeTruthy();
    expect(changes("DELETE")[0].query.get("etag")).toBe("e2");

    calls.state.stale = false;
    fireEvent.click(within(row("前20客户周报")).getByTestId("schedule-delete"));
    const confirms = await screen.findAllByTestId("schedule-delete-confirm");
    fireEvent.click(confirms.at(-1)!);
    await waitFor(() => expect(changes("DELETE")).toHaveLength(2));
    const del = changes("DELETE")[1];
    expect(del.path).toBe("/v1/reportSchedules/s1");
    expect(del.query.get("etag")).toBe("e1");
    await waitFor(() => expect(screen.getByTestId("schedule-table").textContent).not.toContain("前20客户周报"));
  }, 30_000);

  it("explains scheduled reports when there are none", async () => {
    calls.state.schedules = [];
    renderAt();
    const empty = await screen.findByTestId("schedules-empty");
    expect(empty.textContent).toContain("还没有定时报表");
    expect(empty.textContent).toContain("以 Excel、CSV 或 PDF 附件发送到您的邮箱");
    expect(empty.textContent).toContain("点击「定时发送」");
    fireEvent.click(screen.getByTestId("schedules-to-center"));
    expect((await screen.findByTestId("where")).textContent).toBe("/reports");
  }, 30_000);

  it("shows cards on a phone, and no actions to a reader without reports.create", async () => {
    desktop = false;
    renderAt(["reports.read"]);
    await waitFor(() => expect(screen.getAllByTestId("schedule-card")).toHaveLength(2));
    expect(screen.queryByTestId("schedule-table")).toBeNull();
    expect(screen.getAllByTestId("schedule-card")[0].textContent).toContain("每周一 08:00");
    expect(screen.getByTestId("schedules-denied").textContent).toContain("不能创建或修改定时报表");
    expect(screen.queryAllByTestId("schedule-pause")).toHaveLength(0);
    expect(screen.queryAllByTestId("schedule-run")).toHaveLength(0);
    expect(screen.getAllByTestId("schedule-last-report")).toHaveLength(1);
    expect(screen.queryByTestId("schedules-new")).toBeNull();
  }, 30_000);

  it("makes a new one from the report center", async () => {
    renderAt();
    fireEvent.click(await screen.findByTestId("schedules-new"));
    expect((await screen.findByTestId("where")).textContent).toBe("/reports");
  }, 30_000);
});
