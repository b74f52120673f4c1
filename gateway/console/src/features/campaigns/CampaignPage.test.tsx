// 营销成果 against the gateway's answers (stubbed here): the header and figures in Chinese, 无对照组 without a
// hold-out, the figures and activities refetched when a `campaign.progress` push for this campaign arrives (no
// reload), and 结束 with the etag read — a stale one said and the campaign reloaded.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { applyPush } from "@/lib/push";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import CampaignPage from "./CampaignPage";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; body: unknown }[] = [];
  const state = { reached: 1, holdout: "0", stale: false };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const money = (units: string) => ({ currencyCode: "CNY", units, nanos: 0 });
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const path = new URL(request.url).pathname;
    const body = request.method === "GET" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path, body });
    if (path === "/v1/campaigns/c1")
      return json(200, {
        name: "campaigns/c1",
        etag: "v4",
        state: "STATE_ACTIVE",
        displayName: "2026年末理财冲刺",
        productType: "TYPE_WEALTH",
        measure: "MEASURE_AMOUNT",
        targetAmount: money("50000000"),
        orgUnits: ["orgUnits/0100"],
        startDate: { year: 2026, month: 12, day: 6 },
        endDate: { year: 2027, month: 1, day: 5 },
        revision: 2,
        creator: "users/hq_leader",
        creatorDisplayName: "总行领导",
        targetCustomerCount: "55",
        holdoutCustomerCount: state.holdout,
        holdoutPercent: 0,
        progress: { activityCount: String(state.reached), targetRatio: 0.004, attributedAccountCount: "1", attributedAmount: money("200000") },
        segment: { lacks: ["TYPE_WEALTH"], customerCount: 1200 }, // a named list: its count, not its names (AIP-157 BASIC)
      });
    if (path === "/v1/campaigns/c1/results")
      return json(200, {
        total: {
          targetCustomerCount: "50",
          reachedCount: String(state.reached),
          interestedCount: "1",
          convertedCount: "0",
          declinedCount: "0",
          achieved: 200000,
          quota: 50000000,
          convertedAmount: money("200000"),
        },
        units: [{ subject: "orgUnits/0100", displayName: "北京分行", quota: 50000000, achieved: 200000, quotaRatio: 0.004, targetCustomerCount: "50", reachedCount: String(state.reached) }],
        relationshipManagers: [{ subject: "users/rm_zhang", displayName: "张经理", quota: 3000000, achieved: 200000, quotaRatio: 0.067, targetCustomerCount: "2" }],
        holdoutCustomerCount: state.holdout,
        liftPoints: 0,
        computeTime: "2026-12-06T02:00:00Z",
      });
    if (path === "/v1/campaigns/c1/activities")
      return json(200, {
        campaignActivities: Array.from({ length: state.reached }, (_, i) => ({
          name: `campaigns/c1/activities/a${i}`,
          customer: `customers/${40 + i}`,
          staff: "users/rm_zhang",
          staffDisplayName: "张经理",
          outcome: i ? "OUTCOME_CONTACTED" : "OUTCOME_INTERESTED",
          channel: "CHANNEL_CALL",
          occurTime: "2026-12-06T03:00:00Z",
          notes: "电话沟通",
        })),
        totalSize: state.reached,
      });
    if (path === "/v1/campaigns/c1/revisions")
      return json(200, { revisions: [{ revision: 2, editor: "users/hq_leader", time: "2026-12-06T04:00:00Z", changes: [{ field: "end_date", before: "2026-12-31", after: "2027-01-05" }] }] });
    if (path === "/v1/campaigns/c1:complete")
      return state.stale ? json(409, { error: { code: 409, status: "ABORTED", message: "营销活动已被修改 (changed)" } }) : json(200, { name: "campaigns/c1", state: "STATE_COMPLETED" });
    return json(200, {});
  };
  return { sent, state };
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  Object.assign(calls.state, { reached: 1, holdout: "0", stale: false });
});

