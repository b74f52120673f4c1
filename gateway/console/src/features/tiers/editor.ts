// The rule-set form editor's model, without React: a rule set as the form holds it (ordered tiers, each with a
// group of conditions that may nest), to and from the API's JSON, add / remove / move, the light checks made
// before sending, and the API's field violations placed on the form's fields.
//
// A form field is named by its path in the request (`rules[2].condition.conditions[0].value`): the API's
// violation `tier_rule_set.rules[2].condition.conditions[0].value` lands on it without a lookup table.
import type { FieldViolation, Schemas } from "@/lib/api/client";
import { type Problems, problemsOf, unplaced } from "@/lib/problems";

type RuleSet = Schemas["kam.customer.v1.TierRuleSet"];
type Rule = Schemas["kam.customer.v1.TierRule"];
type Condition = Schemas["kam.customer.v1.TierCondition"];
export type Metric = NonNullable<Condition["metric"]>;
export type Operator = NonNullable<Condition["operator"]>;
export type Match = "MATCH_ALL" | "MATCH_ANY";

export interface Comparison {
  kind: "comparison";
  metric?: Metric;
  operator?: Operator;
  /** The threshold as typed (thousands separators allowed; removed when sent). */
  value: string;
}
export interface Group {
  kind: "group";
  match: Match;
  conditions: Node[];
}
export type Node = Comparison | Group;

export interface TierDraft {
  /** A stable key for React across moves. */
  key: string;
  /** The tier id without `tiers/`, e.g. `gold`. */
  tier: string;
  nameZh: string;
  nameEn: string;
  /** Always a group at the top (a lone comparison is a group of one). */
  condition: Group;
}

export interface Draft {
  displayName: string;
  customerType?: RuleSet["customerType"];
  downgradeAfterScans: number;
  rules: TierDraft[];
}

/** Metrics in CNY (the threshold shows thousands separators and 元); the others are counts or months. */
export const MONEY_METRICS: ReadonlySet<Metric> = new Set<Metric>([
  "METRIC_ASSETS_UNDER_MANAGEMENT",
  "METRIC_AVERAGE_DAILY_BALANCE",
  "METRIC_AVERAGE_DAILY_BALANCE_30",
  "METRIC_AVERAGE_DAILY_BALANCE_365",
  "METRIC_LOAN_BALANCE",
  "METRIC_CONTRIBUTION",
  "METRIC_CREDIT_LIMIT",
  "METRIC_CREDIT_USED",
  "METRIC_TRANSACTION_VOLUME_90",
  "METRIC_CONSOLIDATED_AUM",
  "METRIC_CONSOLIDATED_LOAN_BALANCE",
]);
export const METRICS: Metric[] = [
  "METRIC_ASSETS_UNDER_MANAGEMENT",
  "METRIC_AVERAGE_DAILY_BALANCE",
  "METRIC_AVERAGE_DAILY_BALANCE_30",
  "METRIC_AVERAGE_DAILY_BALANCE_365",
  "METRIC_LOAN_BALANCE",
  "METRIC_PRODUCT_COUNT",
  "METRIC_CONTRIBUTION",
  "METRIC_TENURE_MONTHS",
  "METRIC_CREDIT_LIMIT",
  "METRIC_CREDIT_USED",
  "METRIC_TRANSACTION_COUNT_90",
  "METRIC_TRANSACTION_VOLUME_90",
  "METRIC_CONSOLIDATED_AUM",
  "METRIC_CONSOLIDATED_LOAN_BALANCE",
];
const CORPORATE_ONLY: ReadonlySet<Metric> = new Set<Metric>(["METRIC_CONSOLIDATED_AUM", "METRIC_CONSOLIDATED_LOAN_BALANCE"]);
export const OPERATORS: Operator[] = [
  "OPERATOR_GREATER_THAN_OR_EQUAL",
  "OPERATOR_GREATER_THAN",
  "OPERATOR_LESS_THAN_OR_EQUAL",
  "OPERATOR_LESS_THAN",
  "OPERATOR_EQUAL",
];
/** The nesting the API allows (a rule's top group is level 1). */
export const MAX_DEPTH = 5;

/** The metrics a rule set of the customer type may test (group figures only for companies). */
export function metricsFor(customerType: RuleSet["customerType"]): Metric[] {
  return customerType === "TYPE_INDIVIDUAL" ? METRICS.filter((m) => !CORPORATE_ONLY.has(m)) : METRICS;
}

