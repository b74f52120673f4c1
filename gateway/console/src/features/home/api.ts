// The 工作台 widgets' server state: each its own query, so the page's figures never wait for them.
import { useQuery } from "@tanstack/react-query";

import { MASKED } from "@/features/customers/api";
import { api, must } from "@/lib/api/client";

import { keyDateFilter, largeTransactionFilter } from "./logic";

/** Key dates of the caller's customers from `today` to `today + horizon` days, by date. */
export function useKeyDates(today: string, horizon: number, enabled: boolean) {
  const filter = keyDateFilter(today, horizon);
  return useQuery({
    queryKey: ["customers", "keyDates", filter],
    enabled,
    queryFn: () =>
      must(api.GET("/v1/customers/{customer}/keyDates", { params: { path: { customer: "-" }, query: { filter, pageSize: 20 } } })),
  });
}

/** Transactions of at least `minimum` yuan of the caller's customers in the last `days` days, newest first. */
export function useLargeTransactions(minimum: number, days: number, enabled: boolean) {
  // the window's start moves with the hour, not with each render (one cache entry per hour)
  const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const filter = largeTransactionFilter(hour, minimum, days);
  return useQuery({
    queryKey: ["customers", "largeTransactions", filter],
    enabled,
    queryFn: () =>
      must(
        api.GET("/v1/customers/{customer}/accounts/{account}/transactions", {
          params: { path: { customer: "-", account: "-" }, query: { filter, pageSize: 10, piiView: MASKED } },
        }),
      ),
  });
}

/** Figures per relationship manager or per org unit (directly under the caller's) of the caller's customers. */
export function useSummaries(groupBy: "relationship_manager" | "org_unit", enabled: boolean) {
  return useQuery({
    queryKey: ["customers", "summaries", groupBy],
    enabled,
    queryFn: () => must(api.GET("/v1/customers:summarize", { params: { query: { groupBy } } })),
  });
}
