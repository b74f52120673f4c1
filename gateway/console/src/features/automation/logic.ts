// 自动任务 without React: recurring tasks (周期任务) and playbooks (触发模板) in words — the schedule (每周一 09:00,
// 每月 31 日（短月取末日）), who gets the tasks, the trigger, the steps (1 天内 电话问候 → 7 天内 上门拜访) — durations
// (`604800s`) ⇄ days and hours, the forms' values ⇄ the API's messages both ways (an edit sends only what changed),
// the lists' filters and the address, and the API's field violations (`playbook.steps[0].due_offset`) as the forms'
// field paths. The words come from the locale files through `t`, so a test reads them in zh-CN.
import type { Priority } from "@/features/tasks/logic";
import type { Schemas } from "@/lib/api/client";
import type { FieldViolation } from "@/lib/api/client";
import { formatDate } from "@/lib/format";

export type RecurringTask = Schemas["kam.task.v1.RecurringTask"];
export type Playbook = Schemas["kam.task.v1.Playbook"];
export type PlaybookStep = Schemas["kam.task.v1.PlaybookStep"];
export type TaskTemplate = Schemas["kam.task.v1.TaskTemplate"];
export type Schedule = Schemas["kam.task.v1.RecurrenceSchedule"];
export type CustomerCriteria = Schemas["kam.task.v1.CustomerCriteria"];
export type Frequency = Schedule["frequency"];
export type DayOfWeek = NonNullable<Schedule["dayOfWeek"]>;
export type Trigger = Playbook["trigger"];
export type KeyDateKind = NonNullable<Playbook["maturityKinds"]>[number];
type DateMessage = Schemas["google.type.Date"];
type TimeMessage = Schemas["google.type.TimeOfDay"];

/** The locale's lookup (`useI18n().t`). */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export const FREQUENCIES: Frequency[] = ["FREQUENCY_DAILY", "FREQUENCY_WEEKLY", "FREQUENCY_MONTHLY", "FREQUENCY_QUARTERLY"];
export const WEEKDAYS: DayOfWeek[] = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
export const TRIGGERS: Trigger[] = ["TRIGGER_NEW_KEY_CUSTOMER", "TRIGGER_TIER_CHANGED", "TRIGGER_MATURITY"];
/** The maturities a TRIGGER_MATURITY playbook may react to (none chosen: all three). */
export const MATURITY_KINDS: KeyDateKind[] = ["KEY_DATE_KIND_DEPOSIT_MATURITY", "KEY_DATE_KIND_LOAN_MATURITY", "KEY_DATE_KIND_WEALTH_MATURITY"];
/** The service's limits. */
export const MAX_STEPS = 20;
export const MAX_SPAN_DAYS = 366;
export const DEFAULT_TIME = "09:00";
/** The first month of each quarter (a quarterly schedule's months). */
export const QUARTER_MONTHS = [1, 4, 7, 10];

const monthly = (f: Frequency | undefined) => f === "FREQUENCY_MONTHLY" || f === "FREQUENCY_QUARTERLY";

// ---- durations

/** A protobuf Duration's JSON (`604800s`, `1.5s`) in seconds (0 when unset or not one). */
export function durationSeconds(duration: string | undefined): number {
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec((duration ?? "").trim());
  return match ? Number(match[1]) : 0;
}

/** Days and hours (the forms' parts of a duration). */
export interface Span {
  days?: number | null;
  hours?: number | null;
}

/** A duration as whole days, hours and minutes (seconds below a minute dropped). */
export function spanOf(duration: string | undefined): { days: number; hours: number; minutes: number } {
  const seconds = Math.max(0, Math.floor(durationSeconds(duration)));
  return { days: Math.floor(seconds / 86_400), hours: Math.floor((seconds % 86_400) / 3_600), minutes: Math.floor((seconds % 3_600) / 60) };
}

export function spanSeconds(span: Span | undefined): number {
  return (Number(span?.days) || 0) * 86_400 + (Number(span?.hours) || 0) * 3_600;
}

