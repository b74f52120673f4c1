import { describe, expect, it } from "vitest";

import { lookup } from "@/locales/i18n";
import { enUS } from "@/locales/en-US";
import { zhCN } from "@/locales/zh-CN";

import {
  base64Bytes,
  CHART_ROWS,
  columnTitle,
  compareCells,
  defaultValues,
  drillReport,
  drillTarget,
  reportCustomers,
  formatCell,
  formProblems,
  GROUPS,
  kindFromParam,
  kindParam,
  KINDS,
  labelIndex,
  listFilter,
  parameterSummary,
  presetOf,
  presetPeriod,
  type Report,
  type ReportColumn,
  reportCharts,
  reportFromValues,
  reportPath,
  SPECS,
  trailAfterDrill,
  trailAfterRerun,
  trailFromParam,
  valuesFromReport,
  violationPath,
} from "./logic";

const zh = { t: (key: string, vars?: Record<string, string | number>) => lookup(zhCN, key, vars), lang: "zh-CN" as const };
const en = { t: (key: string, vars?: Record<string, string | number>) => lookup(enUS, key, vars), lang: "en-US" as const };
const PERIOD = { startDate: { year: 2026, month: 1, day: 1 }, endDate: { year: 2026, month: 3, day: 31 } };

const col = (key: string, displayName: string, type: ReportColumn["type"]): ReportColumn => ({ key, displayName, type });

const REGIONAL: Report = {
  name: "reports/r1",
  kind: "REPORT_KIND_REGIONAL_SALES",
  state: "STATE_SUCCEEDED",
  parameters: { ...PERIOD, dimension: "org_unit", relationshipManagers: ["users/old"], tiers: ["tiers/gold"] },
  columns: [
    col("label", "机构", "TYPE_STRING"),
    col("customer_count", "客户数", "TYPE_INTEGER"),
    col("deposits", "存款余额(元)", "TYPE_MONEY"),
    col("assets_under_management", "金融资产(元)", "TYPE_MONEY"),
    col("loans", "贷款余额(元)", "TYPE_MONEY"),
    col("aum_growth_rate", "增长率", "TYPE_PERCENT"),
  ],
  rows: [
    { values: ["北京分行", 120, "1234567.89", "5000000.00", "300000.00", 12.5], drillDown: "orgUnits/0100" },
    { values: ["上海分行", 80, "234567.00", "4000000.00", "0", null], drillDown: "orgUnits/0200" },
  ],
  totals: { values: ["合计", 200, "1469134.89", "9000000.00", "300000.00", 10] },
};

describe("the catalogue", () => {
  it("groups every kind once, each with a name and description in both languages", () => {
    expect(GROUPS.map((g) => g.kinds.length)).toEqual([2, 2, 3, 4, 3]);
    expect(new Set(KINDS).size).toBe(14);
    for (const kind of KINDS) {
      for (const messages of [zhCN, enUS]) {
        expect(lookup(messages, `reports.kinds.${kindParam(kind)}.name`)).not.toContain("reports.");
        expect(lookup(messages, `reports.kinds.${kindParam(kind)}.desc`)).not.toContain("reports.");
      }
      for (const d of SPECS[kind].dimensions) expect(lookup(zhCN, `reports.dim.${d}`)).not.toContain("reports.");
    }
  });

  it("reads a kind from the address in its short or full form, and nothing else", () => {
    expect(kindFromParam("REGIONAL_SALES")).toBe("REPORT_KIND_REGIONAL_SALES");
    expect(kindFromParam("REPORT_KIND_TOP_CUSTOMERS")).toBe("REPORT_KIND_TOP_CUSTOMERS");
    expect(kindFromParam("UNSPECIFIED")).toBeUndefined();
    expect(kindFromParam("nonsense")).toBeUndefined();
    expect(kindFromParam(null)).toBeUndefined();
  });

  it("filters 我的报表 by kind and state", () => {
    expect(listFilter()).toBe("");
    expect(listFilter("REPORT_KIND_CROSS_SELLING")).toBe("kind = REPORT_KIND_CROSS_SELLING");
    expect(listFilter("REPORT_KIND_CROSS_SELLING", "STATE_FAILED")).toBe("kind = REPORT_KIND_CROSS_SELLING AND state = STATE_FAILED");
  });
});

