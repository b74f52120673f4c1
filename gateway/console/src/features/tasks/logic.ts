// 任务 without React: the states and priorities in order, overdue, which actions a caller may take on a task (the
// same table as the service's state machine, and who stands where to the task), the ListTasks filters each tab
// asks with (the service takes equalities joined by AND only, so "open or in progress" is two lists), the
// address's filters, due and completion times checked before sending, the requests the forms build, and the
// history's field changes in words.
import type { Schemas } from "@/lib/api/client";
import { formatDay, formatTime, resourceId } from "@/lib/format";

export type Task = Schemas["kam.task.v1.Task"];
export type TaskComment = Schemas["kam.task.v1.TaskComment"];
export type TaskHistoryEntry = Schemas["kam.task.v1.TaskHistoryEntry"];
export type FieldChange = Schemas["kam.task.v1.FieldChange"];
export type Completion = Schemas["kam.task.v1.Completion"];
export type TaskState = NonNullable<Task["state"]>;
export type Priority = NonNullable<Task["priority"]>;
export type InteractionType = NonNullable<Completion["interactionType"]>;

/** The caller as the actions need them: `users/…` and the permissions. */
export interface Caller {
  name?: string;
  permissions?: string[];
}

export const STATES: TaskState[] = ["STATE_OPEN", "STATE_IN_PROGRESS", "STATE_COMPLETED", "STATE_ACCEPTED", "STATE_CANCELLED"];
/** Most urgent first (the form's and the filter's options). */
export const PRIORITIES: Priority[] = ["PRIORITY_URGENT", "PRIORITY_HIGH", "PRIORITY_NORMAL", "PRIORITY_LOW"];
/** Open or in progress: still to be done (and the only states a task can be overdue in). */
export const ACTIVE_STATES: TaskState[] = ["STATE_OPEN", "STATE_IN_PROGRESS"];

export const STATE_COLORS: Record<string, string> = {
  STATE_OPEN: "blue",
  STATE_IN_PROGRESS: "processing",
  STATE_COMPLETED: "gold",
  STATE_ACCEPTED: "green",
  STATE_CANCELLED: "default",
};
export const PRIORITY_COLORS: Record<string, string> = {
  PRIORITY_URGENT: "red",
  PRIORITY_HIGH: "orange",
  PRIORITY_NORMAL: "blue",
  PRIORITY_LOW: "default",
};

/** The task's priority (unset is normal, as the service reads it). */
export function priorityOf(task: Pick<Task, "priority"> | undefined): Priority {
  return !task?.priority || task.priority === "PRIORITY_UNSPECIFIED" ? "PRIORITY_NORMAL" : task.priority;
}

/** Whether the task is overdue (逾期): the service's flag, or — a cached answer ages — open or in progress with its
 * due time passed now. */
export function isOverdue(task: Pick<Task, "overdue" | "state" | "dueTime">, now: Date = new Date()): boolean {
  if (!ACTIVE_STATES.includes(task.state ?? "STATE_UNSPECIFIED")) return false;
  if (task.overdue) return true;
  const due = Date.parse(task.dueTime ?? "");
  return !Number.isNaN(due) && due < now.getTime();
}

/** The due time as read (YYYY-MM-DD HH:mm, China Standard Time) and whether to mark it 逾期. */
export function dueDisplay(task: Pick<Task, "overdue" | "state" | "dueTime">, now: Date = new Date()): { text: string; overdue: boolean } {
  return { text: formatTime(task.dueTime), overdue: isOverdue(task, now) };
}

/** The assignee's or the assigner's name as the task carries it (the id when it carries none). */
export function personName(
  task: Pick<Task, "assignee" | "assigner" | "assigneeDisplayName" | "assignerDisplayName">,
  who: "assignee" | "assigner",
): string {
  if (who === "assignee") return task.assigneeDisplayName || resourceId(task.assignee);
  return task.assignerDisplayName || resourceId(task.assigner);
}

// ---- actions

export type TaskAction = "start" | "complete" | "accept" | "return" | "edit" | "cancel";
export const ACTIONS: TaskAction[] = ["start", "complete", "accept", "return", "edit", "cancel"];

/** The states each change starts from (the service's table). */
const FROM: Record<TaskAction, readonly TaskState[]> = {
  start: ["STATE_OPEN"],
  complete: ["STATE_OPEN", "STATE_IN_PROGRESS"],
  accept: ["STATE_COMPLETED"],
  return: ["STATE_COMPLETED"],
  edit: ["STATE_OPEN", "STATE_IN_PROGRESS"],
  cancel: ["STATE_OPEN", "STATE_IN_PROGRESS"],
};

