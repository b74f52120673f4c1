import { describe, expect, it } from "vitest";

import { lookup } from "@/locales/i18n";
import { enUS } from "@/locales/en-US";
import { zhCN } from "@/locales/zh-CN";

import {
  conditionsText,
  durationOf,
  durationSeconds,
  filtersFromParams,
  filtersToParams,
  formPathOf,
  mayEdit,
  type Names,
  newPlaybookValues,
  newRecurringValues,
  originLink,
  outOfSubtreeFields,
  type Playbook,
  PLAYBOOK_FIELDS,
  playbookFilter,
  playbookOf,
  playbookUpdate,
  playbookValues,
  rangeText,
  RECURRING_FIELDS,
  recurringFilter,
  recurringOf,
  type RecurringTask,
  recurringUpdate,
  recurringValues,
  scheduleText,
  shortMonthsApply,
  spanOf,
  spanProblem,
  spanText,
  stepsText,
  triggerText,
  violationsOnForm,
  whoText,
} from "./logic";

const zh = (key: string, vars?: Record<string, string | number>) => lookup(zhCN, key, vars);
const en = (key: string, vars?: Record<string, string | number>) => lookup(enUS, key, vars);

const NAMES: Names = {
  user: (n) => ({ "users/rm_zhang": "张伟", "users/rm_li": "李娜" })[n] ?? n.replace("users/", ""),
  unit: (n) => ({ "orgUnits/0100": "北京分行", "orgUnits/0101": "东城支行" })[n] ?? n,
  tier: (n) => ({ "tiers/diamond": "钻石", "tiers/platinum": "白金" })[n] ?? n,
};

const time = (hours: number, minutes = 0) => ({ hours, minutes });
const start = { year: 2026, month: 12, day: 7 };

describe("the schedule in words", () => {
  it("says daily, weekly, monthly and quarterly with the time of day (09:00 when unset)", () => {
    expect(scheduleText({ frequency: "FREQUENCY_DAILY", startDate: start }, zh)).toBe("每天 09:00");
    expect(scheduleText({ frequency: "FREQUENCY_WEEKLY", dayOfWeek: "MONDAY", timeOfDay: time(9), startDate: start }, zh)).toBe("每周一 09:00");
    expect(scheduleText({ frequency: "FREQUENCY_WEEKLY", dayOfWeek: "SUNDAY", timeOfDay: time(17, 30), startDate: start }, zh)).toBe("每周日 17:30");
    expect(scheduleText({ frequency: "FREQUENCY_MONTHLY", dayOfMonth: 15, timeOfDay: time(8, 5), startDate: start }, zh)).toBe("每月 15 日 08:05");
    expect(scheduleText({ frequency: "FREQUENCY_QUARTERLY", dayOfMonth: 1, startDate: start }, zh)).toBe("每季度首月 1 日 09:00");
    expect(scheduleText({ frequency: "FREQUENCY_WEEKLY", dayOfWeek: "MONDAY", startDate: start }, en)).toBe("Every Monday at 09:00");
    expect(scheduleText({ frequency: "FREQUENCY_QUARTERLY", dayOfMonth: 1, startDate: start }, en)).toBe("Quarterly on day 1 of the first month at 09:00");
  });

  it("says that a month without the day uses its last day: monthly from the 29th, quarterly only on the 31st", () => {
    expect(scheduleText({ frequency: "FREQUENCY_MONTHLY", dayOfMonth: 31, startDate: start }, zh)).toBe("每月 31 日 09:00（短月取末日）");
    // February: 28 days in most years
    expect(shortMonthsApply({ frequency: "FREQUENCY_MONTHLY", dayOfMonth: 29 })).toBe(true);
    expect(shortMonthsApply({ frequency: "FREQUENCY_MONTHLY", dayOfMonth: 28 })).toBe(false);
    // January, April, July, October: only April lacks a 31st
    expect(shortMonthsApply({ frequency: "FREQUENCY_QUARTERLY", dayOfMonth: 30 })).toBe(false);
    expect(scheduleText({ frequency: "FREQUENCY_QUARTERLY", dayOfMonth: 30, startDate: start }, zh)).toBe("每季度首月 30 日 09:00");
    expect(scheduleText({ frequency: "FREQUENCY_QUARTERLY", dayOfMonth: 31, startDate: start }, zh)).toBe("每季度首月 31 日 09:00（短月取末日）");
    expect(shortMonthsApply({ frequency: "FREQUENCY_WEEKLY", dayOfMonth: 31 })).toBe(false);
    expect(scheduleText({ frequency: "FREQUENCY_MONTHLY", dayOfMonth: 31, startDate: start }, en)).toBe("Monthly on day 31 at 09:00 (last day in shorter months)");
  });

  it("gives the dates it runs between", () => {
    expect(rangeText({ frequency: "FREQUENCY_DAILY", startDate: start }, zh)).toBe("2026-12-07 起");
    expect(rangeText({ frequency: "FREQUENCY_DAILY", startDate: start, endDate: { year: 2027, month: 6, day: 30 } }, zh)).toBe("2026-12-07 至 2027-06-30");
  });
});

