// The builder against the gateway's answers (stubbed here): the live count asked once the plan rests (not on every
// keystroke) and shown with the hold-out and the units; the quotas' sum against the target; 保存草稿 with the etag
// and every field, the API's violations under the segment's and a unit quota's fields; 启动 confirmed with the count
// and sent with the etag the save returned.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import CampaignBuilderPage from "./CampaignBuilderPage";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const state = { refuse: false };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const money = (units: string) => ({ currencyCode: "CNY", units, nanos: 0 });
  const draft = {
    name: "campaigns/c1",
    etag: "v1",
    state: "STATE_DRAFT",
    displayName: "钻石客户理财交叉销售",
    productType: "TYPE_WEALTH",
    measure: "MEASURE_AMOUNT",
    targetAmount: money("10000000"),
    targetCount: "0",
    orgUnits: ["orgUnits/0101", "orgUnits/0102"],
    startDate: { year: 2026, month: 12, day: 6 },
    endDate: { year: 2099, month: 1, day: 5 },
    segment: { tiers: ["tiers/diamond"], lacks: ["TYPE_WEALTH"] },
    holdoutPercent: 10,
    quotas: [{ assignee: "orgUnits/0101", amount: money("6000000") }],
  };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const body = request.method === "GET" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    if (url.pathname === "/v1/campaigns/c1" && request.method === "GET") return json(200, draft);
    if (url.pathname === "/v1/campaigns:previewTargets") {
      const min = Number((body as { campaign: { segment?: { minAum?: { units?: string } } } }).campaign.segment?.minAum?.units ?? 0);
      const count = min ? 9 : 14;
      return json(200, {
        targetCustomerCount: String(count),
        holdoutCustomerCount: "2",
        units: [
          { assignee: "orgUnits/0101", displayName: "北京东城支行", targetCustomerCount: "6" },
          { assignee: "orgUnits/0102", displayName: "北京西城支行", targetCustomerCount: String(count - 6) },
        ],
        sample: [{ customer: "customers/42", customerDisplayName: "王**", tier: "tiers/diamond", branch: "orgUnits/0101", aum: money("8678627") }],
      });
    }
    if (url.pathname === "/v1/campaigns/c1" && request.method === "PATCH") {
      if (state.refuse)
        return json(400, {
          error: {
            code: 400,
            status: "INVALID_ARGUMENT",
            message: "请求无效 (invalid request)",
            details: [
              {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                fieldViolations: [
                  { field: "campaign.segment.min_aum", description: "应为有效金额 (a valid amount)" },
                  { field: "campaign.quotas[0].amount", description: "不能为负 (cannot be negative)" },
                ],
              },
            ],
          },
        });
      return json(200, { ...draft, ...(body as object), etag: "v2" });
    }
    if (url.pathname === "/v1/campaigns/c1:launch") return json(200, { ...draft, state: "STATE_ACTIVE", etag: "v3" });
    return json(200, {});
  };
  return { sent, state };
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.state.refuse = false;
});

const previews = () => calls.sent.filter((c) => c.path === "/v1/campaigns:previewTargets");
type PreviewBody = { campaign: { orgUnits: string[]; holdoutPercent: number; segment: { minAum?: { units: string } } } };

