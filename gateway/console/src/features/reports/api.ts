// 报表中心's server state. Every key starts with "reports": a report under ["reports", "reports/{id}"] (a pushed
// `reports/…` resource would refresh it — lib/push.ts), 我的报表 under ["reports", "list", …], 定时报表 under
// ["reports", "schedules", …] (every change to one asks the list again). A report still being
// computed (STATE_PENDING / STATE_RUNNING) is asked again every POLL_MS until it is done (no push tells it yet).
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, must } from "@/lib/api/client";
import { resourceId } from "@/lib/format";

import { base64Bytes, type ExportFormat, isDone, isWorking, type Report } from "./logic";
import type { ReportSchedule, ScheduleUpdate } from "./scheduleLogic";

export const LIST_PAGE = 20;
export const POLL_MS = 1500;

export function useReportList(filter: string, pageToken: string, enabled = true) {
  return useQuery({
    queryKey: ["reports", "list", filter, pageToken],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: () =>
      must(api.GET("/v1/reports", { params: { query: { pageSize: LIST_PAGE, filter: filter || undefined, pageToken: pageToken || undefined } } })),
    // a report of the page still being computed: the page again until it is done
    refetchInterval: (query) => ((query.state.data?.reports ?? []).some((r) => isWorking(r)) ? POLL_MS * 2 : false),
  });
}

export const reportQuery = (id: string) =>
  queryOptions({
    queryKey: ["reports", `reports/${id}`],
    queryFn: (): Promise<Report> => must(api.GET("/v1/reports/{report}", { params: { path: { report: id } } })),
    refetchInterval: (query) => (isWorking(query.state.data) ? POLL_MS : false),
    // a computed report does not change (重新生成 makes another)
    staleTime: (query) => (isDone(query.state.data) ? Infinity : 0),
  });

export function useReport(id: string, enabled = true) {
  return useQuery({ ...reportQuery(id), enabled: Boolean(id) && enabled });
}

/** CreateReport (with a request id of its own: a repeat of the same click makes one report); the answer is put in
 * the cache, so the page shown next has it at once. */
export function useCreateReport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (report: Report): Promise<Report> =>
      must(api.POST("/v1/reports", { params: { query: { requestId: crypto.randomUUID() } }, body: report })),
    onSuccess: (created) => {
      if (created.name) client.setQueryData(reportQuery(resourceId(created.name)).queryKey, created);
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["reports", "list"] }),
  });
}

export function useDeleteReport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => must(api.DELETE("/v1/reports/{report}", { params: { path: { report: resourceId(name) } } })),
    onSuccess: (_, name) => client.removeQueries({ queryKey: ["reports", name] }),
    onSettled: () => client.invalidateQueries({ queryKey: ["reports", "list"] }),
  });
}

const EXTENSIONS: Record<ExportFormat, string> = { EXPORT_FORMAT_CSV: "csv", EXPORT_FORMAT_XLSX: "xlsx", EXPORT_FORMAT_PDF: "pdf" };

/** ExportReport: the file the service made (its name, type and bytes) as a Blob. */
export async function exportReport(id: string, format: ExportFormat): Promise<{ filename: string; blob: Blob }> {
  const file = await must(api.GET("/v1/reports/{report}:export", { params: { path: { report: id }, query: { format } } }));
  const type = file.contentType || "application/octet-stream";
  return { filename: file.filename || `report-${id}.${EXTENSIONS[format]}`, blob: new Blob([base64Bytes(file.content ?? "")], { type }) };
}

/** Saves a file through the browser's download. */
export function saveFile(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// --- 定时报表 -------------------------------------------------------------------------------------------------------

export const SCHEDULE_PAGE = 50;
const SCHEDULES = ["reports", "schedules"] as const;

/** ListReportSchedules: the caller's own, by title. */
export function useScheduleList(pageToken: string, enabled = true) {
  return useQuery({
    queryKey: [...SCHEDULES, "list", pageToken],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: () => must(api.GET("/v1/reportSchedules", { params: { query: { pageSize: SCHEDULE_PAGE, pageToken: pageToken || undefined } } })),
  });
}

const schedulePath = (schedule: ReportSchedule) => ({ reportSchedule: resourceId(schedule.name) });

export type ScheduleChange =
  | { action: "create"; reportSchedule: ReportSchedule; requestId: string }
  | ({ action: "update" } & ScheduleUpdate)
  | { action: "delete"; reportSchedule: ReportSchedule };

function changeSchedule(c: ScheduleChange): Promise<ReportSchedule | undefined> {
  switch (c.action) {
    case "create":
      return must(api.POST("/v1/reportSchedules", { params: { query: { requestId: c.requestId } }, body: c.reportSchedule }));
    case "update":
      return must(
        api.PATCH("/v1/reportSchedules/{reportSchedule}", {
          params: { path: schedulePath(c.reportSchedule), query: { updateMask: c.mask.join(",") } },
          body: c.reportSchedule,
        }),
      );
    case "delete":
      return must(
        api.DELETE("/v1/reportSchedules/{reportSchedule}", {
          params: { path: schedulePath(c.reportSchedule), query: { etag: c.reportSchedule.etag || undefined } },
        }),
      ).then(() => undefined);
  }
}

/** Create, change (暂停 / 恢复 too) or delete a schedule; the list is asked again after, whatever the answer (a
 * stale etag: the list shows what is there now). */
export function useChangeSchedule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: changeSchedule,
    onSettled: () => client.invalidateQueries({ queryKey: SCHEDULES }),
  });
}

/** RunReportSchedule (立即发送): the report made is put in the cache (its page opens at once) and the lists of
 * reports and schedules (its last run) are asked again. */
export function useRunSchedule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (schedule: ReportSchedule): Promise<Report> =>
      must(api.POST("/v1/reportSchedules/{reportSchedule}:run", { params: { path: schedulePath(schedule) }, body: { name: schedule.name ?? "" } })),
    onSuccess: (report) => {
      if (report.name) client.setQueryData(reportQuery(resourceId(report.name)).queryKey, report);
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: SCHEDULES });
      void client.invalidateQueries({ queryKey: ["reports", "list"] });
    },
  });
}
