// 工作效率 against the gateway's answers (stubbed here): this month per org unit asked for, every figure in the
// table in Chinese with one decimal, 本级 marked, and a unit's row drilling down to its people.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import EfficiencyPage from "./EfficiencyPage";

const calls = vi.hoisted(() => {
  const asked: URLSearchParams[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const figures = (assigned: number, completed: number, onTime: number, overdue: number) => ({
    assignedCount: assigned,
    completedCount: completed,
    onTimeCount: onTime,
    overdueCount: overdue,
    onTimePercent: completed ? (onTime * 100) / completed : 0,
    averageCompletionHours: completed ? 146.8333 : 0,
    p90CompletionHours: completed ? 169 : 0,
  });
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const url = new URL((input as Request).url);
    if (url.pathname === "/v1/orgUnits") return json(200, { orgUnits: [] });
    if (url.pathname !== "/v1/workEfficiency") return json(200, {});
    asked.push(url.searchParams);
    const perUnit = url.searchParams.get("groupBy") === "EFFICIENCY_GROUPING_ORG_UNIT";
    return json(200, {
      name: "workEfficiency",
      startDate: { year: 2026, month: 12, day: 1 },
      endDate: { year: 2026, month: 12, day: 31 },
      orgUnit: "orgUnits/0100",
      orgUnitDisplayName: "北京分行",
      cutoffTime: "2026-12-15T01:00:00Z",
      trendGranularity: "TREND_GRANULARITY_DAY",
      trend: [{ startDate: { year: 2026, month: 12, day: 1 }, endDate: { year: 2026, month: 12, day: 1 }, assignedCount: 2 }],
      total: figures(7, 4, 3, 4),
      rows: perUnit
        ? [
            { name: "orgUnits/0100", displayName: "北京分行", subtree: false, figures: figures(1, 1, 1, 0) },
            {
              name: "orgUnits/0101",
              displayName: "东城支行",
              subtree: true,
              figures: figures(4, 3, 2, 1),
              byPriority: [{ priority: "PRIORITY_HIGH", figures: figures(1, 1, 0, 1) }],
            },
            { name: "orgUnits/0102", displayName: "西城支行", subtree: true, figures: figures(2, 0, 0, 3) },
          ]
        : [{ name: "users/rm_dongcheng", displayName: "张伟", orgUnit: "orgUnits/0101", figures: figures(4, 3, 2, 1) }],
    });
  };
  return { asked };
});

afterEach(() => {
  cleanup();
  calls.asked.length = 0;
});

function renderAt(address: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(ME_KEY, { name: "users/bm", username: "bm", displayName: "王强", permissions: ["tasks.read", "org_units.read"] } as User);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <MemoryRouter initialEntries={[address]}>
            <Routes>
              <Route path="/efficiency" element={<EfficiencyPage />} />
            </Routes>
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe("EfficiencyPage", () => {
  it("shows every figure per org unit in Chinese and drills from a unit to its people", async () => {
    const { container } = renderAt("/efficiency?from=2026-12-01&to=2026-12-31&by=orgUnit");
    const table = await screen.findByTestId("efficiency-table");
    await waitFor(() => expect(table.textContent).toContain("东城支行"));
    const first = calls.asked[0];
    expect([first.get("startDate.year"), first.get("startDate.month"), first.get("startDate.day")]).toEqual(["2026", "12", "1"]);
    expect(first.get("endDate.day")).toBe("31");
    expect(first.get("groupBy")).toBe("EFFICIENCY_GROUPING_ORG_UNIT");
    expect(table.textContent).toContain("北京分行（本级）");
    expect(table.textContent).toContain("66.7%"); // 东城: 2 of 3 on time
    expect(table.textContent).toContain("146.8");
    expect(table.textContent).toContain("—"); // 西城 completed nothing
    expect(table.textContent).toContain("合计");
    expect(screen.getByTestId("efficiency-totals").textContent).toContain("75.0%");
    for (const word of ["PRIORITY_", "EFFICIENCY_", "orgUnits/", "users/", "efficiency."]) expect(container.textContent).not.toContain(word);

    const dongcheng = within(table).getAllByTestId("efficiency-drill").find((b) => b.textContent === "东城支行")!;
    fireEvent.click(dongcheng);
    await waitFor(() => expect(calls.asked.some((q) => q.get("groupBy") === "EFFICIENCY_GROUPING_USER")).toBe(true));
    const drilled = calls.asked.find((q) => q.get("groupBy") === "EFFICIENCY_GROUPING_USER")!;
    expect(drilled.get("orgUnit")).toBe("orgUnits/0101");
    await waitFor(() => expect(screen.getByTestId("efficiency-table").textContent).toContain("张伟"));
  }, 30_000);

  it("tells a period too long and asks nothing", async () => {
    renderAt("/efficiency?from=2025-01-01&to=2026-06-30");
    expect((await screen.findByTestId("efficiency-problem")).textContent).toContain("统计期间最长 366 天");
    expect(calls.asked).toHaveLength(0);
  });
});
