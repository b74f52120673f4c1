// 营销 without React: the states, products, measures, funnel stages, outcomes and channels in order; a campaign's
// target and progress in its measure (yuan or a count); the plan the builder sends (CreateCampaign, UpdateCampaign
// with its mask, PreviewCampaignTargets) and back again; the units' quotas against the target; which actions a
// caller may take (the service's table); the API's field violations on the builder's fields; the ListCampaignTargets
// filters of 营销执行; an activity's request, its time checked, and the stage it moves a customer to (the service's
// rule, so a row updates at once); the figures of 营销成果 (funnel, lift, charts); revisions in words.
import type { ChartOption } from "@/components/Chart";
import type { FieldViolation, Schemas } from "@/lib/api/client";
import { type DateParts, formatCount, formatMoney, moneyValue, resourceId } from "@/lib/format";
import type { Lang } from "@/locales/i18n";

export type Campaign = Schemas["kam.task.v1.Campaign"];
export type CampaignSegment = Schemas["kam.task.v1.CampaignSegment"];
export type CampaignQuota = Schemas["kam.task.v1.CampaignQuota"];
export type CampaignTarget = Schemas["kam.task.v1.CampaignTarget"];
export type CampaignActivity = Schemas["kam.task.v1.CampaignActivity"];
export type CampaignResults = Schemas["kam.task.v1.CampaignResults"];
export type CampaignResultRow = Schemas["kam.task.v1.CampaignResultRow"];
export type CampaignRevision = Schemas["kam.task.v1.CampaignRevision"];
export type Preview = Schemas["kam.task.v1.PreviewCampaignTargetsResponse"];
export type CampaignState = NonNullable<Campaign["state"]>;
export type ProductType = Campaign["productType"];
export type Measure = NonNullable<Campaign["measure"]>;
export type Stage = NonNullable<CampaignTarget["stage"]>;
export type Outcome = CampaignActivity["outcome"];
export type Channel = NonNullable<CampaignActivity["channel"]>;
export type CustomerType = NonNullable<CampaignSegment["customerTypes"]>[number];
export type Money = Schemas["google.type.Money"];

/** The caller as the actions need them: `users/…` and the permissions. */
export interface Caller {
  name?: string;
  permissions?: string[];
}

export const STATES: CampaignState[] = ["STATE_DRAFT", "STATE_ACTIVE", "STATE_COMPLETED", "STATE_CANCELLED"];
/** The products a campaign promotes, in the order the builder offers them (理财, 基金, 定期, 信用卡, 贷款, 活期). */
export const PRODUCT_TYPES: ProductType[] = ["TYPE_WEALTH", "TYPE_FUND", "TYPE_TIME_DEPOSIT", "TYPE_CREDIT_CARD", "TYPE_LOAN", "TYPE_DEMAND_DEPOSIT"];
export const MEASURES: Measure[] = ["MEASURE_AMOUNT", "MEASURE_ACCOUNTS", "MEASURE_CUSTOMERS_REACHED"];
export const CUSTOMER_TYPES: CustomerType[] = ["TYPE_INDIVIDUAL", "TYPE_CORPORATE"];
/** The funnel's stages in order (declined beside it). */
export const STAGES: Stage[] = ["STAGE_NOT_CONTACTED", "STAGE_CONTACTED", "STAGE_INTERESTED", "STAGE_DECLINED", "STAGE_CONVERTED"];
export const OUTCOMES: Outcome[] = ["OUTCOME_CONTACTED", "OUTCOME_INTERESTED", "OUTCOME_DECLINED", "OUTCOME_CONVERTED"];
export const CHANNELS: Channel[] = ["CHANNEL_CALL", "CHANNEL_VISIT", "CHANNEL_MESSAGE", "CHANNEL_BRANCH"];
/** A share of the target list held out (%): 0 to 50. */
export const MAX_HOLDOUT = 50;