let counter = 0;
const newKey = () => `tier-${++counter}`;

/** `6000000` → `6,000,000`; `1234.5` → `1,234.5`; anything not a plain decimal is left as typed. */
export function groupDigits(value: string): string {
  const plain = value.replace(/[,\s]/g, "");
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(plain);
  if (!match) return value;
  return `${match[1]}${match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${match[3] ?? ""}`;
}

/** The threshold as sent: separators removed; anything else left for the API to judge. */
export function plainValue(value: string): string {
  const plain = value.replace(/[,\s]/g, "");
  return /^-?\d+(\.\d+)?$/.test(plain) ? plain : value.trim();
}

function nodeFromProto(c: Condition): Node {
  if (c.conditions?.length || (c.match && c.match !== "MATCH_UNSPECIFIED")) {
    return { kind: "group", match: c.match === "MATCH_ANY" ? "MATCH_ANY" : "MATCH_ALL", conditions: (c.conditions ?? []).map(nodeFromProto) };
  }
  return {
    kind: "comparison",
    metric: c.metric && c.metric !== "METRIC_UNSPECIFIED" ? c.metric : undefined,
    operator: c.operator && c.operator !== "OPERATOR_UNSPECIFIED" ? c.operator : undefined,
    value: groupDigits(c.value ?? ""),
  };
}

