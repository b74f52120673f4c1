import { describe, expect, it } from "vitest";

import {
  bulletinKey,
  bulletinOf,
  canRetry,
  consentUpdate,
  deliveryFilter,
  deliveryFiltersFromParams,
  deliveryFiltersToParams,
  filledVariables,
  insertVariable,
  linkOf,
  recipientName,
  renderParts,
  renderPreview,
  SAMPLE_VALUES,
  segmentOf,
  stateTone,
  templateOf,
  unknownVariables,
  VARIABLES,
  variablesOf,
  variablesToAsk,
} from "./logic";
import { chooseTab, visibleTabs } from "./tabs";

describe("template preview", () => {
  it("fills the variables from sample values, as the service reads placeholders (spaces inside the braces)", () => {
    expect(renderPreview("尊敬的{{customer_name}}，祝您{{ festival }}快乐！", SAMPLE_VALUES)).toBe("尊敬的张伟，祝您春节快乐！");
    expect(renderPreview(undefined, SAMPLE_VALUES)).toBe("");
    expect(renderPreview("没有变量", {})).toBe("没有变量");
  });

  it("keeps a variable without a value as {{name}} and marks it, so the preview shows what is not filled", () => {
    expect(renderParts("您好{{customer_name}}，{{amount}}已到账", { customer_name: "李娜" })).toEqual([
      { text: "您好" },
      { text: "李娜", variable: "customer_name" },
      { text: "，" },
      { text: "{{amount}}", variable: "amount", missing: true },
      { text: "已到账" },
    ]);
    expect(renderPreview("{{unknown_thing}}", SAMPLE_VALUES)).toBe("{{unknown_thing}}");
  });

  it("has a sample for every variable a template may use", () => {
    for (const v of VARIABLES) expect(SAMPLE_VALUES[v], v).toBeTruthy();
  });

  it("lists the variables used, in order, and the unknown ones", () => {
    expect(variablesOf("{{b}}{{a}}{{ b }}")).toEqual(["b", "a"]);
    expect(unknownVariables("{{customer_name}} {{bonus}} {{amount}} {{vip_level}}")).toEqual(["bonus", "vip_level"]);
    expect(unknownVariables("")).toEqual([]);
  });

  it("inserts a chip's variable at the cursor, or at the end", () => {
    expect(insertVariable("您好，", "customer_name", 2)).toEqual({ text: "您好{{customer_name}}，", cursor: 19 });
    expect(insertVariable("您好", "amount")).toEqual({ text: "您好{{amount}}", cursor: 12 });
    expect(insertVariable(undefined, "date", 5)).toEqual({ text: "{{date}}", cursor: 8 });
  });

  it("asks a sender only for the variables not filled in per customer", () => {
    expect(
      variablesToAsk({ subject: "{{bank_name}}通知", body: "{{salutation}}，您的{{product_name}}将于{{maturity_date}}到期，{{rm_name}}" }),
    ).toEqual(["bank_name", "product_name", "maturity_date"]);
    expect(variablesToAsk(undefined)).toEqual([]);
    expect(filledVariables({ amount: " 100 ", date: "", time: undefined })).toEqual({ amount: "100" });
  });

  it("sends subjects for e-mail only, and keeps the name and etag of the template edited", () => {
    const sms = templateOf({ displayName: " 生日祝福 ", category: "CATEGORY_GREETING", channel: "CHANNEL_SMS", subject: "x", body: "b" });
    expect(sms).toEqual({ displayName: "生日祝福", category: "CATEGORY_GREETING", channel: "CHANNEL_SMS", subject: "", body: "b", enSubject: "", enBody: "" });
    const email = templateOf(
      { displayName: "新闻", category: "CATEGORY_NEWS", channel: "CHANNEL_EMAIL", subject: "s", body: "b", enSubject: "es", enBody: "eb" },
      { name: "templates/t1", etag: "W/1", displayName: "", category: "CATEGORY_NEWS", channel: "CHANNEL_EMAIL", body: "" },
    );
    expect(email).toMatchObject({ name: "templates/t1", etag: "W/1", subject: "s", enSubject: "es", enBody: "eb" });
  });
});

