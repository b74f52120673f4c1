import { describe, expect, it } from "vitest";

import { enumLabel } from "@/locales/i18n";
import { enUS } from "@/locales/en-US";
import { zhCN } from "@/locales/zh-CN";

import {
  changeValue,
  chooseTab,
  completeTimeProblem,
  completionOf,
  countFilter,
  customersOf,
  dueDisplay,
  dueTimeProblem,
  fieldKey,
  filtersFromParams,
  filtersToParams,
  isOverdue,
  mergeByDue,
  monthRange,
  newTaskRequest,
  personName,
  PRIORITIES,
  priorityOf,
  requestKey,
  splitCustomers,
  STATES,
  type Task,
  taskActions,
  type TaskFilters,
  taskFilters,
  tasksByDay,
  taskUpdate,
  visibleTabs,
} from "./logic";

const NOW = new Date("2026-06-10T02:00:00Z"); // 10:00 in Beijing
const task = (over: Partial<Task> = {}): Task => ({
  name: "tasks/t1",
  title: "走访某某集团财务总监",
  assigner: "users/bm_wang",
  assignee: "users/rm_zhang",
  dueTime: "2026-06-12T10:00:00Z",
  state: "STATE_OPEN",
  etag: "e1",
  ...over,
});

describe("labels", () => {
  it("name every state and priority in Chinese (and in English)", () => {
    expect(STATES.map((s) => enumLabel(zhCN, "taskState", s))).toEqual(["待办", "进行中", "待验收", "已验收", "已取消"]);
    expect(PRIORITIES.map((p) => enumLabel(zhCN, "taskPriority", p))).toEqual(["紧急", "高", "普通", "低"]);
    expect(enumLabel(enUS, "taskState", "STATE_COMPLETED")).toBe("To review");
    expect(["created", "updated", "started", "completed", "accepted", "returned", "cancelled", "commented"].map((a) => enumLabel(zhCN, "taskAction", a))).toEqual([
      "创建",
      "修改",
      "开始",
      "完成",
      "验收",
      "退回",
      "取消",
      "留言",
    ]);
  });
  it("read an unset priority as normal", () => {
    expect(priorityOf({})).toBe("PRIORITY_NORMAL");
    expect(priorityOf({ priority: "PRIORITY_UNSPECIFIED" })).toBe("PRIORITY_NORMAL");
    expect(priorityOf({ priority: "PRIORITY_URGENT" })).toBe("PRIORITY_URGENT");
  });
});

describe("personName", () => {
  it("is the name the task carries, else the user's id", () => {
    expect(personName(task({ assigneeDisplayName: "张伟" }), "assignee")).toBe("张伟");
    expect(personName(task(), "assigner")).toBe("bm_wang");
  });
});

describe("overdue", () => {
  it("is the service's flag, or an active task whose due time has passed by now", () => {
    expect(isOverdue(task({ overdue: true }), NOW)).toBe(true);
    expect(isOverdue(task({ dueTime: "2026-06-10T01:59:00Z" }), NOW)).toBe(true);
    expect(isOverdue(task({ state: "STATE_IN_PROGRESS", dueTime: "2026-06-09T00:00:00Z" }), NOW)).toBe(true);
    expect(isOverdue(task(), NOW)).toBe(false);
  });
  it("never for a task done, waiting for review or cancelled", () => {
    for (const state of ["STATE_COMPLETED", "STATE_ACCEPTED", "STATE_CANCELLED"] as const)
      expect(isOverdue(task({ state, overdue: true, dueTime: "2026-06-01T00:00:00Z" }), NOW)).toBe(false);
  });
  it("shows the due time in the bank's time, marked when overdue", () => {
    expect(dueDisplay(task(), NOW)).toEqual({ text: "2026-06-12 18:00", overdue: false });
    expect(dueDisplay(task({ dueTime: "2026-06-09T16:30:00Z" }), NOW)).toEqual({ text: "2026-06-10 00:30", overdue: true });
  });
});