/** Days and hours as a Duration's JSON; `original` (the duration the form was filled from) is kept when its days
 * and hours are what the form still shows, so minutes the form cannot show are not lost by an unrelated edit. */
export function durationOf(span: Span, original?: string): string {
  if (original) {
    const was = spanOf(original);
    if (was.days === (Number(span.days) || 0) && was.hours === (Number(span.hours) || 0)) return original;
  }
  return `${spanSeconds(span)}s`;
}

/** What is wrong with a due span, if anything: nothing (zero), or more than 366 days. */
export function spanProblem(span: Span | undefined): "required" | "tooLong" | undefined {
  const seconds = spanSeconds(span);
  if (seconds <= 0) return "required";
  if (seconds > MAX_SPAN_DAYS * 86_400) return "tooLong";
  return undefined;
}

/** A duration in words: `7 天`, `1 天 12 小时`, `30 分钟`. */
export function spanText(duration: string | undefined, t: Translate): string {
  const { days, hours, minutes } = spanOf(duration);
  const parts = [
    days ? t("automation.span.d", { n: days }) : "",
    hours ? t("automation.span.h", { n: hours }) : "",
    minutes ? t("automation.span.m", { n: minutes }) : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : t("automation.span.m", { n: 0 });
}

// ---- dates and times

/** A google.type.Date from YYYY-MM-DD (undefined when empty or not a date). */
export function dateOf(text: string | undefined): DateMessage | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? "");
  return match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : undefined;
}

/** A time of day as HH:mm (unset: 09:00, as the service runs it). */
export function timeText(time: TimeMessage | undefined): string {
  if (!time) return DEFAULT_TIME;
  return `${String(time.hours ?? 0).padStart(2, "0")}:${String(time.minutes ?? 0).padStart(2, "0")}`;
}

/** HH:mm as a google.type.TimeOfDay (bad text: 09:00). */
export function timeOf(text: string | undefined): TimeMessage {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text ?? "") ?? /^(\d{1,2}):(\d{2})$/.exec(DEFAULT_TIME)!;
  return { hours: Number(match[1]), minutes: Number(match[2]) };
}

// ---- the schedule in words

/** Whether some month the schedule runs in lacks its day, so that month uses its last day: monthly from the 29th,
 * quarterly only on the 31st (its months are January, April, July and October: April has 30 days). */
export function shortMonthsApply(schedule: Pick<Schedule, "frequency" | "dayOfMonth"> | undefined): boolean {
  const day = schedule?.dayOfMonth ?? 0;
  if (schedule?.frequency === "FREQUENCY_MONTHLY") return day > 28;
  if (schedule?.frequency === "FREQUENCY_QUARTERLY") return QUARTER_MONTHS.some((m) => day > new Date(Date.UTC(2001, m, 0)).getUTCDate());
  return false;
}

/** `每天 09:00`, `每周一 09:00`, `每月 31 日 09:00（短月取末日）`, `每季度首月 1 日 09:00`. */
export function scheduleText(schedule: Schedule | undefined, t: Translate): string {
  if (!schedule) return "";
  const time = timeText(schedule.timeOfDay);
  const day = schedule.dayOfMonth ?? 0;
  const short = shortMonthsApply(schedule) ? t("automation.schedule.shortMonths") : "";
  switch (schedule.frequency) {
    case "FREQUENCY_DAILY":
      return t("automation.schedule.daily", { time });
    case "FREQUENCY_WEEKLY":
      return t("automation.schedule.weekly", { weekday: t(`enums.dayOfWeek.${schedule.dayOfWeek ?? "DAY_OF_WEEK_UNSPECIFIED"}`), time });
    case "FREQUENCY_MONTHLY":
      return t("automation.schedule.monthly", { day, time }) + short;
    case "FREQUENCY_QUARTERLY":
      return t("automation.schedule.quarterly", { day, time }) + short;
    default:
      return "";
  }
}

