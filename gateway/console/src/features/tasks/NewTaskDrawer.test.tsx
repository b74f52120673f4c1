// 新建任务 against the gateway's answers (stubbed here): the due time checked before sending, one person by
// CreateTask and several by BatchCreateTasks, each with a request id kept for a retry, the API's field
// violations under their fields, and chosen files checked, then uploaded to each task made.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import dayjs from "dayjs";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import { NewTaskDrawer } from "./NewTaskDrawer";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const state = { refuse: false };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const body = request.method === "GET" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    if (url.pathname === "/v1/users")
      return json(200, {
        users: [
          { name: "users/rm_zhang", username: "rm_zhang", displayName: "张伟" },
          { name: "users/rm_li", username: "rm_li", displayName: "李娜" },
        ],
      });
    if (request.method === "POST" && state.refuse)
      return json(400, {
        error: {
          code: 400,
          status: "INVALID_ARGUMENT",
          message: "请求无效 (invalid request)",
          details: [
            {
              "@type": "type.googleapis.com/google.rpc.BadRequest",
              fieldViolations: [
                { field: "task.title", description: "最长 200 字 (at most 200 characters)" },
                { field: "assignees[1]", description: "不在您的机构范围内 (not in your org subtree)" },
              ],
            },
          ],
        },
      });
    if (url.pathname === "/v1/tasks:batchCreate")
      return json(200, { tasks: [{ name: "tasks/1", assigneeDisplayName: "张伟" }, { name: "tasks/2", assigneeDisplayName: "李娜" }] });
    if (url.pathname === "/v1/tasks/2/attachments")
      return json(400, { error: { code: 400, status: "INVALID_ARGUMENT", message: "每个任务最多 10 个附件 (at most 10 attachments)" } });
    if (url.pathname.endsWith("/attachments")) return json(200, { name: `${url.pathname.slice(4)}/a`, fileName: (body as { fileName: string }).fileName });
    if (url.pathname === "/v1/tasks" && request.method === "POST") return json(200, { name: "tasks/1", ...(body as object) });
    return json(200, {});
  };
  return { sent, state };
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.state.refuse = false;
});

const posts = () => calls.sent.filter((c) => c.method === "POST");

function renderAs(name: string, permissions: string[]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name, username: name.slice(6), displayName: "我", permissions } as User);
  const closed = vi.fn();
  render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter>
            <NewTaskDrawer open onClose={closed} />
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
  return closed;
}

