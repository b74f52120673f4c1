// A customer list handed to the builder from another page (a data-mining report's rows) through
// openCampaignBuilderWith: the new plan opens with its name and the tag 「指定客户 n 位（来自 …）」 in the segment; the
// live count and 保存草稿 send `segment.customers` (each once, only `customers/…` names), the tag stays on the saved
// draft; closing the tag takes any customer again.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter, Route, Routes, useNavigate } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import CampaignBuilderPage from "./CampaignBuilderPage";
import { builderStateOf, handoffOf, openCampaignBuilderWith } from "./handoff";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; body: unknown }[] = [];
  const stored: { campaign: Record<string, unknown> | null } = { campaign: null };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const body = request.method === "GET" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path: url.pathname, body });
    if (url.pathname === "/v1/orgUnits")
      return json(200, {
        orgUnits: [
          { name: "orgUnits/0000", displayName: "总行" },
          { name: "orgUnits/0100", parent: "orgUnits/0000", displayName: "北京分行" },
        ],
      });
    if (url.pathname === "/v1/campaigns:previewTargets") {
      const customers = (body as { campaign: { segment?: { customers?: string[] } } }).campaign.segment?.customers ?? [];
      return json(200, { targetCustomerCount: String(customers.length || 40), holdoutCustomerCount: "0", units: [], sample: [] });
    }
    if (url.pathname === "/v1/campaigns" && request.method === "POST") {
      stored.campaign = { ...(body as object), name: "campaigns/c9", etag: "v1", state: "STATE_DRAFT" };
      return json(200, stored.campaign);
    }
    if (url.pathname === "/v1/campaigns/c9" && request.method === "GET") return json(200, stored.campaign);
    return json(200, {});
  };
  return { sent, stored };
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.stored.campaign = null;
});

type Sent = { campaign?: { segment?: { customers?: string[]; lacks?: string[] } }; segment?: { customers?: string[]; lacks?: string[] }; displayName?: string };
const previews = () => calls.sent.filter((c) => c.path === "/v1/campaigns:previewTargets").map((c) => c.body as Sent);

const LIST = ["customers/1", "customers/2", "customers/2", "bogus", "customers/3"];

/** A stand-in for the report page: one button hands its rows over. */
function ReportStandIn() {
  const navigate = useNavigate();
  return (
    <button type="button" onClick={() => openCampaignBuilderWith(navigate, { customers: LIST, name: "流失风险客户挽留", source: "流失风险预警", lacks: ["TYPE_WEALTH", "NOT_A_PRODUCT"] })}>
      生成营销活动
    </button>
  );
}

function renderFromReport() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name: "users/hq_leader", username: "hq_leader", displayName: "总行领导", permissions: ["campaigns.read", "campaigns.manage"] } as User);
  render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter initialEntries={["/reports/r1"]}>
            <Routes>
              <Route path="/reports/:id" element={<ReportStandIn />} />
              <Route path="/campaigns/new" element={<CampaignBuilderPage />} />
              <Route path="/campaigns/:id/edit" element={<CampaignBuilderPage />} />
            </Routes>
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
  fireEvent.click(screen.getByText("生成营销活动"));
}

/** Chooses 北京分行 as the executing unit (the org tree's picker). */
async function pickBeijing() {
  const picker = screen.getByTestId("campaign-org-units");
  fireEvent.mouseDown(picker.querySelector(".ant-select-selector") ?? picker);
  await waitFor(() => expect(document.querySelector(".ant-select-tree-switcher")).toBeTruthy(), { timeout: 5000 });
  const switcher = document.querySelector(".ant-select-tree-switcher:not(.ant-select-tree-switcher-noop)");
  if (switcher && !screen.queryByTitle("北京分行")) fireEvent.click(switcher);
  fireEvent.click(await screen.findByTitle("北京分行"));
}

describe("openCampaignBuilderWith", () => {
  it("hands over the customers once each, only customers' names, and the products they lack", () => {
    const state = builderStateOf({ customers: LIST, source: " 流失风险预警 ", lacks: ["TYPE_FUND", "x"] });
    expect(state).toEqual({ segment: { customers: ["customers/1", "customers/2", "customers/3"], lacks: ["TYPE_FUND"] }, source: "流失风险预警" });
    expect(handoffOf(state)).toEqual(state);
    expect(handoffOf(null)).toBeNull();
    expect(handoffOf({ segment: { customers: "customers/1" } })).toBeNull();
    expect(handoffOf({ segment: { customers: [7, "customers/7/x", "customers/8"] } })).toEqual({ segment: { customers: ["customers/8"] } });
  });

  it("opens the builder with the list as a tag, and the live count and the draft send segment.customers", async () => {
    renderFromReport();
    const tag = await screen.findByTestId("campaign-customer-list");
    expect(tag.textContent).toBe("指定客户 3 位（来自 流失风险预警）");
    expect((screen.getByLabelText("活动名称") as HTMLInputElement).value).toBe("流失风险客户挽留");

    await pickBeijing();
    const wanted = ["customers/1", "customers/2", "customers/3"];
    await waitFor(() => expect(previews().at(-1)?.campaign?.segment).toEqual({ customers: wanted, lacks: ["TYPE_WEALTH"] }), { timeout: 5000 });
    await waitFor(() => expect(screen.getByTestId("preview-count").textContent).toContain("3"), { timeout: 5000 });

    fireEvent.change(screen.getByLabelText("目标金额"), { target: { value: "1000000" } });
    fireEvent.click(screen.getByTestId("campaign-save"));
    await waitFor(() => expect(calls.sent.some((c) => c.method === "POST" && c.path === "/v1/campaigns")).toBe(true), { timeout: 5000 });
    const created = calls.sent.find((c) => c.method === "POST" && c.path === "/v1/campaigns")!.body as Sent;
    expect(created.displayName).toBe("流失风险客户挽留");
    expect(created.segment).toEqual({ customers: wanted, lacks: ["TYPE_WEALTH"] });

    // the saved draft, read back, keeps the tag and where the list came from
    await waitFor(() => expect(calls.sent.some((c) => c.method === "GET" && c.path === "/v1/campaigns/c9")).toBe(true), { timeout: 5000 });
    await waitFor(() => expect(screen.getByTestId("campaign-customer-list").textContent).toBe("指定客户 3 位（来自 流失风险预警）"));
  }, 30_000);

  it("takes any customer again once the tag is closed", async () => {
    renderFromReport();
    const tag = await screen.findByTestId("campaign-customer-list");
    await pickBeijing();
    await waitFor(() => expect(previews().at(-1)?.campaign?.segment?.customers).toHaveLength(3), { timeout: 5000 });
    fireEvent.click(tag.querySelector(".ant-tag-close-icon")!);
    await waitFor(() => expect(screen.queryByTestId("campaign-customer-list")).toBeNull());
    await waitFor(() => expect(previews().at(-1)?.campaign?.segment).toEqual({ lacks: ["TYPE_WEALTH"] }), { timeout: 5000 });
    await waitFor(() => expect(screen.getByTestId("preview-count").textContent).toContain("40"), { timeout: 5000 });
  }, 30_000);
});