/** The schedule's dates: `2026-12-07 起` or `2026-12-07 至 2027-06-30`. */
export function rangeText(schedule: Schedule | undefined, t: Translate): string {
  const start = formatDate(schedule?.startDate);
  const end = formatDate(schedule?.endDate);
  if (!start) return "";
  return end ? t("automation.schedule.between", { start, end }) : t("automation.schedule.from", { start });
}

// ---- who, what sets it off, the steps

/** Names for resources (`users/…`, `orgUnits/…`, `tiers/…`) as the page knows them. */
export interface Names {
  user: (name: string) => string;
  unit: (name: string) => string;
  tier: (name: string) => string;
}

const list = (items: string[], t: Translate) => items.join(t("automation.listSep"));

/** Who gets a recurring task's tasks: named people, an org unit's relationship managers, or per customer. */
export function whoText(task: Pick<RecurringTask, "assignees" | "assigneeOrgUnit" | "customerSegment">, names: Names, t: Translate): string {
  if (task.customerSegment) {
    const tiers = task.customerSegment.tiers ?? [];
    return t("automation.who.segment", {
      tiers: tiers.length ? list(tiers.map(names.tier), t) : t("automation.anyTier"),
      unit: task.customerSegment.orgUnit ? names.unit(task.customerSegment.orgUnit) : t("automation.anyUnit"),
    });
  }
  const parts: string[] = [];
  if (task.assignees?.length) parts.push(list(task.assignees.map(names.user), t));
  if (task.assigneeOrgUnit) parts.push(t("automation.who.unitManagers", { unit: names.unit(task.assigneeOrgUnit) }));
  return parts.join(t("automation.partSep"));
}

/** `新增重点客户`, `升入等级 钻石、白金`, `存款·贷款·理财到期`. */
export function triggerText(playbook: Pick<Playbook, "trigger" | "conditions" | "maturityKinds">, names: Names, t: Translate): string {
  switch (playbook.trigger) {
    case "TRIGGER_TIER_CHANGED":
      return t("automation.trigger.tierChanged", { tiers: list((playbook.conditions?.tiers ?? []).map(names.tier), t) });
    case "TRIGGER_MATURITY": {
      const kinds = playbook.maturityKinds?.length ? MATURITY_KINDS.filter((k) => playbook.maturityKinds!.includes(k)) : MATURITY_KINDS;
      return t("automation.trigger.maturity", { kinds: kinds.map((k) => t(`automation.maturityShort.${k}`)).join(t("automation.kindSep")) });
    }
    default:
      return t(`enums.playbookTrigger.${playbook.trigger ?? "TRIGGER_UNSPECIFIED"}`);
  }
}

/** Which customers: the tiers (other than a tier change's, which the trigger names) and the branches. */
export function conditionsText(playbook: Pick<Playbook, "trigger" | "conditions">, names: Names, t: Translate): string {
  const tiers = playbook.conditions?.tiers ?? [];
  const parts: string[] = [];
  if (tiers.length && playbook.trigger !== "TRIGGER_TIER_CHANGED") parts.push(t("automation.cond.tiers", { tiers: list(tiers.map(names.tier), t) }));
  if (playbook.conditions?.orgUnit) parts.push(t("automation.cond.unit", { unit: names.unit(playbook.conditions.orgUnit) }));
  return parts.length ? parts.join(t("automation.partSep")) : t("automation.cond.any");
}

/** `1 天内 电话问候 → 7 天内 上门拜访`. */
export function stepsText(steps: readonly PlaybookStep[] | undefined, t: Translate): string {
  return (steps ?? []).map((s) => `${t("automation.within", { span: spanText(s.dueOffset, t) })} ${s.task?.title ?? ""}`).join(" → ");
}

// ---- the forms

export type Whom = "named" | "customers";

interface TemplateValues {
  title: string;
  purpose?: string;
  description?: string;
  priority?: Priority;
}