describe("durations", () => {
  it("read the API's seconds as days and hours and back", () => {
    expect(durationSeconds("604800s")).toBe(604_800);
    expect(durationSeconds("1.5s")).toBe(1.5);
    expect(durationSeconds(undefined)).toBe(0);
    expect(spanOf("604800s")).toEqual({ days: 7, hours: 0, minutes: 0 });
    expect(spanOf("129600s")).toEqual({ days: 1, hours: 12, minutes: 0 });
    expect(durationOf({ days: 7, hours: 0 })).toBe("604800s");
    expect(durationOf({ days: 1, hours: 12 })).toBe("129600s");
    expect(durationOf({ days: null, hours: 6 })).toBe("21600s");
  });

  it("keep a duration the form cannot show (minutes) while its days and hours are unchanged", () => {
    expect(durationOf({ days: 0, hours: 1 }, "5400s")).toBe("5400s");
    expect(durationOf({ days: 0, hours: 2 }, "5400s")).toBe("7200s");
  });

  it("are in words and checked: more than zero, at most 366 days", () => {
    expect(spanText("604800s", zh)).toBe("7 天");
    expect(spanText("129600s", zh)).toBe("1 天 12 小时");
    expect(spanText("43200s", zh)).toBe("12 小时");
    expect(spanText("1800s", zh)).toBe("30 分钟");
    expect(spanText("604800s", en)).toBe("7 d");
    expect(spanProblem({ days: 0, hours: 0 })).toBe("required");
    expect(spanProblem({})).toBe("required");
    expect(spanProblem({ days: 366, hours: 0 })).toBeUndefined();
    expect(spanProblem({ days: 366, hours: 1 })).toBe("tooLong");
  });
});

