// 客户洞察: the pure helpers, and the card against the gateway's answers (stubbed here).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import { churnLevelTag } from "@/features/reports/logic";
import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { enumLabel, I18nProvider, type Lang } from "@/locales/i18n";
import { enUS } from "@/locales/en-US";
import { zhCN } from "@/locales/zh-CN";


import { factorText, InsightCard, rfmText } from "./InsightCard";

const INSIGHT = {
  name: "customers/c1/insight",
  segment: {
    code: "IMPORTANT_VALUE",
    displayName: "重要价值客户",
    description: "近期有交易、交易频繁、资产居前",
    explanation: "近30天有交易，90天交易28笔，金融资产居前20%",
    scores: "545",
  },
  churnRisk: {
    score: 62,
    level: "LEVEL_HIGH",
    factors: [
      { code: "AUM_DECLINE_90D", points: 10, description: "金融资产较90天前下降33%" },
      { code: "NO_CONTACT_60D", points: 8, description: "60天未联系" },
    ],
  },
  nextBestProduct: {
    product: "WEALTH",
    displayName: "理财",
    explanation: "同时持有定期存款和基金的钻石客户中，72% 持有理财（提升度 1.8）",
    confidence: 0.72,
    lift: 1.8,
  },
  dataTime: "2026-03-04T16:00:00Z",
};

const calls = vi.hoisted(() => {
  const sent: string[] = [];
  const state = { status: 200, body: {} as unknown };
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const path = new URL((input as Request).url).pathname;
    sent.push(path);
    if (path === "/v1/customers/c1/insight") {
      return new Response(JSON.stringify(state.body), { status: state.status, headers: { "content-type": "application/json" } });
    }
    return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
  };
  return { sent, state };
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.state.status = 200;
  calls.state.body = {};
});

function renderAs(permissions: string[], lang: Lang = "zh-CN") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name: "users/x", username: "x", displayName: "X", permissions } as User);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang={lang}>
        <AntApp>
          <MemoryRouter>
            <InsightCard id="c1" />
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe("insight helpers", () => {
  it("colour the churn level 高 red, 中 orange (darkened to pass AA), 低 green, and name it in both languages", () => {
    expect(churnLevelTag("LEVEL_HIGH")).toEqual({ color: "red" });
    expect(churnLevelTag("LEVEL_MEDIUM").color).toBe("orange");
    expect(churnLevelTag("LEVEL_MEDIUM").style?.color).toBe("#ad4e00");
    expect(churnLevelTag("LEVEL_LOW")).toEqual({ color: "green" });
    expect(churnLevelTag("LEVEL_UNSPECIFIED")).toEqual({});
    expect(churnLevelTag(undefined)).toEqual({});
    expect(["LEVEL_HIGH", "LEVEL_MEDIUM", "LEVEL_LOW"].map((l) => enumLabel(zhCN, "churnLevel", l))).toEqual(["高", "中", "低"]);
    expect(["LEVEL_HIGH", "LEVEL_MEDIUM", "LEVEL_LOW"].map((l) => enumLabel(enUS, "churnLevel", l))).toEqual(["High", "Medium", "Low"]);
  });

  it("write a factor as its points and description", () => {
    expect(factorText({ code: "AUM_DECLINE_90D", points: 10, description: "金融资产较90天前下降33%" })).toBe("+10 金融资产较90天前下降33%");
    expect(factorText({ code: "X", points: -5, description: "近期新增理财" })).toBe("−5 近期新增理财");
    expect(factorText({ code: "NO_DESCRIPTION" })).toBe("+0 NO_DESCRIPTION");
  });

  it("read RFM scores aloud", () => {
    expect(rfmText("545")).toBe("R5 F4 M5");
    expect(rfmText("")).toBe("");
    expect(rfmText(undefined)).toBe("");
    expect(rfmText("5-4")).toBe("5-4");
  });
});