/** 周期任务's form (dates YYYY-MM-DD, the time HH:mm). */
export interface RecurringValues extends TemplateValues {
  frequency: Frequency;
  dayOfWeek?: DayOfWeek;
  dayOfMonth?: number | null;
  timeOfDay?: string;
  startDate: string;
  endDate?: string;
  dueAfter: Span;
  whom: Whom;
  assignees?: string[];
  assigneeOrgUnit?: string;
  tiers?: string[];
  segmentOrgUnit?: string;
  enabled: boolean;
}

export interface StepValues extends TemplateValues {
  dueOffset: Span;
}

/** 触发模板's form. */
export interface PlaybookValues {
  displayName: string;
  description?: string;
  trigger: Trigger;
  tiers?: string[];
  orgUnit?: string;
  maturityKinds?: KeyDateKind[];
  steps: StepValues[];
  enabled: boolean;
}

const trimmed = (s?: string) => (s ?? "").trim();
const priorityOr = (p?: string): Priority => (!p || p === "PRIORITY_UNSPECIFIED" ? "PRIORITY_NORMAL" : (p as Priority));

function templateOf(v: TemplateValues): TaskTemplate {
  return { title: trimmed(v.title), purpose: trimmed(v.purpose), description: trimmed(v.description), priority: priorityOr(v.priority) };
}

function templateValues(t: TaskTemplate | undefined): TemplateValues {
  return { title: t?.title ?? "", purpose: t?.purpose ?? "", description: t?.description ?? "", priority: priorityOr(t?.priority) };
}

/** A new recurring task: weekly on Monday at 09:00 from today, due in 7 days, enabled. */
export function newRecurringValues(today: string): RecurringValues {
  return {
    title: "",
    priority: "PRIORITY_NORMAL",
    frequency: "FREQUENCY_WEEKLY",
    dayOfWeek: "MONDAY",
    timeOfDay: DEFAULT_TIME,
    startDate: today,
    dueAfter: { days: 7, hours: 0 },
    whom: "named",
    assignees: [],
    tiers: [],
    enabled: true,
  };
}

/** The form's values as the API's RecurringTask (`original`: the one being edited, whose duration is kept when the
 * form shows it unchanged). Only the schedule's fields its frequency takes are sent; per customer sends no people. */
export function recurringOf(v: RecurringValues, original?: RecurringTask): RecurringTask {
  const endDate = dateOf(v.endDate);
  const schedule: Schedule = {
    frequency: v.frequency,
    ...(v.frequency === "FREQUENCY_WEEKLY" ? { dayOfWeek: v.dayOfWeek } : {}),
    ...(monthly(v.frequency) ? { dayOfMonth: Number(v.dayOfMonth) || 0 } : {}),
    timeOfDay: timeOf(v.timeOfDay),
    startDate: dateOf(v.startDate) ?? {},
    ...(endDate ? { endDate } : {}),
  };
  const named = v.whom === "named";
  return {
    task: templateOf(v),
    schedule,
    dueAfter: durationOf(v.dueAfter, original?.dueAfter),
    assignees: named ? [...new Set(v.assignees ?? [])] : [],
    assigneeOrgUnit: named ? (v.assigneeOrgUnit ?? "") : "",
    ...(named ? {} : { customerSegment: { tiers: [...new Set(v.tiers ?? [])], orgUnit: v.segmentOrgUnit ?? "" } }),
    enabled: v.enabled,
  };
}

/** A recurring task as the form shows it. */
export function recurringValues(task: RecurringTask): RecurringValues {
  const s = task.schedule;
  const span = spanOf(task.dueAfter);
  return {
    ...templateValues(task.task),
    frequency: s?.frequency ?? "FREQUENCY_WEEKLY",
    dayOfWeek: s?.dayOfWeek && s.dayOfWeek !== "DAY_OF_WEEK_UNSPECIFIED" ? s.dayOfWeek : undefined,
    dayOfMonth: s?.dayOfMonth || undefined,
    timeOfDay: timeText(s?.timeOfDay),
    startDate: formatDate(s?.startDate),
    endDate: formatDate(s?.endDate) || undefined,
    dueAfter: { days: span.days, hours: span.hours },
    whom: task.customerSegment ? "customers" : "named",
    assignees: task.assignees ?? [],
    assigneeOrgUnit: task.assigneeOrgUnit || undefined,
    tiers: task.customerSegment?.tiers ?? [],
    segmentOrgUnit: task.customerSegment?.orgUnit || undefined,
    enabled: Boolean(task.enabled),
  };
}