describe("taskActions", () => {
  const rm = { name: "users/rm_zhang", permissions: ["tasks.read", "tasks.work"] };
  const bm = { name: "users/bm_wang", permissions: ["tasks.read", "tasks.work", "tasks.assign"] };
  const leader = { name: "users/hq_leader", permissions: ["tasks.read", "tasks.work", "tasks.assign"] };
  const compliance = { name: "users/compliance", permissions: ["tasks.read"] };

  it("let the assignee start an open task and complete an open or started one", () => {
    expect(taskActions(task(), rm)).toEqual(["start", "complete"]);
    expect(taskActions(task({ state: "STATE_IN_PROGRESS" }), rm)).toEqual(["complete"]);
    expect(taskActions(task({ state: "STATE_COMPLETED" }), rm)).toEqual([]);
    expect(taskActions(task(), { ...rm, permissions: ["tasks.read"] })).toEqual([]);
  });
  it("let the assigner change or cancel an active task, and accept or return a completed one", () => {
    expect(taskActions(task(), bm)).toEqual(["edit", "cancel"]);
    expect(taskActions(task({ state: "STATE_COMPLETED" }), bm)).toEqual(["accept", "return"]);
    expect(taskActions(task({ state: "STATE_ACCEPTED" }), bm)).toEqual([]);
    expect(taskActions(task({ state: "STATE_CANCELLED" }), bm)).toEqual([]);
  });
  it("let a superior who sees the task through their scope direct it too, but never a mere reader", () => {
    expect(taskActions(task({ state: "STATE_COMPLETED" }), leader)).toEqual(["accept", "return"]);
    expect(taskActions(task({ state: "STATE_COMPLETED" }), compliance)).toEqual([]);
    expect(taskActions(task(), compliance)).toEqual([]);
  });
  it("never let an assignee review their own work; a task made for oneself is worked on and directed by the same person", () => {
    expect(taskActions(task({ assigner: "users/hq_leader", assignee: "users/bm_wang", state: "STATE_COMPLETED" }), bm)).toEqual([]);
    const own = task({ assigner: "users/bm_wang", assignee: "users/bm_wang" });
    expect(taskActions(own, bm)).toEqual(["start", "complete", "edit", "cancel"]);
    // a relationship manager may make a task for oneself, but changing or cancelling it needs tasks.assign
    expect(taskActions(task({ assigner: "users/rm_zhang" }), rm)).toEqual(["start", "complete"]);
  });
  it("offer nothing without a task or a signed-in caller", () => {
    expect(taskActions(undefined, rm)).toEqual([]);
    expect(taskActions(task(), null)).toEqual([]);
  });
});

describe("the tabs", () => {
  it("show the scope's tab to those who assign only", () => {
    expect(visibleTabs(["tasks.read", "tasks.work"])).toEqual(["mine", "assigned", "calendar"]);
    expect(visibleTabs(["tasks.read", "tasks.assign"])).toEqual(["mine", "assigned", "calendar", "all"]);
    expect(visibleTabs([])).toEqual([]);
    expect(chooseTab("all", ["mine", "assigned", "calendar"])).toBe("mine");
    expect(chooseTab("calendar", ["mine", "assigned", "calendar"])).toBe("calendar");
  });
});

