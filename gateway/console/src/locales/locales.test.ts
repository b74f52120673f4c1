import { describe, expect, it } from "vitest";

import { enumLabel, lookup } from "./i18n";
import { enUS } from "./en-US";
import { zhCN } from "./zh-CN";

function keys(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe("locales", () => {
  it("have the same keys in zh-CN and en-US", () => {
    expect(keys(enUS).sort()).toEqual(keys(zhCN).sort());
  });

  it("write every zh-CN enum in Chinese, never the English word", () => {
    for (const [domain, table] of Object.entries(zhCN.enums)) {
      for (const [value, label] of Object.entries(table)) {
        // no Latin letters (ATM and POS are what Chinese banks call them too; operators are symbols)
        expect(!/[A-Za-z]/.test(label) || ["ATM", "POS"].includes(label), `${domain}.${value} = ${label}`).toBe(true);
      }
    }
  });

  it("fill placeholders and show an unknown key or enum value as itself", () => {
    expect(lookup(zhCN, "common.total", { count: "1,234" })).toBe("共 1,234 条");
    expect(lookup(zhCN, "no.such.key")).toBe("no.such.key");
    expect(enumLabel(zhCN, "customerType", "TYPE_CORPORATE")).toBe("对公");
    expect(enumLabel(zhCN, "customerType", "TYPE_NEW")).toBe("TYPE_NEW");
  });
});
