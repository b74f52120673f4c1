// 自动任务 against the gateway's answers (stubbed here): the recurring tasks as cards (a phone: jsdom matches no
// breakpoint) with their schedules in words and a run that could not give every task; a superior's enable switch
// (mask `enabled` with the etag); a new recurring task with a request id kept for a retry and the API's violations
// under their fields; a playbook step's violation under that step, and an org unit out of the saver's subtree
// under the org unit picked.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import AutomationPage from "./AutomationPage";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const state: { refuse: unknown } = { refuse: null };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const badRequest = (fieldViolations: { field: string; description: string }[]) => ({
    error: {
      code: 400,
      status: "INVALID_ARGUMENT",
      message: "请求无效 (invalid request)",
      details: [{ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations }],
    },
  });
  const recurring = [
    {
      name: "recurringTasks/r1",
      etag: "v2",
      task: { title: "季度走访钻石客户", priority: "PRIORITY_HIGH" },
      schedule: { frequency: "FREQUENCY_MONTHLY", dayOfMonth: 31, timeOfDay: { hours: 9 }, startDate: { year: 2026, month: 12, day: 7 } },
      dueAfter: "604800s",
      customerSegment: { tiers: ["tiers/diamond"], orgUnit: "orgUnits/0101" },
      enabled: true,
      nextRunTime: "2026-12-31T01:00:00Z",
      lastRunTime: "2026-11-30T01:00:00Z",
      lastRunTaskCount: 12,
      lastRunUnassignedCount: 2,
      creator: "users/rm_zhang",
      creatorDisplayName: "张伟",
    },
    {
      name: "recurringTasks/r2",
      etag: "v1",
      task: { title: "每周客户动态整理" },
      schedule: { frequency: "FREQUENCY_WEEKLY", dayOfWeek: "MONDAY", timeOfDay: { hours: 9 }, startDate: { year: 2026, month: 12, day: 7 } },
      dueAfter: "129600s",
      assignees: ["users/rm_li"],
      enabled: true,
      creator: "users/bm_wang",
      creatorDisplayName: "王强",
    },
  ];
  const playbooks = [
    {
      name: "playbooks/p1",
      etag: "v1",
      displayName: "新晋钻石客户首访",
      trigger: "TRIGGER_TIER_CHANGED",
      conditions: { tiers: ["tiers/diamond"], orgUnit: "orgUnits/0100" },
      steps: [
        { task: { title: "电话问候" }, dueOffset: "86400s" },
        { task: { title: "上门拜访" }, dueOffset: "604800s" },
      ],
      enabled: true,
      triggerCount: 3,
      lastTriggerTime: "2026-12-01T02:00:00Z",
      creator: "users/bm_wang",
      creatorDisplayName: "王强",
    },
  ];
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const body = request.method === "GET" || request.method === "DELETE" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    if (url.pathname === "/v1/users")
      return json(200, {
        users: [
          { name: "users/rm_zhang", username: "rm_zhang", displayName: "张伟" },
          { name: "users/rm_li", username: "rm_li", displayName: "李娜" },
        ],
      });
    if (url.pathname === "/v1/orgUnits")
      return json(200, {
        orgUnits: [
          { name: "orgUnits/0100", displayName: "北京分行" },
          { name: "orgUnits/0101", displayName: "东城支行", parent: "orgUnits/0100" },
        ],
      });
    if (url.pathname === "/v1/tierRuleSets")
      return json(200, { tierRuleSets: [{ rules: [{ tier: "tiers/diamond", tierDisplayName: "钻石", tierDisplayNameEn: "Diamond" }] }] });
    if (request.method !== "GET" && state.refuse) return json((state.refuse as { error: { code: number } }).error.code, state.refuse);
    if (url.pathname === "/v1/recurringTasks" && request.method === "GET") return json(200, { recurringTasks: recurring, totalSize: 2 });
    if (url.pathname === "/v1/playbooks" && request.method === "GET") return json(200, { playbooks, totalSize: 1 });
    if (request.method === "PATCH") return json(200, { ...recurring.find((r) => url.pathname.endsWith(r.name)), ...(body as object), etag: "v9" });
    if (request.method === "POST") return json(200, { name: "recurringTasks/r3", ...(body as object) });
    return json(200, {});
  };
  return { sent, state, badRequest };
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.state.refuse = null;
});

const writes = (method: string) => calls.sent.filter((c) => c.method === method);