describe("taskFilters", () => {
  it("ask for my open and my started tasks as two lists (the service has no OR), or every state as one", () => {
    expect(taskFilters({ tab: "mine" })).toEqual([
      'assignee = "users/me" AND state = STATE_OPEN',
      'assignee = "users/me" AND state = STATE_IN_PROGRESS',
    ]);
    expect(taskFilters({})).toHaveLength(2);
    expect(taskFilters({ tab: "mine", everyState: true, state: "STATE_OPEN" })).toEqual(['assignee = "users/me"']);
  });
  it("ask for what I assigned, by state and overdue", () => {
    expect(taskFilters({ tab: "assigned" })).toEqual(['assigner = "users/me"']);
    expect(taskFilters({ tab: "assigned", state: "STATE_COMPLETED", overdue: true })).toEqual([
      'assigner = "users/me" AND state = STATE_COMPLETED AND overdue = true',
    ]);
  });
  it("bound the calendar's month in the bank's time zone, across a year's end", () => {
    expect(taskFilters({ tab: "calendar", month: "2026-12" })).toEqual([
      'assignee = "users/me" AND due_time >= "2026-12-01T00:00:00+08:00" AND due_time < "2027-01-01T00:00:00+08:00"',
    ]);
    expect(monthRange("2026-02")).toEqual({ from: "2026-02-01T00:00:00+08:00", to: "2026-03-01T00:00:00+08:00" });
  });
  it("filter the whole scope by state, priority, org unit (quoted) and overdue, or not at all", () => {
    expect(taskFilters({ tab: "all" })).toEqual([""]);
    expect(taskFilters({ tab: "all", state: "STATE_OPEN", priority: "PRIORITY_URGENT", orgUnit: "orgUnits/0101", overdue: true })).toEqual([
      'state = STATE_OPEN AND priority = PRIORITY_URGENT AND org_unit = "orgUnits/0101" AND overdue = true',
    ]);
  });
  it("count what waits for my review and what is overdue", () => {
    expect(countFilter("assigner", { state: "STATE_COMPLETED" })).toBe('assigner = "users/me" AND state = STATE_COMPLETED');
    expect(countFilter("assignee", { overdue: true })).toBe('assignee = "users/me" AND overdue = true');
  });
});

describe("the filters in the address", () => {
  it("read back what they wrote, org units by id", () => {
    const f: TaskFilters = {
      tab: "all",
      everyState: false,
      state: "STATE_COMPLETED",
      priority: "PRIORITY_HIGH",
      orgUnit: "orgUnits/0101",
      overdue: true,
      month: "2026-06",
    };
    const params = filtersToParams(f);
    expect(params.get("orgUnit")).toBe("0101");
    expect(filtersFromParams(params)).toEqual(f);
  });
  it("drop what the API would refuse", () => {
    expect(filtersFromParams(new URLSearchParams("tab=x&state=OPEN&priority=PRIORITY_HIGH&orgUnit=a/b&month=2026-13&every=1"))).toEqual({
      tab: undefined,
      everyState: true,
      state: undefined,
      priority: "PRIORITY_HIGH",
      orgUnit: undefined,
      overdue: false,
      month: undefined,
    });
  });
});

describe("lists", () => {
  it("merge into one, each task once, soonest due first", () => {
    const a = task({ name: "tasks/a", dueTime: "2026-06-12T00:00:00Z" });
    const b = task({ name: "tasks/b", dueTime: "2026-06-11T00:00:00Z", state: "STATE_IN_PROGRESS" });
    const c = task({ name: "tasks/c", dueTime: "2026-06-13T00:00:00Z" });
    expect(mergeByDue([[a, c], [b, a]]).map((x) => x.name)).toEqual(["tasks/b", "tasks/a", "tasks/c"]);
  });
  it("fall on the bank's day on the calendar", () => {
    const late = task({ name: "tasks/late", dueTime: "2026-06-10T16:30:00Z" }); // 00:30 on the 11th in Beijing
    const early = task({ name: "tasks/early", dueTime: "2026-06-10T01:00:00Z" });
    const days = tasksByDay([late, early, task({ name: "tasks/none", dueTime: undefined as unknown as string })]);
    expect([...days.keys()]).toEqual(["2026-06-11", "2026-06-10"]);
    expect(days.get("2026-06-10")?.map((x) => x.name)).toEqual(["tasks/early"]);
  });
});

describe("times checked before sending", () => {
  it("want a due time ahead of now, within three years", () => {
    expect(dueTimeProblem(undefined, NOW)).toBe("required");
    expect(dueTimeProblem(new Date("2026-06-10T02:00:00Z"), NOW)).toBe("past");
    expect(dueTimeProblem(new Date("2026-06-09T00:00:00Z"), NOW)).toBe("past");
    expect(dueTimeProblem(new Date("2026-06-10T02:01:00Z"), NOW)).toBeUndefined();
    expect(dueTimeProblem(new Date("2030-01-01T00:00:00Z"), NOW)).toBe("tooFar");
  });
  it("want a completion time not in the future", () => {
    expect(completeTimeProblem(null, NOW)).toBe("required");
    expect(completeTimeProblem(new Date("2026-06-10T02:00:01Z"), NOW)).toBe("future");
    expect(completeTimeProblem(NOW, NOW)).toBeUndefined();
    expect(completeTimeProblem(new Date("2026-06-01T00:00:00Z"), NOW)).toBeUndefined();
  });
});

