import { describe, expect, it } from "vitest";

import { filterExpression } from "./api";

describe("filterExpression", () => {
  it("turns an AUM range in 万元 into yuan comparisons", () => {
    expect(filterExpression({ aumMin: 100, aumMax: 2_500.5 })).toBe(
      "metrics.assets_under_management >= 1000000 AND metrics.assets_under_management <= 25005000",
    );
    expect(filterExpression({ keyOnly: true, aumMin: 0 })).toBe("key_customer = true AND metrics.assets_under_management >= 0");
    expect(filterExpression({})).toBe("");
  });
});