function renderAt(url: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, {
    name: "users/bm_wang",
    username: "bm_wang",
    displayName: "王强",
    permissions: ["tasks.read", "tasks.assign", "users.read", "org_units.read", "tiers.read"],
  } as User);
  render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter initialEntries={[url]}>
            <AutomationPage />
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe("AutomationPage", () => {
  it("lists recurring tasks as cards in words, warns of tasks not given, and lets a superior disable one", async () => {
    renderAt("/tasks/automation");
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual(["周期任务", "触发模板"]);
    await waitFor(() => expect(screen.getAllByTestId("recurring-card")).toHaveLength(2));
    const [quarterly, weekly] = screen.getAllByTestId("recurring-card");
    expect(quarterly!.textContent).toContain("每月 31 日 09:00（短月取末日）");
    expect(quarterly!.textContent).toContain("2026-12-07 起");
    await waitFor(() => expect(quarterly!.textContent).toContain("按客户：钻石 · 东城支行"));
    expect(quarterly!.textContent).toContain("7 天");
    expect(quarterly!.textContent).toContain("2026-12-31 09:00");
    expect(within(quarterly!).getByTestId("recurring-unassigned").textContent).toBe("2 位客户未生成");
    expect(quarterly!.textContent).toContain("生成 12 项任务");
    expect(weekly!.textContent).toContain("每周一 09:00");
    expect(weekly!.textContent).toContain("1 天 12 小时");
    expect(weekly!.textContent).toContain("尚未执行");
    await waitFor(() => expect(weekly!.textContent).toContain("李娜"));
    // not the creator: 查看; the creator: 修改
    expect(within(quarterly!).getByTestId("automation-open").textContent?.replace(/\s/g, "")).toBe("查看");
    expect(within(weekly!).getByTestId("automation-open").textContent?.replace(/\s/g, "")).toBe("修改");

    fireEvent.click(within(quarterly!).getByTestId("recurring-enabled-switch"));
    await waitFor(() => expect(writes("PATCH")).toHaveLength(1));
    const [patch] = writes("PATCH");
    expect(patch!.path).toBe("/v1/recurringTasks/r1");
    expect(patch!.query.get("updateMask")).toBe("enabled");
    expect(patch!.body).toEqual({ name: "recurringTasks/r1", etag: "v2", enabled: false });
  }, 30_000);

  it("creates a recurring task with a request id, shows the API's violations under their fields, and retries with the same id", async () => {
    calls.state.refuse = calls.badRequest([
      { field: "recurring_task.schedule.day_of_week", description: "每周任务须指定星期几 (required weekly)" },
      { field: "recurring_task.due_after", description: "最长 366 天 (at most 366 days)" },
    ]);
    renderAt("/tasks/automation");
    fireEvent.click(await screen.findByTestId("recurring-new"));
    const form = await screen.findByTestId("recurring-form");
    fireEvent.change(within(form).getByLabelText("任务标题"), { target: { value: "每月走访" } });
    fireEvent.mouseDown(await within(form).findByLabelText("指定人员"));
    fireEvent.click(await screen.findByTitle("李娜（rm_li）"));
    // the schedule in words as it is set
    expect(screen.getByTestId("recurring-preview").textContent).toContain("执行计划：每周一 09:00");
    fireEvent.click(screen.getByTestId("recurring-save"));

    expect(await screen.findByText("每周任务须指定星期几")).toBeTruthy();
    expect(await screen.findByText("最长 366 天")).toBeTruthy();
    const [first] = writes("POST");
    expect(first!.path).toBe("/v1/recurringTasks");
    const requestId = first!.query.get("requestId");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first!.body).toMatchObject({
      task: { title: "每月走访", priority: "PRIORITY_NORMAL" },
      schedule: { frequency: "FREQUENCY_WEEKLY", dayOfWeek: "MONDAY", timeOfDay: { hours: 9, minutes: 0 } },
      dueAfter: "604800s",
      assignees: ["users/rm_li"],
      enabled: true,
    });

    calls.state.refuse = null;
    fireEvent.click(screen.getByTestId("recurring-save"));
    await waitFor(() => expect(writes("POST")).toHaveLength(2));
    expect(writes("POST")[1]!.query.get("requestId")).toBe(requestId);
    expect(await screen.findByText("已创建")).toBeTruthy();
  }, 30_000);

  it("shows a playbook's steps as text, a step's violation under that step, and an org unit out of reach under the unit", async () => {
    renderAt("/tasks/automation?tab=playbooks");
    const card = await screen.findByTestId("playbook-card");
    expect(card.textContent).toContain("1 天内 电话问候 → 7 天内 上门拜访");
    await waitFor(() => expect(card.textContent).toContain("触发条件：升入等级 钻石"));
    expect(card.textContent).toContain("已触发 3 次");

    calls.state.refuse = calls.badRequest([{ field: "playbook.steps[1].due_offset", description: "应大于零 (must be positive)" }]);
    fireEvent.click(screen.getByTestId("playbook-new"));
    const form = await screen.findByTestId("playbook-form");
    fireEvent.change(within(form).getByLabelText("模板名称"), { target: { value: "新客户欢迎" } });
    fireEvent.click(screen.getByTestId("playbook-step-add"));
    const titles = within(form).getAllByTestId("playbook-step-title");
    fireEvent.change(titles[0]!, { target: { value: "欢迎电话" } });
    fireEvent.change(titles[1]!, { target: { value: "上门拜访" } });
    expect((await screen.findByTestId("playbook-preview")).textContent).toBe("1 天内 欢迎电话 → 1 天内 上门拜访");
    fireEvent.click(screen.getByTestId("playbook-save"));

    const steps = await screen.findAllByTestId("playbook-step");
    await waitFor(() => expect(within(steps[1]!).getByText("应大于零")).toBeTruthy());
    expect(within(steps[0]!).queryByText("应大于零")).toBeNull();
    const [post] = writes("POST");
    expect(post!.path).toBe("/v1/playbooks");
    expect(post!.body).toMatchObject({
      displayName: "新客户欢迎",
      trigger: "TRIGGER_NEW_KEY_CUSTOMER",
      steps: [
        { task: { title: "欢迎电话" }, dueOffset: "86400s" },
        { task: { title: "上门拜访" }, dueOffset: "86400s" },
      ],
    });

    calls.state.refuse = {
      error: {
        code: 403,
        status: "PERMISSION_DENIED",
        message: "只能选择本机构及下级机构：上海分行 不在您的管辖范围 (not in your org subtree)",
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "TASK_ASSIGNEE_OUT_OF_SUBTREE" }],
      },
    };
    fireEvent.click(screen.getByTestId("playbook-save"));
    expect(await within(form).findByText("只能选择本机构及下级机构：上海分行 不在您的管辖范围")).toBeTruthy();
  }, 30_000);
});
