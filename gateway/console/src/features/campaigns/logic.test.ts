import { describe, expect, it } from "vitest";

import { enumLabel } from "@/locales/i18n";
import { enUS } from "@/locales/en-US";
import { zhCN } from "@/locales/zh-CN";

import {
  activityOf,
  afterActivity,
  campaignActions,
  campaignOf,
  CHANNELS,
  checkQuotas,
  editable,
  formatRatio,
  funnelOf,
  liftOf,
  mayAssign,
  mayRecord,
  measureNumber,
  measureOf,
  MEASURES,
  money,
  nextStage,
  occurTimeProblem,
  OUTCOMES,
  type PlanValues,
  planViolations,
  previewRequestOf,
  PRODUCT_TYPES,
  progressPercent,
  quotasOf,
  revisionValue,
  segmentOf,
  STAGES,
  STATES,
  targetFilter,
  targetValue,
  targetViews,
  updateOf,
  valuesOf,
  type Campaign,
} from "./logic";

const PLAN: PlanValues = {
  displayName: " 钻石客户理财交叉销售 ",
  description: "",
  script: "您好，我行新推出稳健型理财……",
  productType: "TYPE_WEALTH",
  measure: "MEASURE_AMOUNT",
  targetAmount: 10_000_000,
  startDate: "2026-12-06",
  endDate: "2027-01-05",
  orgUnits: ["orgUnits/0101", "orgUnits/0102"],
  tiers: ["tiers/diamond"],
  lacks: ["TYPE_WEALTH"],
  minAum: 2_000_000,
  maxAum: null,
  holdoutPercent: 10,
  quotas: { "orgUnits/0101": 6_000_000.5, "orgUnits/0102": undefined },
};

const STORED: Campaign = {
  name: "campaigns/c1",
  etag: "e3",
  state: "STATE_ACTIVE",
  displayName: "钻石客户理财交叉销售",
  description: "",
  script: "您好，我行新推出稳健型理财……",
  productType: "TYPE_WEALTH",
  measure: "MEASURE_AMOUNT",
  targetAmount: { currencyCode: "CNY", units: "10000000", nanos: 0 },
  targetCount: "0",
  orgUnits: ["orgUnits/0101", "orgUnits/0102"],
  startDate: { year: 2026, month: 12, day: 6 },
  endDate: { year: 2027, month: 1, day: 5 },
  segment: { tiers: ["tiers/diamond"], lacks: ["TYPE_WEALTH"], minAum: { currencyCode: "CNY", units: "2000000" }, relationshipManagers: ["staff/E1"] },
  holdoutPercent: 10,
  quotas: [
    { assignee: "orgUnits/0101", amount: { currencyCode: "CNY", units: "6000000", nanos: 500_000_000 }, targetCustomerCount: "12" },
    { assignee: "orgUnits/0102", amount: { currencyCode: "CNY", units: "3999999", nanos: 500_000_000 } },
    { assignee: "users/rm_zhang", amount: { currencyCode: "CNY", units: "1500000" } },
  ],
};

describe("labels", () => {
  it("name every state, product, measure, stage, outcome and channel in both languages, and zh-CN in Chinese", () => {
    const domains = [
      ["campaignState", STATES],
      ["campaignProduct", PRODUCT_TYPES],
      ["campaignMeasure", MEASURES],
      ["campaignStage", STAGES],
      ["campaignOutcome", OUTCOMES],
      ["campaignChannel", CHANNELS],
    ] as const;
    for (const [domain, values] of domains)
      for (const value of values) {
        expect(enumLabel(zhCN, domain, value), `${domain}.${value}`).not.toBe(value);
        expect(enumLabel(enUS, domain, value), `${domain}.${value}`).not.toBe(value);
      }
    expect(PRODUCT_TYPES.map((p) => enumLabel(zhCN, "campaignProduct", p))).toEqual(["理财", "基金", "定期", "信用卡", "贷款", "活期"]);
    expect(STATES.map((s) => enumLabel(zhCN, "campaignState", s))).toEqual(["草稿", "进行中", "已结束", "已取消"]);
    expect(STAGES.map((s) => enumLabel(zhCN, "campaignStage", s))).toEqual(["未联系", "已联系", "有意向", "已拒绝", "已成交"]);
    expect(MEASURES.map((m) => enumLabel(zhCN, "campaignMeasure", m))).toEqual(["金额", "开户数", "触达户数"]);
    expect(CHANNELS.map((c) => enumLabel(zhCN, "campaignChannel", c))).toEqual(["电话", "拜访", "短信/微信", "网点面谈"]);
  });
});

