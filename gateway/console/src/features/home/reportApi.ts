// The 工作台's report widgets' server state. Each widget asks CreateReport with the day's request id
// (reportLogic.homeRequestId): the first visit of the day computes and stores the report, every later one — another
// tab, a reload, another device — gets the stored report back, computing nothing. The answer stays in the cache for
// the day (the key holds the request id, so the next day asks again); it is also put where 报表中心 keeps the
// report, so 查看完整报表 opens at once. A report the service is still computing is asked again until done.
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { reportQuery, useReport } from "@/features/reports/api";
import { isWorking, type Report } from "@/features/reports/logic";
import { api, must } from "@/lib/api/client";
import { resourceId } from "@/lib/format";

import type { HomeReportRequest } from "./reportLogic";

const DAY_MS = 86_400_000;

function createReport(report: Report, requestId: string): Promise<Report> {
  return must(api.POST("/v1/reports", { params: { query: { requestId } }, body: report }));
}

/** The query of a widget's report: under ["home", "reports", requestId], kept for the day. */
export function homeReportQuery(request: HomeReportRequest, onAnswer: (report: Report) => void) {
  return queryOptions({
    queryKey: ["home", "reports", request.requestId],
    queryFn: async () => {
      const report = await createReport(request.report, request.requestId);
      onAnswer(report);
      return report;
    },
    // the same request id gives the same report: never asked again while the page stays open that day
    staleTime: Infinity,
    gcTime: DAY_MS,
  });
}

/** A widget's report (none until `enabled`: the page's own figures first). */
export function useHomeReport(request: HomeReportRequest, enabled: boolean) {
  const client = useQueryClient();
  const created = useQuery({
    ...homeReportQuery(request, (report) => {
      if (report.name) client.setQueryData(reportQuery(resourceId(report.name)).queryKey, report);
      void client.invalidateQueries({ queryKey: ["reports", "list"] });
    }),
    enabled,
  });
  // still being computed (a large scope): 报表中心's own query asks again until it is done
  const id = resourceId(created.data?.name);
  const polled = useReport(id, isWorking(created.data));
  const report = polled.data ?? created.data;
  return { query: created, report, working: isWorking(report) };
}

/** A drill from a widget's report (a bar of 地区销售额): the next level run as a report — once, with its own
 * deterministic request id — and put in 报表中心's cache, so its page opens at once. */
export function useDrillReport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ report, requestId }: { report: Report; requestId: string }) => createReport(report, requestId),
    onSuccess: (created) => {
      if (created.name) client.setQueryData(reportQuery(resourceId(created.name)).queryKey, created);
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["reports", "list"] }),
  });
}