function ruleFromProto(rule: Rule): TierDraft {
  let condition: Group;
  if (rule.condition) {
    const node = nodeFromProto(rule.condition);
    condition = node.kind === "group" ? node : { kind: "group", match: "MATCH_ALL", conditions: [node] };
  } else {
    // the original AND-only form
    condition = { kind: "group", match: "MATCH_ALL", conditions: (rule.conditions ?? []).map((c) => nodeFromProto(c as Condition)) };
  }
  return {
    key: newKey(),
    tier: (rule.tier ?? "").replace(/^tiers\//, ""),
    nameZh: rule.tierDisplayName ?? "",
    nameEn: rule.tierDisplayNameEn ?? "",
    condition,
  };
}

/** The form's model of a rule set. */
export function fromProto(set: RuleSet): Draft {
  return {
    displayName: set.displayName ?? "",
    customerType: set.customerType,
    downgradeAfterScans: set.downgradeAfterScans || 2,
    rules: (set.rules ?? []).map(ruleFromProto),
  };
}

function nodeToProto(node: Node): Condition {
  if (node.kind === "group") return { match: node.match, conditions: node.conditions.map(nodeToProto) };
  return { metric: node.metric ?? "METRIC_UNSPECIFIED", operator: node.operator ?? "OPERATOR_UNSPECIFIED", value: plainValue(node.value) };
}

/** The rules as the API takes them (`condition` groups; the API reports violations on those paths). */
export function rulesToProto(draft: Draft): Rule[] {
  return draft.rules.map((r) => ({
    tier: `tiers/${r.tier.trim()}`,
    tierDisplayName: r.nameZh.trim(),
    tierDisplayNameEn: r.nameEn.trim(),
    condition: nodeToProto(r.condition),
    conditions: [],
  }));
}

// ---- edits (each returns a new draft)

export function emptyComparison(): Comparison {
  return { kind: "comparison", metric: "METRIC_ASSETS_UNDER_MANAGEMENT", operator: "OPERATOR_GREATER_THAN_OR_EQUAL", value: "" };
}

export function newTier(): TierDraft {
  return { key: newKey(), tier: "", nameZh: "", nameEn: "", condition: { kind: "group", match: "MATCH_ALL", conditions: [emptyComparison()] } };
}

export function addTier(draft: Draft): Draft {
  return { ...draft, rules: [...draft.rules, newTier()] };
}

export function removeTier(draft: Draft, index: number): Draft {
  return { ...draft, rules: draft.rules.filter((_, i) => i !== index) };
}

/** Moves tier `index` by `delta` places (−1 up, +1 down); out of range leaves the draft as it is. */
export function moveTier(draft: Draft, index: number, delta: number): Draft {
  const to = index + delta;
  if (index < 0 || index >= draft.rules.length || to < 0 || to >= draft.rules.length) return draft;
  const rules = [...draft.rules];
  const [moved] = rules.splice(index, 1);
  rules.splice(to, 0, moved);
  return { ...draft, rules };
}

export function updateTier(draft: Draft, index: number, patch: Partial<Omit<TierDraft, "key">>): Draft {
  return { ...draft, rules: draft.rules.map((r, i) => (i === index ? { ...r, ...patch } : r)) };
}

/** A group with its child `index` replaced (undefined removes it), for the recursive condition editor. */
export function replaceChild(group: Group, index: number, node: Node | undefined): Group {
  const conditions = node ? group.conditions.map((c, i) => (i === index ? node : c)) : group.conditions.filter((_, i) => i !== index);
  return { ...group, conditions };
}

export function moveChild(group: Group, index: number, delta: number): Group {
  const to = index + delta;
  if (to < 0 || to >= group.conditions.length) return group;
  const conditions = [...group.conditions];
  const [moved] = conditions.splice(index, 1);
  conditions.splice(to, 0, moved);
  return { ...group, conditions };
}

// ---- checks and violations

/** Field path → messages. */
export type { Problems };

const TIER_ID = /^[a-z][a-z0-9-]{1,62}$/;

export interface CheckWords {
  required: (field: string) => string;
  tierId: string;
  duplicate: string;
  noTiers: string;
  noConditions: string;
  tierField: string;
  nameField: string;
  valueField: string;
  metricField: string;
  operatorField: string;
}

/** The light checks before sending: what is missing, the tier id's form, duplicates. The API checks the rest
 * (thresholds as decimals, metrics the customer type allows, nesting) and its answer lands on the same fields. */
export function check(draft: Draft, words: CheckWords): Problems {
  const out: Problems = {};
  const add = (path: string, text: string) => (out[path] = [...(out[path] ?? []), text]);
  if (!draft.displayName.trim()) add("display_name", words.required(words.nameField));
  if (!draft.rules.length) add("rules", words.noTiers);
  const seen = new Set<string>();
  draft.rules.forEach((r, i) => {
    const path = `rules[${i}]`;
    const id = r.tier.trim();
    if (!id) add(`${path}.tier`, words.required(words.tierField));
    else if (!TIER_ID.test(id)) add(`${path}.tier`, words.tierId);
    else if (seen.has(id)) add(`${path}.tier`, words.duplicate);
    seen.add(id);
    if (!r.nameZh.trim()) add(`${path}.tier_display_name`, words.required(words.nameField));
    const walk = (node: Node, at: string) => {
      if (node.kind === "group") {
        if (!node.conditions.length) add(`${at}.conditions`, words.noConditions);
        node.conditions.forEach((c, j) => walk(c, `${at}.conditions[${j}]`));
        return;
      }
      if (!node.metric) add(`${at}.metric`, words.required(words.metricField));
      if (!node.operator) add(`${at}.operator`, words.required(words.operatorField));
      if (!node.value.trim()) add(`${at}.value`, words.required(words.valueField));
    };
    walk(r.condition, `${path}.condition`);
  });
  return out;
}

/**
 * A violation's field path as the form names it: `tier_rule_set.rules[2].condition.conditions[0].value` →
 * `rules[2].condition.conditions[0].value`; camelCase parts (`tierDisplayName`) in snake_case; `threshold`
 * read as `value`; a path into an older `conditions` list of a rule as the group it became.
 */
export function violationPath(field: string): string {
  let path = field.trim().replace(/^(tier_rule_set|tierRuleSet|rule_set)\./, "");
  path = path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  path = path.replace(/\.threshold$/, ".value");
  path = path.replace(/^(rules\[\d+\])\.conditions\[/, "$1.condition.conditions[");
  return path;
}

/** The API's violations by form field. */
export function violationProblems(violations: readonly FieldViolation[]): Problems {
  return problemsOf(violations, violationPath);
}

export { unplaced };

/** Every field path the form shows for a draft (to tell placed problems from the rest). */
export function fieldPaths(draft: Draft): Set<string> {
  const out = new Set<string>(["display_name", "downgrade_after_scans"]);
  draft.rules.forEach((r, i) => {
    const path = `rules[${i}]`;
    for (const f of ["tier", "tier_display_name", "tier_display_name_en", "condition", "condition.conditions"]) out.add(`${path}.${f}`);
    const walk = (node: Node, at: string) => {
      out.add(at);
      if (node.kind === "group") {
        out.add(`${at}.match`);
        out.add(`${at}.conditions`);
        node.conditions.forEach((c, j) => walk(c, `${at}.conditions[${j}]`));
      } else for (const f of ["metric", "operator", "value"]) out.add(`${at}.${f}`);
    };
    walk(r.condition, `${path}.condition`);
  });
  return out;
}