describe("InsightCard", () => {
  it("shows the segment, churn risk, next best product and data time; the campaign link for campaigns.manage", async () => {
    calls.state.body = INSIGHT;
    renderAs(["reports.read", "campaigns.manage"]);
    const card = await screen.findByTestId("customer-insight");
    expect(card.textContent).toContain("客户洞察");
    await waitFor(() => expect(screen.getByTestId("insight-segment").textContent).toContain("重要价值客户"));
    expect(screen.getByTestId("insight-segment").textContent).toContain("R5 F4 M5");
    expect(screen.getByTestId("insight-segment").textContent).toContain("近30天有交易");
    const churn = screen.getByTestId("insight-churn");
    expect(churn.textContent).toContain("62 分");
    expect(screen.getByTestId("insight-level").textContent).toBe("高");
    expect(screen.getByTestId("insight-level").className).toContain("ant-tag-red");
    expect(churn.textContent).toContain("+10 金融资产较90天前下降33%");
    expect(churn.textContent).toContain("+8 60天未联系");
    expect(screen.getByTestId("insight-product").textContent).toContain("推荐：理财");
    expect(screen.getByTestId("insight-product").textContent).toContain("72% 持有理财");
    const link = screen.getByTestId("insight-campaign");
    expect(link.textContent).toBe("为此产品发起营销");
    expect(link.getAttribute("href")).toBe("/campaigns/new?product=WEALTH");
    expect(screen.getByTestId("insight-data-time").textContent).toBe("数据截至 2026-03-05 00:00");
  }, 30_000);

  it("leaves out the campaign link without campaigns.manage, and says so when there is no product", async () => {
    calls.state.body = { ...INSIGHT, churnRisk: { ...INSIGHT.churnRisk, level: "LEVEL_MEDIUM" }, nextBestProduct: undefined };
    renderAs(["reports.read"]);
    await waitFor(() => expect(screen.getByTestId("insight-level").textContent).toBe("中"));
    expect(screen.getByTestId("insight-level").style.color).toBe("rgb(173, 78, 0)");
    expect(screen.getByTestId("insight-product").textContent).toContain("暂无推荐产品");
    expect(screen.queryByTestId("insight-campaign")).toBeNull();
  }, 30_000);

  it("hides the campaign link from a reader without campaigns.manage even with a product", async () => {
    calls.state.body = INSIGHT;
    renderAs(["reports.read", "campaigns.read"]);
    await waitFor(() => expect(screen.getByTestId("insight-product").textContent).toContain("推荐：理财"));
    expect(screen.queryByTestId("insight-campaign")).toBeNull();
  }, 30_000);

  it("is a quiet empty state when the customer is not in the analytical store (404), not an error", async () => {
    calls.state.status = 404;
    calls.state.body = { error: { code: 404, status: "NOT_FOUND", message: "客户洞察不存在 (insight not found)" } };
    renderAs(["reports.read"]);
    expect((await screen.findByTestId("insight-empty")).textContent).toContain("暂无洞察");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByTestId("customer-insight").textContent).not.toContain("not found");
  }, 30_000);

  it("shows a retry inside the card on another failure", async () => {
    calls.state.status = 503;
    calls.state.body = { error: { code: 503, status: "UNAVAILABLE", message: "服务不可用 (unavailable)" } };
    renderAs(["reports.read"]);
    expect(await screen.findByText("客户洞察暂时无法加载")).toBeTruthy();
    expect(screen.getByRole("button", { name: /重\s*试/ })).toBeTruthy();
  }, 30_000);

  it("is hidden, and asks nothing, for a caller without reports.read", async () => {
    calls.state.body = INSIGHT;
    renderAs(["customers.read", "campaigns.manage"]);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId("customer-insight")).toBeNull();
    expect(calls.sent).not.toContain("/v1/customers/c1/insight");
  }, 30_000);

  it("shows a loading skeleton first and speaks English in en-US", async () => {
    calls.state.body = INSIGHT;
    const { container } = renderAs(["reports.read", "campaigns.manage"], "en-US");
    expect(container.querySelector(".ant-skeleton")).not.toBeNull();
    await waitFor(() => expect(screen.getByTestId("insight-level").textContent).toBe("High"));
    expect(screen.getByTestId("customer-insight").textContent).toContain("Customer insight");
    expect(screen.getByTestId("insight-churn").textContent).toContain("62 / 100");
    expect(screen.getByTestId("insight-campaign").textContent).toBe("Start a campaign for this product");
    expect(screen.getByTestId("insight-data-time").textContent).toBe("Data as of 2026-03-05 00:00");
  }, 30_000);
});
