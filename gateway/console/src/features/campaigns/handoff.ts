// A list of customers handed to the campaign builder from another page (a data-mining report's rows: 流失风险预警,
// 产品推荐 …): `openCampaignBuilderWith(navigate, { customers, name, source, lacks })` opens 新建营销计划 with the
// list in its segment (`segment.customers`, shown as 「指定客户 n 位（来自 …）」) through React Router's location
// state. Kept apart from the builder so a page can call it without loading the builder.
import type { NavigateFunction } from "react-router-dom";

import { PRODUCT_TYPES, type ProductType } from "./logic";

/** The most customers a segment may name (the service's limit). */
export const MAX_SEGMENT_CUSTOMERS = 10_000;
/** Where the builder for a new campaign lives. */
export const NEW_CAMPAIGN_PATH = "/campaigns/new";

/** What a page hands the builder. */
export interface CampaignHandoff {
  /** `customers/{customer}` names (others are dropped; each kept once, in order). */
  customers: readonly string[];
  /** The campaign's name to start from. */
  name?: string;
  /** Where the list comes from, as shown (e.g. the report's title: 流失风险预警). */
  source?: string;
  /** Products the customers should not hold yet (`TYPE_WEALTH` …; e.g. a recommended product). */
  lacks?: readonly string[];
}

/** The builder's location state (`{ segment: { customers, lacks? }, name?, source? }`). */
export interface CampaignBuilderState {
  segment: { customers: string[]; lacks?: ProductType[] };
  name?: string;
  source?: string;
}

const isCustomer = (v: unknown): v is string => typeof v === "string" && /^customers\/[^/]+$/.test(v);
const isProduct = (v: unknown): v is ProductType => typeof v === "string" && (PRODUCT_TYPES as string[]).includes(v);

/** The location state for a handoff: the customers' names checked and each kept once. */
export function builderStateOf(h: CampaignHandoff): CampaignBuilderState {
  const lacks = [...new Set((h.lacks ?? []).filter(isProduct))];
  return {
    segment: { customers: [...new Set(h.customers.filter(isCustomer))], ...(lacks.length ? { lacks } : {}) },
    ...(h.name?.trim() ? { name: h.name.trim() } : {}),
    ...(h.source?.trim() ? { source: h.source.trim() } : {}),
  };
}

/** The handoff the builder was opened with, or null: whatever the history holds is read defensively. */
export function handoffOf(state: unknown): CampaignBuilderState | null {
  if (!state || typeof state !== "object") return null;
  const s = state as { segment?: { customers?: unknown; lacks?: unknown }; name?: unknown; source?: unknown };
  const customers = Array.isArray(s.segment?.customers) ? s.segment.customers : [];
  const lacks = Array.isArray(s.segment?.lacks) ? s.segment.lacks : [];
  const found = builderStateOf({
    customers: customers as string[],
    lacks: lacks as string[],
    name: typeof s.name === "string" ? s.name : undefined,
    source: typeof s.source === "string" ? s.source : undefined,
  });
  return found.segment.customers.length || found.source ? found : null;
}

/** Opens 新建营销计划 with the customers as its target list's bound (every other condition still applies). */
export function openCampaignBuilderWith(navigate: NavigateFunction, handoff: CampaignHandoff): void {
  void navigate(NEW_CAMPAIGN_PATH, { state: builderStateOf(handoff) });
}
