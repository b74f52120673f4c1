import { useQuery } from "@tanstack/react-query";

import { api, must } from "@/lib/api/client";

const RUNNING = new Set(["STATE_PENDING", "STATE_RUNNING"]);

export function isRunning(state: string | undefined): boolean {
  return RUNNING.has(state ?? "");
}

/** The newest scan job; refreshed every two seconds while one runs (its progress is not pushed yet). */
export function useLatestScan(enabled: boolean) {
  const query = useQuery({
    queryKey: ["scanJobs", "latest"],
    queryFn: () => must(api.GET("/v1/scanJobs", { params: { query: { pageSize: 1 } } })),
    enabled,
    refetchInterval: (q) => (isRunning(q.state.data?.scanJobs?.[0]?.state) ? 2000 : false),
  });
  return query.data?.scanJobs?.[0];
}

export function useScanJobs() {
  return useQuery({
    queryKey: ["scanJobs", "list"],
    queryFn: () => must(api.GET("/v1/scanJobs", { params: { query: { pageSize: 50 } } })),
    refetchInterval: (q) => (q.state.data?.scanJobs?.some((j) => isRunning(j.state)) ? 2000 : false),
  });
}