describe("who, the trigger and the steps in words", () => {
  it("names the people, an org unit's managers, or the customers", () => {
    expect(whoText({ assignees: ["users/rm_zhang", "users/rm_li"] }, NAMES, zh)).toBe("张伟、李娜");
    expect(whoText({ assignees: ["users/rm_zhang"], assigneeOrgUnit: "orgUnits/0101" }, NAMES, zh)).toBe("张伟；东城支行的客户经理");
    expect(whoText({ customerSegment: { tiers: ["tiers/diamond", "tiers/platinum"], orgUnit: "orgUnits/0100" } }, NAMES, zh)).toBe(
      "按客户：钻石、白金 · 北京分行",
    );
    expect(whoText({ customerSegment: {} }, NAMES, zh)).toBe("按客户：全部等级 · 全部机构");
  });

  it("says what sets a playbook off and for which customers", () => {
    expect(triggerText({ trigger: "TRIGGER_NEW_KEY_CUSTOMER" }, NAMES, zh)).toBe("新增重点客户");
    expect(triggerText({ trigger: "TRIGGER_TIER_CHANGED", conditions: { tiers: ["tiers/diamond"] } }, NAMES, zh)).toBe("升入等级 钻石");
    expect(triggerText({ trigger: "TRIGGER_MATURITY" }, NAMES, zh)).toBe("存款·贷款·理财到期");
    expect(triggerText({ trigger: "TRIGGER_MATURITY", maturityKinds: ["KEY_DATE_KIND_WEALTH_MATURITY", "KEY_DATE_KIND_DEPOSIT_MATURITY"] }, NAMES, zh)).toBe(
      "存款·理财到期",
    );
    expect(triggerText({ trigger: "TRIGGER_MATURITY", maturityKinds: ["KEY_DATE_KIND_LOAN_MATURITY"] }, NAMES, en)).toBe("Loan maturity");
    // a tier change's tiers are in its trigger already
    expect(conditionsText({ trigger: "TRIGGER_TIER_CHANGED", conditions: { tiers: ["tiers/diamond"], orgUnit: "orgUnits/0100" } }, NAMES, zh)).toBe(
      "机构：北京分行",
    );
    expect(conditionsText({ trigger: "TRIGGER_MATURITY", conditions: { tiers: ["tiers/platinum"] } }, NAMES, zh)).toBe("等级：白金");
    expect(conditionsText({ trigger: "TRIGGER_NEW_KEY_CUSTOMER" }, NAMES, zh)).toBe("全部重点客户");
  });

  it("writes the steps in order with their time limits", () => {
    const steps = [
      { task: { title: "电话问候" }, dueOffset: "86400s" },
      { task: { title: "上门拜访" }, dueOffset: "604800s" },
    ];
    expect(stepsText(steps, zh)).toBe("1 天内 电话问候 → 7 天内 上门拜访");
    expect(stepsText(steps, en)).toBe("within 1 d 电话问候 → within 7 d 上门拜访");
    expect(stepsText([], zh)).toBe("");
  });
});

const STORED: RecurringTask = {
  name: "recurringTasks/r1",
  etag: "v3",
  task: { title: "季度走访钻石客户", purpose: "维护关系", description: "", priority: "PRIORITY_HIGH" },
  schedule: { frequency: "FREQUENCY_QUARTERLY", dayOfMonth: 31, timeOfDay: time(10), startDate: start },
  dueAfter: "1209600s",
  customerSegment: { tiers: ["tiers/diamond"], orgUnit: "orgUnits/0100" },
  enabled: true,
  creator: "users/bm_wang",
};

