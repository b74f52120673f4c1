// 任务's server state. Every key starts with "tasks": a change refetches every list, count and calendar, and a
// pushed `tasks/…` resource will do the same (lib/push.ts) once the service's events are pushed.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, must } from "@/lib/api/client";
import { resourceId } from "@/lib/format";

import { type Completion, mergeByDue, type NewTaskRequest, type Task } from "./logic";

export const TASK_PAGE = 20;
/** The lists' order: soonest due first. */
const ORDER = "due_time";

export function taskPageQuery(filter: string, pageSize: number, pageToken: string) {
  return queryOptions({
    queryKey: ["tasks", "list", filter, pageSize, pageToken],
    queryFn: () =>
      must(api.GET("/v1/tasks", { params: { query: { filter: filter || undefined, orderBy: ORDER, pageSize, pageToken: pageToken || undefined } } })),
  });
}

/** One page of one list (the pager's tokens). */
export function useTaskPage(filter: string, pageToken: string, enabled = true, pageSize = TASK_PAGE) {
  return useQuery({ ...taskPageQuery(filter, pageSize, pageToken), placeholderData: keepPreviousData, enabled });
}

/** Every task of one or several lists, as one list soonest due first: a person's open and in-progress tasks (two
 * lists: the service's filters have no OR), a month of the calendar. */
export function useAllTasks(filters: readonly string[], enabled = true) {
  return useQuery({
    queryKey: ["tasks", "every", ...filters],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const lists = await Promise.all(
        filters.map(async (filter) => {
          const out: Task[] = [];
          let pageToken: string | undefined;
          do {
            const page = await must(api.GET("/v1/tasks", { params: { query: { filter: filter || undefined, orderBy: ORDER, pageSize: 500, pageToken } } }));
            out.push(...(page.tasks ?? []));
            pageToken = page.nextPageToken || undefined;
          } while (pageToken);
          return out;
        }),
      );
      return mergeByDue(lists);
    },
  });
}

/** How many tasks a filter matches (one asked for; the answer's total). */
export function useTaskCount(filter: string, enabled = true) {
  return useQuery({
    queryKey: ["tasks", "count", filter],
    enabled,
    queryFn: async () => (await must(api.GET("/v1/tasks", { params: { query: { filter: filter || undefined, pageSize: 1 } } }))).totalSize ?? 0,
  });
}

export const taskQuery = (id: string) =>
  queryOptions({
    queryKey: ["tasks", `tasks/${id}`],
    queryFn: () => must(api.GET("/v1/tasks/{task}", { params: { path: { task: id } } })),
  });

export function useTask(id: string) {
  return useQuery(taskQuery(id));
}

export function useTaskComments(id: string) {
  return useQuery({
    queryKey: ["tasks", `tasks/${id}`, "comments"],
    queryFn: () => must(api.GET("/v1/tasks/{task}/comments", { params: { path: { task: id }, query: { pageSize: 500 } } })),
  });
}

export function useTaskHistory(id: string) {
  return useQuery({
    queryKey: ["tasks", `tasks/${id}`, "history"],
    queryFn: () => must(api.GET("/v1/tasks/{task}/history", { params: { path: { task: id } } })),
  });
}

/** 新建任务: CreateTask for one assignee, BatchCreateTasks for several or an org unit; the tasks made. */
export function useCreateTasks() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (r: NewTaskRequest): Promise<Task[]> => {
      if (r.kind === "create") return [await must(api.POST("/v1/tasks", { params: { query: { requestId: r.requestId } }, body: r.task }))];
      const made = await must(
        api.POST("/v1/tasks:batchCreate", { body: { task: r.task, assignees: r.assignees, orgUnit: r.orgUnit, requestId: r.requestId } }),
      );
      return made.tasks ?? [];
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ["tasks"] }),
  });
}

export type TaskChange =
  | { action: "start" }
  | { action: "complete"; completion: Completion }
  | { action: "accept"; comment?: string }
  | { action: "return"; reason: string }
  | { action: "cancel"; reason: string }
  | { action: "edit"; task: Task; mask: string[] };

/** One change of a task, always with the etag the page read (a stale one is ABORTED: someone else changed it). */
export function changeTask(task: Task, change: TaskChange): Promise<Task> {
  const name = task.name ?? "";
  const path = { task: resourceId(name) };
  const etag = task.etag;
  switch (change.action) {
    case "start":
      return must(api.POST("/v1/tasks/{task}:start", { params: { path }, body: { name, etag } }));
    case "complete":
      return must(api.POST("/v1/tasks/{task}:complete", { params: { path }, body: { name, etag, completion: change.completion } }));
    case "accept":
      return must(api.POST("/v1/tasks/{task}:accept", { params: { path }, body: { name, etag, comment: change.comment } }));
    case "return":
      return must(api.POST("/v1/tasks/{task}:return", { params: { path }, body: { name, etag, reason: change.reason } }));
    case "cancel":
      return must(api.POST("/v1/tasks/{task}:cancel", { params: { path }, body: { name, etag, cancelReason: change.reason } }));
    case "edit":
      return must(
        api.PATCH("/v1/tasks/{task}", { params: { path, query: { updateMask: change.mask.join(",") } }, body: { ...change.task, etag } }),
      );
  }
}

/** A task's changes: the answer replaces the cached task; every list, count and the history are refetched. */
export function useChangeTask(task: Task | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: TaskChange) => changeTask(task!, change),
    onSuccess: (saved) => client.setQueryData(["tasks", saved.name ?? task?.name], saved),
    onSettled: () => client.invalidateQueries({ queryKey: ["tasks"] }),
  });
}

export function useAddTaskComment(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (text: string) =>
      must(api.POST("/v1/tasks/{task}/comments", { params: { path: { task: id } }, body: { text } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["tasks", `tasks/${id}`] }),
  });
}