describe("NewTaskDrawer", () => {
  it("refuses a due time that is not in the future before sending anything", async () => {
    // the picker offers no day before today: midnight this morning is the past it still takes
    renderAs("users/rm_zhang", ["tasks.read", "tasks.work"]);
    fireEvent.change(screen.getByLabelText("任务标题"), { target: { value: "走访某某集团财务总监" } });
    const due = screen.getByLabelText("需完成时间") as HTMLInputElement;
    expect(due.value).toMatch(/^\d{4}-\d{2}-\d{2} 18:00$/); // tomorrow evening by default
    fireEvent.mouseDown(due);
    fireEvent.change(due, { target: { value: `${dayjs().format("YYYY-MM-DD")} 00:00` } });
    fireEvent.keyDown(due, { key: "Enter", code: "Enter" });
    fireEvent.click(screen.getByTestId("task-save"));
    expect(await screen.findByText("需完成时间应在现在之后")).toBeTruthy();
    expect(posts()).toHaveLength(0);
  }, 30_000);

  it("makes a relationship manager's task for oneself with CreateTask and a request id", async () => {
    const closed = renderAs("users/rm_zhang", ["tasks.read", "tasks.work"]);
    // who does it: only oneself without tasks.assign
    expect(screen.getByTestId("task-assignee-kind").textContent).toBe("自己");
    fireEvent.change(screen.getByLabelText("任务标题"), { target: { value: "准备授信材料" } });
    fireEvent.click(screen.getByTestId("task-save"));
    await waitFor(() => expect(closed).toHaveBeenCalled());
    const [post] = posts();
    expect(post?.path).toBe("/v1/tasks");
    expect(post?.query.get("requestId")).toMatch(/^[0-9a-f-]{36}$/);
    expect(post?.body).toMatchObject({ title: "准备授信材料", assignee: "users/rm_zhang", priority: "PRIORITY_NORMAL" });
  }, 30_000);

  it("assigns several people with one BatchCreateTasks, shows the API's violations under their fields, and retries with the same request id", async () => {
    calls.state.refuse = true;
    const closed = renderAs("users/bm_wang", ["tasks.read", "tasks.work", "tasks.assign"]);
    fireEvent.change(screen.getByLabelText("任务标题"), { target: { value: "走访重点客户" } });
    fireEvent.click(screen.getByRole("radio", { name: "指定人员" }));
    fireEvent.mouseDown(await screen.findByLabelText("选择执行人"));
    fireEvent.click(await screen.findByTitle("张伟（rm_zhang）"));
    fireEvent.click(await screen.findByTitle("李娜（rm_li）"));
    fireEvent.click(screen.getByTestId("task-save"));

    expect(await screen.findByText("最长 200 字")).toBeTruthy();
    expect(await screen.findByText("不在您的机构范围内")).toBeTruthy();
    const [first] = posts();
    expect(first?.path).toBe("/v1/tasks:batchCreate");
    expect(first?.body).toMatchObject({ task: { title: "走访重点客户" }, assignees: ["users/rm_zhang", "users/rm_li"] });
    const requestId = (first?.body as { requestId?: string }).requestId;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    // the same request again (say the answer was lost): the same key, so nothing is made twice
    calls.state.refuse = false;
    fireEvent.click(screen.getByTestId("task-save"));
    await waitFor(() => expect(closed).toHaveBeenCalled());
    expect((posts()[1]?.body as { requestId?: string }).requestId).toBe(requestId);
  }, 30_000);

  it("uploads the chosen files to every task made, checked before, each failure named", async () => {
    const closed = renderAs("users/bm_wang", ["tasks.read", "tasks.work", "tasks.assign"]);
    fireEvent.change(screen.getByLabelText("任务标题"), { target: { value: "走访重点客户" } });
    const picker = document.querySelector("[data-testid=task-form] input[type=file]") as HTMLInputElement;
    const plan = new File(["客户,金额\n张三,100\n"], "名单.csv", { type: "text/csv" });
    fireEvent.change(picker, { target: { files: [new File(["MZ"], "setup.exe"), plan] } });
    expect(await screen.findByText("不支持“setup.exe”的文件类型；支持 PDF、图片、Word、Excel、PowerPoint、文本和 CSV")).toBeTruthy();
    expect(await screen.findByText(/名单\.csv/)).toBeTruthy();
    fireEvent.click(screen.getByRole("radio", { name: "指定人员" }));
    fireEvent.mouseDown(await screen.findByLabelText("选择执行人"));
    fireEvent.click(await screen.findByTitle("张伟（rm_zhang）"));
    fireEvent.click(await screen.findByTitle("李娜（rm_li）"));
    expect(posts()).toHaveLength(0); // nothing is sent before the tasks exist
    fireEvent.click(screen.getByTestId("task-save"));
    await waitFor(() => expect(closed).toHaveBeenCalled());
    expect(await screen.findByText(/附件“名单\.csv → 李娜”未能上传：每个任务最多 10 个附件/)).toBeTruthy();
    expect(posts().map((c) => c.path)).toEqual(["/v1/tasks:batchCreate", "/v1/tasks/1/attachments", "/v1/tasks/2/attachments"]);
    expect(posts()[1]?.body).toMatchObject({ parent: "tasks/1", fileName: "名单.csv" });
    expect(atob((posts()[1]?.body as { content: string }).content)).toBe(String.fromCharCode(...new TextEncoder().encode("客户,金额\n张三,100\n")));
  }, 30_000);
});