const RECURRING_MASK = ["task", "schedule", "dueAfter", "assignees", "assigneeOrgUnit", "customerSegment", "enabled"] as const;
const PLAYBOOK_MASK = ["displayName", "description", "trigger", "conditions", "maturityKinds", "steps", "enabled"] as const;

function changed<T extends object>(next: T, before: T, fields: readonly string[]): string[] {
  const get = (o: T, k: string) => JSON.stringify((o as Record<string, unknown>)[k] ?? null);
  return fields.filter((k) => get(next, k) !== get(before, k));
}

/** UpdateRecurringTask's message (name and the etag it was read with) and mask: the fields that changed, each
 * compared with the stored one as this form would send it. */
export function recurringUpdate(task: RecurringTask, v: RecurringValues): { recurringTask: RecurringTask; mask: string[] } {
  const next = recurringOf(v, task);
  const mask = changed(next, recurringOf(recurringValues(task), task), RECURRING_MASK);
  return { recurringTask: { ...next, name: task.name, etag: task.etag }, mask };
}

export function newStep(): StepValues {
  return { title: "", priority: "PRIORITY_NORMAL", dueOffset: { days: 1, hours: 0 } };
}

/** A new playbook: on a new key customer, one step due within a day, enabled. */
export function newPlaybookValues(): PlaybookValues {
  return { displayName: "", trigger: "TRIGGER_NEW_KEY_CUSTOMER", tiers: [], maturityKinds: [], steps: [newStep()], enabled: true };
}

/** The form's values as the API's Playbook; maturity kinds only for a maturity trigger. */
export function playbookOf(v: PlaybookValues, original?: Playbook): Playbook {
  return {
    displayName: trimmed(v.displayName),
    description: trimmed(v.description),
    trigger: v.trigger,
    conditions: { tiers: [...new Set(v.tiers ?? [])], orgUnit: v.orgUnit ?? "" },
    maturityKinds: v.trigger === "TRIGGER_MATURITY" ? MATURITY_KINDS.filter((k) => (v.maturityKinds ?? []).includes(k)) : [],
    steps: v.steps.map((s, i) => ({ task: templateOf(s), dueOffset: durationOf(s.dueOffset, original?.steps?.[i]?.dueOffset) })),
    enabled: v.enabled,
  };
}

export function playbookValues(playbook: Playbook): PlaybookValues {
  return {
    displayName: playbook.displayName ?? "",
    description: playbook.description ?? "",
    trigger: playbook.trigger ?? "TRIGGER_NEW_KEY_CUSTOMER",
    tiers: playbook.conditions?.tiers ?? [],
    orgUnit: playbook.conditions?.orgUnit || undefined,
    maturityKinds: playbook.maturityKinds ?? [],
    steps: (playbook.steps ?? []).map((s) => {
      const span = spanOf(s.dueOffset);
      return { ...templateValues(s.task), dueOffset: { days: span.days, hours: span.hours } };
    }),
    enabled: Boolean(playbook.enabled),
  };
}

export function playbookUpdate(playbook: Playbook, v: PlaybookValues): { playbook: Playbook; mask: string[] } {
  const next = playbookOf(v, playbook);
  const mask = changed(next, playbookOf(playbookValues(playbook), playbook), PLAYBOOK_MASK);
  return { playbook: { ...next, name: playbook.name, etag: playbook.etag }, mask };
}

/** The same request as a stable string: one idempotency key per request as composed (a retry after a lost
 * answer creates nothing twice; a changed form is a new request). */
