// 营销执行 against the gateway's answers (stubbed here), as a relationship manager on a phone (jsdom's matchMedia
// matches no breakpoint: the cards): their own targets asked for, a held-out customer greyed with nothing to
// record, 记录 sent with a request id and the row moved along the funnel at once, a time in the future refused
// before sending; a branch manager's 待分配 view and 分配给.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import dayjs from "dayjs";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import CampaignTargetsPage from "./CampaignTargetsPage";

const calls = vi.hoisted(() => {
  const sent: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const state = { converted: false };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const money = (units: string) => ({ currencyCode: "CNY", units, nanos: 0 });
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const body = request.method === "GET" ? undefined : await request.clone().json();
    sent.push({ method: request.method, path: url.pathname, query: url.searchParams, body });
    if (url.pathname === "/v1/campaigns/c1")
      return json(200, {
        name: "campaigns/c1",
        displayName: "2026年末理财冲刺",
        state: "STATE_ACTIVE",
        productType: "TYPE_WEALTH",
        script: "您好，年末有一笔稳健型理财……",
        startDate: { year: 2020, month: 1, day: 1 },
        endDate: { year: 2099, month: 1, day: 5 },
        etag: "v2",
      });
    if (url.pathname === "/v1/campaigns/c1/targets")
      return json(200, {
        campaignTargets: [
          {
            name: "campaigns/c1/targets/42",
            customer: "customers/42",
            customerDisplayName: "王**",
            tier: "tiers/diamond",
            relationshipManager: "users/rm_zhang",
            relationshipManagerDisplayName: "张经理",
            stage: state.converted ? "STAGE_CONVERTED" : "STAGE_INTERESTED",
            aum: money("8678627"),
            lastActivityTime: "2026-12-05T02:00:00Z",
          },
          { name: "campaigns/c1/targets/43", customer: "customers/43", customerDisplayName: "朱*", holdout: true, stage: "STAGE_NOT_CONTACTED", aum: money("401465") },
        ],
        totalSize: 2,
      });
    if (url.pathname === "/v1/campaigns/c1/activities" && request.method === "POST") {
      state.converted = true;
      return json(200, { name: "campaigns/c1/activities/a1", ...(body as object) });
    }
    if (url.pathname === "/v1/campaigns/c1/targets:assign")
      return json(200, { campaignTargets: [{ name: "campaigns/c1/targets/42", relationshipManager: "users/rm_li" }] });
    if (url.pathname === "/v1/users")
      return json(200, {
        users: [
          { name: "users/rm_li", username: "rm_li", displayName: "李娜", roles: ["roles/relationship_manager"], orgUnit: "orgUnits/0101" },
          { name: "users/rm_far", username: "rm_far", displayName: "远方", roles: ["roles/relationship_manager"], orgUnit: "orgUnits/0200" },
          { name: "users/bm", username: "bm", displayName: "王行长", roles: ["roles/branch_manager"], orgUnit: "orgUnits/0100" },
        ],
      });
    if (url.pathname === "/v1/orgUnits")
      return json(200, {
        orgUnits: [
          { name: "orgUnits/0000", displayName: "总行" },
          { name: "orgUnits/0100", displayName: "北京分行", parent: "orgUnits/0000" },
          { name: "orgUnits/0101", displayName: "北京东城支行", parent: "orgUnits/0100" },
          { name: "orgUnits/0200", displayName: "上海分行", parent: "orgUnits/0000" },
        ],
      });
    return json(200, {});
  };
  return { sent, state };
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.state.converted = false;
});

const targetReads = () => calls.sent.filter((c) => c.method === "GET" && c.path === "/v1/campaigns/c1/targets");

function renderAs(user: Partial<User>, url = "/campaigns/c1/targets") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { username: "x", displayName: "我", ...user } as User);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter initialEntries={[url]}>
            <Routes>
              <Route path="/campaigns/:id/targets" element={<CampaignTargetsPage />} />
            </Routes>
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

const RM = { name: "users/rm_zhang", roles: ["roles/relationship_manager"], orgUnit: "orgUnits/0101", permissions: ["campaigns.read", "campaign_activities.create", "customers.read"] };