function renderBuilder() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name: "users/hq_leader", username: "hq_leader", displayName: "总行领导", permissions: ["campaigns.read", "campaigns.manage"] } as User);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter initialEntries={["/campaigns/c1/edit"]}>
            <Routes>
              <Route path="/campaigns/:id/edit" element={<CampaignBuilderPage />} />
              <Route path="/campaigns/:id" element={<p>营销成果页</p>} />
            </Routes>
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe("CampaignBuilderPage", () => {
  it("counts the targets live once the plan rests, and shows the units and the hold-out", async () => {
    renderBuilder();
    await waitFor(() => expect(screen.getByTestId("preview-count").textContent).toContain("14"), { timeout: 5000 });
    expect(screen.getByTestId("preview-holdout").textContent).toContain("2");
    expect(screen.getAllByTestId("preview-unit").map((u) => u.textContent)).toEqual(["北京东城支行6", "北京西城支行8"]);
    expect(screen.getByTestId("preview-sample").textContent).toContain("王**");
    expect(screen.getByTestId("preview-count-inline").textContent).toBe("目标客户 14 户");
    const first = previews()[0]!.body as PreviewBody;
    expect(first.campaign).toMatchObject({ name: "campaigns/c1", orgUnits: ["orgUnits/0101", "orgUnits/0102"], holdoutPercent: 10, segment: { tiers: ["tiers/diamond"], lacks: ["TYPE_WEALTH"] } });
    expect(screen.getByTestId("quota-sum").textContent).toBe("已分配 ¥6,000,000.00 / 目标 ¥10,000,000.00（1/2 个机构已填写） 其余按目标客户数分摊。");

    // two quick changes: one question, with the last value
    const asked = previews().length;
    const min = screen.getByLabelText("资产不低于");
    fireEvent.change(min, { target: { value: "1000000" } });
    fireEvent.change(min, { target: { value: "2000000" } });
    await waitFor(() => expect(screen.getByTestId("preview-count").textContent).toContain("9"), { timeout: 5000 });
    const later = previews().slice(asked).map((c) => (c.body as PreviewBody).campaign.segment.minAum?.units);
    expect(later).toEqual(["2000000"]);
  }, 30_000);

  it("refuses quotas above the target before sending, and shows the API's violations under their fields", async () => {
    calls.state.refuse = true;
    renderBuilder();
    await waitFor(() => expect(screen.getByTestId("preview-count").textContent).toContain("14"), { timeout: 5000 });
    const west = screen.getByLabelText("北京西城支行的指标");
    fireEvent.change(west, { target: { value: "5000000" } });
    fireEvent.click(screen.getByTestId("campaign-save"));
    expect(await screen.findByText("各机构指标之和超过活动目标 ¥10,000,000.00")).toBeTruthy();
    expect(calls.sent.filter((c) => c.method === "PATCH")).toHaveLength(0);

    fireEvent.change(west, { target: { value: "4000000" } });
    fireEvent.click(screen.getByTestId("campaign-save"));
    await waitFor(() => expect(calls.sent.some((c) => c.method === "PATCH")).toBe(true));
    const patch = calls.sent.find((c) => c.method === "PATCH")!;
    expect(patch.query.get("updateMask")?.split(",")).toContain("segment");
    expect(patch.body).toMatchObject({
      name: "campaigns/c1",
      etag: "v1",
      quotas: [
        { assignee: "orgUnits/0101", amount: { units: "6000000" } },
        { assignee: "orgUnits/0102", amount: { units: "4000000" } },
      ],
    });
    // each under its field: the segment's minimum, and the quota sent first (东城)
    const minItem = screen.getByLabelText("资产不低于").closest(".ant-form-item")!;
    expect(await within(minItem as HTMLElement).findByText("应为有效金额")).toBeTruthy();
    const eastItem = screen.getByLabelText("北京东城支行的指标").closest(".ant-form-item")!;
    expect(await within(eastItem as HTMLElement).findByText("不能为负")).toBeTruthy();
  }, 30_000);

  it("launches after saving, confirmed with the live count, with the etag the save returned", async () => {
    renderBuilder();
    await waitFor(() => expect(screen.getByTestId("preview-count").textContent).toContain("14"), { timeout: 5000 });
    fireEvent.click(screen.getByTestId("campaign-launch"));
    const confirm = await screen.findByTestId("launch-confirm");
    expect(confirm.textContent).toBe("将按当前客户范围确定 14 户目标客户，其中对照组 2 户，实际营销 12 户；启动后为各客户经理生成营销任务。");
    fireEvent.click(within(confirm.closest(".ant-modal") as HTMLElement).getByRole("button", { name: /启\s*动/ }));
    expect(await screen.findByText("营销成果页")).toBeTruthy();
    const changes = calls.sent.filter((c) => c.method !== "GET" && c.path !== "/v1/campaigns:previewTargets");
    expect(changes.map((c) => `${c.method} ${c.path}`)).toEqual(["PATCH /v1/campaigns/c1", "POST /v1/campaigns/c1:launch"]);
    expect(changes[1]!.body).toEqual({ name: "campaigns/c1", etag: "v2" });
  }, 30_000);
});
