import { describe, expect, it } from "vitest";

import type { Schemas } from "@/lib/api/client";

import {
  addTier,
  check,
  type CheckWords,
  fieldPaths,
  fromProto,
  groupDigits,
  metricsFor,
  moveChild,
  moveTier,
  plainValue,
  removeTier,
  replaceChild,
  rulesToProto,
  unplaced,
  updateTier,
  violationPath,
  violationProblems,
} from "./editor";

type RuleSet = Schemas["kam.customer.v1.TierRuleSet"];

const SET: RuleSet = {
  name: "tierRuleSets/r1",
  displayName: "2026年对私定级规则",
  customerType: "TYPE_INDIVIDUAL",
  downgradeAfterScans: 3,
  etag: "e1",
  rules: [
    {
      tier: "tiers/diamond",
      tierDisplayName: "钻石",
      tierDisplayNameEn: "Diamond",
      conditions: [],
      condition: {
        match: "MATCH_ALL",
        conditions: [
          { metric: "METRIC_ASSETS_UNDER_MANAGEMENT", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "6000000" },
          {
            match: "MATCH_ANY",
            conditions: [
              { metric: "METRIC_CONTRIBUTION", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "1000.5" },
              { metric: "METRIC_PRODUCT_COUNT", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "3" },
            ],
          },
        ],
      },
    },
    // the original AND-only form, no `condition`
    { tier: "tiers/gold", tierDisplayName: "金", conditions: [{ metric: "METRIC_AVERAGE_DAILY_BALANCE", operator: "OPERATOR_GREATER_THAN", value: "500000" }] },
    // a lone comparison as the condition
    { tier: "tiers/silver", tierDisplayName: "银", conditions: [], condition: { metric: "METRIC_TENURE_MONTHS", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "24" } },
  ],
};

const WORDS: CheckWords = {
  required: (f) => `请输入${f}`,
  tierId: "代码格式",
  duplicate: "重复",
  noTiers: "无等级",
  noConditions: "无条件",
  tierField: "等级代码",
  nameField: "中文名称",
  valueField: "门槛值",
  metricField: "指标",
  operatorField: "比较",
};