describe("measures", () => {
  it("read an unset measure as an amount and take the target in its measure", () => {
    expect(measureOf({})).toBe("MEASURE_AMOUNT");
    expect(measureOf({ measure: "MEASURE_UNSPECIFIED" })).toBe("MEASURE_AMOUNT");
    expect(targetValue(STORED)).toBe(10_000_000);
    expect(targetValue({ measure: "MEASURE_ACCOUNTS", targetCount: "300", targetAmount: { units: "5" } })).toBe(300);
  });

  it("write amounts in CNY with separators (万元/亿元 compact) and counts with separators", () => {
    expect(measureNumber("MEASURE_AMOUNT", 12_345_678.9, "zh-CN")).toBe("¥12,345,678.90");
    expect(measureNumber("MEASURE_AMOUNT", 12_345_678.9, "zh-CN", true)).toBe("1,234.57万元");
    expect(measureNumber("MEASURE_AMOUNT", 250_000_000, "zh-CN", true)).toBe("2.5亿元");
    expect(measureNumber("MEASURE_ACCOUNTS", 1234, "zh-CN")).toBe("1,234");
    expect(measureNumber("MEASURE_CUSTOMERS_REACHED", 1234, "zh-CN", true)).toBe("1,234");
  });

  it("give ratios as percentages and a bar that stops at 100", () => {
    expect(formatRatio(0.4531, "zh-CN")).toBe("45.3%");
    expect(formatRatio(undefined, "zh-CN")).toBe("0.0%");
    expect(progressPercent(0.4531)).toBe(45.3);
    expect(progressPercent(1.7)).toBe(100);
  });

  it("keep cents exactly in Money", () => {
    expect(money(6_000_000.5)).toEqual({ currencyCode: "CNY", units: "6000000", nanos: 500_000_000 });
    expect(money(0.1 + 0.2)).toEqual({ currencyCode: "CNY", units: "0", nanos: 300_000_000 });
  });
});

