// 任务详情 against the gateway's answers (stubbed here): the actions by who the caller is to the task and its
// state, the history in Chinese, 完成 with its record, and a stale etag (ABORTED) told and reloaded.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import TaskDetailPage from "./TaskDetailPage";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; body: unknown }[] = [];
  const state = { task: {} as Record<string, unknown>, stale: false };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const path = new URL(request.url).pathname;
    const body = request.method === "GET" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path, body });
    if (path === "/v1/tasks/t1") return json(200, state.task);
    if (path === "/v1/tasks/t1/comments")
      return json(200, { comments: [{ name: "tasks/t1/comments/c1", text: "请带上授信方案", authorDisplayName: "王强", createTime: "2026-06-10T01:00:00Z" }] });
    if (path === "/v1/tasks/t1/history")
      return json(200, {
        entries: [
          { action: "created", actor: "users/bm_wang", actorDisplayName: "王强", time: "2026-06-09T01:00:00Z" },
          {
            action: "updated",
            actor: "users/bm_wang",
            actorDisplayName: "王强",
            time: "2026-06-09T02:00:00Z",
            changes: [
              { field: "priority", before: "PRIORITY_NORMAL", after: "PRIORITY_URGENT" },
              { field: "assignee", before: "users/rm_li", after: "users/rm_zhang" },
              { field: "due_time", before: "2026-06-11T10:00:00Z", after: "2026-06-12T10:00:00Z" },
            ],
            note: "客户要求提前",
          },
          {
            action: "completed",
            actor: "users/rm_zhang",
            actorDisplayName: "张伟",
            time: "2026-06-10T02:00:00Z",
            changes: [
              { field: "state", before: "STATE_IN_PROGRESS", after: "STATE_COMPLETED" },
              { field: "handling", before: "", after: "上门拜访" },
            ],
          },
        ],
      });
    if (path === "/v1/users")
      return json(200, {
        users: [
          { name: "users/rm_zhang", username: "rm_zhang", displayName: "张伟" },
          { name: "users/rm_li", username: "rm_li", displayName: "李娜" },
        ],
      });
    if (request.method === "POST" && state.stale)
      return json(409, { error: { code: 409, status: "ABORTED", message: "任务已被修改 (the task was changed)" } });
    if (request.method === "POST") return json(200, { ...state.task, state: "STATE_COMPLETED", etag: "e2" });
    return json(200, {});
  };
  return { sent, state };
});

const TASK = {
  name: "tasks/t1",
  title: "走访某某集团财务总监",
  purpose: "了解融资需求",
  priority: "PRIORITY_URGENT",
  assigner: "users/bm_wang",
  assignerDisplayName: "王强",
  assignee: "users/rm_zhang",
  assigneeDisplayName: "张伟",
  dueTime: "2026-06-12T10:00:00Z",
  customer: "customers/42",
  etag: "e1",
};

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.state.stale = false;
});

function renderAs(name: string, permissions: string[], task: Record<string, unknown>) {
  calls.state.task = task;
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name, username: name.slice(6), displayName: "我", permissions } as User);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter initialEntries={["/tasks/t1"]}>
            <Routes>
              <Route path="/tasks/:id" element={<TaskDetailPage />} />
            </Routes>
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

const STAFF = ["tasks.read", "tasks.work", "customers.read", "users.read"];

