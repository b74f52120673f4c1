// The alert rules' server state. Keys start with "alertRules" (the alert centre's rule names share them, so a
// saved rule renames itself there too).
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, must } from "@/lib/api/client";

import type { AlertRule } from "./logic";

export const alertRulesQuery = queryOptions({
  queryKey: ["alertRules", "list"],
  queryFn: () => must(api.GET("/v1/alertRules", { params: { query: { pageSize: 500 } } })),
});

export const alertRuleQuery = (id: string) =>
  queryOptions({
    queryKey: ["alertRules", `alertRules/${id}`],
    queryFn: () => must(api.GET("/v1/alertRules/{alertRule}", { params: { path: { alertRule: id } } })),
  });

export function useAlertRules() {
  return useQuery(alertRulesQuery);
}

export function useAlertRule(id: string | undefined) {
  return useQuery({ ...alertRuleQuery(id ?? ""), enabled: Boolean(id) });
}

/** Creates a rule (no `name`) or replaces the fields the form edits of a stored one (its etag: a stale one is
 * ABORTED). */
export function useSaveAlertRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ rule, mask, requestId }: { rule: AlertRule; mask?: string; requestId: string }) =>
      rule.name
        ? must(
            api.PATCH("/v1/alertRules/{alertRule}", {
              params: { path: { alertRule: rule.name.replace("alertRules/", "") }, query: { updateMask: mask } },
              body: rule,
            }),
          )
        : must(api.POST("/v1/alertRules", { params: { query: { requestId } }, body: rule })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["alertRules"] }),
  });
}

/** Switches a rule on or off (the list's switch), with the etag the list read. */
export function useEnableAlertRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (rule: AlertRule) =>
      must(
        api.PATCH("/v1/alertRules/{alertRule}", {
          params: { path: { alertRule: (rule.name ?? "").replace("alertRules/", "") }, query: { updateMask: "enabled" } },
          body: { name: rule.name, etag: rule.etag, enabled: rule.enabled, displayName: rule.displayName, severity: rule.severity },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: ["alertRules"] }),
  });
}

export function useDeleteAlertRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (rule: AlertRule) =>
      must(
        api.DELETE("/v1/alertRules/{alertRule}", {
          params: { path: { alertRule: (rule.name ?? "").replace("alertRules/", "") }, query: { etag: rule.etag } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["alertRules"] }),
  });
}

/** Replays a candidate rule (and the stored one it changes, when it has a name) over the last `days`. */
export function useBacktest() {
  return useMutation({
    mutationFn: ({ rule, days }: { rule: AlertRule; days: number }) =>
      must(api.POST("/v1/alertRules:backtest", { body: { alertRule: rule, days } })),
  });
}