function renderPage(permissions: string[]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name: "users/hq_leader", username: "hq_leader", displayName: "总行领导", permissions } as User);
  const view = render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter initialEntries={["/campaigns/c1"]}>
            <Routes>
              <Route path="/campaigns/:id" element={<CampaignPage />} />
            </Routes>
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
  return { ...view, client };
}

const reads = (path: string) => calls.sent.filter((c) => c.method === "GET" && c.path === path).length;
const LEADER = ["campaigns.read", "campaigns.manage", "tasks.assign"];

describe("CampaignPage", () => {
  it("shows the campaign and its results in Chinese, 无对照组 without a hold-out", async () => {
    const { container } = renderPage(LEADER);
    expect(await screen.findByTestId("campaign-title")).toBeTruthy();
    expect((await screen.findByTestId("campaign-segment")).textContent).toContain("1,200 位");
    const header = screen.getByTestId("campaign-header");
    expect(header.textContent).toContain("2026-12-06 ~ 2027-01-05");
    expect(header.textContent).toContain("理财");
    expect(header.textContent).toContain("¥50,000,000.00");
    expect(header.textContent).toContain("第 2 版");
    expect(screen.getByTestId("campaign-state").textContent).toBe("进行中");
    await waitFor(() => expect(screen.getByTestId("figure-achieved").textContent).toContain("20万元"));
    expect(screen.getByTestId("no-holdout").textContent).toBe("无对照组");
    expect(screen.getByTestId("attributed-accounts").textContent).toContain("1");
    expect(screen.getAllByTestId("results-managers-row")[0]!.textContent).toContain("张经理");
    expect(await screen.findByText("结束日期：2026-12-31 → 2027-01-05")).toBeTruthy();
    expect(screen.getByTestId("campaign-actions").textContent).toContain("结 束");
    expect(screen.queryByTestId("campaign-launch")).toBeNull();
    for (const word of ["STATE_", "OUTCOME_", "CHANNEL_", "TYPE_", "users/", "end_date"]) expect(container.textContent).not.toContain(word);
  }, 30_000);

  it("refetches the figures and the activities when a campaign.progress push for it arrives", async () => {
    const { client } = renderPage(LEADER);
    await waitFor(() => expect(screen.getByTestId("figure-reached").textContent).toContain("1"));
    await waitFor(() => expect(screen.getAllByTestId("campaign-activity")).toHaveLength(1));
    const before = reads("/v1/campaigns/c1/results");
    // an activity logged elsewhere: the service pushes `campaigns/c1`
    calls.state.reached = 2;
    act(() => applyPush(client, { kind: "campaign.progress", resource: "campaigns/c1" }));
    await waitFor(() => expect(screen.getByTestId("figure-reached").textContent).toContain("2"));
    await waitFor(() => expect(screen.getAllByTestId("campaign-activity")).toHaveLength(2));
    expect(reads("/v1/campaigns/c1/results")).toBeGreaterThan(before);
    expect(screen.getByTestId("funnel-reached").textContent).toBe("已触达：2");
  }, 30_000);

  it("completes with the etag read; a stale one is said and the campaign reloaded", async () => {
    calls.state.stale = true;
    renderPage(LEADER);
    fireEvent.click(await screen.findByTestId("campaign-complete"));
    const confirm = await screen.findByTestId("confirm-complete");
    const before = reads("/v1/campaigns/c1");
    fireEvent.click(within(confirm.closest(".ant-modal") as HTMLElement).getByRole("button", { name: /结\s*束/ }));
    expect(await screen.findByText("营销活动已被他人修改，已重新加载，请确认后再操作")).toBeTruthy();
    expect(calls.sent.find((c) => c.path === "/v1/campaigns/c1:complete")?.body).toEqual({ name: "campaigns/c1", etag: "v4" });
    await waitFor(() => expect(reads("/v1/campaigns/c1")).toBeGreaterThan(before));
  }, 30_000);

  it("offers a relationship manager no change, only 营销执行", async () => {
    renderPage(["campaigns.read", "campaign_activities.create"]);
    const actions = await screen.findByTestId("campaign-actions");
    expect(actions.textContent).toBe("营销执行");
  }, 30_000);
});