describe("the recurring task's form", () => {
  it("turns a new weekly form for two people and an org unit into the API's message", () => {
    const v = {
      ...newRecurringValues("2026-12-07"),
      title: "  每周客户动态整理 ",
      assignees: ["users/rm_zhang", "users/rm_li", "users/rm_zhang"],
      assigneeOrgUnit: "orgUnits/0101",
      dueAfter: { days: 2, hours: 12 },
      endDate: "2027-06-30",
    };
    expect(recurringOf(v)).toEqual({
      task: { title: "每周客户动态整理", purpose: "", description: "", priority: "PRIORITY_NORMAL" },
      schedule: {
        frequency: "FREQUENCY_WEEKLY",
        dayOfWeek: "MONDAY",
        timeOfDay: { hours: 9, minutes: 0 },
        startDate: { year: 2026, month: 12, day: 7 },
        endDate: { year: 2027, month: 6, day: 30 },
      },
      dueAfter: "216000s",
      assignees: ["users/rm_zhang", "users/rm_li"],
      assigneeOrgUnit: "orgUnits/0101",
      enabled: true,
    });
  });

  it("sends only the schedule fields the frequency takes, and no people per customer", () => {
    const v = { ...newRecurringValues("2026-12-07"), title: "x", frequency: "FREQUENCY_MONTHLY" as const, dayOfMonth: 31, whom: "customers" as const, assignees: ["users/rm_zhang"], tiers: ["tiers/diamond"] };
    const message = recurringOf(v);
    expect(message.schedule).not.toHaveProperty("dayOfWeek");
    expect(message.schedule.dayOfMonth).toBe(31);
    expect(message.assignees).toEqual([]);
    expect(message.assigneeOrgUnit).toBe("");
    expect(message.customerSegment).toEqual({ tiers: ["tiers/diamond"], orgUnit: "" });
    expect(recurringOf({ ...v, frequency: "FREQUENCY_DAILY" }).schedule).not.toHaveProperty("dayOfMonth");
  });

  it("reads a stored one back into the form and out again unchanged", () => {
    const v = recurringValues(STORED);
    expect(v).toMatchObject({
      title: "季度走访钻石客户",
      priority: "PRIORITY_HIGH",
      frequency: "FREQUENCY_QUARTERLY",
      dayOfMonth: 31,
      timeOfDay: "10:00",
      startDate: "2026-12-07",
      endDate: undefined,
      dueAfter: { days: 14, hours: 0 },
      whom: "customers",
      tiers: ["tiers/diamond"],
      segmentOrgUnit: "orgUnits/0100",
      enabled: true,
    });
    const { name, etag, creator, ...definition } = STORED;
    void [name, etag, creator];
    expect(recurringOf(v, STORED)).toEqual({ ...definition, assignees: [], assigneeOrgUnit: "", task: { ...STORED.task, description: "" } });
    expect(recurringUpdate(STORED, v).mask).toEqual([]);
  });

  it("updates only what changed, with the name and the etag read", () => {
    const v = { ...recurringValues(STORED), title: "季度走访", timeOfDay: "09:30", enabled: false };
    const update = recurringUpdate(STORED, v);
    expect(update.mask).toEqual(["task", "schedule", "enabled"]);
    expect(update.recurringTask).toMatchObject({ name: "recurringTasks/r1", etag: "v3", enabled: false });
    // per customer → named people: the segment is cleared, the people set
    const named = recurringUpdate(STORED, { ...recurringValues(STORED), whom: "named", assignees: ["users/rm_li"] });
    expect(named.mask).toEqual(["assignees", "customerSegment"]);
    expect(named.recurringTask).not.toHaveProperty("customerSegment");
  });
});

const BOOK: Playbook = {
  name: "playbooks/p1",
  etag: "v1",
  displayName: "新晋钻石客户首访",
  description: "",
  trigger: "TRIGGER_TIER_CHANGED",
  conditions: { tiers: ["tiers/diamond"], orgUnit: "orgUnits/0100" },
  steps: [
    { task: { title: "电话问候", purpose: "首访", description: "", priority: "PRIORITY_NORMAL" }, dueOffset: "86400s" },
    { task: { title: "上门拜访", purpose: "", description: "", priority: "PRIORITY_HIGH" }, dueOffset: "604800s" },
  ],
  enabled: true,
};