describe("the period", () => {
  it("has presets up to today: this month, quarter, year, and the last twelve whole months", () => {
    expect(presetPeriod("thisMonth", "2026-05-20")).toEqual({ start: "2026-05-01", end: "2026-05-20" });
    expect(presetPeriod("thisQuarter", "2026-05-20")).toEqual({ start: "2026-04-01", end: "2026-05-20" });
    expect(presetPeriod("thisYear", "2026-05-20")).toEqual({ start: "2026-01-01", end: "2026-05-20" });
    expect(presetPeriod("last12Months", "2026-05-20")).toEqual({ start: "2025-06-01", end: "2026-05-20" });
    expect(presetPeriod("last12Months", "2026-12-31")).toEqual({ start: "2026-01-01", end: "2026-12-31" });
    expect(presetOf({ start: "2026-04-01", end: "2026-05-20" }, "2026-05-20")).toBe("thisQuarter");
    expect(presetOf({ start: "2026-04-02", end: "2026-05-20" }, "2026-05-20")).toBeUndefined();
  });

  it("refuses an end before the start and a top N out of range", () => {
    const v = { ...defaultValues("REPORT_KIND_TOP_CUSTOMERS", "2026-05-20"), start: "2026-05-10", end: "2026-05-01", topN: 501 };
    const problems = formProblems(v, zh.t);
    expect(problems["parameters.endDate"]).toEqual(["结束日期不能早于开始日期"]);
    expect(problems["parameters.topN"]).toEqual(["排名数量须为 1 至 500 之间的整数"]);
    expect(formProblems({ ...v, end: "2026-05-10", topN: 20 }, zh.t)).toEqual({});
    // a kind without top N does not check it
    expect(formProblems({ ...v, kind: "REPORT_KIND_REGIONAL_SALES", end: "2026-05-10", topN: 0 }, zh.t)).toEqual({});
  });
});

