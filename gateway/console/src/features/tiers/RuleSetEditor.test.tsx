// The editor against the gateway's answers (its JSON error bodies, as kam_gateway/errors.py writes them); the
// browser journeys in tests/e2e drive it against the real API.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Schemas } from "@/lib/api/client";
import { I18nProvider } from "@/locales/i18n";

import { RuleSetEditor } from "./RuleSetEditor";

const calls = vi.hoisted(() => {
  const sent: { method: string; url: string; body: unknown }[] = [];
  const answers: { status: number; body: unknown }[] = [];
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const request = input as Request;
    const text = await request.clone().text();
    sent.push({ method: request.method, url: request.url, body: text ? JSON.parse(text) : undefined });
    const answer = answers.shift() ?? { status: 200, body: {} };
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "content-type": "application/json" } });
  };
  return { sent, answers };
});

afterEach(() => {
  cleanup();
  calls.sent.length = 0;
  calls.answers.length = 0;
});

const DRAFT: Schemas["kam.customer.v1.TierRuleSet"] = {
  name: "tierRuleSets/d1",
  displayName: "草稿规则",
  customerType: "TYPE_INDIVIDUAL",
  state: "STATE_DRAFT",
  etag: "etag-1",
  downgradeAfterScans: 2,
  rules: [
    {
      tier: "tiers/gold",
      tierDisplayName: "金",
      conditions: [],
      condition: { match: "MATCH_ALL", conditions: [{ metric: "METRIC_ASSETS_UNDER_MANAGEMENT", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "1000000" }] },
    },
    {
      tier: "tiers/silver",
      tierDisplayName: "银",
      conditions: [],
      condition: { match: "MATCH_ALL", conditions: [{ metric: "METRIC_ASSETS_UNDER_MANAGEMENT", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "500000" }] },
    },
  ],
};

function renderEditor(set = DRAFT) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const created = vi.fn();
  render(
    <QueryClientProvider client={client}>
      <I18nProvider lang="zh-CN">
        <AntApp>
          <RuleSetEditor set={set} onCreated={created} />
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
  return { created };
}

const save = () => fireEvent.click(screen.getByRole("button", { name: /保\s*存\s*草\s*稿/ }));

describe("RuleSetEditor", () => {
  it("shows thresholds with separators, reorders and adds tiers, and saves the draft with its etag", async () => {
    renderEditor();
    const value = within(screen.getByTestId("field:rules[1].condition.conditions[0].value")).getByRole("textbox");
    expect((value as HTMLInputElement).value).toBe("500,000");
    fireEvent.click(screen.getByRole("button", { name: "上移 第 2 级" }));
    fireEvent.click(screen.getByRole("button", { name: /添加等级/ }));
    fireEvent.change(screen.getByLabelText("第 3 级 等级代码"), { target: { value: "bronze" } });
    fireEvent.change(screen.getByLabelText("第 3 级 中文名称"), { target: { value: "铜" } });
    const threshold = within(screen.getByTestId("field:rules[2].condition.conditions[0].value")).getByRole("textbox");
    fireEvent.change(threshold, { target: { value: "100,000" } });
    calls.answers.push({ status: 200, body: { ...DRAFT, etag: "etag-2" } });
    save();
    await waitFor(() => expect(calls.sent).toHaveLength(1));
    const { method, url, body } = calls.sent[0];
    expect(method).toBe("PATCH");
    expect(url).toContain("/v1/tierRuleSets/d1?updateMask=display_name%2Crules%2Cdowngrade_after_scans");
    const sent = body as Schemas["kam.customer.v1.TierRuleSet"];
    expect(sent.etag).toBe("etag-1");
    expect(sent.rules.map((r) => r.tier)).toEqual(["tiers/silver", "tiers/gold", "tiers/bronze"]);
    expect(sent.rules[2].condition?.conditions?.[0]).toEqual({ metric: "METRIC_ASSETS_UNDER_MANAGEMENT", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "100000" });
  }, 30_000);

  it("checks the form before sending: a missing name and threshold are marked and nothing is sent", async () => {
    renderEditor();
    fireEvent.change(screen.getByLabelText("第 1 级 中文名称"), { target: { value: "" } });
    fireEvent.change(within(screen.getByTestId("field:rules[1].condition.conditions[0].value")).getByRole("textbox"), { target: { value: "" } });
    save();
    expect(await within(screen.getByTestId("field:rules[0].tier_display_name")).findByText("请输入中文名称")).toBeTruthy();
    expect(within(screen.getByTestId("field:rules[1].condition.conditions[0].value")).getByText("请输入门槛值")).toBeTruthy();
    expect(calls.sent).toHaveLength(0);
  }, 30_000);

  it("puts the API's field violations beside their fields, and says so when someone else changed the draft", async () => {
    renderEditor();
    fireEvent.change(within(screen.getByTestId("field:rules[1].condition.conditions[0].value")).getByRole("textbox"), { target: { value: "50万" } });
    calls.answers.push({
      status: 400,
      body: {
        error: {
          code: 400,
          status: "INVALID_ARGUMENT",
          message: "定级规则无效 (invalid rule set)",
          details: [
            {
              "@type": "type.googleapis.com/google.rpc.BadRequest",
              fieldViolations: [
                { field: "tier_rule_set.rules[1].condition.conditions[0].value", description: "应为十进制数字字符串 (must be a decimal number)" },
                { field: "update_mask", description: "不可修改的字段" },
              ],
            },
          ],
        },
      },
    });
    save();
    const field = screen.getByTestId("field:rules[1].condition.conditions[0].value");
    expect(await within(field).findByText("应为十进制数字字符串")).toBeTruthy();
    expect(screen.getByTestId("rule-editor-error").textContent).toContain("update_mask: 不可修改的字段");
    expect((calls.sent[0].body as Schemas["kam.customer.v1.TierRuleSet"]).rules[1].condition?.conditions?.[0].value).toBe("50万");
    // editing the field takes its message away
    fireEvent.change(within(field).getByRole("textbox"), { target: { value: "500000" } });
    await waitFor(() => expect(within(field).queryByText(/十进制/)).toBeNull());

    calls.answers.push({ status: 409, body: { error: { code: 409, status: "ABORTED", message: "etag mismatch" } } });
    save();
    expect(await screen.findByText("已被他人修改，请刷新")).toBeTruthy();
  }, 30_000);

  it("saves an active rule set's edits as a new draft (create, no etag) and opens it", async () => {
    const { created } = renderEditor({ ...DRAFT, name: "tierRuleSets/a1", state: "STATE_ACTIVE" });
    calls.answers.push({ status: 200, body: { ...DRAFT, name: "tierRuleSets/new" } });
    fireEvent.click(screen.getByRole("button", { name: /另存为新草稿/ }));
    await waitFor(() => expect(created).toHaveBeenCalledWith("tierRuleSets/new"));
    expect(calls.sent[0].method).toBe("POST");
    expect(calls.sent[0].url).toMatch(/\/v1\/tierRuleSets\?requestId=/);
    expect((calls.sent[0].body as { etag?: string }).etag).toBeUndefined();
  }, 30_000);
});
