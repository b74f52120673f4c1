// The customer feature's server state: list, one customer and its 360 parts, tier names, the scoped figures.
import { keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";

import { api, must, type Schemas } from "@/lib/api/client";
import { useI18n } from "@/locales/i18n";

/** Every read of customers, contacts, accounts and transactions asks for personal data masked (nothing audited);
 * the 显示 action of `Pii` reads one resource unmasked on purpose (`unmasked*` below), which the service records. */
/** How the console reads personal data: names as the user may see them (recorded), identifiers masked — each
 * shown on purpose with 显示 (UNMASKED, recorded). */
export const MASKED = "PII_VIEW_BASIC" as const;
const UNMASKED = "PII_VIEW_UNMASKED" as const;

export interface CustomerFilters {
  type?: string;
  tier?: string;
  branch?: string;
  relationshipManager?: string;
  keyOnly?: boolean;
  /** AUM range in 万元 (ten thousand yuan, how bank staff speak of it); inclusive. */
  aumMin?: number;
  aumMax?: number;
}

/** An AIP-160 filter from the list's filter bar (values quoted; the service checks them). */
export function filterExpression(f: CustomerFilters): string {
  const terms: string[] = [];
  const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  if (f.type) terms.push(`type = ${f.type}`);
  if (f.tier) terms.push(`tier = ${quote(f.tier)}`);
  if (f.branch) terms.push(`branch = ${quote(f.branch)}`);
  if (f.relationshipManager) terms.push(`relationship_manager = ${quote(f.relationshipManager)}`);
  if (f.keyOnly) terms.push("key_customer = true");
  if (f.aumMin !== undefined) terms.push(`metrics.assets_under_management >= ${Math.round(f.aumMin * 10_000)}`);
  if (f.aumMax !== undefined) terms.push(`metrics.assets_under_management <= ${Math.round(f.aumMax * 10_000)}`);
  return terms.join(" AND ");
}

/** The home page's ten largest key customers of the caller's scope (useCustomerPage's arguments). */
export const TOP_CUSTOMERS = [{ keyOnly: true }, "metrics.assets_under_management desc", 10, ""] as const;

/** One page of customers (the query a page and a prefetch share). */
export function customerPageQuery(filters: CustomerFilters, orderBy: string, pageSize: number, pageToken: string) {
  const filter = filterExpression(filters);
  return queryOptions({
    queryKey: ["customers", "list", filter, orderBy, pageSize, pageToken],
    queryFn: () =>
      must(
        api.GET("/v1/customers", {
          params: { query: { filter: filter || undefined, orderBy, pageSize, pageToken: pageToken || undefined, piiView: MASKED } },
        }),
      ),
  });
}

export function useCustomerPage(filters: CustomerFilters, orderBy: string, pageSize: number, pageToken: string) {
  return useQuery({ ...customerPageQuery(filters, orderBy, pageSize, pageToken), placeholderData: keepPreviousData });
}

/** Pages of customers appended as the list scrolls (the table is virtualised: ten thousand rows stay smooth). */
export function useCustomerRows(filters: CustomerFilters, orderBy: string, pageSize = 200) {
  const filter = filterExpression(filters);
  return useInfiniteQuery({
    queryKey: ["customers", "rows", filter, orderBy, pageSize],
    queryFn: ({ pageParam }) =>
      must(
        api.GET("/v1/customers", {
          params: { query: { filter: filter || undefined, orderBy, pageSize, pageToken: pageParam || undefined, piiView: MASKED } },
        }),
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken || undefined,
    placeholderData: keepPreviousData,
  });
}

export function useOrgUnits() {
  return useQuery({
    queryKey: ["orgUnits", "all"],
    queryFn: () => must(api.GET("/v1/orgUnits", { params: { query: { pageSize: 500 } } })),
    staleTime: 300_000,
  });
}

export function useRelationshipManagers(enabled = true) {
  return useQuery({
    queryKey: ["users", "relationship-managers"],
    enabled,
    queryFn: () =>
      must(
        api.GET("/v1/users", {
          params: { query: { pageSize: 500, filter: 'roles: "roles/relationship_manager"' } },
        }),
      ),
    staleTime: 300_000,
  });
}

export const customerQuery = (id: string) =>
  queryOptions({
    queryKey: ["customers", `customers/${id}`],
    queryFn: () => must(api.GET("/v1/customers/{customer}", { params: { path: { customer: id }, query: { piiView: MASKED } } })),
  });

export function useCustomer(id: string) {
  return useQuery(customerQuery(id));
}

// The 显示 (show) reads: one resource with personal data unmasked — an audited read (PERMISSION_DENIED without
// customers.pii.read), never put in the query cache; the service worker does not keep it either (public/sw.js).

/** The customer (`customers/{id}`) unmasked. */
export function unmaskedCustomer(id: string) {
  return must(api.GET("/v1/customers/{customer}", { params: { path: { customer: id }, query: { piiView: UNMASKED } } }));
}

/** A contact (`customers/{customer}/contacts/{contact}`) unmasked. */
export function unmaskedContact(name: string) {
  const [, customer, , contact] = name.split("/");
  return must(api.GET("/v1/customers/{customer}/contacts/{contact}", { params: { path: { customer, contact }, query: { piiView: UNMASKED } } }));
}

/** An account (`customers/{customer}/accounts/{account}`) unmasked. */
export function unmaskedAccount(name: string) {
  const [, customer, , account] = name.split("/");
  return must(api.GET("/v1/customers/{customer}/accounts/{account}", { params: { path: { customer, account }, query: { piiView: UNMASKED } } }));
}

/** The caller's scope's headline figures (report service). */
export const statsQuery = queryOptions({ queryKey: ["stats"], queryFn: () => must(api.GET("/v1/customerStats")) });

export function useStats() {
  return useQuery(statsQuery);
}

type TierRule = Schemas["kam.customer.v1.TierRule"];

/** The active tier rule sets (the tiers' names and order). */
export const activeRuleSetsQuery = queryOptions({
  queryKey: ["tierRuleSets", "active"],
  queryFn: () => must(api.GET("/v1/tierRuleSets", { params: { query: { filter: "state = STATE_ACTIVE" } } })),
  staleTime: 300_000,
});

/** Tier names in the current language (from the active rule sets), and the tiers in rank order. */
export function useTierNames() {
  const { lang, t } = useI18n();
  const query = useQuery(activeRuleSetsQuery);
  const rules: TierRule[] = (query.data?.tierRuleSets ?? []).flatMap((set) => set.rules ?? []);
  const names = new Map<string, string>();
  for (const rule of rules) {
    if (rule.tier) names.set(rule.tier, (lang === "en-US" ? rule.tierDisplayNameEn : rule.tierDisplayName) || rule.tier);
  }
  return {
    rules,
    tiers: [...names.keys()],
    name: (tier: string | undefined) => (tier ? (names.get(tier) ?? tier.replace("tiers/", "")) : t("customer.ungraded")),
  };
}

/** The customer's tier with its explanation (定级依据). */
export const customerTierQuery = (id: string) =>
  queryOptions({
    queryKey: ["customers", `customers/${id}`, "tier"],
    queryFn: () => must(api.GET("/v1/customers/{customer}/tier", { params: { path: { customer: id } } })),
  });

export function useCustomerTier(id: string) {
  return useQuery(customerTierQuery(id));
}

/** The customer's tier changes, newest first. */
export const tierHistoryQuery = (id: string) =>
  queryOptions({
    queryKey: ["customers", `customers/${id}`, "tierAssignments"],
    queryFn: () =>
      must(api.GET("/v1/customers/{customer}/tierAssignments", { params: { path: { customer: id }, query: { pageSize: 20 } } })),
  });

export function useTierHistory(id: string) {
  return useQuery(tierHistoryQuery(id));
}
