// Tier rules as people read them, and the migration matrix of a simulation.
import type { Schemas } from "@/lib/api/client";

type Condition = Schemas["kam.customer.v1.TierCondition"];
type Transition = Schemas["kam.customer.v1.TierTransition"];

export interface Words {
  metric: (value: string | undefined) => string;
  operator: (value: string | undefined) => string;
  and: string;
  or: string;
}

/** `资产规模 ≥ 6,000,000 且 (贡献度 ≥ 1,000 或 持有产品数 ≥ 3)`. */
export function describeCondition(condition: Condition | undefined, words: Words, lang: string): string {
  if (!condition) return "";
  if (condition.conditions?.length) {
    const joiner = condition.match === "MATCH_ANY" ? ` ${words.or} ` : ` ${words.and} `;
    const parts = condition.conditions.map((c) => {
      const text = describeCondition(c, words, lang);
      return c.conditions?.length ? `(${text})` : text;
    });
    return parts.join(joiner);
  }
  const value = Number(condition.value);
  const shown = Number.isFinite(value) ? value.toLocaleString(lang) : (condition.value ?? "");
  return `${words.metric(condition.metric)} ${words.operator(condition.operator)} ${shown}`;
}

export interface Matrix {
  tiers: string[];
  /** [column (to), row (from), count] cells for an ECharts heat map. */
  cells: [number, number, number][];
  max: number;
}

/** The from × to matrix over the given tier order ("" = no tier, last), every pair present. */
export function migrationMatrix(transitions: Transition[], order: string[]): Matrix {
  const tiers = [...order];
  for (const t of transitions) {
    for (const tier of [t.fromTier ?? "", t.toTier ?? ""]) if (!tiers.includes(tier)) tiers.push(tier);
  }
  if (!tiers.includes("")) tiers.push("");
  const sorted = [...tiers.filter((t) => t !== ""), ""];
  const index = new Map(sorted.map((t, i) => [t, i]));
  const counts = new Map<string, number>();
  for (const t of transitions) {
    const key = `${index.get(t.fromTier ?? "")},${index.get(t.toTier ?? "")}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(t.customerCount ?? 0));
  }
  const cells: [number, number, number][] = [];
  let max = 0;
  sorted.forEach((_, from) =>
    sorted.forEach((__, to) => {
      const n = counts.get(`${from},${to}`) ?? 0;
      max = Math.max(max, n);
      cells.push([to, from, n]);
    }),
  );
  return { tiers: sorted, cells, max };
}