export function requestKey(message: object): string {
  return JSON.stringify(message);
}

// ---- the lists

export const TABS = ["recurring", "playbooks"] as const;
export type AutomationTab = (typeof TABS)[number];

export interface AutomationFilters {
  tab?: AutomationTab;
  enabled?: boolean;
  /** Only those the caller created. */
  mine?: boolean;
  trigger?: Trigger;
  /** The id of the recurring task or playbook (by the tab) to open. */
  open?: string;
}

const join = (...terms: (string | false | undefined)[]) => terms.filter(Boolean).join(" AND ");
const bool = (v: boolean | undefined) => v !== undefined && `enabled = ${v}`;

/** ListRecurringTasks' filter. */
export function recurringFilter(f: AutomationFilters): string {
  return join(bool(f.enabled), f.mine && 'creator = "users/me"');
}

/** ListPlaybooks' filter. */
export function playbookFilter(f: AutomationFilters): string {
  return join(f.trigger && `trigger = ${f.trigger}`, bool(f.enabled), f.mine && 'creator = "users/me"');
}

/** The filters from the address (`?tab=playbooks&enabled=1&mine=1&trigger=TRIGGER_MATURITY&open=abc`); values the
 * API would refuse are dropped. */
export function filtersFromParams(params: URLSearchParams): AutomationFilters {
  const tab = params.get("tab") ?? "";
  const enabled = params.get("enabled");
  const trigger = params.get("trigger") ?? "";
  const open = (params.get("open") ?? "").trim();
  return {
    tab: (TABS as readonly string[]).includes(tab) ? (tab as AutomationTab) : undefined,
    enabled: enabled === "1" ? true : enabled === "0" ? false : undefined,
    mine: params.get("mine") === "1",
    trigger: (TRIGGERS as string[]).includes(trigger) ? (trigger as Trigger) : undefined,
    open: /^[\w-]{1,32}$/.test(open) ? open : undefined,
  };
}

export function filtersToParams(f: AutomationFilters): URLSearchParams {
  const out = new URLSearchParams();
  if (f.tab) out.set("tab", f.tab);
  if (f.enabled !== undefined) out.set("enabled", f.enabled ? "1" : "0");
  if (f.mine) out.set("mine", "1");
  if (f.trigger) out.set("trigger", f.trigger);
  if (f.open) out.set("open", f.open);
  return out;
}

/** Where a task's origin is read (`recurringTasks/…` and `playbooks/…` here, `campaigns/…` on its page). */
export function originLink(origin: string | undefined): { kind: "recurring" | "playbook" | "campaign"; id: string; to: string } | undefined {
  const [collection, id, ...rest] = (origin ?? "").split("/");
  if (!id || rest.length) return undefined;
  const safe = encodeURIComponent(id);
  if (collection === "recurringTasks") return { kind: "recurring", id, to: `/tasks/automation?tab=recurring&open=${safe}` };
  if (collection === "playbooks") return { kind: "playbook", id, to: `/tasks/automation?tab=playbooks&open=${safe}` };
  if (collection === "campaigns") return { kind: "campaign", id, to: `/campaigns/${safe}` };
  return undefined;
}

/** Whether the caller may change it (the creator, with tasks.assign) or only enable, disable and delete it (a
 * superior who sees it, with tasks.assign); the API stays the authority. */
export function mayEdit(item: { creator?: string } | undefined, me: { name?: string; permissions?: string[] } | null | undefined): boolean {
  return Boolean(item?.creator && me?.name === item.creator && me.permissions?.includes("tasks.assign"));
}

// ---- the API's field violations on the forms

/** A form field's path (antd's NamePath: `["steps", 0, "dueOffset"]`). */
export type FieldPath = (string | number)[];

/** Where each field of a request lands on the form, by the field's path without indices (`[]` for a list's item)
 * and `#` in the form's path for each index in turn. A path not listed falls back to its parent's. */