/**
 * The actions the caller may take on the task now. Its assignee works on it (开始, 完成; `tasks.work`); its
 * assigner directs it (验收, 退回, 修改, 取消; `tasks.assign`) — and so does a superior: a caller with
 * `tasks.assign` who sees a task neither assigned by nor to them sees it through their data scope, which is what
 * the service asks of a superior. The assignee never reviews their own work (a task one made for oneself is
 * accepted when completed). The API stays the authority.
 */
export function taskActions(task: Pick<Task, "state" | "assigner" | "assignee"> | undefined, caller: Caller | null | undefined): TaskAction[] {
  if (!task || !caller?.name) return [];
  const held = new Set(caller.permissions ?? []);
  const isAssignee = task.assignee === caller.name;
  const isAssigner = task.assigner === caller.name;
  const works = isAssignee && held.has("tasks.work");
  const directs = held.has("tasks.assign") && (isAssigner || !isAssignee);
  return ACTIONS.filter((action) => {
    if (!FROM[action].includes(task.state ?? "STATE_UNSPECIFIED")) return false;
    if (action === "start" || action === "complete") return works;
    if (action === "accept" || action === "return") return directs && !isAssignee;
    return directs;
  });
}

// ---- the lists

export const TABS = ["mine", "assigned", "calendar", "all"] as const;
export type TasksTab = (typeof TABS)[number];

/** The tabs a caller sees: theirs, those they assigned and the calendar for every reader, everything in their
 * scope for those who assign. */
export function visibleTabs(permissions: readonly string[] | undefined): TasksTab[] {
  const held = new Set(permissions ?? []);
  return TABS.filter((tab) => (tab === "all" ? held.has("tasks.assign") : held.has("tasks.read")));
}

export function chooseTab(requested: string | null | undefined, visible: readonly TasksTab[]): TasksTab | undefined {
  return visible.find((tab) => tab === requested) ?? visible[0];
}

export interface TaskFilters {
  tab?: TasksTab;
  /** 我的任务: every state (else open and in progress only). */
  everyState?: boolean;
  state?: TaskState;
  priority?: Priority;
  /** `orgUnits/…`: that unit and the units below it. */
  orgUnit?: string;
  overdue?: boolean;
  /** The calendar's month, YYYY-MM. */
  month?: string;
}

const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const ME = quote("users/me");

/** The first moment of a month (YYYY-MM) in China Standard Time, RFC 3339; and of the month after. */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split("-").map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  return { from: `${month}-01T00:00:00+08:00`, to: `${next}-01T00:00:00+08:00` };
}

/**
 * The ListTasks filters a tab asks with: one per list, the lists shown together. The service takes equalities
 * joined by AND (no OR), so 我的任务's "open or in progress" is two lists, one per state.
 */
export function taskFilters(f: TaskFilters): string[] {
  const join = (...terms: (string | false | undefined)[]) => terms.filter(Boolean).join(" AND ");
  switch (f.tab ?? "mine") {
    case "mine":
      return f.everyState ? [`assignee = ${ME}`] : ACTIVE_STATES.map((s) => join(`assignee = ${ME}`, `state = ${s}`));
    case "assigned":
      return [join(`assigner = ${ME}`, f.state && `state = ${f.state}`, f.overdue && "overdue = true")];
    case "calendar": {
      const { from, to } = monthRange(f.month ?? "");
      return [join(`assignee = ${ME}`, `due_time >= ${quote(from)}`, `due_time < ${quote(to)}`)];
    }
    case "all":
      return [
        join(
          f.state && `state = ${f.state}`,
          f.priority && `priority = ${f.priority}`,
          f.orgUnit && `org_unit = ${quote(f.orgUnit)}`,
          f.overdue && "overdue = true",
        ),
      ];
  }
}