export const STATE_COLORS: Record<string, string> = {
  STATE_DRAFT: "default",
  STATE_ACTIVE: "processing",
  STATE_COMPLETED: "green",
  STATE_CANCELLED: "default",
};
export const STAGE_COLORS: Record<string, string> = {
  STAGE_NOT_CONTACTED: "default",
  STAGE_CONTACTED: "blue",
  STAGE_INTERESTED: "gold",
  STAGE_DECLINED: "red",
  STAGE_CONVERTED: "green",
};
export const OUTCOME_COLORS: Record<string, string> = {
  OUTCOME_CONTACTED: "blue",
  OUTCOME_INTERESTED: "gold",
  OUTCOME_DECLINED: "red",
  OUTCOME_CONVERTED: "green",
};

// ---- values

/** The campaign's measure (unset is an amount, as the service reads it). */
export function measureOf(c: Pick<Campaign, "measure"> | undefined): Measure {
  return !c?.measure || c.measure === "MEASURE_UNSPECIFIED" ? "MEASURE_AMOUNT" : c.measure;
}

/** The campaign's target in its measure: yuan, or a count. */
export function targetValue(c: Pick<Campaign, "measure" | "targetAmount" | "targetCount">): number {
  return measureOf(c) === "MEASURE_AMOUNT" ? moneyValue(c.targetAmount) : Number(c.targetCount ?? 0);
}

/** A quota's value in the campaign's measure. */
export function quotaValue(q: Pick<CampaignQuota, "amount" | "count">, measure: Measure): number {
  return measure === "MEASURE_AMOUNT" ? moneyValue(q.amount) : Number(q.count ?? 0);
}

/** A value in a measure as read: `¥1,234,567.00` for an amount (`123.46万元` compact, for leaders' totals), a count
 * with separators; the unit of a count (户, 个) is the locale's. */
export function measureNumber(measure: Measure, value: number, lang: Lang, compact = false): string {
  if (measure !== "MEASURE_AMOUNT") return formatCount(Math.round(value), lang);
  if (compact) return formatCompactAmount(value, lang);
  return formatMoney(money(value), lang);
}

function formatCompactAmount(value: number, lang: Lang): string {
  if (lang === "zh-CN") {
    const abs = Math.abs(value);
    const fmt = (n: number) => n.toLocaleString("zh-CN", { maximumFractionDigits: 2 });
    if (abs >= 1e8) return `${fmt(value / 1e8)}亿元`;
    if (abs >= 1e4) return `${fmt(value / 1e4)}万元`;
    return `${fmt(value)}元`;
  }
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "CNY", notation: "compact", maximumFractionDigits: 2 }).format(value);
}