describe("newTaskRequest", () => {
  const base = { title: " 走访 ", purpose: "了解融资需求", dueTime: new Date("2026-06-12T10:00:00Z"), priority: "PRIORITY_HIGH" as const };
  it("makes a task for oneself with CreateTask", () => {
    expect(newTaskRequest({ ...base, assigneeKind: "self", customers: ["customers/42"] }, "users/rm_zhang")).toEqual({
      kind: "create",
      task: {
        title: "走访",
        purpose: "了解融资需求",
        description: "",
        priority: "PRIORITY_HIGH",
        dueTime: "2026-06-12T10:00:00.000Z",
        customer: "customers/42",
        assignee: "users/rm_zhang",
      },
    });
  });
  it("assigns one named person with CreateTask, several with BatchCreateTasks", () => {
    const one = newTaskRequest({ ...base, assigneeKind: "users", assignees: ["users/rm_li"] }, "users/bm_wang");
    expect(one).toMatchObject({ kind: "create", task: { assignee: "users/rm_li" } });
    const several = newTaskRequest({ ...base, assigneeKind: "users", assignees: ["users/rm_li", "users/rm_zhang", "users/rm_li"] }, "users/bm_wang");
    expect(several).toMatchObject({ kind: "batch", assignees: ["users/rm_li", "users/rm_zhang"] });
    expect(several.task).not.toHaveProperty("customer");
    expect(several.task).not.toHaveProperty("relatedCustomers");
  });
  it("takes the first customer picked as the main one, the rest as related", () => {
    const about = newTaskRequest({ ...base, assigneeKind: "self", customers: ["customers/42", "customers/7", "customers/42", "customers/9"] }, "users/m");
    expect(about.task).toMatchObject({ customer: "customers/42", relatedCustomers: ["customers/7", "customers/9"] });
  });
  it("assigns an org unit's relationship managers with BatchCreateTasks", () => {
    expect(newTaskRequest({ ...base, assigneeKind: "orgUnit", orgUnit: "orgUnits/0101" }, "users/bm_wang")).toMatchObject({
      kind: "batch",
      assignees: [],
      orgUnit: "orgUnits/0101",
    });
  });
  it("keys a request by what it asks for (one idempotency key per request as composed)", () => {
    const a = newTaskRequest({ ...base, assigneeKind: "users", assignees: ["users/a", "users/b"] }, "users/m");
    const b = newTaskRequest({ ...base, assigneeKind: "users", assignees: ["users/b", "users/a"] }, "users/m");
    const c = newTaskRequest({ ...base, title: "另一项", assigneeKind: "users", assignees: ["users/a", "users/b"] }, "users/m");
    expect(requestKey(a)).toBe(requestKey(b));
    expect(requestKey(a)).not.toBe(requestKey(c));
  });
});

