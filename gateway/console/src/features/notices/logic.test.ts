import { describe, expect, it } from "vitest";

import {
  announcementFilter,
  attachmentIds,
  audienceForm,
  audienceOf,
  htmlToText,
  inboxFilter,
  linkFor,
  readPercent,
  textToHtml,
} from "./logic";

describe("notice logic", () => {
  it("links an item to its subject's page where there is one", () => {
    expect(linkFor("alerts/a1")).toBe("/alerts/a1");
    expect(linkFor("announcements/x9")).toBe("/announcements/x9");
    expect(linkFor("reports/r7")).toBe("/reports/r7");
    expect(linkFor("tasks/t1")).toBe("/tasks/t1");
    expect(linkFor("reportSchedules/s1")).toBe("/reports/schedules");
    expect(linkFor("campaigns/c1")).toBeNull();
    expect(linkFor("")).toBeNull();
    expect(linkFor("alerts")).toBeNull();
  });

  it("filters the inbox and the announcements by tab", () => {
    expect(inboxFilter("unread")).toBe("read = false");
    expect(inboxFilter("all")).toBe("");
    expect(announcementFilter("history")).toBe("state = STATE_EXPIRED");
    expect(announcementFilter("scheduled")).toBe("state = STATE_SCHEDULED");
    expect(announcementFilter("current")).toBe("");
  });

  it("turns the form's audience into the API's and back", () => {
    expect(audienceOf({ kind: "all" })).toEqual({ allUsers: true });
    expect(audienceOf({ kind: "orgUnits", orgUnits: ["orgUnits/0100"] })).toEqual({ orgUnits: ["orgUnits/0100"] });
    expect(audienceOf({ kind: "orgUnits", orgUnits: ["orgUnits/0100"], withSubunits: false })).toEqual({
      orgUnitsOnly: ["orgUnits/0100"],
    });
    expect(audienceOf({ kind: "roles", roles: ["roles/compliance"] })).toEqual({ roles: ["roles/compliance"] });
    for (const form of [
      { kind: "all" as const },
      { kind: "orgUnits" as const, orgUnits: ["orgUnits/1"], withSubunits: true },
      { kind: "orgUnits" as const, orgUnits: ["orgUnits/1"], withSubunits: false },
      { kind: "roles" as const, roles: ["roles/x"] },
      { kind: "users" as const, users: ["users/a"] },
    ]) {
      expect(audienceForm(audienceOf(form))).toEqual(form);
    }
  });

  it("keeps typed text as text, never as markup, and reads it back", () => {
    const typed = "各位同事：\n请于周五前提交。\n\n<b>不是</b>标签 & 符号";
    const html = textToHtml(typed);
    expect(html).toBe("<p>各位同事：<br>请于周五前提交。</p><p>&lt;b&gt;不是&lt;/b&gt;标签 &amp; 符号</p>");
    expect(htmlToText(html)).toBe(typed);
  });

  it("gives the read ratio as a percentage, none for an empty audience", () => {
    expect(readPercent({ readCount: "1", audienceCount: "3" })).toBe(33);
    expect(readPercent({ readCount: "0", audienceCount: "0" })).toBeNull();
  });
});

describe("announcement attachments", () => {
  // the checks, sizes and base64 are lib/attachments (lib/attachments.test.ts), shared with tasks
  it("reads an attachment's ids from its name", () => {
    expect(attachmentIds("announcements/a1/attachments/f2")).toEqual({ announcement: "a1", attachment: "f2" });
    expect(attachmentIds("announcements/a1")).toEqual({ announcement: "", attachment: "" });
  });
});
