import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import type { User } from "@/lib/api/client";
import { ME_KEY } from "@/lib/session";
import { I18nProvider } from "@/locales/i18n";

import { PII_PERMISSION, Pii } from "./Masked";

function renderAs(permissions: string[], ui: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  client.setQueryData<User | null>(ME_KEY, { name: "users/u1", permissions } as User);
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">{ui}</I18nProvider>
    </QueryClientProvider>,
  );
}

afterEach(cleanup);

describe("Pii", () => {
  it("offers 显示 next to a masked value only to a user who may see personal data", () => {
    const unmask = async () => "13812345678";
    renderAs(["customers.read"], <Pii value="138****5678" masked phone unmask={unmask} />);
    expect(screen.getByText(/138\*\*\*\*5678/)).toBeTruthy();
    expect(screen.getByText("已脱敏")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /显示/ })).toBeNull();
    cleanup();

    renderAs([PII_PERMISSION], <Pii value="138****5678" masked phone unmask={unmask} />);
    expect(screen.getByRole("button", { name: /显示/ })).toBeTruthy();
  });

  it("offers nothing for an unmasked value or without a way to unmask", () => {
    renderAs([PII_PERMISSION], <Pii value="138****5678" masked />);
    expect(screen.queryByRole("button", { name: /显示/ })).toBeNull();
    cleanup();
    renderAs([PII_PERMISSION], <Pii value="13812345678" phone unmask={async () => "x"} />);
    expect(screen.queryByRole("button", { name: /显示/ })).toBeNull();
    expect(screen.getByRole("link", { name: "拨打 13812345678" }).getAttribute("href")).toBe("tel:13812345678");
  });

  it("shows the fetched value on click, a phone to tap, and says the view was recorded", async () => {
    let calls = 0;
    const unmask = async () => {
      calls += 1;
      return "13812345678";
    };
    renderAs([PII_PERMISSION], <Pii value="138****5678" masked phone unmask={unmask} />);
    fireEvent.click(screen.getByRole("button", { name: /显示/ }));
    const link = await screen.findByRole("link", { name: "拨打 13812345678" });
    expect(link.getAttribute("href")).toBe("tel:13812345678");
    expect(screen.getByText("已记录查看")).toBeTruthy();
    expect(screen.queryByText("已脱敏")).toBeNull();
    expect(calls).toBe(1);
  });

  it("shows the error when the value cannot be fetched, and keeps the masked value", async () => {
    const unmask = async (): Promise<string> => {
      throw new Error("无权查看未脱敏的个人信息");
    };
    renderAs([PII_PERMISSION], <Pii value="1101**********002X" masked unmask={unmask} />);
    fireEvent.click(screen.getByRole("button", { name: /显示/ }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("显示失败：无权查看未脱敏的个人信息");
    expect(screen.getByText(/1101\*\*\*\*\*\*\*\*\*\*002X/)).toBeTruthy();
    expect(screen.queryByText("已记录查看")).toBeNull();
  });
});