describe("the plan", () => {
  it("sends only the segment's conditions given", () => {
    expect(segmentOf(PLAN)).toEqual({ tiers: ["tiers/diamond"], lacks: ["TYPE_WEALTH"], minAum: { currencyCode: "CNY", units: "2000000", nanos: 0 } });
    expect(segmentOf({})).toEqual({});
    // a list handed over (a data-mining report's customers): each once, beside the other conditions
    expect(segmentOf({ tiers: ["tiers/diamond"], customers: ["customers/1", "customers/2", "customers/1"] })).toEqual({ tiers: ["tiers/diamond"], customers: ["customers/1", "customers/2"] });
    expect(segmentOf({ customers: [] })).toEqual({});
    expect(valuesOf({ segment: { customers: ["customers/9"] } } as never).customers).toEqual(["customers/9"]);
    expect(planViolations([{ field: "campaign.segment.customers[3]", description: "应为 customers/{id}" }], []).fields).toEqual([{ name: "customers", errors: ["应为 customers/{id}"] }]);
  });

  it("builds CreateCampaign's campaign: trimmed, dates as google.type.Date, the units' given quotas in their order", () => {
    const c = campaignOf(PLAN);
    expect(c).toMatchObject({
      displayName: "钻石客户理财交叉销售",
      productType: "TYPE_WEALTH",
      measure: "MEASURE_AMOUNT",
      targetAmount: { currencyCode: "CNY", units: "10000000", nanos: 0 },
      targetCount: "0",
      orgUnits: ["orgUnits/0101", "orgUnits/0102"],
      startDate: { year: 2026, month: 12, day: 6 },
      endDate: { year: 2027, month: 1, day: 5 },
      holdoutPercent: 10,
      quotas: [{ assignee: "orgUnits/0101", amount: { currencyCode: "CNY", units: "6000000", nanos: 500_000_000 } }],
    });
    const counted = campaignOf({ ...PLAN, measure: "MEASURE_CUSTOMERS_REACHED", targetCount: 300, quotas: { "orgUnits/0101": 120, "orgUnits/0102": 180 } });
    expect(counted.targetAmount).toBeUndefined();
    expect(counted.targetCount).toBe("300");
    expect(counted.quotas).toEqual([
      { assignee: "orgUnits/0101", count: "120" },
      { assignee: "orgUnits/0102", count: "180" },
    ]);
    // a quota of a unit no longer executing is not sent
    expect(quotasOf({ ...PLAN, orgUnits: ["orgUnits/0102"] }).units).toEqual([]);
  });

  it("reads a stored campaign back into the builder's fields (unit quotas only)", () => {
    const v = valuesOf(STORED);
    expect(v).toMatchObject({
      displayName: "钻石客户理财交叉销售",
      measure: "MEASURE_AMOUNT",
      targetAmount: 10_000_000,
      startDate: "2026-12-06",
      endDate: "2027-01-05",
      tiers: ["tiers/diamond"],
      minAum: 2_000_000,
      relationshipManagers: ["staff/E1"],
      quotas: { "orgUnits/0101": 6_000_000.5, "orgUnits/0102": 3_999_999.5 },
    });
    expect(segmentOf(v)).toEqual({ ...STORED.segment, minAum: { currencyCode: "CNY", units: "2000000", nanos: 0 } });
  });

  it("asks the live count only with an executing unit, with the hold-out bounded and the campaign's name", () => {
    expect(previewRequestOf({ ...PLAN, orgUnits: [] })).toBeNull();
    const r = previewRequestOf({ ...PLAN, holdoutPercent: 80 }, "campaigns/c1");
    expect(r?.campaign).toMatchObject({ name: "campaigns/c1", orgUnits: PLAN.orgUnits, holdoutPercent: 50, segment: segmentOf(PLAN) });
    expect(r?.sampleSize).toBe(10);
  });

  it("updates a draft with every field, a launched campaign with what changed and may change, keeping the managers' quotas", () => {
    const draft = updateOf({ ...STORED, state: "STATE_DRAFT" }, PLAN);
    expect(draft.mask).toContain("segment");
    expect(draft.mask).toHaveLength(13);
    expect(draft.campaign).toMatchObject({ name: "campaigns/c1", etag: "e3" });

    const same = updateOf(STORED, valuesOf(STORED));
    expect(same.mask).toEqual([]);
    const v = { ...valuesOf(STORED), endDate: "2027-01-31", targetAmount: 12_000_000, quotas: { "orgUnits/0101": 7_000_000, "orgUnits/0102": 5_000_000 } };
    const changed = updateOf(STORED, v);
    expect(changed.mask).toEqual(["endDate", "targetAmount", "quotas"]);
    expect(changed.campaign.quotas).toEqual([
      { assignee: "orgUnits/0101", amount: { currencyCode: "CNY", units: "7000000", nanos: 0 } },
      { assignee: "orgUnits/0102", amount: { currencyCode: "CNY", units: "5000000", nanos: 0 } },
      { assignee: "users/rm_zhang", amount: { currencyCode: "CNY", units: "1500000", nanos: 0 } },
    ]);
    expect(changed.quotaUnits).toEqual(["orgUnits/0101", "orgUnits/0102"]);
  });

  it("lets a launched campaign change only its name, texts, end date, target and quotas", () => {
    expect(editable("STATE_DRAFT", "segment")).toBe(true);
    expect(editable(undefined, "orgUnits")).toBe(true);
    expect(editable("STATE_ACTIVE", "endDate")).toBe(true);
    expect(editable("STATE_ACTIVE", "quotas")).toBe(true);
    for (const field of ["segment", "orgUnits", "startDate", "productType", "measure", "holdoutPercent"] as const) expect(editable("STATE_ACTIVE", field)).toBe(false);
    expect(editable("STATE_COMPLETED", "displayName")).toBe(false);
  });
});

describe("quotas", () => {
  it("sum the units' quotas against the target: below is fine, above is not, all given must equal it", () => {
    expect(checkQuotas(PLAN)).toEqual({ sum: 6_000_000.5, given: 1, units: 2, target: 10_000_000 });
    expect(checkQuotas({ ...PLAN, quotas: { "orgUnits/0101": 6_000_000, "orgUnits/0102": 4_000_000.01 } }).problem).toBe("exceeds");
    expect(checkQuotas({ ...PLAN, quotas: { "orgUnits/0101": 6_000_000, "orgUnits/0102": 3_000_000 } }).problem).toBe("mismatch");
    expect(checkQuotas({ ...PLAN, quotas: { "orgUnits/0101": 6_000_000.1, "orgUnits/0102": 3_999_999.9 } }).problem).toBeUndefined();
    expect(checkQuotas({ ...PLAN, measure: "MEASURE_ACCOUNTS", targetCount: 10, quotas: { "orgUnits/0101": 4, "orgUnits/0102": 6 } }).problem).toBeUndefined();
    expect(checkQuotas({ ...PLAN, quotas: {} })).toMatchObject({ sum: 0, given: 0 });
  });
});

