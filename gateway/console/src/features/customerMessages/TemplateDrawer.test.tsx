// The template editor's live preview, variable chips and the API's field violations under their fields (the
// gateway's answers stubbed here; tests/e2e drives it against the real API).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import { I18nProvider } from "@/locales/i18n";

import { TemplateDrawer } from "./TemplateDrawer";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; body: unknown }[] = [];
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const path = new URL(request.url).pathname;
    const body = request.method === "GET" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path, body });
    if (path === "/v1/templates" && request.method === "POST") {
      const error = {
        error: {
          code: 400,
          status: "INVALID_ARGUMENT",
          message: "请求无效 (invalid request)",
          details: [
            {
              "@type": "type.googleapis.com/google.rpc.BadRequest",
              fieldViolations: [{ field: "template.body", description: "未知变量 {{vip}} (unknown variable 'vip')" }],
            },
          ],
        },
      };
      return new Response(JSON.stringify(error), { status: 400, headers: { "content-type": "application/json" } });
    }
    return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
  };
  return { sent };
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
});

function renderDrawer() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter>
            <TemplateDrawer open onClose={() => undefined} />
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe("TemplateDrawer", () => {
  it("previews the text with sample values as it is typed, and a chip inserts its variable", async () => {
    renderDrawer();
    const body = screen.getByLabelText("正文");
    fireEvent.change(body, { target: { value: "尊敬的，生日快乐！" } });
    (body as HTMLTextAreaElement).setSelectionRange(3, 3);
    fireEvent.focus(body);
    fireEvent.click(screen.getByRole("button", { name: "{{customer_name}}" }));
    await waitFor(() => expect((body as HTMLTextAreaElement).value).toBe("尊敬的{{customer_name}}，生日快乐！"));
    await waitFor(() => expect(screen.getByTestId("template-preview-body").textContent).toBe("尊敬的张伟，生日快乐！"));
  }, 30_000);

  it("flags an unknown variable while typing and shows the API's refusal under the field", async () => {
    renderDrawer();
    fireEvent.change(screen.getByLabelText("模板名称"), { target: { value: "贵宾祝福" } });
    fireEvent.change(screen.getByLabelText("正文"), { target: { value: "{{vip}}您好" } });
    await waitFor(() => expect(screen.getByText("未知变量：vip（保存时将被拒绝）")).toBeTruthy());
    fireEvent.click(screen.getByTestId("template-save"));
    await waitFor(() => expect(screen.getByText("未知变量 {{vip}}")).toBeTruthy());
    const post = calls.sent.find((c) => c.method === "POST");
    expect(post?.body).toMatchObject({ displayName: "贵宾祝福", category: "CATEGORY_GREETING", channel: "CHANNEL_SMS", body: "{{vip}}您好" });
  }, 30_000);
});