export const RECURRING_FIELDS: Record<string, string> = {
  task: "title",
  "task.title": "title",
  "task.purpose": "purpose",
  "task.description": "description",
  "task.priority": "priority",
  schedule: "frequency",
  "schedule.frequency": "frequency",
  "schedule.day_of_week": "dayOfWeek",
  "schedule.day_of_month": "dayOfMonth",
  "schedule.time_of_day": "timeOfDay",
  "schedule.start_date": "startDate",
  "schedule.end_date": "endDate",
  due_after: "dueAfter",
  assignees: "assignees",
  assignee_org_unit: "assigneeOrgUnit",
  customer_segment: "whom",
  "customer_segment.tiers": "tiers",
  "customer_segment.org_unit": "segmentOrgUnit",
  enabled: "enabled",
};

export const PLAYBOOK_FIELDS: Record<string, string> = {
  display_name: "displayName",
  description: "description",
  trigger: "trigger",
  conditions: "tiers",
  "conditions.tiers": "tiers",
  "conditions.org_unit": "orgUnit",
  maturity_kinds: "maturityKinds",
  steps: "steps",
  "steps[]": "steps.#.title",
  "steps[].task": "steps.#.title",
  "steps[].task.title": "steps.#.title",
  "steps[].task.purpose": "steps.#.purpose",
  "steps[].task.description": "steps.#.description",
  "steps[].task.priority": "steps.#.priority",
  "steps[].due_offset": "steps.#.dueOffset",
  enabled: "enabled",
};

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A violation's field (`playbook.steps[0].due_offset`, with or without the request's prefix, snake or camel
 * case) as the form's path (`["steps", 0, "dueOffset"]`); undefined when the form has no such field. */
export function formPathOf(field: string, prefix: string, table: Record<string, string>): FieldPath | undefined {
  const snake = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  let path = snake === prefix ? "" : snake.startsWith(`${prefix}.`) ? snake.slice(prefix.length + 1) : snake;
  const indices = [...path.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  path = path.replace(/\[\d+\]/g, "[]");
  while (path) {
    const target = table[path];
    if (target) {
      let i = 0;
      return target.split(".").map((part) => (part === "#" ? (indices[i++] ?? 0) : camel(part)));
    }
    path = path.endsWith("[]") ? path.slice(0, -2) : path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
  }
  return undefined;
}

/** Violations by form field (several on one field kept together) and those no field of the form shows. */
export function violationsOnForm(
  violations: readonly FieldViolation[],
  prefix: string,
  table: Record<string, string>,
): { fields: { name: FieldPath; errors: string[] }[]; rest: string[] } {
  const byPath = new Map<string, { name: FieldPath; errors: string[] }>();
  const rest: string[] = [];
  for (const v of violations) {
    const name = formPathOf(v.field, prefix, table);
    if (!name) {
      rest.push(v.description);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = byPath.get(key) ?? { name, errors: [] };
    entry.errors.push(v.description);
    byPath.set(key, entry);
  }
  return { fields: [...byPath.values()], rest };
}

/**
 * Which fields a PERMISSION_DENIED `TASK_ASSIGNEE_OUT_OF_SUBTREE` belongs to (the service names no field, but the
 * person or unit in its message): per customer, the customers' branches; else the people or the org unit whose
 * name the message carries — both when it names neither.
 */
export function outOfSubtreeFields(v: Pick<RecurringValues, "whom" | "assignees" | "assigneeOrgUnit">, message: string, names: Names): string[] {
  if (v.whom === "customers") return ["segmentOrgUnit"];
  const people = (v.assignees ?? []).some((p) => message.includes(names.user(p)));
  const unit = Boolean(v.assigneeOrgUnit) && message.includes(names.unit(v.assigneeOrgUnit!));
  if (people || unit) return [...(people ? ["assignees"] : []), ...(unit ? ["assigneeOrgUnit"] : [])];
  return [...(v.assignees?.length ? ["assignees"] : []), ...(v.assigneeOrgUnit || !v.assignees?.length ? ["assigneeOrgUnit"] : [])];
}