describe("actions", () => {
  const manager = { name: "users/hq_leader", permissions: ["campaigns.read", "campaigns.manage", "tasks.assign", "campaign_activities.create"] };
  const rm = { name: "users/rm_zhang", permissions: ["campaigns.read", "campaign_activities.create"] };

  it("follow the service's table: edit and cancel a draft or an active one, launch a draft, complete an active one", () => {
    expect(campaignActions({ state: "STATE_DRAFT" }, manager)).toEqual(["edit", "launch", "cancel"]);
    expect(campaignActions({ state: "STATE_ACTIVE" }, manager)).toEqual(["edit", "complete", "cancel"]);
    expect(campaignActions({ state: "STATE_COMPLETED" }, manager)).toEqual([]);
    expect(campaignActions({ state: "STATE_ACTIVE" }, rm)).toEqual([]);
    expect(campaignActions(undefined, manager)).toEqual([]);
  });

  it("record with targets not held out of an active campaign; assign with tasks.assign", () => {
    expect(mayRecord({ state: "STATE_ACTIVE" }, { holdout: false }, rm)).toBe(true);
    expect(mayRecord({ state: "STATE_ACTIVE" }, { holdout: true }, rm)).toBe(false);
    expect(mayRecord({ state: "STATE_COMPLETED" }, {}, rm)).toBe(false);
    expect(mayRecord({ state: "STATE_ACTIVE" }, {}, { permissions: ["campaigns.read"] })).toBe(false);
    expect(mayAssign({ state: "STATE_ACTIVE" }, manager)).toBe(true);
    expect(mayAssign({ state: "STATE_ACTIVE" }, rm)).toBe(false);
  });
});

describe("violations", () => {
  it("land on the builder's fields: segment conditions, a unit's quota by the index sent, the period", () => {
    const { fields, rest } = planViolations(
      [
        { field: "campaign.segment.min_aum", description: "应为有效金额" },
        { field: "campaign.segment.lacks", description: "不能既持有又未持有同一产品" },
        { field: "campaign.quotas[0].count", description: "不能为负" },
        { field: "campaign.quotas", description: "各机构指标之和应等于活动目标" },
        { field: "campaign.org_units[1]", description: "未知的机构" },
        { field: "campaign.end_date", description: "结束日期已过" },
        { field: "update_mask", description: "不可修改 segment" },
      ],
      ["orgUnits/0102"],
    );
    expect(fields).toEqual([
      { name: "minAum", errors: ["应为有效金额"] },
      { name: "lacks", errors: ["不能既持有又未持有同一产品"] },
      { name: ["quotas", "orgUnits/0102"], errors: ["不能为负"] },
      { name: "quotaSum", errors: ["各机构指标之和应等于活动目标"] },
      { name: "orgUnits", errors: ["未知的机构"] },
      { name: "period", errors: ["结束日期已过"] },
    ]);
    expect(rest).toEqual(["不可修改 segment"]);
  });
});