/** A ratio (0–1+) as a percentage with one decimal: `45.3%`. */
export function formatRatio(ratio: number | undefined, lang: Lang): string {
  return `${((ratio ?? 0) * 100).toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

/** A progress bar's percent (0–100, whatever the ratio beyond the target). */
export function progressPercent(ratio: number | undefined): number {
  return Math.max(0, Math.min(100, Math.round((ratio ?? 0) * 1000) / 10));
}

/** An amount in yuan as google.type.Money (CNY; cents kept exactly). */
export function money(yuan: number): Money {
  const cents = Math.round(yuan * 100);
  const sign = cents < 0 ? -1 : 1;
  const abs = Math.abs(cents);
  return { currencyCode: "CNY", units: String(sign * Math.floor(abs / 100)), nanos: sign * (abs % 100) * 10_000_000 };
}

/** `2026-12-31` as google.type.Date. */
export function dateParts(day: string): DateParts {
  const [year, month, day_] = day.split("-").map(Number);
  return { year, month, day: day_ };
}

const pad = (n: number | undefined) => String(n ?? 0).padStart(2, "0");

/** A google.type.Date as `2026-12-31` (empty when unset). */
export function dayOf(d: DateParts | undefined): string {
  return d?.year ? `${d.year}-${pad(d.month)}-${pad(d.day)}` : "";
}

/** `now`'s date at the bank (China Standard Time), YYYY-MM-DD, whatever the browser's zone. */
export function bankToday(now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

// ---- the builder's plan

/** The builder's fields (dates as YYYY-MM-DD; amounts in yuan; quotas by executing unit, empty when not given). */
export interface PlanValues {
  displayName: string;
  description?: string;
  script?: string;
  productType?: ProductType;
  measure: Measure;
  targetAmount?: number | null;
  targetCount?: number | null;
  startDate?: string;
  endDate?: string;
  orgUnits: string[];
  tiers?: string[];
  customerTypes?: CustomerType[];
  branches?: string[];
  minAum?: number | null;
  maxAum?: number | null;
  holds?: ProductType[];
  lacks?: ProductType[];
  /** Exactly these customers (`customers/…`, e.g. handed over from a data-mining report); the others still apply. */
  customers?: string[];
  /** Kept as loaded (the builder does not edit them). */
  relationshipManagers?: string[];
  holdoutPercent?: number | null;
  quotas?: Record<string, number | null | undefined>;
}

const given = (n: number | null | undefined): n is number => typeof n === "number" && Number.isFinite(n);

/** The segment: only the conditions given (every one must hold; within a list any value). */
export function segmentOf(v: Partial<PlanValues>): CampaignSegment {
  const s: CampaignSegment = {};
  if (v.tiers?.length) s.tiers = [...v.tiers];
  if (v.customerTypes?.length) s.customerTypes = [...v.customerTypes];
  if (v.branches?.length) s.branches = [...v.branches];
  if (v.relationshipManagers?.length) s.relationshipManagers = [...v.relationshipManagers];
  if (given(v.minAum)) s.minAum = money(v.minAum);
  if (given(v.maxAum)) s.maxAum = money(v.maxAum);
  if (v.holds?.length) s.holds = [...v.holds];
  if (v.lacks?.length) s.lacks = [...v.lacks];
  if (v.customers?.length) s.customers = [...new Set(v.customers)];
  return s;
}

/** The quotas as sent: one per executing unit given a value, in the units' order (the API names a bad one by its
 * index in this list: `campaign.quotas[1].count`); `units` says which unit each index is. */
export function quotasOf(v: Partial<PlanValues>): { quotas: CampaignQuota[]; units: string[] } {
  const measure = v.measure ?? "MEASURE_AMOUNT";
  const units = (v.orgUnits ?? []).filter((u) => given(v.quotas?.[u]));
  const quotas = units.map((u) => {
    const value = v.quotas![u] as number;
    return measure === "MEASURE_AMOUNT" ? { assignee: u, amount: money(value) } : { assignee: u, count: String(Math.round(value)) };
  });
  return { quotas, units };
}

/** The campaign the builder sends (CreateCampaign; UpdateCampaign with a mask). */
export function campaignOf(v: PlanValues): Campaign {
  const measure = v.measure ?? "MEASURE_AMOUNT";
  return {
    displayName: (v.displayName ?? "").trim(),
    description: (v.description ?? "").trim(),
    script: (v.script ?? "").trim(),
    productType: v.productType ?? "TYPE_UNSPECIFIED",
    measure,
    ...(measure === "MEASURE_AMOUNT" ? (given(v.targetAmount) ? { targetAmount: money(v.targetAmount) } : {}) : {}),
    targetCount: measure === "MEASURE_AMOUNT" ? "0" : String(given(v.targetCount) ? Math.round(v.targetCount) : 0),
    orgUnits: [...new Set(v.orgUnits ?? [])],
    startDate: v.startDate ? dateParts(v.startDate) : {},
    endDate: v.endDate ? dateParts(v.endDate) : {},
    segment: segmentOf(v),
    holdoutPercent: given(v.holdoutPercent) ? Math.round(v.holdoutPercent) : 0,
    quotas: quotasOf(v).quotas,
  };
}

/** The builder's fields from a stored campaign (its unit quotas by unit; managers' quotas are the service's). */
export function valuesOf(c: Campaign): PlanValues {
  const measure = measureOf(c);
  const s = c.segment ?? {};
  const units = new Set(c.orgUnits ?? []);
  const quotas: Record<string, number> = {};
  for (const q of c.quotas ?? []) if (q.assignee && units.has(q.assignee)) quotas[q.assignee] = quotaValue(q, measure);
  return {
    displayName: c.displayName ?? "",
    description: c.description ?? "",
    script: c.script ?? "",
    productType: c.productType && c.productType !== "TYPE_UNSPECIFIED" ? c.productType : undefined,
    measure,
    targetAmount: measure === "MEASURE_AMOUNT" && c.targetAmount ? moneyValue(c.targetAmount) : undefined,
    targetCount: measure !== "MEASURE_AMOUNT" && Number(c.targetCount ?? 0) ? Number(c.targetCount) : undefined,
    startDate: dayOf(c.startDate) || undefined,
    endDate: dayOf(c.endDate) || undefined,
    orgUnits: [...(c.orgUnits ?? [])],
    tiers: [...(s.tiers ?? [])],
    customerTypes: [...(s.customerTypes ?? [])],
    branches: [...(s.branches ?? [])],
    minAum: s.minAum ? moneyValue(s.minAum) : undefined,
    maxAum: s.maxAum ? moneyValue(s.maxAum) : undefined,
    holds: [...(s.holds ?? [])],
    lacks: [...(s.lacks ?? [])],
    customers: [...(s.customers ?? [])],
    relationshipManagers: [...(s.relationshipManagers ?? [])],
    holdoutPercent: c.holdoutPercent ?? 0,
    quotas,
  };
}

/** PreviewCampaignTargets' request for the plan as it stands (what it reads: the units, the segment, the hold-out;
 * the name so the hold-out is drawn as the launch will draw it), or null while no executing unit is chosen. */
export function previewRequestOf(v: Partial<PlanValues>, name?: string): { campaign: Campaign; sampleSize: number } | null {
  const units = [...new Set(v.orgUnits ?? [])];
  if (!units.length) return null;
  const holdout = given(v.holdoutPercent) ? Math.min(MAX_HOLDOUT, Math.max(0, Math.round(v.holdoutPercent))) : 0;
  return {
    campaign: {
      ...(name ? { name } : {}),
      displayName: "",
      productType: v.productType ?? "TYPE_UNSPECIFIED",
      orgUnits: units,
      startDate: {},
      endDate: {},
      segment: segmentOf(v),
      holdoutPercent: holdout,
    },
    sampleSize: 10,
  };
}

/** UpdateCampaign's fields (the API's names): everything a draft holds; once launched only what may still change. */
export const DRAFT_FIELDS = [
  "displayName",
  "description",
  "script",
  "productType",
  "measure",
  "targetAmount",
  "targetCount",
  "orgUnits",
  "startDate",
  "endDate",
  "segment",
  "holdoutPercent",
  "quotas",
] as const;
export const ACTIVE_FIELDS = ["displayName", "description", "script", "endDate", "targetAmount", "targetCount", "quotas"] as const;
export type PlanField = (typeof DRAFT_FIELDS)[number];

/** Whether the builder's field may be changed in the campaign's state (a launched campaign keeps its segment,
 * units, product, measure, start and hold-out). */
export function editable(state: CampaignState | undefined, field: PlanField): boolean {
  if (!state || state === "STATE_DRAFT") return true;
  return state === "STATE_ACTIVE" && (ACTIVE_FIELDS as readonly string[]).includes(field);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * UpdateCampaign's campaign and mask. A draft sends every field (a condition removed is removed); a launched
 * campaign only the fields it may still change that did change — its quotas as the units' given now plus the
 * relationship managers' the launch made, kept.
 */
export function updateOf(stored: Campaign, v: PlanValues): { campaign: Campaign; mask: string[]; quotaUnits: string[] } {
  const next = campaignOf(v);
  const { units } = quotasOf(v);
  const base = { name: stored.name, etag: stored.etag };
  if (!stored.state || stored.state === "STATE_DRAFT") return { campaign: { ...next, ...base }, mask: [...DRAFT_FIELDS], quotaUnits: units };
  const measure = measureOf(stored);
  const managers = (stored.quotas ?? []).filter((q) => q.assignee?.startsWith("users/"));
  const unitQuotas = (stored.quotas ?? []).filter((q) => q.assignee?.startsWith("orgUnits/"));
  const quotas = [...(next.quotas ?? []), ...managers.map((q) => ({ assignee: q.assignee, ...(measure === "MEASURE_AMOUNT" ? { amount: money(quotaValue(q, measure)) } : { count: String(quotaValue(q, measure)) }) }))];
  const unitsNow = Object.fromEntries((next.quotas ?? []).map((q) => [q.assignee, quotaValue(q, measure)]));
  const unitsBefore = Object.fromEntries(unitQuotas.map((q) => [q.assignee, quotaValue(q, measure)]));
  const mask: string[] = [];
  if (next.displayName !== (stored.displayName ?? "")) mask.push("displayName");
  if (next.description !== (stored.description ?? "")) mask.push("description");
  if (next.script !== (stored.script ?? "")) mask.push("script");
  if (dayOf(next.endDate) !== dayOf(stored.endDate)) mask.push("endDate");
  if (measure === "MEASURE_AMOUNT" ? moneyValue(next.targetAmount) !== moneyValue(stored.targetAmount) : Number(next.targetCount) !== Number(stored.targetCount ?? 0))
    mask.push(measure === "MEASURE_AMOUNT" ? "targetAmount" : "targetCount");
  if (!same(unitsNow, unitsBefore)) mask.push("quotas");
  return { campaign: { ...next, quotas, ...base }, mask, quotaUnits: units };
}

/** The same plan as a stable string: one idempotency key per plan as composed (CreateCampaign sent again after a
 * lost answer makes nothing twice; a changed plan is a new request). */
export function planKey(c: Campaign): string {
  return JSON.stringify(c);
}

// ---- quotas

export interface QuotaCheck {
  /** The units' quotas given, summed. */
  sum: number;
  /** How many units were given one, of how many. */
  given: number;
  units: number;
  target: number;
  /** exceeds: above the target; mismatch: every unit has one and they do not sum to the target. */
  problem?: "exceeds" | "mismatch";
}

/** The units' quotas against the campaign's target (the service's rule: never above it; with every unit given one,
 * exactly it — the rest is shared out at launch by the units' target customers). */
export function checkQuotas(v: Partial<PlanValues>): QuotaCheck {
  const measure = v.measure ?? "MEASURE_AMOUNT";
  const target = measure === "MEASURE_AMOUNT" ? (given(v.targetAmount) ? v.targetAmount : 0) : given(v.targetCount) ? v.targetCount : 0;
  const units = [...new Set(v.orgUnits ?? [])];
  const values = units.map((u) => v.quotas?.[u]).filter(given);
  // in cents for an amount, so 0.1 + 0.2 sums to 0.3
  const sum = measure === "MEASURE_AMOUNT" ? values.reduce((a, b) => a + Math.round(b * 100), 0) / 100 : values.reduce((a, b) => a + Math.round(b), 0);
  const check: QuotaCheck = { sum, given: values.length, units: units.length, target };
  const cents = (n: number) => Math.round(n * 100);
  if (values.length && cents(sum) > cents(target)) check.problem = "exceeds";
  else if (units.length && values.length === units.length && cents(sum) !== cents(target)) check.problem = "mismatch";
  return check;
}

// ---- actions

export type CampaignAction = "edit" | "launch" | "complete" | "cancel";
export const ACTIONS: CampaignAction[] = ["edit", "launch", "complete", "cancel"];

/** The states each change starts from (the service's table). */
const FROM: Record<CampaignAction, readonly CampaignState[]> = {
  edit: ["STATE_DRAFT", "STATE_ACTIVE"],
  launch: ["STATE_DRAFT"],
  complete: ["STATE_ACTIVE"],
  cancel: ["STATE_DRAFT", "STATE_ACTIVE"],
};

/** The changes the caller may make to the campaign now: `campaigns.manage` and a state the change starts from (the
 * service also wants its creator or someone over every executing unit; the API stays the authority). */
export function campaignActions(c: Pick<Campaign, "state"> | undefined, caller: Caller | null | undefined): CampaignAction[] {
  if (!c || !caller?.permissions?.includes("campaigns.manage")) return [];
  return ACTIONS.filter((a) => FROM[a].includes(c.state ?? "STATE_UNSPECIFIED"));
}

/** Whether the caller may log an activity with a target: an active campaign, `campaign_activities.create`, a target
 * not held out. */
export function mayRecord(c: Pick<Campaign, "state"> | undefined, t: Pick<CampaignTarget, "holdout"> | undefined, caller: Caller | null | undefined): boolean {
  return c?.state === "STATE_ACTIVE" && !t?.holdout && Boolean(caller?.permissions?.includes("campaign_activities.create"));
}

/** Whether the caller may hand targets to a relationship manager (`tasks.assign`, an active campaign). */
export function mayAssign(c: Pick<Campaign, "state"> | undefined, caller: Caller | null | undefined): boolean {
  return c?.state === "STATE_ACTIVE" && Boolean(caller?.permissions?.includes("tasks.assign"));
}

// ---- the builder's field violations

const QUOTA = /^campaign\.quotas\[(\d+)\]/;
/** API paths (after `campaign.`, indexes dropped) → the builder's fields. */
const FIELDS: Record<string, string> = {
  display_name: "displayName",
  description: "description",
  script: "script",
  product_type: "productType",
  measure: "measure",
  target_amount: "targetAmount",
  target_count: "targetCount",
  org_units: "orgUnits",
  start_date: "period",
  end_date: "period",
  holdout_percent: "holdoutPercent",
  quotas: "quotaSum",
  "segment.tiers": "tiers",
  "segment.customer_types": "customerTypes",
  "segment.branches": "branches",
  "segment.relationship_managers": "tiers",
  "segment.min_aum": "minAum",
  "segment.max_aum": "maxAum",
  "segment.holds": "holds",
  "segment.lacks": "lacks",
  "segment.customers": "customers",
};

export type FieldPath = string | (string | number)[];

/** The API's violations on the builder's fields (`campaign.segment.min_aum` → 最低资产, `campaign.quotas[0].count`
 * → the quota of the unit sent first); what names no field (e.g. `update_mask`) is left for a message. */
export function planViolations(violations: readonly FieldViolation[], quotaUnits: readonly string[]): { fields: { name: FieldPath; errors: string[] }[]; rest: string[] } {
  const out = new Map<string, { name: FieldPath; errors: string[] }>();
  const rest: string[] = [];
  for (const v of violations) {
    let name: FieldPath | undefined;
    const quota = QUOTA.exec(v.field);
    if (quota) {
      const unit = quotaUnits[Number(quota[1])];
      name = unit ? ["quotas", unit] : "quotaSum";
    } else if (v.field.startsWith("campaign.")) {
      const path = v.field.slice("campaign.".length).replace(/\[\d+\]/g, "");
      name = FIELDS[path] ?? FIELDS[path.split(".")[0]!];
    }
    if (!name) {
      rest.push(v.description);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = out.get(key) ?? { name, errors: [] };
    entry.errors.push(v.description);
    out.set(key, entry);
  }
  return { fields: [...out.values()], rest };
}

// ---- 营销执行: the targets

export type TargetView = "mine" | "all" | "unassigned" | "holdout";

/** The views of the targets a caller has: a relationship manager their own (and their customers held out, not to be
 * contacted); one who assigns everything in reach, those waiting for a manager, and the hold-out. */
export function targetViews(permissions: readonly string[] | undefined): TargetView[] {
  const held = new Set(permissions ?? []);
  if (held.has("tasks.assign")) return ["all", "unassigned", "mine", "holdout"];
  return ["mine", "holdout"];
}

const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/** ListCampaignTargets' filter for a view and a stage (equalities joined by AND). */
export function targetFilter(view: TargetView, stage?: Stage): string {
  const terms: string[] = [];
  if (view === "mine") terms.push(`relationship_manager = ${quote("users/me")}`);
  if (view === "unassigned") terms.push(`relationship_manager = ""`, "holdout = false");
  if (view === "holdout") terms.push("holdout = true");
  if (stage) terms.push(`stage = ${stage}`);
  return terms.join(" AND ");
}

const STAGE_OF: Record<string, Stage> = {
  OUTCOME_CONTACTED: "STAGE_CONTACTED",
  OUTCOME_INTERESTED: "STAGE_INTERESTED",
  OUTCOME_DECLINED: "STAGE_DECLINED",
  OUTCOME_CONVERTED: "STAGE_CONVERTED",
};

/** A customer's stage after an activity (the service's rule): converted stays converted; otherwise the latest answer
 * (interested or declined) counts, and a plain contact never moves anyone back. */
export function nextStage(current: Stage | undefined, outcome: Outcome): Stage {
  const now = !current || current === "STAGE_UNSPECIFIED" ? "STAGE_NOT_CONTACTED" : current;
  const reached = STAGE_OF[outcome] ?? "STAGE_CONTACTED";
  if (now === "STAGE_CONVERTED" || reached === "STAGE_CONVERTED") return "STAGE_CONVERTED";
  if (reached === "STAGE_INTERESTED" || reached === "STAGE_DECLINED") return reached;
  return now === "STAGE_NOT_CONTACTED" ? "STAGE_CONTACTED" : now;
}

/** The target as it stands after the activity (its row updates at once; the service's answer follows). */
export function afterActivity(t: CampaignTarget, a: CampaignActivity): CampaignTarget {
  const last = Date.parse(t.lastActivityTime ?? "");
  const occurred = Date.parse(a.occurTime);
  const amount = a.outcome === "OUTCOME_CONVERTED" ? moneyValue(a.amount) : 0;
  return {
    ...t,
    stage: nextStage(t.stage, a.outcome),
    lastActivityTime: Number.isNaN(last) || occurred > last ? a.occurTime : t.lastActivityTime,
    convertedAmount: amount ? money(moneyValue(t.convertedAmount) + amount) : t.convertedAmount,
  };
}

export interface ActivityValues {
  channel: Channel;
  outcome: Outcome;
  product?: string;
  /** Yuan, for a conversion. */
  amount?: number | null;
  notes?: string;
  occurTime: Date;
}

/** What is wrong with a contact's time: missing, in the future, or before the campaign's first day. */
export function occurTimeProblem(time: Date | null | undefined, now: Date = new Date(), startDate?: string): "required" | "future" | "beforeStart" | undefined {
  if (!time || Number.isNaN(time.getTime())) return "required";
  if (time.getTime() > now.getTime()) return "future";
  if (startDate && bankToday(time) < startDate) return "beforeStart";
  return undefined;
}

/** CreateCampaignActivity's activity. A time left at the form's default ("now" when it opened) is sent as that
 * minute, not the moment of sending, so a browser clock a little ahead is not "in the future"; an amount only for a
 * conversion. */
export function activityOf(customer: string, v: ActivityValues, openedAt?: Date): CampaignActivity {
  const minute = (d: Date) => Math.floor(d.getTime() / 60_000);
  const untouched = openedAt !== undefined && minute(v.occurTime) === minute(openedAt);
  const time = untouched ? new Date(minute(openedAt) * 60_000) : v.occurTime;
  return {
    customer,
    channel: v.channel,
    outcome: v.outcome,
    product: (v.product ?? "").trim(),
    notes: (v.notes ?? "").trim(),
    occurTime: time.toISOString(),
    ...(v.outcome === "OUTCOME_CONVERTED" && given(v.amount) ? { amount: money(v.amount) } : {}),
  };
}

// ---- 营销成果

/** The list's filter: one state, or every campaign. */
export function listFilter(state?: CampaignState): string {
  return state ? `state = ${state}` : "";
}

export interface FunnelStep {
  key: "targets" | "reached" | "interested" | "converted";
  value: number;
}

/** The funnel (target customers → reached → interested → converted; declined beside it). "Interested" counts those
 * whose furthest stage is interested or converted: everyone who got that far. */
export function funnelOf(row: CampaignResultRow | undefined): { steps: FunnelStep[]; declined: number } {
  const n = (v: string | undefined) => Number(v ?? 0);
  const converted = n(row?.convertedCount);
  return {
    steps: [
      { key: "targets", value: n(row?.targetCustomerCount) },
      { key: "reached", value: n(row?.reachedCount) },
      { key: "interested", value: n(row?.interestedCount) + converted },
      { key: "converted", value: converted },
    ],
    declined: n(row?.declinedCount),
  };
}

/** The lift over the hold-out: the rates as percentages, the lift in points (`+3.2`), or none without a hold-out. */
export function liftOf(r: CampaignResults | undefined, lang: Lang): { treated: string; holdout: string; points: string } | null {
  if (!r || !Number(r.holdoutCustomerCount ?? 0)) return null;
  const points = r.liftPoints ?? 0;
  const text = points.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: "exceptZero" });
  return { treated: formatRatio(r.treatedConversionRate, lang), holdout: formatRatio(r.holdoutConversionRate, lang), points: text };
}

const BLUE = "#1f4e8c";
const GOLD = "#d48806";
const GREEN = "#389e0d";
const GREY = "#bfbfbf";

/** Achieved against quota per row (an executing unit or a relationship manager), in the campaign's measure. */
export function quotaBarOption(
  rows: readonly CampaignResultRow[],
  names: { achieved: string; quota: string },
  axis: (value: number) => string,
  integer = false,
): ChartOption {
  const labels = rows.map((r) => r.displayName || resourceId(r.subject));
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: number) => axis(v) },
    legend: { data: [names.quota, names.achieved], bottom: 0 },
    grid: { left: 72, right: 16, top: 16, bottom: rows.length > 5 ? 72 : 48 },
    xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 } },
    // a count's axis steps by whole units
    yAxis: { type: "value", minInterval: integer ? 1 : undefined, axisLabel: { formatter: axis } },
    series: [
      { name: names.quota, type: "bar", barMaxWidth: 48, data: rows.map((r) => r.quota ?? 0), itemStyle: { color: GREY } },
      { name: names.achieved, type: "bar", barMaxWidth: 48, data: rows.map((r) => r.achieved ?? 0), itemStyle: { color: BLUE } },
    ],
  };
}

/** The funnel as a chart, each step labelled with its count. */
export function funnelOption(steps: readonly FunnelStep[], label: (key: FunnelStep["key"]) => string): ChartOption {
  const colors = [GREY, BLUE, GOLD, GREEN];
  return {
    tooltip: { trigger: "item", formatter: "{b}：{c}" },
    series: [
      {
        type: "funnel",
        sort: "none",
        left: "5%",
        width: "60%",
        top: 8,
        bottom: 8,
        minSize: "10%",
        // beside the shape: a narrow step has no room inside
        label: { show: true, position: "right", formatter: "{b}：{c}", color: "rgba(0,0,0,0.75)" },
        labelLine: { show: true },
        data: steps.map((s, i) => ({ name: label(s.key), value: s.value, itemStyle: { color: colors[i] } })),
      },
    ],
  };
}

// ---- revisions

/** A revision's field as the locale names it: `end_date` → `endDate`. */
export function revisionField(field: string | undefined): string {
  return (field ?? "").replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** One value of a revision's change in words: amounts with separators, counts, dates as they are; lists (quotas)
 * as how many. */
export function revisionValue(field: string | undefined, value: string | undefined, lang: Lang): string {
  if (!value) return "";
  const key = revisionField(field);
  if (key === "targetAmount" && /^-?\d+(\.\d+)?$/.test(value)) return formatMoney(money(Number(value)), lang);
  if (key === "targetCount" && /^\d+$/.test(value)) return formatCount(Number(value), lang);
  if (key === "quotas") {
    try {
      const list = JSON.parse(value) as unknown[];
      return Array.isArray(list) ? String(list.length) : value;
    } catch {
      return value;
    }
  }
  return value;
}