/** The filter for one count (我分派的's 待验收 and 逾期, the home page's overdue). */
export function countFilter(who: "assignee" | "assigner", extra: { state?: TaskState; overdue?: boolean }): string {
  return [`${who} = ${ME}`, extra.state && `state = ${extra.state}`, extra.overdue && "overdue = true"].filter(Boolean).join(" AND ");
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The tab and its filters from the address (`?tab=all&state=STATE_OPEN&orgUnit=0101&overdue=1`); values the API
 * would refuse are dropped. */
export function filtersFromParams(params: URLSearchParams): TaskFilters {
  const tab = params.get("tab") ?? "";
  const state = params.get("state") ?? "";
  const priority = params.get("priority") ?? "";
  const unit = (params.get("orgUnit") ?? "").trim();
  const month = params.get("month") ?? "";
  return {
    tab: (TABS as readonly string[]).includes(tab) ? (tab as TasksTab) : undefined,
    everyState: params.get("every") === "1",
    state: (STATES as string[]).includes(state) ? (state as TaskState) : undefined,
    priority: (PRIORITIES as string[]).includes(priority) ? (priority as Priority) : undefined,
    orgUnit: /^[^/\s]+$/.test(unit) ? `orgUnits/${unit}` : undefined,
    overdue: params.get("overdue") === "1",
    month: MONTH.test(month) ? month : undefined,
  };
}

export function filtersToParams(f: TaskFilters): URLSearchParams {
  const out = new URLSearchParams();
  if (f.tab) out.set("tab", f.tab);
  if (f.everyState) out.set("every", "1");
  if (f.state) out.set("state", f.state);
  if (f.priority) out.set("priority", f.priority);
  if (f.orgUnit) out.set("orgUnit", resourceId(f.orgUnit));
  if (f.overdue) out.set("overdue", "1");
  if (f.month) out.set("month", f.month);
  return out;
}

/** Several lists as one: each task once, soonest due first (the lists come sorted by due time each). */
export function mergeByDue(lists: readonly (readonly Task[])[]): Task[] {
  const seen = new Map<string, Task>();
  for (const list of lists) for (const task of list) if (task.name && !seen.has(task.name)) seen.set(task.name, task);
  return [...seen.values()].sort((a, b) => (a.dueTime ?? "").localeCompare(b.dueTime ?? "") || (a.name ?? "").localeCompare(b.name ?? ""));
}

/** The calendar's tasks by bank day (YYYY-MM-DD, China Standard Time) of their due time. */
export function tasksByDay(tasks: readonly Task[]): Map<string, Task[]> {
  const out = new Map<string, Task[]>();
  for (const task of tasks) {
    const day = formatDay(task.dueTime);
    if (day) out.set(day, [...(out.get(day) ?? []), task]);
  }
  return out;
}

// ---- times checked before sending

/** How far ahead a due time may be (the service's limit: three years). */
export const MAX_AHEAD_DAYS = 3 * 366;

/** What is wrong with a due time, if anything: missing, not in the future, or more than three years ahead. */
export function dueTimeProblem(due: Date | null | undefined, now: Date = new Date()): "required" | "past" | "tooFar" | undefined {
  if (!due || Number.isNaN(due.getTime())) return "required";
  if (due.getTime() <= now.getTime()) return "past";
  if (due.getTime() > now.getTime() + MAX_AHEAD_DAYS * 86_400_000) return "tooFar";
  return undefined;
}

/** What is wrong with a completion time: missing, or in the future. */
export function completeTimeProblem(time: Date | null | undefined, now: Date = new Date()): "required" | "future" | undefined {
  if (!time || Number.isNaN(time.getTime())) return "required";
  return time.getTime() > now.getTime() ? "future" : undefined;
}

// ---- the forms' requests

export type AssigneeKind = "self" | "users" | "orgUnit";

/** The most customers a task concerns: the main one and up to 20 related ones. */
export const MAX_CUSTOMERS = 21;

/** The customers a task concerns, the main one first. */
export function customersOf(task: Pick<Task, "customer" | "relatedCustomers">): string[] {
  return [...new Set([task.customer ?? "", ...(task.relatedCustomers ?? [])].filter(Boolean))];
}

/** The customers picked, as the task carries them: the first is `customer`, the rest `relatedCustomers`. */
export function splitCustomers(picked?: string[]): { customer: string; relatedCustomers: string[] } {
  const [customer = "", ...relatedCustomers] = [...new Set((picked ?? []).filter(Boolean))];
  return { customer, relatedCustomers };
}

export interface NewTaskValues {
  title: string;
  purpose?: string;
  description?: string;
  priority?: Priority;
  dueTime: Date;
  /** The customers it concerns, the main one first. */
  customers?: string[];
  assigneeKind: AssigneeKind;
  assignees?: string[];
  orgUnit?: string;
}

export type NewTaskRequest =
  | { kind: "create"; task: Task; requestId?: string }
  | { kind: "batch"; task: Task; assignees: string[]; orgUnit?: string; requestId?: string };

/** CreateTask for one assignee (oneself, or one named person), BatchCreateTasks for several or an org unit. */
export function newTaskRequest(v: NewTaskValues, me: string): NewTaskRequest {
  const trimmed = (s?: string) => (s ?? "").trim();
  const { customer, relatedCustomers } = splitCustomers(v.customers);
  const base = {
    title: trimmed(v.title),
    purpose: trimmed(v.purpose),
    description: trimmed(v.description),
    priority: v.priority ?? "PRIORITY_NORMAL",
    dueTime: v.dueTime.toISOString(),
    ...(customer ? { customer } : {}),
    ...(relatedCustomers.length ? { relatedCustomers } : {}),
  };
  const people = [...new Set(v.assignees ?? [])];
  if (v.assigneeKind === "orgUnit") return { kind: "batch", task: { ...base, assignee: "" }, assignees: [], orgUnit: v.orgUnit };
  if (v.assigneeKind === "users" && people.length > 1) return { kind: "batch", task: { ...base, assignee: "" }, assignees: people };
  return { kind: "create", task: { ...base, assignee: v.assigneeKind === "users" && people[0] ? people[0] : me } };
}

/** The same request as a stable string: one idempotency key per request as composed (a retry after a lost answer
 * creates nothing twice; a changed form is a new request). */
export function requestKey(r: NewTaskRequest): string {
  return JSON.stringify(r.kind === "batch" ? [r.task, [...r.assignees].sort(), r.orgUnit ?? ""] : [r.task]);
}

export interface EditValues {
  title: string;
  purpose?: string;
  description?: string;
  priority?: Priority;
  dueTime: Date;
  assignee: string;
  /** The customers it concerns, the main one first. */
  customers?: string[];
}

/** UpdateTask's task (with the etag it was read with) and mask: only the fields that changed. */
export function taskUpdate(task: Task, v: EditValues): { task: Task; mask: string[] } {
  const next = {
    title: v.title.trim(),
    purpose: (v.purpose ?? "").trim(),
    description: (v.description ?? "").trim(),
    priority: v.priority ?? priorityOf(task),
    assignee: v.assignee,
    dueTime: v.dueTime.toISOString(),
    ...splitCustomers(v.customers),
  };
  const mask: string[] = [];
  if (next.title !== task.title) mask.push("title");
  if (next.purpose !== (task.purpose ?? "")) mask.push("purpose");
  if (next.description !== (task.description ?? "")) mask.push("description");
  if (next.priority !== priorityOf(task)) mask.push("priority");
  if (next.assignee !== task.assignee) mask.push("assignee");
  if (Date.parse(next.dueTime) !== Date.parse(task.dueTime ?? "")) mask.push("dueTime");
  if (next.customer !== (task.customer ?? "")) mask.push("customer");
  if (next.relatedCustomers.join(" ") !== (task.relatedCustomers ?? []).join(" ")) mask.push("relatedCustomers");
  return { task: { name: task.name, etag: task.etag, ...next }, mask };
}

export interface CompleteValues {
  handling: string;
  content: string;
  completeTime: Date;
  interactionType?: InteractionType;
}

/** The usual ways a task is handled (处理方式: 电话沟通, 上门拜访, 到行面谈, 微信沟通, 其他 — locale keys
 * `tasks.handlingChoice.*`), offered while free text stays possible. */
export const HANDLING_CHOICES = ["phone", "visit", "inBranch", "wechat", "other"] as const;

/** The kinds a completion may be logged as on the customer's timeline (offered in the form). */
export const LOGGED_AS: InteractionType[] = ["TYPE_VISIT", "TYPE_CALL", "TYPE_MEETING", "TYPE_NOTE"];

/** CompleteTask's completion. A time left at the form's default ("now" when it opened) is not sent: the service
 * takes the moment it completes the task, so a browser clock running ahead cannot make it "in the future". The
 * interaction kind only for a task about a customer. */
export function completionOf(v: CompleteValues, task: Pick<Task, "customer">, openedAt?: Date): Completion {
  const untouched = openedAt !== undefined && Math.floor(v.completeTime.getTime() / 60_000) === Math.floor(openedAt.getTime() / 60_000);
  return {
    handling: v.handling.trim(),
    content: v.content.trim(),
    ...(untouched ? {} : { completeTime: v.completeTime.toISOString() }),
    ...(task.customer && v.interactionType ? { interactionType: v.interactionType } : {}),
  };
}

// ---- the history

export const HISTORY_ACTIONS = ["created", "updated", "started", "completed", "accepted", "returned", "cancelled", "commented"] as const;

/** A field change's field as the locale names it: `due_time` and `dueTime` alike → `dueTime`. */
export function fieldKey(field: string | undefined): string {
  const last = (field ?? "").split(".").at(-1) ?? "";
  return last.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export interface ChangeLabels {
  priority: (v: string) => string;
  state: (v: string) => string;
  interactionType: (v: string) => string;
  /** A `users/…` name as the person's name. */
  user: (name: string) => string;
}

/** One value of a field change in words: times as YYYY-MM-DD HH:mm, enums and people by name, resources by id. */
export function changeValue(field: string | undefined, value: string | undefined, labels: ChangeLabels): string {
  if (!value) return "";
  const key = fieldKey(field);
  if (key === "priority") return labels.priority(value);
  if (key === "state") return labels.state(value);
  if (key === "interactionType") return labels.interactionType(value);
  if (key.endsWith("Time")) return formatTime(value);
  if (key === "relatedCustomers") return value.split(" ").filter(Boolean).map(resourceId).join("、");
  if (value.startsWith("users/")) return labels.user(value);
  if (/^(customers|orgUnits|tasks|campaigns)\//.test(value)) return resourceId(value);
  return value;
}
