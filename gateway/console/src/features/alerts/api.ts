// The alert centre's server state. Every query key starts with "alerts": a pushed `alerts/…` resource (an alert
// raised, repeated or escalated — lib/push.ts) refetches the lists, counts and badge without a reload.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, must } from "@/lib/api/client";

import { MASKED } from "@/features/customers/api";

import { type AlertFilters, type AlertItem, alertFilter, pickTransactions, transactionLookups } from "./logic";

export function alertPageQuery(filter: string, pageSize: number, pageToken: string) {
  return queryOptions({
    queryKey: ["alerts", "list", filter, pageSize, pageToken],
    queryFn: () =>
      must(
        api.GET("/v1/alerts", {
          params: { query: { filter: filter || undefined, pageSize, pageToken: pageToken || undefined, orderBy: "create_time desc" } },
        }),
      ),
  });
}

export function useAlertPage(filters: AlertFilters, me: string | undefined, pageSize: number, pageToken: string, enabled = true) {
  return useQuery({ ...alertPageQuery(alertFilter(filters, me), pageSize, pageToken), placeholderData: keepPreviousData, enabled });
}

/** How many alerts a filter matches (one alert asked for; the answer's total). */
export function useAlertCount(filter: string, enabled = true) {
  return useQuery({
    queryKey: ["alerts", "count", filter],
    queryFn: async () => (await must(api.GET("/v1/alerts", { params: { query: { filter: filter || undefined, pageSize: 1 } } }))).totalSize ?? 0,
    enabled,
  });
}

export const alertQuery = (id: string) =>
  queryOptions({
    queryKey: ["alerts", `alerts/${id}`],
    queryFn: () => must(api.GET("/v1/alerts/{alert}", { params: { path: { alert: id } } })),
  });

export function useAlert(id: string) {
  return useQuery(alertQuery(id));
}

export function useAlertComments(id: string) {
  return useQuery({
    queryKey: ["alerts", `alerts/${id}`, "comments"],
    queryFn: () => must(api.GET("/v1/alerts/{alert}/comments", { params: { path: { alert: id }, query: { pageSize: 200 } } })),
  });
}

export type AlertChange =
  | { action: "acknowledge"; id: string; etag?: string }
  | { action: "snooze"; id: string; etag?: string; until: string }
  | { action: "stop"; id: string; etag?: string; note: string; silenceRuleUntil?: string }
  | { action: "resolve"; id: string; etag?: string; note: string };

/** One state change, with the etag the page read (a stale one is ABORTED: someone else changed it). */
export function changeAlert(change: AlertChange) {
  const path = { alert: change.id };
  switch (change.action) {
    case "acknowledge":
      return must(api.POST("/v1/alerts/{alert}:acknowledge", { params: { path }, body: { name: `alerts/${change.id}`, etag: change.etag } }));
    case "snooze":
      return must(
        api.POST("/v1/alerts/{alert}:snooze", {
          params: { path },
          body: { name: `alerts/${change.id}`, etag: change.etag, snoozeExpireTime: change.until },
        }),
      );
    case "stop":
      return must(
        api.POST("/v1/alerts/{alert}:stop", {
          params: { path },
          body: { name: `alerts/${change.id}`, etag: change.etag, resolutionNote: change.note, silenceRuleUntil: change.silenceRuleUntil },
        }),
      );
    case "resolve":
      return must(
        api.POST("/v1/alerts/{alert}:resolve", {
          params: { path },
          body: { name: `alerts/${change.id}`, etag: change.etag, resolutionNote: change.note },
        }),
      );
  }
}

/** State changes of one or several alerts; everything about alerts is refetched afterwards. */
export function useChangeAlerts() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (changes: AlertChange[]) => {
      const results = await Promise.allSettled(changes.map(changeAlert));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed.length) throw failed[0]!.reason;
      return results.length;
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["alerts"] }),
  });
}

export function useAddComment(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (text: string) =>
      must(api.POST("/v1/alerts/{alert}/comments", { params: { path: { alert: id } }, body: { text } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["alerts", `alerts/${id}`, "comments"] }),
  });
}

/** The alert rules' names (the list's rule filter and the detail's rule). */
export function useAlertRuleNames(enabled: boolean) {
  const query = useQuery({
    queryKey: ["alertRules", "names"],
    queryFn: () => must(api.GET("/v1/alertRules", { params: { query: { pageSize: 500 } } })),
    staleTime: 300_000,
    enabled,
  });
  const names = new Map((query.data?.alertRules ?? []).map((r) => [r.name ?? "", r.displayName ?? r.name ?? ""]));
  return { rules: query.data?.alertRules ?? [], name: (rule: string | undefined) => names.get(rule ?? "") ?? rule ?? "" };
}

/** The alert's transactions with their amounts, channels and times (masked, as the 360 shows them). */
export function useAlertTransactions(alert: AlertItem | undefined, enabled: boolean) {
  const names = alert?.transactions ?? [];
  return useQuery({
    queryKey: ["alerts", alert?.name ?? "", "transactions", names.length, alert?.eventTime],
    enabled: enabled && names.length > 0,
    queryFn: async () => {
      const pages = await Promise.all(
        transactionLookups(names, alert?.eventTime).map((l) =>
          must(
            api.GET("/v1/customers/{customer}/accounts/{account}/transactions", {
              params: { path: { customer: l.customer, account: l.account }, query: { pageSize: 500, filter: l.filter, piiView: MASKED } },
            }),
          ),
        ),
      );
      return pickTransactions(names, pages.flatMap((p) => p.transactions ?? []));
    },
  });
}
