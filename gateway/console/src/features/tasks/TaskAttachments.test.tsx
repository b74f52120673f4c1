// 任务详情's 附件 against the gateway's answers (stubbed here): files listed with who uploaded them, downloaded as
// the bytes sent, removed only where the caller may, uploads checked before sending and sent as base64, and a
// closed task's files shown without upload or remove.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ATTACHMENT_MAX_BYTES, bytesToBase64 } from "@/lib/attachments";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import type { Task } from "./logic";
import { TaskAttachments } from "./TaskAttachments";

const PDF = new TextEncoder().encode("%PDF-1.7 纪要");

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; body: unknown }[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const path = new URL(request.url).pathname;
    const body = request.method === "GET" || request.method === "DELETE" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path, body });
    if (path === "/v1/tasks/t1/attachments/a1:download")
      return json(200, {
        attachment: { name: "tasks/t1/attachments/a1", fileName: "拜访纪要.pdf", contentType: "application/pdf" },
        content: btoa(String.fromCharCode(...new TextEncoder().encode("%PDF-1.7 纪要"))),
      });
    if (path === "/v1/tasks/t1/attachments" && request.method === "POST") {
      const name = (body as { fileName: string }).fileName;
      if (name.startsWith("坏"))
        return json(400, { error: { code: 400, status: "INVALID_ARGUMENT", message: "扩展名与文件内容不符 (the extension does not match the content)" } });
      return json(200, { name: "tasks/t1/attachments/new", fileName: name });
    }
    return json(200, {});
  };
  return { sent };
});

const saved = vi.hoisted(() => [] as { fileName: string; blob: Blob }[]);
vi.mock("@/features/control/shared", async (original) => ({
  ...(await original<typeof import("@/features/control/shared")>()),
  saveBlob: (fileName: string, blob: Blob) => saved.push({ fileName, blob }),
}));

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  saved.length = 0;
});

const TASK: Task = {
  name: "tasks/t1",
  title: "走访某某集团财务总监",
  dueTime: "2026-06-12T10:00:00Z",
  state: "STATE_IN_PROGRESS",
  assigner: "users/bm_wang",
  assignee: "users/rm_zhang",
  attachments: [
    { name: "tasks/t1/attachments/a1", fileName: "拜访纪要.pdf", sizeBytes: "2048", uploader: "users/rm_zhang", uploaderDisplayName: "张伟", createTime: "2026-06-10T01:00:00Z" },
    { name: "tasks/t1/attachments/a2", fileName: "营销方案.docx", sizeBytes: "3584", uploader: "users/bm_wang", uploaderDisplayName: "王强", createTime: "2026-06-10T02:00:00Z" },
  ],
};

function renderAs(name: string, task: Task) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name, username: name.slice(6), displayName: "我", permissions: ["tasks.read", "tasks.work"] } as User);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter>
            <TaskAttachments task={task} />
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

const items = () => screen.getAllByTestId("attachment");
const fileInput = () => screen.getByTestId("task-attachments").querySelector("input[type=file]") as HTMLInputElement;

describe("TaskAttachments", () => {
  it("lists the files with who uploaded them and downloads the exact bytes", async () => {
    renderAs("users/rm_zhang", TASK);
    expect(screen.getByTestId("task-attachments").textContent).toContain("附件 (2)");
    expect(items()[0]!.textContent).toContain("2.0 KB");
    expect(items()[0]!.textContent).toContain("张伟");
    fireEvent.click(within(items()[0]!).getByText("拜访纪要.pdf").closest("button")!);
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.fileName).toBe("拜访纪要.pdf");
    expect(saved[0]!.blob.type).toBe("application/pdf");
    expect(Array.from(new Uint8Array(await saved[0]!.blob.arrayBuffer()))).toEqual(Array.from(PDF));
  }, 30_000);

  it("lets the assignee remove their own file only, and the assigner any", async () => {
    renderAs("users/rm_zhang", TASK);
    expect(within(items()[0]!).queryByTestId("attachment-delete")).toBeTruthy();
    expect(within(items()[1]!).queryByTestId("attachment-delete")).toBeNull();
    fireEvent.click(within(items()[0]!).getByTestId("attachment-delete"));
    fireEvent.click(await screen.findByRole("button", { name: /确\s*定|OK/ }));
    await waitFor(() => expect(calls.sent.some((c) => c.method === "DELETE")).toBe(true));
    expect(calls.sent.find((c) => c.method === "DELETE")?.path).toBe("/v1/tasks/t1/attachments/a1");
    cleanup();
    renderAs("users/bm_wang", TASK);
    expect(screen.getAllByTestId("attachment-delete")).toHaveLength(2);
    cleanup();
    renderAs("users/leader", TASK); // sees it, neither uploaded nor assigned
    expect(screen.queryAllByTestId("attachment-delete")).toHaveLength(0);
  }, 30_000);

  it("checks chosen files before sending, sends the rest as base64 and names each failure", async () => {
    renderAs("users/rm_zhang", TASK);
    const large = new File(["x"], "大.pdf");
    Object.defineProperty(large, "size", { value: ATTACHMENT_MAX_BYTES + 1 });
    const good = new File([PDF], "补充纪要.pdf", { type: "application/pdf" });
    const bad = new File(["text"], "坏.pdf");
    fireEvent.change(fileInput(), { target: { files: [large, new File(["MZ"], "setup.exe"), good, bad] } });
    expect(await screen.findByText("“大.pdf”超过 10 MB，不能上传")).toBeTruthy();
    expect(await screen.findByText("不支持“setup.exe”的文件类型；支持 PDF、图片、Word、Excel、PowerPoint、文本和 CSV")).toBeTruthy();
    expect(await screen.findByText("附件“坏.pdf”未能上传：扩展名与文件内容不符")).toBeTruthy();
    const posts = calls.sent.filter((c) => c.method === "POST");
    expect(posts.map((c) => (c.body as { fileName: string }).fileName)).toEqual(["补充纪要.pdf", "坏.pdf"]);
    expect(posts[0]!.body).toEqual({ parent: "tasks/t1", fileName: "补充纪要.pdf", content: bytesToBase64(PDF) });
    expect(await screen.findByText("已上传 1 个附件")).toBeTruthy();
  }, 30_000);

  it("shows a closed task's files without upload or remove", () => {
    renderAs("users/bm_wang", { ...TASK, state: "STATE_ACCEPTED" });
    expect(items()).toHaveLength(2);
    expect(screen.queryAllByTestId("attachment-delete")).toHaveLength(0);
    expect(fileInput()).toBeNull();
  });
});