describe("delivery log filters", () => {
  it("builds the AIP-160 filter, quoting names and taking a bare id as a customer's", () => {
    expect(deliveryFilter({})).toBe("");
    expect(deliveryFilter({ state: "STATE_FAILED" })).toBe("state = STATE_FAILED");
    expect(deliveryFilter({ state: "STATE_FAILED", channel: "CHANNEL_SMS", recipient: "C1001" })).toBe(
      'state = STATE_FAILED AND channel = CHANNEL_SMS AND recipient = "customers/C1001"',
    );
    expect(deliveryFilter({ recipient: " users/rm_zhang " })).toBe('recipient = "users/rm_zhang"');
    expect(deliveryFilter({ trigger: "bulletins/b1" })).toBe('trigger = "bulletins/b1"');
    expect(deliveryFilter({ recipient: 'x"y' })).toBe('recipient = "customers/x\\"y"');
    expect(recipientName("  ")).toBeUndefined();
  });

  it("keeps the filters in the address, dropping values that are not states or channels", () => {
    const params = new URLSearchParams("state=STATE_FAILED&channel=CHANNEL_FAX&recipient=customers%2FC1&trigger=bulletins%2Fb1");
    const filters = deliveryFiltersFromParams(params);
    expect(filters).toEqual({ state: "STATE_FAILED", channel: undefined, recipient: "customers/C1", trigger: "bulletins/b1" });
    expect(deliveryFiltersToParams(filters).toString()).toBe("state=STATE_FAILED&recipient=customers%2FC1&trigger=bulletins%2Fb1");
    expect(deliveryFiltersFromParams(new URLSearchParams("state=STATE_NOPE")).state).toBeUndefined();
  });

  it("colours states and retries only a failed delivery", () => {
    expect(stateTone("STATE_FAILED")).toBe("error");
    expect(stateTone("STATE_DELIVERED")).toBe("success");
    expect(stateTone("STATE_SENT")).toBe("success");
    expect(stateTone("STATE_PENDING")).toBe("processing");
    expect(stateTone("STATE_SUPPRESSED")).toBe("warning");
    expect(stateTone(undefined)).toBe("default");
    expect(canRetry({ state: "STATE_FAILED" })).toBe(true);
    expect(canRetry({ state: "STATE_SUPPRESSED" })).toBe(false);
    expect(canRetry(undefined)).toBe(false);
  });

  it("links a recipient or trigger to its page where there is one", () => {
    expect(linkOf("customers/C1")).toBe("/customers/C1");
    expect(linkOf("alerts/a1")).toBe("/alerts/a1");
    expect(linkOf("users/u1")).toBeNull();
    expect(linkOf("bulletins/b1")).toBeNull();
    expect(linkOf(undefined)).toBeNull();
  });
});

describe("bulletins", () => {
  it("sends only the segment lists chosen and the variables filled", () => {
    expect(segmentOf(undefined)).toEqual({});
    expect(segmentOf({ tiers: ["tiers/gold"], orgUnits: [], types: ["PERSONAL"] })).toEqual({ tiers: ["tiers/gold"], types: ["PERSONAL"] });
    expect(
      bulletinOf({ template: "templates/t1", segment: { relationshipManagers: ["users/rm_zhang"] }, variables: { product_name: "稳盈", amount: "" } }),
    ).toEqual({ template: "templates/t1", segment: { relationshipManagers: ["users/rm_zhang"] }, variables: { product_name: "稳盈" } });
  });

  it("tells the same bulletin from a changed one (a preview belongs to what it was asked for)", () => {
    const a = bulletinOf({ template: "templates/t1", segment: { tiers: ["tiers/gold", "tiers/diamond"] }, variables: { a: "1", b: "2" } });
    const same = bulletinOf({ template: "templates/t1", segment: { tiers: ["tiers/diamond", "tiers/gold"] }, variables: { b: "2", a: "1" } });
    const other = bulletinOf({ template: "templates/t1", segment: { tiers: ["tiers/gold"] }, variables: { a: "1", b: "2" } });
    expect(bulletinKey(a)).toBe(bulletinKey(same));
    expect(bulletinKey(a)).not.toBe(bulletinKey(other));
  });
});

describe("consent", () => {
  it("sends the fields that changed as the update mask, with the etag it was read with", () => {
    const current = { name: "customers/C1/consent", etag: "W/3", smsOptIn: false, emailOptIn: true, source: "柜面签署" };
    expect(consentUpdate(current, { smsOptIn: true, emailOptIn: true, source: "柜面签署" })).toEqual({
      consent: { name: "customers/C1/consent", etag: "W/3", smsOptIn: true, emailOptIn: true, source: "柜面签署" },
      mask: "smsOptIn",
    });
    expect(consentUpdate({ name: "customers/C1/consent", etag: "W/0" }, { smsOptIn: false, emailOptIn: false, source: " 短信回复TD退订 " }).mask).toBe("source");
    expect(consentUpdate(current, { smsOptIn: false, emailOptIn: true, source: "柜面签署" }).mask).toBe("");
  });
});

describe("tabs", () => {
  it("shows each tab to who holds its permission, the one asked for when allowed", () => {
    expect(visibleTabs(["notification_templates.read"])).toEqual(["templates"]);
    expect(visibleTabs(["notification_templates.read", "customer_messages.send"])).toEqual(["templates", "bulletin", "bulletins"]);
    expect(visibleTabs(["customer_messages.send"])).toEqual(["bulletin", "bulletins"]);
    expect(visibleTabs(undefined)).toEqual([]);
    expect(chooseTab("bulletins", ["templates", "bulletins"])).toBe("bulletins");
    expect(chooseTab("bulletin", ["templates"])).toBe("templates");
    expect(chooseTab(null, [])).toBeUndefined();
  });
});
