// 调整等级 against the gateway's answers (stubbed here; tests/e2e drives it against the real API).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import { TierOverride } from "./TierOverride";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string }[] = [];
  const state = { override: undefined as unknown };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const path = new URL(request.url).pathname;
    sent.push({ method: request.method, path });
    const body =
      path === "/v1/tierRuleSets"
        ? {
            tierRuleSets: [
              { name: "tierRuleSets/i", customerType: "TYPE_INDIVIDUAL", rules: [{ tier: "tiers/gold", tierDisplayName: "金卡", customerType: "TYPE_INDIVIDUAL" }] },
              { name: "tierRuleSets/c", customerType: "TYPE_CORPORATE", rules: [{ tier: "tiers/core", tierDisplayName: "核心", customerType: "TYPE_CORPORATE" }] },
            ],
          }
        : path === "/v1/customers/c1/tier"
          ? { name: "customers/c1/tier", tier: "tiers/gold", gradedTier: "tiers/gold", override: state.override }
          : {};
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
  };
  return { sent, state };
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.state.override = undefined;
});

function renderAs(permissions: string[]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name: "users/x", username: "x", displayName: "X", permissions } as User);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <TierOverride id="c1" customerType="TYPE_INDIVIDUAL" />
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe("TierOverride", () => {
  it("offers 调整等级 only to holders of tier_overrides.manage, and shows a manual tier in force to everyone", async () => {
    calls.state.override = {
      name: "customers/c1/tierOverrides/o1",
      tier: "tiers/gold",
      reason: "总行特批",
      creator: "users/branch_manager",
      expireTime: "2027-03-05T15:59:59Z",
    };
    renderAs(["customers.read"]);
    const notice = await screen.findByTestId("tier-override");
    await waitFor(() => expect(notice.textContent).toContain("总行特批"));
    expect(notice.textContent).toContain("2027-03-05");
    expect(notice.textContent).toContain("branch_manager");
    expect(screen.queryByRole("button", { name: /调整等级/ })).toBeNull();
    expect(screen.queryByRole("button", { name: /撤\s*销/ })).toBeNull();
  }, 30_000);

  it("checks the dialog before sending: a reason is required; the tiers offered are the customer's type's", async () => {
    renderAs(["tier_overrides.manage"]);
    fireEvent.click(await screen.findByRole("button", { name: /调整等级/ }));
    const dialog = await screen.findByRole("dialog");
    const end = within(dialog).getByLabelText("有效期至") as HTMLInputElement;
    expect(end.value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    fireEvent.mouseDown(within(dialog).getByLabelText("调整为"));
    expect(await screen.findByTitle("金卡")).toBeTruthy();
    expect(screen.queryByTitle("核心")).toBeNull();
    fireEvent.click(within(dialog).getByRole("button", { name: /保\s*存/ }));
    expect(await within(dialog).findByText("请输入调整为")).toBeTruthy();
    expect(await within(dialog).findByText("请输入原因")).toBeTruthy();
    expect(calls.sent.filter((c) => c.method === "POST")).toHaveLength(0);
  }, 30_000);
});