describe("the rule-set editor's model", () => {
  it("reads every rule form and writes the API's JSON back (condition groups, thresholds without separators)", () => {
    const draft = fromProto(SET);
    expect(draft.displayName).toBe("2026年对私定级规则");
    expect(draft.downgradeAfterScans).toBe(3);
    expect(draft.rules.map((r) => r.tier)).toEqual(["diamond", "gold", "silver"]);
    // thresholds shown with thousands separators
    const first = draft.rules[0].condition.conditions[0];
    expect(first).toMatchObject({ kind: "comparison", value: "6,000,000" });
    expect(rulesToProto(draft)).toEqual([
      {
        tier: "tiers/diamond",
        tierDisplayName: "钻石",
        tierDisplayNameEn: "Diamond",
        conditions: [],
        condition: SET.rules[0].condition,
      },
      {
        tier: "tiers/gold",
        tierDisplayName: "金",
        tierDisplayNameEn: "",
        conditions: [],
        condition: { match: "MATCH_ALL", conditions: [{ metric: "METRIC_AVERAGE_DAILY_BALANCE", operator: "OPERATOR_GREATER_THAN", value: "500000" }] },
      },
      {
        tier: "tiers/silver",
        tierDisplayName: "银",
        tierDisplayNameEn: "",
        conditions: [],
        condition: { match: "MATCH_ALL", conditions: [{ metric: "METRIC_TENURE_MONTHS", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "24" }] },
      },
    ]);
  });

  it("adds, removes and reorders tiers and conditions, and sends them in the new order", () => {
    let draft = fromProto(SET);
    draft = moveTier(draft, 2, -1); // silver above gold
    expect(draft.rules.map((r) => r.tier)).toEqual(["diamond", "silver", "gold"]);
    expect(moveTier(draft, 0, -1)).toBe(draft); // the first cannot go up
    expect(moveTier(draft, 2, 1)).toBe(draft); // nor the last down
    draft = addTier(draft);
    draft = updateTier(draft, 3, { tier: "bronze", nameZh: "铜" });
    const bronze = draft.rules[3].condition;
    draft = updateTier(draft, 3, { condition: replaceChild(bronze, 0, { kind: "comparison", metric: "METRIC_LOAN_BALANCE", operator: "OPERATOR_LESS_THAN", value: "1,000,000" }) });
    draft = removeTier(draft, 0);
    const diamondless = rulesToProto(draft);
    expect(diamondless.map((r) => r.tier)).toEqual(["tiers/silver", "tiers/gold", "tiers/bronze"]);
    expect(diamondless[2].condition).toEqual({
      match: "MATCH_ALL",
      conditions: [{ metric: "METRIC_LOAN_BALANCE", operator: "OPERATOR_LESS_THAN", value: "1000000" }],
    });
    // the keys follow the tiers (React keeps each card's state with its tier)
    expect(new Set(draft.rules.map((r) => r.key)).size).toBe(3);

    const group = fromProto(SET).rules[0].condition;
    const swapped = moveChild(group, 0, 1);
    expect(swapped.conditions.map((c) => c.kind)).toEqual(["group", "comparison"]);
    expect(replaceChild(group, 1, undefined).conditions).toHaveLength(1);
  });

  it("formats thresholds and sends only digits, leaving what is not a number for the API to judge", () => {
    expect(groupDigits("6000000")).toBe("6,000,000");
    expect(groupDigits("1234567.25")).toBe("1,234,567.25");
    expect(groupDigits("-1500")).toBe("-1,500");
    expect(groupDigits("600万")).toBe("600万");
    expect(plainValue("6,000,000")).toBe("6000000");
    expect(plainValue(" 600万 ")).toBe("600万");
  });

  it("offers group figures only to rule sets for companies", () => {
    expect(metricsFor("TYPE_INDIVIDUAL")).not.toContain("METRIC_CONSOLIDATED_AUM");
    expect(metricsFor("TYPE_CORPORATE")).toContain("METRIC_CONSOLIDATED_AUM");
  });

  it("checks what is missing, the tier code's form and duplicates before sending", () => {
    let draft = fromProto(SET);
    expect(check(draft, WORDS)).toEqual({});
    draft = updateTier(draft, 1, { tier: "diamond", nameZh: " " });
    draft = addTier(draft);
    draft = updateTier(draft, 3, { tier: "Bad!" });
    const group = draft.rules[0].condition;
    draft = updateTier(draft, 0, { condition: replaceChild(group, 0, { kind: "comparison", value: "" }) });
    expect(check({ ...draft, displayName: "" }, WORDS)).toEqual({
      display_name: ["请输入中文名称"],
      "rules[1].tier": ["重复"],
      "rules[1].tier_display_name": ["请输入中文名称"],
      "rules[3].tier": ["代码格式"],
      "rules[3].tier_display_name": ["请输入中文名称"],
      "rules[3].condition.conditions[0].value": ["请输入门槛值"],
      "rules[0].condition.conditions[0].metric": ["请输入指标"],
      "rules[0].condition.conditions[0].operator": ["请输入比较"],
      "rules[0].condition.conditions[0].value": ["请输入门槛值"],
    });
    expect(check({ ...draft, rules: [] }, WORDS).rules).toEqual(["无等级"]);
  });
});

describe("the API's field violations on the form", () => {
  it("maps violation paths to the form's field paths", () => {
    expect(violationPath("tier_rule_set.rules[2].condition.conditions[0].value")).toBe("rules[2].condition.conditions[0].value");
    expect(violationPath("tier_rule_set.rules[2].conditions[0].threshold")).toBe("rules[2].condition.conditions[0].value");
    expect(violationPath("tierRuleSet.rules[0].tierDisplayName")).toBe("rules[0].tier_display_name");
    expect(violationPath("tier_rule_set.rules[1].condition.conditions[1].conditions[0].operator")).toBe(
      "rules[1].condition.conditions[1].conditions[0].operator",
    );
    expect(violationPath("tier_rule_set.downgrade_after_scans")).toBe("downgrade_after_scans");
  });

  it("places the violations the form shows and summarises the rest", () => {
    const draft = fromProto(SET);
    const problems = violationProblems([
      { field: "tier_rule_set.rules[0].condition.conditions[1].conditions[0].value", description: "应为十进制数字字符串" },
      { field: "tier_rule_set.rules[0].condition.conditions[1].conditions[0].value", description: "第二条" },
      { field: "tier_rule_set.rules[1].tier", description: "等级不在目录中" },
      { field: "update_mask", description: "不可修改" },
      { field: "tier_rule_set.rules[7].tier", description: "没有这一级" },
    ]);
    expect(problems["rules[0].condition.conditions[1].conditions[0].value"]).toEqual(["应为十进制数字字符串", "第二条"]);
    const shown = fieldPaths(draft);
    expect(shown.has("rules[0].condition.conditions[1].conditions[0].value")).toBe(true);
    expect(shown.has("rules[1].tier")).toBe(true);
    expect(unplaced(problems, shown)).toEqual(["update_mask: 不可修改", "rules[7].tier: 没有这一级"]);
  });
});