describe("the form and the request", () => {
  it("sends only the conditions the kind takes, the dimension and top N where it has them", () => {
    const v = {
      ...defaultValues("REPORT_KIND_TIER_DISTRIBUTION", "2026-05-20"),
      orgUnits: ["orgUnits/0100"],
      tiers: ["tiers/gold"], // 等级分布 does not take tiers
      customerTypes: ["TYPE_CORPORATE" as const],
      dimension: "org_unit",
    };
    expect(reportFromValues(v)).toEqual({
      kind: "REPORT_KIND_TIER_DISTRIBUTION",
      parameters: {
        startDate: { year: 2026, month: 1, day: 1 },
        endDate: { year: 2026, month: 5, day: 20 },
        orgUnits: ["orgUnits/0100"],
        customerTypes: ["TYPE_CORPORATE"],
        dimension: "org_unit",
      },
    });
    const top = reportFromValues({ ...defaultValues("REPORT_KIND_TOP_CUSTOMERS", "2026-05-20"), displayName: "  前50名 ", topN: 50 });
    expect(top.displayName).toBe("前50名");
    expect(top.parameters).toMatchObject({ dimension: "assets", topN: 50 });
    expect(reportFromValues(defaultValues("REPORT_KIND_WORK_EFFICIENCY", "2026-05-20")).parameters).not.toHaveProperty("dimension");
  });

  it("fills the form from a stored report, keeping a drill's relationship managers", () => {
    const v = valuesFromReport({ ...REGIONAL, displayName: "一季度" }, "2026-05-20");
    expect(v).toMatchObject({
      kind: "REPORT_KIND_REGIONAL_SALES",
      displayName: "一季度",
      start: "2026-01-01",
      end: "2026-03-31",
      tiers: ["tiers/gold"],
      relationshipManagers: ["users/old"],
      dimension: "org_unit",
    });
    // another kind: its own default grouping and no title
    const other = valuesFromReport({ ...REGIONAL, displayName: "一季度" }, "2026-05-20", "REPORT_KIND_SALES_SUMMARY");
    expect(other).toMatchObject({ kind: "REPORT_KIND_SALES_SUMMARY", displayName: "", dimension: "product" });
  });

  it("places the API's violations on the form's paths", () => {
    expect(violationPath("report.parameters.end_date")).toBe("parameters.endDate");
    expect(violationPath("parameters.org_units[1]")).toBe("parameters.orgUnits");
    expect(violationPath("report.display_name")).toBe("displayName");
    expect(violationPath("parameters.top_n")).toBe("parameters.topN");
  });

  it("sums the conditions up in Chinese", () => {
    const summary = parameterSummary(REGIONAL, {
      t: zh.t,
      orgUnit: (n) => n,
      tier: (n) => (n === "tiers/gold" ? "金卡" : n),
      customerType: (c) => c,
    });
    expect(summary).toEqual([
      { label: "统计期间", text: "2026-01-01 ~ 2026-03-31" },
      { label: "机构", text: "全部（本人权限范围）" },
      { label: "客户经理", text: "old" },
      { label: "客户等级", text: "金卡" },
      { label: "统计维度", text: "按机构" },
    ]);
    const top = parameterSummary({ kind: "REPORT_KIND_TOP_CUSTOMERS", parameters: { ...PERIOD, products: ["WEALTH"] } }, {
      t: zh.t,
      orgUnit: (n) => n,
      tier: (n) => n,
      customerType: (c) => c,
    });
    expect(top.map((s) => s.text)).toEqual(["2026-01-01 ~ 2026-03-31", "全部（本人权限范围）", "理财", "按金融资产", "20"]);
  });
});

describe("cells", () => {
  const money = col("deposits", "存款", "TYPE_MONEY");
  it("formats money with thousands separators, percentages, counts and empty cells", () => {
    expect(formatCell("1234567.89", money, zh)).toBe("¥1,234,567.89");
    expect(formatCell("-5000", money, zh)).toBe("-¥5,000.00");
    expect(formatCell(12.5, col("r", "率", "TYPE_PERCENT"), zh)).toBe("12.5%");
    expect(formatCell("12345", col("n", "数", "TYPE_INTEGER"), zh)).toBe("12,345");
    expect(formatCell(null, money, zh)).toBe("—");
    expect(formatCell("2026-03-31", col("d", "日期", "TYPE_DATE"), zh)).toBe("2026-03-31");
  });

  it("shows rank moves with arrows and a newcomer as 新上榜, customer types by name", () => {
    const change = col("rank_change", "名次变化", "TYPE_INTEGER");
    expect(formatCell(2, change, zh)).toBe("↑2");
    expect(formatCell(-1, change, zh)).toBe("↓1");
    expect(formatCell(null, change, zh)).toBe("新上榜");
    expect(formatCell(null, change, en)).toBe("New");
    expect(formatCell("TYPE_CORPORATE", col("customer_type", "类型", "TYPE_STRING"), zh)).toBe("对公");
    expect(formatCell("个人", col("customer_type", "类型", "TYPE_STRING"), zh)).toBe("个人");
  });

  it("sorts numbers by value (money strings too), empty cells last, text as Chinese", () => {
    const values = ["100.5", null, "99", "-3"];
    expect([...values].sort((a, b) => compareCells(a, b, "TYPE_MONEY"))).toEqual(["-3", "99", "100.5", null]);
    expect(compareCells("北京", "上海", "TYPE_STRING")).not.toBe(0);
    expect(compareCells("", "上海", "TYPE_STRING")).toBe(1);
  });

  it("titles a column with the service's header, or in English the console's translation of its key", () => {
    expect(columnTitle(money, zh)).toBe("存款");
    expect(columnTitle(money, en)).toBe("Deposits");
    expect(columnTitle(col("mystery", "神秘", "TYPE_STRING"), en)).toBe("神秘");
  });

  it("takes `label` as the row's name, else the first text column", () => {
    expect(labelIndex(REGIONAL.columns!)).toBe(0);
    expect(labelIndex([col("n", "数", "TYPE_INTEGER"), col("name", "名称", "TYPE_STRING")])).toBe(1);
  });

  it("decodes the export's base64, standard or URL-safe", () => {
    expect([...base64Bytes("77u/YSxi")]).toEqual([0xef, 0xbb, 0xbf, 0x61, 0x2c, 0x62]);
    expect([...base64Bytes("-_8")]).toEqual([0xfb, 0xff]);
  });
});