describe("CampaignTargetsPage", () => {
  it("shows a relationship manager their own targets as cards, the hold-out greyed with nothing to record", async () => {
    const { container } = renderAs(RM);
    const cards = await screen.findAllByTestId("target-card");
    expect(cards).toHaveLength(2);
    expect(targetReads()[0]?.query.get("filter")).toBe('relationship_manager = "users/me"');
    expect(within(cards[0]!).getByTestId("target-stage").textContent).toBe("有意向");
    expect(cards[0]!.textContent).toContain("¥8,678,627.00");
    expect(cards[0]!.textContent).toContain("2026-12-05 10:00");
    expect(within(cards[0]!).getByTestId("target-customer").getAttribute("href")).toBe("/customers/42");
    expect(within(cards[0]!).getByTestId("target-record")).toBeTruthy();
    expect(within(cards[1]!).getByTestId("target-holdout").textContent).toBe("对照组，请勿联系");
    expect(within(cards[1]!).queryByTestId("target-record")).toBeNull();
    expect(cards[1]!.className).toContain("kam-holdout");
    // no selection nor 分配 without tasks.assign; the views are 我的目标客户 and 对照组
    expect(screen.queryByRole("checkbox")).toBeNull();
    expect(screen.getByTestId("targets-view").textContent).toBe("我的目标客户对照组");
    for (const word of ["STAGE_", "TYPE_", "users/"]) expect(container.textContent).not.toContain(word);
  }, 30_000);

  it("records a conversion with a request id and moves the row along the funnel; a future time is refused first", async () => {
    renderAs(RM);
    const [card] = await screen.findAllByTestId("target-card");
    fireEvent.click(within(card!).getByTestId("target-record"));
    const drawer = await screen.findByRole("dialog");
    expect(drawer.textContent).toContain("记录营销：王**");
    fireEvent.click(within(drawer).getByRole("radio", { name: "拜访" }));
    fireEvent.click(within(drawer).getByRole("radio", { name: "成交" }));
    fireEvent.change(await within(drawer).findByTestId("activity-amount"), { target: { value: "200000" } });
    fireEvent.change(within(drawer).getByTestId("activity-notes"), { target: { value: "客户认购稳健理财" } });

    // later today (the picker offers no later day): refused before anything is sent
    const time = within(drawer).getByLabelText("联系时间") as HTMLInputElement;
    if (dayjs().isBefore(dayjs().hour(23).minute(57))) {
      fireEvent.mouseDown(time);
      fireEvent.change(time, { target: { value: dayjs().format("YYYY-MM-DD 23:59") } });
      fireEvent.keyDown(time, { key: "Enter", code: "Enter" });
      fireEvent.click(within(drawer).getAllByTestId("activity-save").at(-1)!);
      expect(await within(drawer).findByText("联系时间不能晚于现在")).toBeTruthy();
      expect(calls.sent.filter((c) => c.method === "POST")).toHaveLength(0);
    }

    fireEvent.mouseDown(time);
    fireEvent.change(time, { target: { value: dayjs().subtract(1, "hour").format("YYYY-MM-DD HH:mm") } });
    fireEvent.keyDown(time, { key: "Enter", code: "Enter" });
    fireEvent.click(within(drawer).getAllByTestId("activity-save").at(-1)!);
    await waitFor(() => expect(calls.sent.some((c) => c.method === "POST")).toBe(true));
    const post = calls.sent.find((c) => c.method === "POST")!;
    expect(post.path).toBe("/v1/campaigns/c1/activities");
    expect(post.query.get("requestId")).toMatch(/^[0-9a-f-]{36}$/);
    expect(post.body).toMatchObject({
      customer: "customers/42",
      channel: "CHANNEL_VISIT",
      outcome: "OUTCOME_CONVERTED",
      product: "理财",
      notes: "客户认购稳健理财",
      amount: { currencyCode: "CNY", units: "200000", nanos: 0 },
    });
    expect(await screen.findByText("已记录")).toBeTruthy();
    await waitFor(() => expect(within(screen.getAllByTestId("target-card")[0]!).getByTestId("target-stage").textContent).toBe("已成交"));
  }, 30_000);

  it("lets a branch manager pick the unassigned and hand them to a relationship manager of their subtree", async () => {
    renderAs({ name: "users/bm", roles: ["roles/branch_manager"], orgUnit: "orgUnits/0100", permissions: ["campaigns.read", "campaigns.manage", "tasks.assign", "users.read", "org_units.read", "campaign_activities.create"] });
    await screen.findAllByTestId("target-card");
    expect(targetReads()[0]?.query.get("filter")).toBeNull(); // 全部: everything in reach
    fireEvent.click(screen.getByText("待分配"));
    await waitFor(() => expect(targetReads().at(-1)?.query.get("filter")).toBe('relationship_manager = "" AND holdout = false'));
    const [card] = await screen.findAllByTestId("target-card");
    // the held-out customer cannot be picked
    expect(screen.getAllByRole("checkbox")).toHaveLength(1);
    fireEvent.click(within(card!).getByRole("checkbox"));
    const bar = await screen.findByTestId("targets-assign");
    expect(bar.textContent).toContain("已选 1 户");
    fireEvent.mouseDown(within(bar).getByLabelText("分配给"));
    // only the relationship managers of the caller's subtree
    expect(await screen.findByTitle("李娜（rm_li）")).toBeTruthy();
    expect(screen.queryByTitle("远方（rm_far）")).toBeNull();
    expect(screen.queryByTitle("王行长（bm）")).toBeNull();
    fireEvent.click(screen.getByTitle("李娜（rm_li）"));
    fireEvent.click(within(bar).getByTestId("targets-assign-button"));
    await waitFor(() => expect(calls.sent.some((c) => c.path === "/v1/campaigns/c1/targets:assign")).toBe(true));
    expect(calls.sent.find((c) => c.path === "/v1/campaigns/c1/targets:assign")?.body).toEqual({
      parent: "campaigns/c1",
      targets: ["campaigns/c1/targets/42"],
      relationshipManager: "users/rm_li",
    });
    expect(await screen.findByText("已将 1 户分配给 李娜")).toBeTruthy();
  }, 30_000);
});