describe("TaskDetailPage", () => {
  it("offers the assignee 开始 and 完成, and writes the history in Chinese, never the API's words", async () => {
    const { container } = renderAs("users/rm_zhang", STAFF, { ...TASK, state: "STATE_OPEN" });
    expect(await screen.findByTestId("task-start")).toBeTruthy();
    expect(screen.getByTestId("task-complete")).toBeTruthy();
    for (const other of ["accept", "return", "edit", "cancel"]) expect(screen.queryByTestId(`task-${other}`)).toBeNull();
    const history = await screen.findByTestId("task-history");
    await waitFor(() => expect(history.textContent).toContain("执行人：李娜 → 张伟"));
    expect(history.textContent).toContain("创建");
    expect(history.textContent).toContain("优先级：普通 → 紧急");
    expect(history.textContent).toContain("需完成时间：2026-06-11 18:00 → 2026-06-12 18:00");
    expect(history.textContent).toContain("客户要求提前");
    expect(history.textContent).toContain("状态：进行中 → 待验收");
    expect(history.textContent).toContain("处理方式：（空） → 上门拜访");
    expect(screen.getByTestId("task-state").textContent).toBe("待办");
    expect(screen.getByTestId("task-priority").textContent).toBe("紧急");
    expect(await screen.findByText("请带上授信方案")).toBeTruthy();
    for (const word of ["STATE_", "PRIORITY_", "created", "updated", "handling", "users/"]) expect(container.textContent).not.toContain(word);
  }, 30_000);

  it("completes with the record, the etag read and the customer's timeline entry", async () => {
    renderAs("users/rm_zhang", STAFF, { ...TASK, state: "STATE_IN_PROGRESS" });
    fireEvent.click(await screen.findByTestId("task-complete"));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText("处理方式"), { target: { value: "上门拜访" } });
    fireEvent.change(within(dialog).getByLabelText("工作内容"), { target: { value: "已与财务总监面谈，客户有意向" } });
    fireEvent.mouseDown(within(dialog).getByLabelText("记入客户时间线"));
    fireEvent.click(await screen.findByTitle("拜访"));
    fireEvent.click(within(dialog).getByRole("button", { name: /完\s*成/ }));
    await waitFor(() => expect(calls.sent.some((c) => c.method === "POST")).toBe(true));
    const post = calls.sent.find((c) => c.method === "POST");
    expect(post?.path).toBe("/v1/tasks/t1:complete");
    // the time left at "now" is the service's to set
    expect(post?.body).toEqual({
      name: "tasks/t1",
      etag: "e1",
      completion: { handling: "上门拜访", content: "已与财务总监面谈，客户有意向", interactionType: "TYPE_VISIT" },
    });
  }, 30_000);

  it("offers the assigner 验收 and 退回 on completed work; 退回 wants a reason; a stale etag is told and the task reloaded", async () => {
    renderAs("users/bm_wang", [...STAFF, "tasks.assign"], {
      ...TASK,
      state: "STATE_COMPLETED",
      completion: { handling: "电话沟通", content: "已电话联系", completeTime: "2026-06-10T01:30:00Z" },
    });
    expect(await screen.findByTestId("task-accept")).toBeTruthy();
    expect(screen.queryByTestId("task-start")).toBeNull();
    expect(screen.queryByTestId("task-complete")).toBeNull();
    expect(screen.getByTestId("task-completion").textContent).toContain("已电话联系");

    fireEvent.click(screen.getByTestId("task-return"));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: /退\s*回/ }));
    expect(await within(dialog).findByText("请填写原因")).toBeTruthy();
    expect(calls.sent.filter((c) => c.method === "POST")).toHaveLength(0);

    calls.state.stale = true;
    const reads = () => calls.sent.filter((c) => c.method === "GET" && c.path === "/v1/tasks/t1").length;
    const before = reads();
    fireEvent.change(within(dialog).getByLabelText("退回原因"), { target: { value: "请补充客户反馈" } });
    fireEvent.click(within(dialog).getByRole("button", { name: /退\s*回/ }));
    expect(await screen.findByText("任务已被他人修改，已重新加载，请确认后再操作")).toBeTruthy();
    expect(calls.sent.find((c) => c.method === "POST")?.body).toEqual({ name: "tasks/t1", etag: "e1", reason: "请补充客户反馈" });
    await waitFor(() => expect(reads()).toBeGreaterThan(before));
  }, 30_000);
});