describe("drill-down", () => {
  it("asks the same report for an org unit, one level down", () => {
    expect(drillTarget(REGIONAL, "orgUnits/0100")).toEqual({
      to: "report",
      kind: "REPORT_KIND_REGIONAL_SALES",
      parameters: { ...PERIOD, tiers: ["tiers/gold"], orgUnits: ["orgUnits/0100"], dimension: "org_unit" },
    });
  });

  it("asks for a relationship manager's customers", () => {
    for (const rm of ["users/rm_zhang", "staff/S001"]) {
      const target = drillTarget({ ...REGIONAL, kind: "REPORT_KIND_DEPOSIT_ANALYSIS" }, rm);
      expect(target).toMatchObject({ to: "report", kind: "REPORT_KIND_DEPOSIT_ANALYSIS", parameters: { relationshipManagers: [rm], dimension: "customer" } });
    }
    const top: Report = { kind: "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS", parameters: { ...PERIOD, topN: 10, orgUnits: ["orgUnits/0100"] } };
    const target = drillTarget(top, "users/rm_zhang");
    expect(target).toEqual({
      to: "report",
      kind: "REPORT_KIND_REGIONAL_SALES",
      parameters: { ...PERIOD, orgUnits: ["orgUnits/0100"], relationshipManagers: ["users/rm_zhang"], dimension: "customer" },
    });
    expect(drillReport(target as Extract<typeof target, { to: "report" }>, "张伟", zh.t).displayName).toBe("地区销售额统计 · 张伟");
  });

  it("opens a customer's 360 page, keeps a generic report's grouping, and has nothing for a row without a next level", () => {
    expect(drillTarget(REGIONAL, "customers/42")).toEqual({ to: "customer", id: "42" });
    const efficiency: Report = { kind: "REPORT_KIND_WORK_EFFICIENCY", parameters: { ...PERIOD, dimension: "" } };
    expect(drillTarget(efficiency, "orgUnits/0101")).toMatchObject({ kind: "REPORT_KIND_WORK_EFFICIENCY", parameters: { dimension: "", orgUnits: ["orgUnits/0101"] } });
    expect(drillTarget(REGIONAL, "")).toBeUndefined();
    expect(drillTarget(REGIONAL, undefined)).toBeUndefined();
    expect(drillTarget(REGIONAL, "tiers/gold")).toBeUndefined();
  });

  it("keeps the drill path in the address and goes back up along it", () => {
    const root = { id: "r1", label: "地区销售额统计" };
    const first = trailAfterDrill([], root, { id: "r2", label: "北京分行" });
    expect(first).toEqual([root, { id: "r2", label: "北京分行" }]);
    const second = trailAfterDrill(first, { id: "r2", label: "ignored" }, { id: "r3", label: "东城支行" });
    expect(second.map((c) => c.id)).toEqual(["r1", "r2", "r3"]);
    const path = reportPath("r3", second);
    const params = new URL(path, "http://x").searchParams;
    expect(path.startsWith("/reports/r3?trail=")).toBe(true);
    expect(trailFromParam(params.get("trail"), "r3")).toEqual(second);
    // a path that does not end at the report shown, or is not one, is ignored
    expect(trailFromParam(params.get("trail"), "r9")).toEqual([]);
    expect(trailFromParam("{oops", "r3")).toEqual([]);
    expect(reportPath("r1", [root])).toBe("/reports/r1");
    expect(trailAfterRerun(second, "r4").map((c) => c.id)).toEqual(["r1", "r2", "r4"]);
    expect(trailAfterRerun([], "r4")).toEqual([]);
  });
});