describe("营销执行", () => {
  it("offers a relationship manager their own targets, one who assigns everything, the unassigned and the hold-out", () => {
    expect(targetViews(["campaigns.read", "campaign_activities.create"])).toEqual(["mine", "holdout"]);
    expect(targetViews(["campaigns.read", "tasks.assign"])).toEqual(["all", "unassigned", "mine", "holdout"]);
    expect(targetFilter("mine")).toBe('relationship_manager = "users/me"');
    expect(targetFilter("unassigned", "STAGE_NOT_CONTACTED")).toBe('relationship_manager = "" AND holdout = false AND stage = STAGE_NOT_CONTACTED');
    expect(targetFilter("holdout")).toBe("holdout = true");
    expect(targetFilter("all")).toBe("");
  });

  it("moves a customer along the funnel as the service does", () => {
    expect(nextStage("STAGE_NOT_CONTACTED", "OUTCOME_CONTACTED")).toBe("STAGE_CONTACTED");
    expect(nextStage(undefined, "OUTCOME_INTERESTED")).toBe("STAGE_INTERESTED");
    expect(nextStage("STAGE_INTERESTED", "OUTCOME_CONTACTED")).toBe("STAGE_INTERESTED");
    expect(nextStage("STAGE_DECLINED", "OUTCOME_INTERESTED")).toBe("STAGE_INTERESTED");
    expect(nextStage("STAGE_INTERESTED", "OUTCOME_DECLINED")).toBe("STAGE_DECLINED");
    expect(nextStage("STAGE_CONVERTED", "OUTCOME_DECLINED")).toBe("STAGE_CONVERTED");
    expect(nextStage("STAGE_CONTACTED", "OUTCOME_CONVERTED")).toBe("STAGE_CONVERTED");
  });

  it("updates a row at once: stage, last contact, converted amount", () => {
    const target = { name: "campaigns/c1/targets/42", stage: "STAGE_INTERESTED" as const, lastActivityTime: "2026-12-07T01:00:00Z", convertedAmount: money(100) };
    const after = afterActivity(target, { customer: "customers/42", outcome: "OUTCOME_CONVERTED", occurTime: "2026-12-08T02:00:00Z", amount: money(200_000) });
    expect(after).toMatchObject({ stage: "STAGE_CONVERTED", lastActivityTime: "2026-12-08T02:00:00Z", convertedAmount: money(200_100) });
    const earlier = afterActivity(target, { customer: "customers/42", outcome: "OUTCOME_CONTACTED", occurTime: "2026-12-01T02:00:00Z" });
    expect(earlier.lastActivityTime).toBe("2026-12-07T01:00:00Z");
  });

  it("sends an activity with the amount only for a conversion and an untouched time as its minute", () => {
    const opened = new Date("2026-12-08T02:03:45Z");
    const base = { channel: "CHANNEL_VISIT" as const, product: " 稳健理财 ", notes: " 客户有意向 ", occurTime: new Date("2026-12-08T02:03:59Z"), amount: 50_000 };
    expect(activityOf("customers/42", { ...base, outcome: "OUTCOME_INTERESTED" }, opened)).toEqual({
      customer: "customers/42",
      channel: "CHANNEL_VISIT",
      outcome: "OUTCOME_INTERESTED",
      product: "稳健理财",
      notes: "客户有意向",
      occurTime: "2026-12-08T02:03:00.000Z",
    });
    const sold = activityOf("customers/42", { ...base, outcome: "OUTCOME_CONVERTED", occurTime: new Date("2026-12-07T09:30:00Z") }, opened);
    expect(sold.amount).toEqual(money(50_000));
    expect(sold.occurTime).toBe("2026-12-07T09:30:00.000Z");
  });

  it("refuses a contact time missing, in the future or before the campaign", () => {
    const now = new Date("2026-12-08T02:00:00Z");
    expect(occurTimeProblem(null, now)).toBe("required");
    expect(occurTimeProblem(new Date("2026-12-08T03:00:00Z"), now)).toBe("future");
    expect(occurTimeProblem(new Date("2026-12-05T15:00:00Z"), now, "2026-12-06")).toBe("beforeStart"); // 23:00 in Beijing on the 5th
    expect(occurTimeProblem(new Date("2026-12-05T16:30:00Z"), now, "2026-12-06")).toBeUndefined(); // 00:30 on the 6th
  });
});

describe("营销成果", () => {
  it("builds the funnel (interested counts those who got that far) with declined beside it", () => {
    const f = funnelOf({ targetCustomerCount: "100", reachedCount: "40", interestedCount: "12", convertedCount: "5", declinedCount: "8" });
    expect(f.steps.map((s) => s.value)).toEqual([100, 40, 17, 5]);
    expect(f.declined).toBe(8);
  });

  it("gives the lift in points, or none without a hold-out", () => {
    expect(liftOf({ holdoutCustomerCount: "0", liftPoints: 0 }, "zh-CN")).toBeNull();
    expect(liftOf({ holdoutCustomerCount: "10", treatedConversionRate: 0.125, holdoutConversionRate: 0.1, liftPoints: 2.5 }, "zh-CN")).toEqual({
      treated: "12.5%",
      holdout: "10.0%",
      points: "+2.5",
    });
    expect(liftOf({ holdoutCustomerCount: "10", liftPoints: -1.25 }, "zh-CN")?.points).toBe("-1.3");
  });

  it("writes revisions' values as read", () => {
    expect(revisionValue("target_amount", "12000000.00", "zh-CN")).toBe("¥12,000,000.00");
    expect(revisionValue("target_count", "1200", "zh-CN")).toBe("1,200");
    expect(revisionValue("end_date", "2027-01-31", "zh-CN")).toBe("2027-01-31");
    expect(revisionValue("display_name", "", "zh-CN")).toBe("");
  });
});
