import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import { FirstScanBanner } from "./FirstScanBanner";

const FIRST = { name: "scanJobs/1", trigger: "TRIGGER_STARTUP", state: "STATE_RUNNING", progressPercent: 42 };

function renderAt(path: string, job: object | undefined, permissions = ["scans.read"]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData<User | null>(ME_KEY, { name: "users/u1", permissions } as User);
  client.setQueryData(["scanJobs", "latest"], { scanJobs: job ? [job] : [] });
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <MemoryRouter initialEntries={[path]}>
          <FirstScanBanner />
        </MemoryRouter>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

afterEach(cleanup);

describe("FirstScanBanner", () => {
  it("says on every page but the 工作台 that the first scan is still running, with its progress", () => {
    renderAt("/customers", FIRST);
    expect(screen.getByTestId("first-scan-banner").textContent).toContain("首次扫描进行中");
    expect(screen.getByText("42%")).toBeTruthy();
    cleanup();
    renderAt("/", FIRST); // the 工作台 shows its own
    expect(screen.queryByTestId("first-scan-banner")).toBeNull();
  });

  it("says nothing once it has finished, for a later scan, or to whoever may not read scans", () => {
    for (const [job, permissions] of [
      [{ ...FIRST, state: "STATE_SUCCEEDED" }, ["scans.read"]],
      [{ ...FIRST, trigger: "TRIGGER_SCHEDULED" }, ["scans.read"]],
      [undefined, ["scans.read"]],
      [FIRST, ["customers.read"]],
    ] as const) {
      renderAt("/customers", job, [...permissions]);
      expect(screen.queryByTestId("first-scan-banner")).toBeNull();
      cleanup();
    }
  });
});
