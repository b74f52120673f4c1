// 自动任务's server state (TaskAutomationService). Every key starts with "automation": a change refetches both
// lists and the open one.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, must } from "@/lib/api/client";
import { resourceId } from "@/lib/format";

import type { Playbook, RecurringTask } from "./logic";

export const AUTOMATION_PAGE = 20;

export function useRecurringTasks(filter: string, pageToken: string) {
  return useQuery({
    queryKey: ["automation", "recurringTasks", "list", filter, pageToken],
    placeholderData: keepPreviousData,
    queryFn: () =>
      must(
        api.GET("/v1/recurringTasks", {
          params: { query: { filter: filter || undefined, pageSize: AUTOMATION_PAGE, pageToken: pageToken || undefined } },
        }),
      ),
  });
}

export function usePlaybooks(filter: string, pageToken: string) {
  return useQuery({
    queryKey: ["automation", "playbooks", "list", filter, pageToken],
    placeholderData: keepPreviousData,
    queryFn: () =>
      must(
        api.GET("/v1/playbooks", {
          params: { query: { filter: filter || undefined, pageSize: AUTOMATION_PAGE, pageToken: pageToken || undefined } },
        }),
      ),
  });
}

export const recurringTaskQuery = (id: string) =>
  queryOptions({
    queryKey: ["automation", `recurringTasks/${id}`],
    queryFn: () => must(api.GET("/v1/recurringTasks/{recurringTask}", { params: { path: { recurringTask: id } } })),
  });

export const playbookQuery = (id: string) =>
  queryOptions({
    queryKey: ["automation", `playbooks/${id}`],
    queryFn: () => must(api.GET("/v1/playbooks/{playbook}", { params: { path: { playbook: id } } })),
  });

export type RecurringChange =
  | { action: "create"; recurringTask: RecurringTask; requestId: string }
  | { action: "update"; recurringTask: RecurringTask; mask: string[] }
  | { action: "delete"; recurringTask: RecurringTask };

export type PlaybookChange =
  | { action: "create"; playbook: Playbook; requestId: string }
  | { action: "update"; playbook: Playbook; mask: string[] }
  | { action: "delete"; playbook: Playbook };

/** Enabling or disabling: the one change a superior may make (mask `enabled`, with the etag read). */
export function toggled<T extends { name?: string; etag?: string }>(item: T, enabled: boolean): T {
  return { name: item.name, etag: item.etag, enabled } as unknown as T;
}

function changeRecurring(c: RecurringChange): Promise<RecurringTask | undefined> {
  const path = { recurringTask: resourceId(c.recurringTask.name) };
  switch (c.action) {
    case "create":
      return must(api.POST("/v1/recurringTasks", { params: { query: { requestId: c.requestId } }, body: c.recurringTask }));
    case "update":
      return must(api.PATCH("/v1/recurringTasks/{recurringTask}", { params: { path, query: { updateMask: c.mask.join(",") } }, body: c.recurringTask }));
    case "delete":
      return must(api.DELETE("/v1/recurringTasks/{recurringTask}", { params: { path, query: { etag: c.recurringTask.etag } } })).then(() => undefined);
  }
}

function changePlaybook(c: PlaybookChange): Promise<Playbook | undefined> {
  const path = { playbook: resourceId(c.playbook.name) };
  switch (c.action) {
    case "create":
      return must(api.POST("/v1/playbooks", { params: { query: { requestId: c.requestId } }, body: c.playbook }));
    case "update":
      return must(api.PATCH("/v1/playbooks/{playbook}", { params: { path, query: { updateMask: c.mask.join(",") } }, body: c.playbook }));
    case "delete":
      return must(api.DELETE("/v1/playbooks/{playbook}", { params: { path, query: { etag: c.playbook.etag } } })).then(() => undefined);
  }
}

/** Create, change, enable/disable or delete a recurring task; both lists and the open one are refetched after. */
export function useChangeRecurring() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: changeRecurring,
    onSettled: () => client.invalidateQueries({ queryKey: ["automation"] }),
  });
}

export function useChangePlaybook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: changePlaybook,
    onSettled: () => client.invalidateQueries({ queryKey: ["automation"] }),
  });
}
