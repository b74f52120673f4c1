// 工作效率's server state. The key starts with "tasks", so whatever refreshes the tasks (a change made here, a
// pushed `tasks/…` resource) refreshes the figures too.
import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, must } from "@/lib/api/client";

import { efficiencyQuery, type EfficiencyFilters } from "./logic";

export function useWorkEfficiency(filters: EfficiencyFilters, enabled = true) {
  const query = efficiencyQuery(filters);
  return useQuery({
    queryKey: ["tasks", "efficiency", query],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: () => must(api.GET("/v1/workEfficiency", { params: { query } })),
  });
}
