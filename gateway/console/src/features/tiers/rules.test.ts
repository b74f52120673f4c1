import { describe, expect, it } from "vitest";

import { describeCondition, migrationMatrix } from "./rules";

const words = {
  metric: (v?: string) => ({ METRIC_ASSETS_UNDER_MANAGEMENT: "资产规模", METRIC_PRODUCT_COUNT: "持有产品数" })[v ?? ""] ?? "?",
  operator: (v?: string) => ({ OPERATOR_GREATER_THAN_OR_EQUAL: "≥", OPERATOR_LESS_THAN: "<" })[v ?? ""] ?? "?",
  and: "且",
  or: "或",
};

describe("describeCondition", () => {
  it("writes nested groups with their joiners and amounts with separators", () => {
    const text = describeCondition(
      {
        match: "MATCH_ALL",
        conditions: [
          { metric: "METRIC_ASSETS_UNDER_MANAGEMENT", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "6000000" },
          {
            match: "MATCH_ANY",
            conditions: [
              { metric: "METRIC_PRODUCT_COUNT", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "3" },
              { metric: "METRIC_ASSETS_UNDER_MANAGEMENT", operator: "OPERATOR_LESS_THAN", value: "1e7" },
            ],
          },
        ],
      },
      words,
      "zh-CN",
    );
    expect(text).toBe("资产规模 ≥ 6,000,000 且 (持有产品数 ≥ 3 或 资产规模 < 10,000,000)");
  });
});

describe("migrationMatrix", () => {
  it("fills every from × to pair, puts no tier last and keeps the given order", () => {
    const m = migrationMatrix(
      [
        { fromTier: "tiers/gold", toTier: "tiers/diamond", customerCount: "3" },
        { fromTier: "", toTier: "tiers/gold", customerCount: "5" },
        { fromTier: "tiers/gold", toTier: "tiers/gold", customerCount: "10" },
      ],
      ["tiers/diamond", "tiers/gold"],
    );
    expect(m.tiers).toEqual(["tiers/diamond", "tiers/gold", ""]);
    expect(m.cells).toHaveLength(9);
    expect(m.cells).toContainEqual([0, 1, 3]); // gold → diamond
    expect(m.cells).toContainEqual([1, 2, 5]); // none → gold
    expect(m.cells).toContainEqual([1, 1, 10]);
    expect(m.cells).toContainEqual([2, 0, 0]);
    expect(m.max).toBe(10);
  });
});