describe("charts", () => {
  type Bar = { name: string; type: string; stack?: string; data: unknown[] };
  const seriesOf = (option: unknown) => (option as { series: Bar[] }).series;

  it("draws 地区销售额 as bars of assets, deposits and loans per label, each bar drilling its row", () => {
    const [chart] = reportCharts(REGIONAL, zh);
    expect(chart.key).toBe("bars");
    expect(seriesOf(chart.option).map((s) => [s.name, s.data])).toEqual([
      ["金融资产(元)", [5000000, 4000000]],
      ["存款余额(元)", [1234567.89, 234567]],
      ["贷款余额(元)", [300000, 0]],
    ]);
    expect((chart.option as { xAxis: { data: string[] } }).xAxis.data).toEqual(["北京分行", "上海分行"]);
    expect(chart.rows).toEqual([0, 1]);
  });

  it("stacks demand and time deposits", () => {
    const report: Report = {
      kind: "REPORT_KIND_DEPOSIT_ANALYSIS",
      parameters: PERIOD,
      columns: [col("label", "机构", "TYPE_STRING"), col("demand_deposits", "活期", "TYPE_MONEY"), col("time_deposits", "定期", "TYPE_MONEY")],
      rows: [{ values: ["北京分行", "100", "200"] }],
    };
    const series = seriesOf(reportCharts(report, zh)[0].option);
    expect(series.map((s) => s.stack)).toEqual(["total", "total"]);
  });

  it("ranks top customers in horizontal bars, the first at the top, by the dimension's figure", () => {
    const report: Report = {
      kind: "REPORT_KIND_TOP_CUSTOMERS",
      parameters: { ...PERIOD, dimension: "growth" },
      columns: [
        col("rank", "排名", "TYPE_INTEGER"),
        col("label", "客户", "TYPE_STRING"),
        col("assets_under_management", "金融资产", "TYPE_MONEY"),
        col("aum_growth", "资产增长", "TYPE_MONEY"),
      ],
      rows: [
        { values: [1, "甲公司", "900", "50"], drillDown: "customers/1" },
        { values: [2, "乙公司", "800", "40"], drillDown: "customers/2" },
        { values: [3, "丙公司", "700", "30"], drillDown: "customers/3" },
      ],
    };
    const [chart] = reportCharts(report, zh);
    expect(chart.key).toBe("ranking");
    expect((chart.option as { yAxis: { data: string[] } }).yAxis.data).toEqual(["丙公司", "乙公司", "甲公司"]);
    expect(seriesOf(chart.option)[0]).toMatchObject({ name: "资产增长", data: [30, 40, 50] });
    expect(chart.rows).toEqual([2, 1, 0]);
  });

  it("ranks relationship managers by the figure the dimension names (growth by default)", () => {
    const report: Report = {
      kind: "REPORT_KIND_TOP_RELATIONSHIP_MANAGERS",
      parameters: PERIOD,
      columns: [
        col("rank", "排名", "TYPE_INTEGER"),
        col("label", "客户经理", "TYPE_STRING"),
        col("assets_under_management", "管户金融资产(元)", "TYPE_MONEY"),
        col("aum_growth", "增长(元)", "TYPE_MONEY"),
        col("new_accounts", "新开户数", "TYPE_INTEGER"),
      ],
      rows: [{ values: [1, "张伟", "900", "50", 3], drillDown: "users/rm_zhang" }],
    };
    expect(seriesOf(reportCharts(report, zh)[0].option)[0].name).toBe("增长(元)");
    expect(seriesOf(reportCharts({ ...report, parameters: { ...PERIOD, dimension: "new_accounts" } }, zh)[0].option)[0].name).toBe("新开户数");
  });

  it("colours a negative net inflow red", () => {
    const report: Report = {
      kind: "REPORT_KIND_CUSTOMER_SALES",
      parameters: PERIOD,
      columns: [col("label", "客户", "TYPE_STRING"), col("net_inflow", "净流入", "TYPE_MONEY")],
      rows: [{ values: ["甲", "100"] }, { values: ["乙", "-50"] }],
    };
    const data = seriesOf(reportCharts(report, zh)[0].option)[0].data as { value: number; itemStyle: { color: string } }[];
    expect(data.map((d) => d.value)).toEqual([100, -50]);
    expect(data[1].itemStyle.color).toBe("#cf1322");
    expect(data[0].itemStyle.color).not.toBe("#cf1322");
  });

  it("draws the cross-selling matrix as a heat map of the product columns (0-100 %), and holdings as bars", () => {
    const report: Report = {
      kind: "REPORT_KIND_CROSS_SELLING",
      parameters: { ...PERIOD, dimension: "matrix" },
      columns: [
        col("label", "产品", "TYPE_STRING"),
        col("holders", "持有客户数", "TYPE_INTEGER"),
        col("DEMAND_DEPOSIT", "活期存款", "TYPE_PERCENT"),
        col("WEALTH", "理财", "TYPE_PERCENT"),
      ],
      rows: [
        { values: ["活期存款", 100, 100, 40.5] },
        { values: ["理财", 50, 90, 100] },
      ],
    };
    const [chart] = reportCharts(report, zh);
    expect(chart.key).toBe("matrix");
    const option = chart.option as { xAxis: { data: string[] }; yAxis: { data: string[] }; visualMap: { max: number }; series: { type: string; data: unknown[] }[] };
    expect(option.xAxis.data).toEqual(["活期存款", "理财"]);
    expect(option.yAxis.data).toEqual(["活期存款", "理财"]);
    expect(option.visualMap.max).toBe(100);
    expect(option.series[0].type).toBe("heatmap");
    expect(option.series[0].data).toContainEqual([1, 0, 40.5]);
    const holdings: Report = {
      kind: "REPORT_KIND_CROSS_SELLING",
      parameters: { ...PERIOD, dimension: "holdings" },
      columns: [col("label", "持有", "TYPE_STRING"), col("customer_count", "客户数", "TYPE_INTEGER"), col("share", "占比", "TYPE_PERCENT")],
      rows: [{ values: ["持有1类产品", 30, 60] }],
    };
    expect(seriesOf(reportCharts(holdings, zh)[0].option)[0]).toMatchObject({ type: "bar", data: [30] });
  });

  it("draws the monthly sales summary as this year's and last year's lines", () => {
    const report: Report = {
      kind: "REPORT_KIND_SALES_SUMMARY",
      parameters: { ...PERIOD, dimension: "month" },
      columns: [col("label", "月份", "TYPE_STRING"), col("new_accounts", "新开户", "TYPE_INTEGER"), col("new_accounts_last_year", "去年同期", "TYPE_INTEGER")],
      rows: [{ values: ["2026-01", 10, 8] }, { values: ["2026-02", 12, 9] }],
    };
    const [chart] = reportCharts(report, zh);
    expect(chart.key).toBe("trend");
    expect(seriesOf(chart.option).map((s) => [s.type, s.data])).toEqual([
      ["line", [10, 12]],
      ["line", [8, 9]],
    ]);
    expect(reportCharts({ ...report, parameters: { ...PERIOD, dimension: "product" } }, zh)[0].key).toBe("bars");
  });

  it("draws tiers as start-against-end bars and a migration heat map from the to_ columns; per unit as stacked bars", () => {
    const report: Report = {
      kind: "REPORT_KIND_TIER_DISTRIBUTION",
      parameters: { ...PERIOD, dimension: "tier" },
      columns: [
        col("label", "期初等级", "TYPE_STRING"),
        col("start_count", "期初", "TYPE_INTEGER"),
        col("end_count", "期末", "TYPE_INTEGER"),
        col("change", "变化", "TYPE_INTEGER"),
        col("to_diamond", "→ 钻石", "TYPE_INTEGER"),
        col("to_none", "→ 无等级", "TYPE_INTEGER"),
      ],
      rows: [
        { values: ["钻石", 10, 12, 2, 9, 1] },
        { values: ["无等级", 100, 90, -10, 3, 97] },
      ],
    };
    const charts = reportCharts(report, zh);
    expect(charts.map((c) => c.key)).toEqual(["bars", "migration"]);
    const heat = charts[1].option as { xAxis: { data: string[] }; visualMap: { max: number } };
    expect(heat.xAxis.data).toEqual(["钻石", "无等级"]);
    expect(heat.visualMap.max).toBe(97);
    const units: Report = {
      kind: "REPORT_KIND_TIER_DISTRIBUTION",
      parameters: { ...PERIOD, dimension: "org_unit" },
      columns: [col("label", "机构", "TYPE_STRING"), col("diamond", "钻石", "TYPE_INTEGER"), col("gold", "金卡", "TYPE_INTEGER")],
      rows: [{ values: ["北京分行", 3, 5], drillDown: "orgUnits/0100" }],
    };
    expect(seriesOf(reportCharts(units, zh)[0].option).map((s) => s.stack)).toEqual(["total", "total"]);
  });

  it("draws any other kind (or an answer of another shape) as bars of its first numeric columns of one type", () => {
    const report: Report = {
      kind: "REPORT_KIND_ALERT_SUMMARY",
      parameters: PERIOD,
      columns: [
        col("label", "机构", "TYPE_STRING"),
        col("raised", "产生", "TYPE_INTEGER"),
        col("in_time_rate", "及时率", "TYPE_PERCENT"),
        col("resolved", "已处理", "TYPE_INTEGER"),
      ],
      rows: [{ values: ["北京分行", 5, 80, 4] }],
    };
    const [chart] = reportCharts(report, zh);
    expect(seriesOf(chart.option).map((s) => s.name)).toEqual(["产生", "已处理"]);
    expect(chart.title).toBe("产生、已处理");
    // 地区销售额 without its money columns falls back to the same
    const odd = reportCharts({ ...report, kind: "REPORT_KIND_REGIONAL_SALES" }, zh);
    expect(seriesOf(odd[0].option).map((s) => s.name)).toEqual(["产生", "已处理"]);
    expect(reportCharts({ ...report, rows: [] }, zh)).toEqual([]);
  });

  it("draws at most CHART_ROWS rows", () => {
    const rows = Array.from({ length: CHART_ROWS + 5 }, (_, i) => ({ values: [`机构${i}`, 1, "1", "1", "1", 1] }));
    const [chart] = reportCharts({ ...REGIONAL, rows }, zh);
    expect(seriesOf(chart.option)[0].data).toHaveLength(CHART_ROWS);
  });
});

describe("reportCustomers", () => {
  it("lists the customers of a report's rows once each, in order, and nothing else", () => {
    const report = {
      ...REGIONAL,
      rows: [
        { values: [], drillDown: "customers/7" },
        { values: [], drillDown: "orgUnits/0100" },
        { values: [], drillDown: "customers/3" },
        { values: [], drillDown: "customers/7" },
        { values: [], drillDown: "customers/" },
        { values: [] },
      ],
    };
    expect(reportCustomers(report)).toEqual(["customers/7", "customers/3"]);
    expect(reportCustomers({ ...REGIONAL, rows: undefined })).toEqual([]);
  });
});
