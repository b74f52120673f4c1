import { describe, expect, it } from "vitest";

import { mayChangeAttachments, mayDeleteAttachment, taskAttachmentIds, uploadsFor } from "./attachments";
import type { Task } from "./logic";

const TASK = { name: "tasks/t1", assigner: "users/bm_wang", assignee: "users/rm_zhang", assigneeDisplayName: "张伟", state: "STATE_IN_PROGRESS" } satisfies Partial<Task>;
const BY_RM = { name: "tasks/t1/attachments/a1", fileName: "纪要.pdf", uploader: "users/rm_zhang" };
const BY_LEADER = { name: "tasks/t1/attachments/a2", fileName: "指示.txt", uploader: "users/leader" };

describe("task attachments", () => {
  it("are added and removed while the task is open, in progress or waiting for review", () => {
    for (const state of ["STATE_OPEN", "STATE_IN_PROGRESS", "STATE_COMPLETED"] as const) expect(mayChangeAttachments({ ...TASK, state })).toBe(true);
    for (const state of ["STATE_CANCELLED", "STATE_ACCEPTED"] as const) expect(mayChangeAttachments({ ...TASK, state })).toBe(false);
  });

  it("are removed by their uploader or the task's assigner only", () => {
    const rm = { name: "users/rm_zhang" };
    const bm = { name: "users/bm_wang" };
    const leader = { name: "users/leader" };
    expect(mayDeleteAttachment(TASK, BY_RM, rm)).toBe(true);
    expect(mayDeleteAttachment(TASK, BY_LEADER, rm)).toBe(false); // the assignee, not the uploader
    expect(mayDeleteAttachment(TASK, BY_RM, bm)).toBe(true); // the assigner, any file
    expect(mayDeleteAttachment(TASK, BY_RM, leader)).toBe(false); // a superior who sees it
    expect(mayDeleteAttachment(TASK, BY_LEADER, leader)).toBe(true);
    expect(mayDeleteAttachment({ ...TASK, state: "STATE_ACCEPTED" }, BY_RM, rm)).toBe(false);
    expect(mayDeleteAttachment(TASK, BY_RM, undefined)).toBe(false);
  });

  it("reads an attachment's ids from its name", () => {
    expect(taskAttachmentIds("tasks/t1/attachments/a1")).toEqual({ task: "t1", attachment: "a1" });
    expect(taskAttachmentIds("announcements/t1/attachments/a1")).toEqual({ task: "", attachment: "" });
    expect(taskAttachmentIds(undefined)).toEqual({ task: "", attachment: "" });
  });

  it("sends every file to every task made, named by whose task it is when there are several", () => {
    const files = [new File(["a"], "a.pdf"), new File(["b"], "b.txt")];
    expect(uploadsFor([TASK], files).map((u) => [u.task, u.label])).toEqual([
      ["tasks/t1", "a.pdf"],
      ["tasks/t1", "b.txt"],
    ]);
    const batch = uploadsFor([TASK, { name: "tasks/t2", assignee: "users/rm_li" }], files);
    expect(batch.map((u) => [u.task, u.file.name, u.label])).toEqual([
      ["tasks/t1", "a.pdf", "a.pdf → 张伟"],
      ["tasks/t1", "b.txt", "b.txt → 张伟"],
      ["tasks/t2", "a.pdf", "a.pdf → users/rm_li"],
      ["tasks/t2", "b.txt", "b.txt → users/rm_li"],
    ]);
    expect(uploadsFor([TASK], [])).toEqual([]);
  });
});