describe("the playbook's form", () => {
  it("starts with one step on a new key customer", () => {
    expect(playbookOf({ ...newPlaybookValues(), displayName: "新客户欢迎", steps: [{ title: "欢迎电话", dueOffset: { days: 1, hours: 0 } }] })).toEqual({
      displayName: "新客户欢迎",
      description: "",
      trigger: "TRIGGER_NEW_KEY_CUSTOMER",
      conditions: { tiers: [], orgUnit: "" },
      maturityKinds: [],
      steps: [{ task: { title: "欢迎电话", purpose: "", description: "", priority: "PRIORITY_NORMAL" }, dueOffset: "86400s" }],
      enabled: true,
    });
  });

  it("sends maturity kinds only with a maturity trigger, in the API's order", () => {
    const v = { ...newPlaybookValues(), displayName: "到期提醒", maturityKinds: ["KEY_DATE_KIND_WEALTH_MATURITY", "KEY_DATE_KIND_DEPOSIT_MATURITY"] as const };
    expect(playbookOf({ ...v, maturityKinds: [...v.maturityKinds], trigger: "TRIGGER_MATURITY" }).maturityKinds).toEqual([
      "KEY_DATE_KIND_DEPOSIT_MATURITY",
      "KEY_DATE_KIND_WEALTH_MATURITY",
    ]);
    expect(playbookOf({ ...v, maturityKinds: [...v.maturityKinds] }).maturityKinds).toEqual([]);
  });

  it("reads a stored one back and out unchanged, and updates only what changed", () => {
    const v = playbookValues(BOOK);
    expect(v.steps).toHaveLength(2);
    expect(v.steps[1]).toMatchObject({ title: "上门拜访", priority: "PRIORITY_HIGH", dueOffset: { days: 7, hours: 0 } });
    expect(playbookUpdate(BOOK, v).mask).toEqual([]);
    // the steps reordered: `steps` replaced as a whole
    const swapped = playbookUpdate(BOOK, { ...v, steps: [v.steps[1]!, v.steps[0]!], enabled: false });
    expect(swapped.mask).toEqual(["steps", "enabled"]);
    expect(swapped.playbook.steps.map((s) => s.task.title)).toEqual(["上门拜访", "电话问候"]);
    expect(swapped.playbook).toMatchObject({ name: "playbooks/p1", etag: "v1" });
  });
});

describe("the lists", () => {
  it("filter by enabled, the creator and the trigger", () => {
    expect(recurringFilter({})).toBe("");
    expect(recurringFilter({ enabled: true, mine: true })).toBe('enabled = true AND creator = "users/me"');
    expect(recurringFilter({ enabled: false })).toBe("enabled = false");
    expect(playbookFilter({ trigger: "TRIGGER_MATURITY", mine: true })).toBe('trigger = TRIGGER_MATURITY AND creator = "users/me"');
  });

  it("keep the tab and filters in the address, dropping what the API would refuse", () => {
    const f = filtersFromParams(new URLSearchParams("tab=playbooks&enabled=0&mine=1&trigger=TRIGGER_TIER_CHANGED&open=abc"));
    expect(f).toEqual({ tab: "playbooks", enabled: false, mine: true, trigger: "TRIGGER_TIER_CHANGED", open: "abc" });
    expect(filtersToParams(f).toString()).toBe("tab=playbooks&enabled=0&mine=1&trigger=TRIGGER_TIER_CHANGED&open=abc");
    expect(filtersFromParams(new URLSearchParams("tab=x&enabled=yes&trigger=BOOM&open=a/b"))).toEqual({
      tab: undefined,
      enabled: undefined,
      mine: false,
      trigger: undefined,
      open: undefined,
    });
  });

  it("link a task's origin to where it is read", () => {
    expect(originLink("recurringTasks/r1")).toEqual({ kind: "recurring", id: "r1", to: "/tasks/automation?tab=recurring&open=r1" });
    expect(originLink("playbooks/p1")?.to).toBe("/tasks/automation?tab=playbooks&open=p1");
    expect(originLink("campaigns/c9")?.to).toBe("/campaigns/c9");
    expect(originLink("")).toBeUndefined();
    expect(originLink("tasks/1")).toBeUndefined();
  });

  it("let the creator alone edit", () => {
    expect(mayEdit({ creator: "users/a" }, { name: "users/a", permissions: ["tasks.assign"] })).toBe(true);
    expect(mayEdit({ creator: "users/a" }, { name: "users/b", permissions: ["tasks.assign"] })).toBe(false);
    expect(mayEdit({ creator: "users/a" }, { name: "users/a", permissions: ["tasks.read"] })).toBe(false);
  });
});