describe("taskUpdate", () => {
  it("sends only the fields that changed, with the etag it was read with", () => {
    const current = task({ purpose: "了解需求", priority: "PRIORITY_NORMAL" });
    const same = { title: current.title, purpose: "了解需求", priority: "PRIORITY_NORMAL" as const, dueTime: new Date(current.dueTime), assignee: current.assignee };
    expect(taskUpdate(current, same).mask).toEqual([]);
    const update = taskUpdate(current, { ...same, assignee: "users/rm_li", dueTime: new Date("2026-06-15T10:00:00Z"), description: " 带上方案 " });
    expect(update.mask).toEqual(["description", "assignee", "dueTime"]);
    expect(taskUpdate(current, { ...same, customers: ["customers/42"] }).mask).toEqual(["customer"]);
    expect(taskUpdate({ ...current, customer: "customers/42" }, same)).toMatchObject({ mask: ["customer"], task: { customer: "" } });
    const about = { ...current, customer: "customers/42", relatedCustomers: ["customers/7"] };
    expect(taskUpdate(about, { ...same, customers: ["customers/42", "customers/7"] }).mask).toEqual([]);
    expect(taskUpdate(about, { ...same, customers: ["customers/42", "customers/8", "customers/7"] })).toMatchObject({
      mask: ["relatedCustomers"],
      task: { customer: "customers/42", relatedCustomers: ["customers/8", "customers/7"] },
    });
    expect(taskUpdate(about, { ...same, customers: ["customers/7"] })).toMatchObject({
      mask: ["customer", "relatedCustomers"],
      task: { customer: "customers/7", relatedCustomers: [] },
    });
    expect(update.task).toMatchObject({ name: "tasks/t1", etag: "e1", assignee: "users/rm_li", description: "带上方案", dueTime: "2026-06-15T10:00:00.000Z" });
  });
});

describe("completionOf", () => {
  const opened = new Date("2026-06-10T02:00:20Z");
  const values = { handling: " 上门拜访 ", content: "已面谈", completeTime: new Date("2026-06-10T02:00:00Z"), interactionType: "TYPE_VISIT" as const };
  it("leaves the time the form opened with to the service, and logs on the timeline only a task about a customer", () => {
    expect(completionOf(values, { customer: "customers/42" }, opened)).toEqual({ handling: "上门拜访", content: "已面谈", interactionType: "TYPE_VISIT" });
    expect(completionOf(values, {}, opened)).toEqual({ handling: "上门拜访", content: "已面谈" });
  });
  it("sends a time that was chosen", () => {
    const earlier = { ...values, completeTime: new Date("2026-06-09T08:30:00Z") };
    expect(completionOf(earlier, {}, opened)).toMatchObject({ completeTime: "2026-06-09T08:30:00.000Z" });
  });
});

describe("the history's changes", () => {
  const labels = {
    priority: (v: string) => enumLabel(zhCN, "taskPriority", v),
    state: (v: string) => enumLabel(zhCN, "taskState", v),
    interactionType: (v: string) => enumLabel(zhCN, "interactionType", v),
    user: (name: string) => ({ "users/rm_li": "李娜" })[name] ?? name,
  };
  it("name the field in either spelling", () => {
    expect(fieldKey("due_time")).toBe("dueTime");
    expect(fieldKey("task.dueTime")).toBe("dueTime");
    expect(enumLabel(zhCN, "taskField", fieldKey("due_time"))).toBe("需完成时间");
  });
  it("read values in words, never the API's enum names", () => {
    expect(changeValue("priority", "PRIORITY_URGENT", labels)).toBe("紧急");
    expect(changeValue("state", "STATE_COMPLETED", labels)).toBe("待验收");
    expect(changeValue("due_time", "2026-06-12T10:00:00Z", labels)).toBe("2026-06-12 18:00");
    expect(changeValue("assignee", "users/rm_li", labels)).toBe("李娜");
    expect(changeValue("customer", "customers/42", labels)).toBe("42");
    expect(changeValue("related_customers", "customers/42 customers/7", labels)).toBe("42、7");
    expect(changeValue("title", "走访", labels)).toBe("走访");
    expect(changeValue("title", "", labels)).toBe("");
  });
});

describe("customersOf and splitCustomers", () => {
  it("list the main customer first, then the related ones, and split them back", () => {
    expect(customersOf({ customer: "customers/1", relatedCustomers: ["customers/2", "customers/3"] })).toEqual(["customers/1", "customers/2", "customers/3"]);
    expect(customersOf({})).toEqual([]);
    expect(splitCustomers(["customers/1", "customers/2", "customers/1"])).toEqual({ customer: "customers/1", relatedCustomers: ["customers/2"] });
    expect(splitCustomers(undefined)).toEqual({ customer: "", relatedCustomers: [] });
  });
});
