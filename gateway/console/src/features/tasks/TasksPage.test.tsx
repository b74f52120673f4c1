// 任务's tabs against the gateway's answers (stubbed here): which tabs a caller sees, 我的任务's open and
// in-progress lists asked for separately and shown as one (逾期 marked), 我分派的's 待验收 up front.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import TasksPage from "./TasksPage";

const calls = vi.hoisted(() => {
  const filters: string[] = [];
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  const base = { assigner: "users/bm_wang", assignerDisplayName: "王强", assignee: "users/rm_zhang", assigneeDisplayName: "张伟" };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const url = new URL((input as Request).url);
    if (url.pathname !== "/v1/tasks") return json({});
    const filter = url.searchParams.get("filter") ?? "";
    filters.push(filter);
    if (filter.endsWith("state = STATE_OPEN"))
      return json({ tasks: [{ ...base, name: "tasks/2", title: "准备授信材料", state: "STATE_OPEN", dueTime: "2099-06-12T10:00:00Z" }], totalSize: 1 });
    if (filter.endsWith("state = STATE_IN_PROGRESS"))
      return json({
        tasks: [
          {
            ...base,
            name: "tasks/1",
            title: "走访财务总监",
            state: "STATE_IN_PROGRESS",
            priority: "PRIORITY_URGENT",
            dueTime: "2020-06-01T10:00:00Z",
            overdue: true,
            customer: "customers/42",
          },
        ],
        totalSize: 1,
      });
    if (filter === 'assigner = "users/me" AND state = STATE_COMPLETED') return json({ tasks: [], totalSize: 3 });
    return json({ tasks: [], totalSize: 0 });
  };
  return { filters };
});

afterEach(() => {
  cleanup();
  calls.filters.length = 0;
});

function renderAs(permissions: string[], url = "/tasks") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name: "users/x", username: "x", displayName: "X", permissions } as User);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter initialEntries={[url]}>
            <TasksPage />
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe("TasksPage", () => {
  it("shows a relationship manager their open and started tasks as one list, soonest due first, overdue marked", async () => {
    renderAs(["tasks.read", "tasks.work"]);
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual(["我的任务", "我分派的", "日历"]);
    // jsdom's matchMedia matches no breakpoint: the phone's cards
    await waitFor(() => expect(screen.getAllByTestId("task-card")).toHaveLength(2));
    const [first, second] = screen.getAllByTestId("task-card");
    expect(first?.textContent).toContain("走访财务总监");
    expect(first?.textContent).toContain("2020-06-01 18:00逾期");
    expect(first?.textContent).toContain("分派人：王强");
    expect(second?.textContent).toContain("准备授信材料");
    expect(calls.filters).toEqual(expect.arrayContaining(['assignee = "users/me" AND state = STATE_OPEN', 'assignee = "users/me" AND state = STATE_IN_PROGRESS']));
    expect(screen.getAllByTestId("task-overdue")).toHaveLength(1);
    expect(screen.getAllByTestId("task-state").map((t) => t.textContent)).toEqual(["进行中", "待办"]);
    expect(screen.getByTestId("task-customer").getAttribute("href")).toBe("/customers/42");
    expect(screen.getByTestId("tasks-total").textContent).toBe("共 2 条");

    fireEvent.click(screen.getByTestId("tasks-every-state"));
    await waitFor(() => expect(calls.filters).toContain('assignee = "users/me"'));
  }, 30_000);

  it("puts what waits for the assigner's review up front, and the scope's tab for those who assign", async () => {
    renderAs(["tasks.read", "tasks.work", "tasks.assign"], "/tasks?tab=assigned");
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual(["我的任务", "我分派的", "日历", "全部"]);
    const toReview = await screen.findByTestId("tasks-to-review");
    await waitFor(() => expect(toReview.textContent).toContain("3"));
    fireEvent.click(toReview);
    await waitFor(() => expect(calls.filters.filter((f) => f === 'assigner = "users/me" AND state = STATE_COMPLETED').length).toBeGreaterThan(1));
  }, 30_000);
});