describe("the API's field violations", () => {
  it("land on the form's fields, a step's on that step", () => {
    expect(formPathOf("recurring_task.schedule.day_of_week", "recurring_task", RECURRING_FIELDS)).toEqual(["dayOfWeek"]);
    expect(formPathOf("recurring_task.task.title", "recurring_task", RECURRING_FIELDS)).toEqual(["title"]);
    expect(formPathOf("recurring_task.assignees[1]", "recurring_task", RECURRING_FIELDS)).toEqual(["assignees"]);
    expect(formPathOf("recurring_task.customer_segment.tiers[0]", "recurring_task", RECURRING_FIELDS)).toEqual(["tiers"]);
    expect(formPathOf("recurring_task.customer_segment", "recurring_task", RECURRING_FIELDS)).toEqual(["whom"]);
    expect(formPathOf("recurring_task.schedule.start_date.year", "recurring_task", RECURRING_FIELDS)).toEqual(["startDate"]);
    expect(formPathOf("recurringTask.dueAfter", "recurring_task", RECURRING_FIELDS)).toEqual(["dueAfter"]);
    expect(formPathOf("playbook.steps[0].due_offset", "playbook", PLAYBOOK_FIELDS)).toEqual(["steps", 0, "dueOffset"]);
    expect(formPathOf("playbook.steps[3].task.title", "playbook", PLAYBOOK_FIELDS)).toEqual(["steps", 3, "title"]);
    expect(formPathOf("playbook.steps[2].task", "playbook", PLAYBOOK_FIELDS)).toEqual(["steps", 2, "title"]);
    expect(formPathOf("playbook.steps", "playbook", PLAYBOOK_FIELDS)).toEqual(["steps"]);
    expect(formPathOf("playbook.maturity_kinds[0]", "playbook", PLAYBOOK_FIELDS)).toEqual(["maturityKinds"]);
    expect(formPathOf("playbook.conditions.tiers[0]", "playbook", PLAYBOOK_FIELDS)).toEqual(["tiers"]);
    expect(formPathOf("playbook.conditions.org_unit", "playbook", PLAYBOOK_FIELDS)).toEqual(["orgUnit"]);
    expect(formPathOf("update_mask", "playbook", PLAYBOOK_FIELDS)).toBeUndefined();
    expect(formPathOf("playbook", "playbook", PLAYBOOK_FIELDS)).toBeUndefined();
  });

  it("are grouped by field, the rest kept for a message", () => {
    const out = violationsOnForm(
      [
        { field: "playbook.maturity_kinds", description: "仅到期触发可指定到期类型" },
        { field: "playbook.maturity_kinds[0]", description: "应为存款、贷款或理财到期" },
        { field: "playbook.steps[1].due_offset", description: "应大于零" },
        { field: "update_mask", description: "不可修改" },
      ],
      "playbook",
      PLAYBOOK_FIELDS,
    );
    expect(out.fields).toEqual([
      { name: ["maturityKinds"], errors: ["仅到期触发可指定到期类型", "应为存款、贷款或理财到期"] },
      { name: ["steps", 1, "dueOffset"], errors: ["应大于零"] },
    ]);
    expect(out.rest).toEqual(["不可修改"]);
  });

  it("put a person or unit out of the saver's subtree on the field that names it", () => {
    const v = { whom: "named" as const, assignees: ["users/rm_zhang"], assigneeOrgUnit: "orgUnits/0101" };
    expect(outOfSubtreeFields(v, "只能分派给本机构及下级机构的人员：张伟 不在您的管辖范围", NAMES)).toEqual(["assignees"]);
    expect(outOfSubtreeFields(v, "只能分派给本机构及下级机构：东城支行 不在您的管辖范围", NAMES)).toEqual(["assigneeOrgUnit"]);
    expect(outOfSubtreeFields(v, "不在您的管辖范围", NAMES)).toEqual(["assignees", "assigneeOrgUnit"]);
    expect(outOfSubtreeFields({ whom: "customers" }, "…", NAMES)).toEqual(["segmentOrgUnit"]);
  });
});
