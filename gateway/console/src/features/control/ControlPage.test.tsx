import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import ControlPage from "./ControlPage";
import { changedUserFields } from "./UserForms";

// openapi-fetch takes `fetch` when the client module loads: stub it before any import runs (the relative URLs'
// Request, matchMedia and ResizeObserver come from src/testing/setup.ts)
vi.hoisted(() => {
  const health = {
    name: "systemHealth",
    healthy: false,
    brokerConnected: true,
    checkTime: "2026-12-05T02:00:01Z",
    services: [
      {
        service: "customer",
        state: "SERVING",
        version: "0.1.0",
        startTime: "2026-12-05T01:58:07Z",
        outboxPending: "3",
        auditUnsealed: "0",
        details: { last_scan_state: "RUNNING", last_scan_mode: "INCREMENTAL", last_scan_time: "2026-12-05T02:00:00+00:00" },
      },
      { service: "alert", state: "UNREACHABLE", error: "UNAVAILABLE: connection refused" },
    ],
    consumers: [{ stream: "KAM_CUSTOMER", consumer: "report-customer", pending: "12", ackPending: "0", redelivered: "0" }],
  };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = new URL(url, "http://localhost").pathname === "/v1/systemHealth" ? health : {};
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
});

afterEach(cleanup);

function renderAs(permissions: string[], url = "/control") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name: "users/x", username: "x", displayName: "X", orgUnit: "orgUnits/0000", permissions } as User);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter initialEntries={[url]}>
            <ControlPage />
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe("ControlPage", () => {
  it("shows only the tabs the user's permissions allow", () => {
    renderAs(["audit.read", "users.read", "roles.read"], "/control?tab=backups");
    const tabs = screen.getAllByRole("tab").map((t) => t.textContent);
    expect(tabs).toEqual(["用户", "角色与权限", "审计日志"]);
    // a tab not allowed falls back to the first allowed one
    expect(screen.getByRole("tab", { selected: true }).textContent).toBe("用户");
  }, 30_000);

  it("writes the system status in Chinese, never the API's English states", async () => {
    const { container } = renderAs(["system.read"], "/control?tab=system");
    await waitFor(() => expect(screen.getByTestId("control-system")).toBeTruthy(), { timeout: 10_000 });
    const text = container.textContent ?? "";
    expect(text).toContain("运行中");
    expect(text).toContain("无法连接");
    expect(text).toContain("进行中"); // last_scan_state RUNNING
    expect(text).toContain("积压");
    for (const word of ["SERVING", "UNREACHABLE", "RUNNING", "INCREMENTAL"]) expect(text).not.toContain(word);
  }, 30_000);
});

describe("changedUserFields", () => {
  const user: User = { name: "users/a", username: "a", displayName: "甲", orgUnit: "orgUnits/1", roles: ["roles/x", "roles/y"], phone: "" };
  it("sends only what changed (roles as a set, empty and unset alike)", () => {
    expect(changedUserFields(user, { displayName: "甲", orgUnit: "orgUnits/1", roles: ["roles/y", "roles/x"], phone: undefined, keepKamChanges: false })).toEqual([]);
    expect(changedUserFields(user, { displayName: "乙", orgUnit: "orgUnits/2", roles: ["roles/x"], email: "a@b.cn", keepKamChanges: true })).toEqual([
      "displayName",
      "orgUnit",
      "roles",
      "email",
      "keepKamChanges",
    ]);
  });
});
